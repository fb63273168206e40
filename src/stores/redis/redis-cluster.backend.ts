// stores/redis/ — Redis and Redis Cluster backends (connect-redis on node-redis), loaded only when chosen.
import { createCluster, type RedisClusterType } from 'redis';
import type { SessionBackend } from '../../core/session-backend.interface.js';
import type { ResolvedSessionOptions } from '../../core/options/session-options.resolver.js';
import { BackgroundRetry, reconnectDelay } from '../background-retry.js';
import type { ResolvedStoreOf } from '../../core/options/resolved-session-options.js';
import { logOutages, redisBackend, redisKeys } from './redis.backend.js';

const CLUSTER_SLOTS = 16384;

/**
 * Sessions on a Redis Cluster. Each session is one key, `<prefix><session id>`, so keys spread
 * over all masters by their random ids, and every command the backend sends (GET, SET … XX,
 * EXPIRE, DEL) names a single key, which a cluster always accepts.
 *
 * Keys that one multi-key command or MULTI must touch together have to share a hash slot: give
 * them the same hash tag, e.g. a per-user index `sess:user:{user-42}` and anything updated with
 * it in one transaction. Session keys themselves must not get one (a `{tag}` in the prefix would
 * put every session on one master), so work on several sessions one key at a time.
 */
export function createRedisClusterBackend(
  options: ResolvedSessionOptions,
): Promise<SessionBackend> {
  const store = options.store as ResolvedStoreOf<'cluster'>;
  const tls = store.tls;
  const cluster = createCluster({
    rootNodes: store.nodes.map((node) => ({
      url: `${tls ? 'rediss' : 'redis'}://${node}`,
    })),
    // The same fail-fast settings as the single client, for every node client the cluster opens.
    defaults: {
      username: store.username,
      password: store.password,
      disableOfflineQueue: true,
      socket: {
        connectTimeout: store.timeoutMs,
        reconnectStrategy: reconnectDelay,
        ...(tls ? { tls: true as const } : {}),
      },
    },
  }) as RedisClusterType;
  // Discovery failures come as 'error' (which would crash the process if unheard), node failures
  // as 'node-error'.
  logOutages(cluster, 'error', 'connect', 'Redis Cluster session store');
  logOutages(cluster, 'node-error', 'node-ready', 'A Redis Cluster node');

  // Unlike a single client, a cluster whose first discovery fails stays closed: retry it here.
  const connector = new BackgroundRetry(() => connectWhole(cluster));
  return Promise.resolve(
    redisBackend(cluster, redisKeys(options), {
      kind: 'redis-cluster',
      ready: () => connector.finished,
      ping: () => everyMasterAnswers(cluster),
      async close() {
        connector.stop();
        if (cluster.isOpen) await cluster.close();
        else cluster.destroy();
      },
    }),
  );
}

/**
 * Connects, and insists on a slot map that covers every slot. A cluster still being formed, or
 * missing a master, answers with a partial map, and node-redis then fails every command for an
 * unmapped slot ("Cannot read properties of undefined") until something makes it rediscover.
 */
async function connectWhole(cluster: RedisClusterType): Promise<void> {
  await cluster.connect();
  if (!coversEverySlot(cluster)) {
    cluster.destroy();
    throw new Error('the cluster does not serve all its hash slots yet');
  }
}

function coversEverySlot(cluster: RedisClusterType): boolean {
  const slots = cluster.slots;
  for (let slot = 0; slot < CLUSTER_SLOTS; slot++) if (!slots[slot]) return false;
  return true;
}

async function everyMasterAnswers(cluster: RedisClusterType): Promise<boolean> {
  if (!cluster.isOpen || !coversEverySlot(cluster)) return false;
  try {
    const replies = await Promise.all(
      cluster.masters.map(async (master) => (await cluster.nodeClient(master)).ping()),
    );
    return replies.every((reply) => reply === 'PONG');
  } catch {
    return false;
  }
}
