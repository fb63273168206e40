import type { RedisClientType } from 'redis';
import type { SessionIndex } from './session-index.interface.js';

/**
 * One Redis set per user: `<prefix>user:{<userId>}`. Every command names that one key, so the
 * index works unchanged on Redis Cluster; the braces are a hash tag, which keeps a user's set
 * in one slot should a later change need a multi-key command on it.
 */
export class RedisSessionIndex implements SessionIndex {
  constructor(
    private readonly client: RedisClientType,
    private readonly prefix: string,
    /** The set outlives every member: no session lasts longer than the absolute timeout. */
    private readonly ttlSeconds: number,
  ) {}

  keyOf(userId: string): string {
    return `${this.prefix}user:{${userId}}`;
  }

  async add(userId: string, sessionId: string): Promise<void> {
    const key = this.keyOf(userId);
    await this.client.multi().sAdd(key, sessionId).expire(key, this.ttlSeconds).exec();
  }

  async remove(userId: string, ...sessionIds: string[]): Promise<void> {
    if (sessionIds.length > 0) await this.client.sRem(this.keyOf(userId), sessionIds);
  }

  members(userId: string): Promise<string[]> {
    return this.client.sMembers(this.keyOf(userId));
  }
}
