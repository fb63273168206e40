import type { ResolvedSessionOptions } from '../core/options/session-options.resolver.js';
import { createMemoryStoreAdapter } from './memory/memory.store.js';
import { createPostgresStoreAdapter } from './postgres/postgres.store.js';
import { createRedisClusterStoreAdapter } from './redis/redis-cluster.store.js';
import { createRedisStoreAdapter, type RedisSessionSettings } from './redis/redis.store.js';
import { compactSessionSerializer } from './compact-session.serializer.js';
import { sessionCookieOptions } from '../core/http/session-cookie.js';
import type { SessionStoreAdapter } from './session-store.interface.js';
import { throttleTouch } from './touch-throttle.js';

/** Builds the store `options.store` describes, with its touches throttled. */
export async function createSessionStoreAdapter(
  options: ResolvedSessionOptions,
): Promise<SessionStoreAdapter> {
  const adapter = await buildAdapter(options);
  throttleTouch(adapter.store, options.timeouts.touchIntervalMs);
  return adapter;
}

async function buildAdapter(options: ResolvedSessionOptions): Promise<SessionStoreAdapter> {
  const store = options.store;
  const timeouts = { commandTimeoutMs: store.timeoutMs, connectTimeoutMs: store.timeoutMs };
  switch (store.kind) {
    case 'cluster':
      return createRedisClusterStoreAdapter(
        {
          nodes: store.nodes,
          username: store.username,
          password: store.password,
          tls: store.tls,
          ...timeouts,
        },
        redisSettings(options, store.keyPrefix),
      );
    case 'redis':
      return createRedisStoreAdapter(
        { url: store.url, ...timeouts },
        redisSettings(options, store.keyPrefix),
      );
    case 'postgres':
      return createPostgresStoreAdapter(
        {
          url: store.url,
          timeoutMs: store.timeoutMs,
          pruneIntervalSeconds: store.pruneIntervalSeconds,
        },
        options.timeouts.idleSeconds,
      );
    case 'memory':
      return createMemoryStoreAdapter(store.max, options.timeouts.idleSeconds);
    case 'custom':
      return store.backend;
  }
}

function redisSettings(options: ResolvedSessionOptions, prefix: string): RedisSessionSettings {
  return {
    prefix,
    ttlSeconds: options.timeouts.idleSeconds,
    indexTtlSeconds: options.timeouts.absoluteSeconds,
    serializer: compactSessionSerializer(sessionCookieOptions(options)),
  };
}
