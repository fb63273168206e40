import type { ResolvedSessionOptions } from '../session-options.resolver.js';
import { createMemoryStoreAdapter } from './memory.store.js';
import { createRedisStoreAdapter } from './redis.store.js';
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

function buildAdapter(options: ResolvedSessionOptions): Promise<SessionStoreAdapter> {
  switch (options.store) {
    case 'redis':
      return createRedisStoreAdapter(
        {
          url: options.redisUrl!,
          commandTimeoutMs: options.storeTimeoutMs,
          connectTimeoutMs: options.storeTimeoutMs,
        },
        options.keyPrefix,
        options.idleTimeoutSeconds,
        options.absoluteTimeoutSeconds,
      );
    case 'memory':
      return Promise.resolve(
        createMemoryStoreAdapter(options.memoryStoreMax, options.idleTimeoutSeconds),
      );
    default:
      return Promise.reject(
        new Error(`SessionModule: SESSION_STORE=${options.store} is not supported yet`),
      );
  }
}
