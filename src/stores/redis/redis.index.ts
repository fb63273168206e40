import type { RedisClientType, RedisClusterType } from 'redis';
import type { SessionIndex } from '../../core/session-backend.interface.js';

/**
 * One sorted set per user, `<prefix>user:{<userId>}`: each member is a session id, scored with
 * the time after which that session cannot be alive any more (sign-in + absolute timeout), in
 * whole seconds, which Redis keeps as a 4-byte integer where milliseconds would take 8.
 * - Every add first drops the members past that time, so the set never collects dead ids, even
 *   for a user who never lists their sessions.
 * - A sorted set this small is stored as a compact listpack on Redis 7.0, where a plain set of
 *   strings is a hash table: about 100 bytes less per user.
 * Every command names that one key, so the index works unchanged on Redis Cluster; the braces are
 * a hash tag, which keeps a user's set in one slot should a later change need a multi-key command.
 */
export class RedisSessionIndex implements SessionIndex {
  constructor(
    private readonly client: RedisClientType | RedisClusterType,
    private readonly prefix: string,
    /** No session lasts longer than this (the absolute timeout): the life of each entry. */
    private readonly ttlSeconds: number,
  ) {}

  private keyOf(userId: string): string {
    return `${this.prefix}user:{${userId}}`;
  }

  async add(userId: string, sessionId: string): Promise<void> {
    const key = this.keyOf(userId);
    const now = nowSeconds();
    await this.client
      .multi()
      .zRemRangeByScore(key, '-inf', now)
      .zAdd(key, { score: now + this.ttlSeconds, value: sessionId })
      // The newest entry lives longest, so the key lives exactly as long as it.
      .expire(key, this.ttlSeconds)
      .exec();
  }

  async remove(userId: string, ...sessionIds: string[]): Promise<void> {
    if (sessionIds.length === 0) return;
    await this.client.zRem(this.keyOf(userId), sessionIds);
  }

  /** The ids whose time is not up; a caller still checks each in the store (idle timeout). */
  members(userId: string): Promise<string[]> {
    return this.client.zRange(this.keyOf(userId), nowSeconds(), '+inf', { BY: 'SCORE' });
  }
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
