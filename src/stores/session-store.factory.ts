import type { ResolvedSessionOptions } from '../core/options/session-options.resolver.js';
import { createMemoryStoreAdapter } from './memory/memory.store.js';
import { createPostgresStoreAdapter } from './postgres/postgres.store.js';
import { createRedisClusterStoreAdapter } from './redis/redis-cluster.store.js';
import { createRedisStoreAdapter, type RedisSessionSettings } from './redis/redis.store.js';
import { compactSessionSerializer } from './compact-session.serializer.js';
import { sessionCookieOptions } from '../core/http/session-cookie.js';
import type { SessionStoreAdapter } from './session-store.interface.js';
import { throttleTouch } from './touch-throttle.js';

/** Picks and builds the store named by `options.store`, with its touches throttled. */
export async function createSessionStoreAdapter(
  options: ResolvedSessionOptions,
): Promise<SessionStoreAdapter> {
  const adapter = await buildAdapter(options);
  throttleTouch(adapter.store, options.touchIntervalMs);
  return adapter;
}

async function buildAdapter(options: ResolvedSessionOptions): Promise<SessionStoreAdapter> {
  const timeouts = {
    commandTimeoutMs: options.storeTimeoutMs,
    connectTimeoutMs: options.storeTimeoutMs,
  };
  switch (options.store) {
    case 'redis':
      if (options.redisClusterNodes.length > 0) {
        return createRedisClusterStoreAdapter(
          {
            nodes: options.redisClusterNodes,
            ...options.redisClusterAuth,
            tls: options.redisClusterTls,
            ...timeouts,
          },
          redisSettings(options),
        );
      }
      return createRedisStoreAdapter(
        { url: options.redisUrl!, ...timeouts },
        redisSettings(options),
      );
    case 'postgres':
      return createPostgresStoreAdapter(
        {
          url: options.databaseUrl!,
          timeoutMs: options.storeTimeoutMs,
          pruneIntervalSeconds: options.pruneIntervalSeconds,
        },
        options.idleTimeoutSeconds,
      );
    case 'memory':
      return createMemoryStoreAdapter(options.memoryStoreMax, options.idleTimeoutSeconds);
  }
}

function redisSettings(options: ResolvedSessionOptions): RedisSessionSettings {
  return {
    prefix: options.keyPrefix,
    ttlSeconds: options.idleTimeoutSeconds,
    indexTtlSeconds: options.absoluteTimeoutSeconds,
    serializer: compactSessionSerializer(sessionCookieOptions(options)),
  };
}
