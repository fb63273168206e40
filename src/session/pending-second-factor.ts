import type { SessionData } from 'express-session';

/** Where a session stands with the second factor: no sign-in waiting, waiting, or waited too long. */
export type PendingSecondFactorState = 'none' | 'pending' | 'expired';

/**
 * Whether the session waits for a second factor (`pending_second_factor`) and is still within
 * `pendingSeconds` of its password step. The guard, `/auth/me` and `POST /auth/second-factor`
 * read it here, so they agree on when the wait ends.
 */
export function pendingSecondFactorState(
  session: Partial<SessionData> | undefined,
  pendingSeconds: number,
  now = Date.now(),
): PendingSecondFactorState {
  const pending = session?.pendingSecondFactor;
  if (!pending || session?.profile) return 'none';
  return now - pending.startedAt <= pendingSeconds * 1000 ? 'pending' : 'expired';
}
