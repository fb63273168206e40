import { RateLimiterRedis, RLWrapperTimeouts } from 'rate-limiter-flexible';
import type { RedisClientType, RedisClusterType } from 'redis';
import { RedisSessionIndex } from './redis.index.js';
import type { SessionStoreAdapter } from '../session-store.interface.js';

/**
 * What a Redis client (single server or cluster) adds to the session store: the per-user session
 * index and login counters shared by every instance. Both send single-key commands only, so they
 * work the same on Redis Cluster, and both are bounded by the store timeout, so a stalled Redis
 * makes a request 503 instead of hanging it.
 */
export function redisSessionExtras(
  client: RedisClientType | RedisClusterType,
  prefix: string,
  indexTtlSeconds: number,
  timeoutMs: number,
): Pick<SessionStoreAdapter, 'index' | 'createRateLimiter'> {
  return {
    index: new RedisSessionIndex(client, prefix, indexTtlSeconds, timeoutMs),
    createRateLimiter: (spec) =>
      new RLWrapperTimeouts({
        limiter: new RateLimiterRedis({
          ...spec,
          keyPrefix: prefix + spec.keyPrefix,
          storeClient: client,
          useRedisPackage: true,
        }),
        timeoutMs,
      }),
  };
}
