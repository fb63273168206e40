import type { RedisClientType, RedisClusterType } from 'redis';
import type { SessionIndex } from './session-index.interface.js';
import { withTimeout } from './store-timeout.js';

/**
 * One Redis set per user: `<prefix>user:{<userId>}`. Every command names that one key, so the
 * index works unchanged on Redis Cluster; the braces are a hash tag, which keeps a user's set
 * in one slot should a later change need a multi-key command on it.
 */
export class RedisSessionIndex implements SessionIndex {
  constructor(
    private readonly client: RedisClientType | RedisClusterType,
    private readonly prefix: string,
    /** The set outlives every member: no session lasts longer than the absolute timeout. */
    private readonly ttlSeconds: number,
    /** Bound on each call, like the store's own (see store-timeout.ts). */
    private readonly timeoutMs: number,
  ) {}

  keyOf(userId: string): string {
    return `${this.prefix}user:{${userId}}`;
  }

  async add(userId: string, sessionId: string): Promise<void> {
    const key = this.keyOf(userId);
    const add = this.client.multi().sAdd(key, sessionId).expire(key, this.ttlSeconds).exec();
    await withTimeout(add, this.timeoutMs);
  }

  async remove(userId: string, ...sessionIds: string[]): Promise<void> {
    if (sessionIds.length === 0) return;
    await withTimeout(this.client.sRem(this.keyOf(userId), sessionIds), this.timeoutMs);
  }

  members(userId: string): Promise<string[]> {
    return withTimeout(this.client.sMembers(this.keyOf(userId)), this.timeoutMs);
  }
}
