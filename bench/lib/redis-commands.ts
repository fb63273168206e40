import type { createClient } from 'redis';

type Redis = ReturnType<typeof createClient>;

/** Calls per command name (`get`, `set`, `expire`, `client|setinfo`, …) since Redis started. */
export type CommandCounts = Record<string, number>;

/** Reads `INFO commandstats`: one `cmdstat_<name>:calls=<n>,usec=…` line per command used. */
export async function commandCounts(redis: Redis): Promise<CommandCounts> {
  const info = await redis.info('commandstats');
  const counts: CommandCounts = {};
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    counts[match[1]] = Number(match[2]);
  }
  return counts;
}

/**
 * The commands sent between two readings, without the bench's own `INFO`s. The servers share
 * the bench's private Redis, but only one is under load at a time, so over a load run the
 * counts are that server's (plus any background work of the idle ones, which `bare` shows).
 */
export function commandsBetween(before: CommandCounts, after: CommandCounts): CommandCounts {
  const delta: CommandCounts = {};
  for (const [name, calls] of Object.entries(after)) {
    const sent = calls - (before[name] ?? 0);
    if (name !== 'info' && sent > 0) delta[name] = sent;
  }
  return delta;
}

export function addCommands(total: CommandCounts, more: CommandCounts): CommandCounts {
  const sum = { ...total };
  for (const [name, calls] of Object.entries(more)) sum[name] = (sum[name] ?? 0) + calls;
  return sum;
}

export function totalCommands(counts: CommandCounts): number {
  return Object.values(counts).reduce((sum, calls) => sum + calls, 0);
}
