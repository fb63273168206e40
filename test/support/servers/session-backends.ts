import type { SessionStoreOptions } from '../../../src/index.js';
import { RedisCluster } from './redis-cluster.js';
import { startTestPostgres, type TestPostgres } from './test-postgres.js';
import { startTestRedis, type TestRedis } from './test-redis.js';

export type SessionBackendKind = 'redis' | 'memory' | 'postgres' | 'redis-cluster';

/** What suites add to a store, the way SESSION_KEY_PREFIX and SESSION_STORE_TIMEOUT_MS do. */
export interface StoreSettings {
  /** Used by the Redis kinds only; memory and PostgreSQL have no prefix (as the env ignores it). */
  keyPrefix?: string;
  timeoutMs?: number;
}

/**
 * A running session backend, and what points an app at it: the environment (the demo) or the
 * `store` option of `SessionModule.forRoot` (the forRoot fixture), which name the same store.
 */
export interface SessionBackend {
  env: Record<string, string | undefined>;
  store(settings?: StoreSettings): SessionStoreOptions;
  /** Set for `redis`, so suites can look at keys. */
  redis?: TestRedis;
  /** Set for `postgres`, so suites can look at rows. */
  postgres?: TestPostgres;
  /** Set for `redis-cluster`. */
  cluster?: RedisCluster;
  close(): Promise<void>;
}

/** Starts what `kind` needs: a private redis-server, a database, a 3-master cluster, or nothing. */
export async function startSessionBackend(kind: SessionBackendKind): Promise<SessionBackend> {
  switch (kind) {
    case 'redis': {
      const redis = await startTestRedis();
      return {
        env: { SESSION_STORE: 'redis', REDIS_URL: redis.url },
        store: (settings = {}) => ({ kind: 'redis', url: redis.url, ...settings }),
        redis,
        close: redis.close,
      };
    }
    case 'postgres': {
      const postgres = await startTestPostgres();
      return {
        env: { SESSION_STORE: 'postgres', DATABASE_URL: postgres.url },
        store: ({ timeoutMs } = {}) => ({ kind: 'postgres', url: postgres.url, timeoutMs }),
        postgres,
        close: postgres.close,
      };
    }
    case 'redis-cluster': {
      const cluster = await RedisCluster.start();
      return {
        env: { SESSION_STORE: 'redis', REDIS_CLUSTER_NODES: cluster.nodes },
        store: (settings = {}) => ({
          kind: 'cluster',
          nodes: cluster.nodes.split(','),
          ...settings,
        }),
        cluster,
        close: () => cluster.stop(),
      };
    }
    case 'memory':
      return {
        env: { SESSION_STORE: 'memory' },
        store: ({ timeoutMs } = {}) => ({ kind: 'memory', timeoutMs }),
        close: () => Promise.resolve(),
      };
  }
}
