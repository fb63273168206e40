/**
 * Resolves once the wall clock has reached `epochMs`. For checks that a deadline has passed:
 * a single check made after the deadline is deterministic, where a poll with a time budget can
 * run out before its first check past the deadline on a busy machine.
 */
export async function untilTime(epochMs: number): Promise<void> {
  for (let left = epochMs - Date.now(); left > 0; left = epochMs - Date.now()) {
    await new Promise((resolve) => setTimeout(resolve, left));
  }
}

/**
 * Slack past a deadline for the store's own clock: Redis keeps expiries in milliseconds and
 * drops a key once its time is strictly past, and the embedded store's LRU rounds to 1 ms.
 */
export const CLOCK_SLACK_MS = 50;
