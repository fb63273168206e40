import type { RedisClientType, RedisClusterType } from 'redis';
import type { SessionIndex, SessionIndexEntry } from '../../core/session-backend.interface.js';

/**
 * One sorted set per user, `<prefix>user:{<userId>}`: each member is a session id, scored with
 * the time after which that session cannot be alive any more, in whole seconds (Redis keeps them
 * as 4-byte integers where milliseconds would take 8). At sign-in that is the idle deadline; each
 * extension of the session moves it to the new idle deadline (`touch`), never past sign-in + the
 * absolute timeout.
 * - Every add first drops the members past their time, so the set never collects the ids of
 *   sessions that idled out or ended, even for a user who never lists their sessions.
 * - The score also tells an entry's age (deadline − idle timeout), so a listing can leave young
 *   entries alone (see SessionIndex).
 * - A sorted set this small is stored as a compact listpack on Redis 7.0, where a plain set of
 *   strings is a hash table: about 100 bytes less per user.
 * Every command names that one key, so the index works unchanged on Redis Cluster; the braces are
 * a hash tag, which keeps a user's set in one slot with their credential version
 * (`<prefix>cv:{<userId>}`).
 */
export class RedisSessionIndex implements SessionIndex {
  /** Seconds from an entry's last write to its deadline. */
  private readonly spanSeconds: number;

  constructor(
    private readonly client: RedisClientType | RedisClusterType,
    private readonly prefix: string,
    timeouts: { idleTimeoutSeconds: number; absoluteTimeoutSeconds: number },
    /** No session lasts longer than this: the life of the whole set. */
    private readonly ttlSeconds = timeouts.absoluteTimeoutSeconds,
  ) {
    this.spanSeconds = Math.min(timeouts.idleTimeoutSeconds, timeouts.absoluteTimeoutSeconds);
  }

  private keyOf(userId: string): string {
    return `${this.prefix}user:{${userId}}`;
  }

  async add(userId: string, sessionId: string): Promise<void> {
    const key = this.keyOf(userId);
    const now = Date.now() / 1000;
    await this.client
      .multi()
      .zRemRangeByScore(key, '-inf', Math.floor(now))
      // Rounded up: the age read back from it errs on the young side (see SessionIndex).
      .zAdd(key, { score: Math.ceil(now + this.spanSeconds), value: sessionId })
      // The newest entry lives longest, so the key lives exactly as long as it.
      .expire(key, this.ttlSeconds)
      .exec();
  }

  async remove(userId: string, ...sessionIds: string[]): Promise<void> {
    if (sessionIds.length === 0) return;
    await this.client.zRem(this.keyOf(userId), sessionIds);
  }

  /** The ids whose time is not up; a caller still checks each in the store. */
  members(userId: string): Promise<string[]> {
    return this.client.zRange(this.keyOf(userId), nowSeconds(), '+inf', { BY: 'SCORE' });
  }

  async entries(userId: string): Promise<SessionIndexEntry[]> {
    const scored = await this.client.zRangeWithScores(this.keyOf(userId), nowSeconds(), '+inf', {
      BY: 'SCORE',
    });
    return scored.map(({ value, score }) => ({
      sessionId: value,
      writtenAt: (score - this.spanSeconds) * 1000,
    }));
  }

  /** XX: never re-adds an entry a revocation removed; GT: never moves a deadline back. */
  async touch(userId: string, sessionId: string, expiresAt: number): Promise<void> {
    await this.client.zAdd(
      this.keyOf(userId),
      { score: Math.ceil(expiresAt / 1000), value: sessionId },
      { condition: 'XX', comparison: 'GT' },
    );
  }
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
