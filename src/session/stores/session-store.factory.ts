import type { ResolvedSessionOptions } from '../session-options.resolver.js';
import { createMemoryStoreAdapter } from './memory.store.js';
import { createRedisStoreAdapter } from './redis.store.js';
import type { SessionStoreAdapter } from './session-store.interface.js';

/** Picks and builds the store named by `options.store`. */
export async function createSessionStoreAdapter(
  options: ResolvedSessionOptions,
): Promise<SessionStoreAdapter> {
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
      );
    case 'memory':
      return createMemoryStoreAdapter(options.memoryStoreMax, options.idleTimeoutSeconds);
    default:
      throw new Error(`SessionModule: SESSION_STORE=${options.store} is not supported yet`);
  }
}
