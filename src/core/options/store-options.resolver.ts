import { SessionSetupError } from '../errors/session-setup.error.js';
import type { SessionBackend } from '../session-backend.interface.js';
import type { SessionModuleOptions, SessionStoreKind } from './session-options.interface.js';

/** Where sessions live and how to reach it, with defaults filled in. */
export interface ResolvedStoreOptions {
  /** `custom` when the app passed its own `storeBackend`. */
  store: SessionStoreKind | 'custom';
  storeBackend?: SessionBackend;
  redisUrl?: string;
  /** Empty unless the `redis` store runs on a Redis Cluster. */
  redisClusterNodes: string[];
  /** Credentials for every cluster node, when the cluster asks for them. */
  redisClusterAuth: { username?: string; password?: string };
  /** Whether the cluster nodes are reached over TLS. */
  redisClusterTls: boolean;
  databaseUrl?: string;
  pruneIntervalSeconds: number;
  keyPrefix: string;
}

/** Picks the store and refuses combinations that cannot work, or lose sessions in production. */
export function resolveStoreOptions(
  options: SessionModuleOptions,
  production: boolean,
): ResolvedStoreOptions {
  const redisClusterNodes = clusterNodes(options.redisClusterNodes);
  const keyPrefix = options.keyPrefix ?? 'sess:';
  const store = options.storeBackend
    ? 'custom'
    : (options.store ?? (options.redisUrl || redisClusterNodes.length > 0 ? 'redis' : 'memory'));
  if (options.storeBackend && options.store) {
    throw new SessionSetupError('set store or storeBackend, not both');
  }
  if (store === 'redis') assertRedisReachable(options.redisUrl, redisClusterNodes, keyPrefix);
  if (store === 'postgres' && !options.databaseUrl) {
    throw new SessionSetupError(
      'SESSION_STORE=postgres needs DATABASE_URL, e.g. ' +
        'DATABASE_URL=postgres://app:secret@127.0.0.1:5432/app',
    );
  }
  if (production && store === 'memory') {
    throw new SessionSetupError(
      'NODE_ENV=production refuses the in-process memory store: it loses every session on ' +
        'restart and is not shared between instances. Set REDIS_URL=redis://host:6379 ' +
        '(or SESSION_STORE=postgres with DATABASE_URL).',
    );
  }
  if (options.redisClusterUsername && !options.redisClusterPassword) {
    throw new SessionSetupError(
      'REDIS_CLUSTER_USERNAME needs REDIS_CLUSTER_PASSWORD: Redis authenticates an ACL user ' +
        'with both',
    );
  }
  const pruneIntervalSeconds = options.pruneIntervalSeconds ?? 900;
  if (!Number.isInteger(pruneIntervalSeconds) || pruneIntervalSeconds <= 0) {
    throw new SessionSetupError(
      `pruneIntervalSeconds must be a positive whole number, got ${pruneIntervalSeconds}`,
    );
  }
  return {
    store,
    storeBackend: options.storeBackend,
    redisUrl: options.redisUrl || undefined,
    redisClusterNodes,
    redisClusterAuth: {
      username: options.redisClusterUsername || undefined,
      password: options.redisClusterPassword || undefined,
    },
    redisClusterTls: options.redisClusterTls ?? false,
    databaseUrl: options.databaseUrl || undefined,
    pruneIntervalSeconds,
    keyPrefix,
  };
}

function assertRedisReachable(
  redisUrl: string | undefined,
  clusterNodes: string[],
  keyPrefix: string,
): void {
  if (!redisUrl && clusterNodes.length === 0) {
    throw new SessionSetupError(
      'SESSION_STORE=redis needs REDIS_URL, e.g. REDIS_URL=redis://127.0.0.1:6379 ' +
        '(or REDIS_CLUSTER_NODES=host1:6379,host2:6379 for a Redis Cluster)',
    );
  }
  if (redisUrl && clusterNodes.length > 0) {
    throw new SessionSetupError(
      'set REDIS_URL for one Redis or REDIS_CLUSTER_NODES for a Redis Cluster, not both',
    );
  }
  // A {hash tag} in the prefix maps every session key to the same slot, so to one master.
  if (clusterNodes.length > 0 && /\{.*\}/.test(keyPrefix)) {
    throw new SessionSetupError(
      `SESSION_KEY_PREFIX=${keyPrefix} holds a {hash tag}: on a Redis Cluster every session ` +
        'would land on one master. Use a prefix without braces, e.g. sess:',
    );
  }
}

/** Trimmed `host:port` entries; a bracketed IPv6 host such as `[::1]:7000` is fine. */
function clusterNodes(nodes: string[] | undefined): string[] {
  const list = (nodes ?? []).map((n) => n.trim()).filter((n) => n.length > 0);
  for (const node of list) {
    const port = Number(/^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(node)?.[1]);
    if (!(port >= 1 && port <= 65535)) {
      throw new SessionSetupError(
        `REDIS_CLUSTER_NODES entry "${node}" is not host:port, e.g. 10.0.0.5:6379`,
      );
    }
  }
  return list;
}
