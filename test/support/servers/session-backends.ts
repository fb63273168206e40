import { RedisCluster } from './redis-cluster.js';
import { startTestPostgres, type TestPostgres } from './test-postgres.js';
import { startTestRedis, type TestRedis } from './test-redis.js';

export type SessionBackendKind = 'redis' | 'memory' | 'postgres' | 'redis-cluster';

/** A running session backend and the environment that points the app at it. */
export interface SessionBackend {
  env: Record<string, string | undefined>;
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
      return { env: { SESSION_STORE: 'redis', REDIS_URL: redis.url }, redis, close: redis.close };
    }
    case 'postgres': {
      const postgres = await startTestPostgres();
      return {
        env: { SESSION_STORE: 'postgres', DATABASE_URL: postgres.url },
        postgres,
        close: postgres.close,
      };
    }
    case 'redis-cluster': {
      const cluster = await RedisCluster.start();
      return {
        env: { SESSION_STORE: 'redis', REDIS_CLUSTER_NODES: cluster.nodes },
        cluster,
        close: () => cluster.stop(),
      };
    }
    case 'memory':
      return { env: { SESSION_STORE: 'memory' }, close: () => Promise.resolve() };
  }
}
