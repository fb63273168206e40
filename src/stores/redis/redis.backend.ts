import { Logger } from '@nestjs/common';
import { RedisStore } from 'connect-redis';
import type { SessionData } from 'express-session';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { createClient, type RedisClientType, type RedisClusterType } from 'redis';
import type { SessionBackend } from '../../core/session-backend.interface.js';
import type { ResolvedSessionOptions } from '../../core/options/session-options.resolver.js';
import type { ResolvedStoreOf } from '../../core/options/resolved-session-options.js';
import { reconnectDelay } from '../background-retry.js';
import { reconnectOnFalseReady } from './false-ready.guard.js';
import { RedisSessionIndex } from './redis.index.js';

/** The connection-specific part of a Redis backend: startup, health and shutdown. */
type RedisLifecycle = Pick<SessionBackend, 'kind' | 'ready' | 'ping' | 'close'>;

/**
 * Sessions in one Redis. Each session is one key, `<prefix><session id>`, holding the serialized
 * session with the idle timeout as its TTL. connect-redis reads, creates (a plain SET) and
 * deletes it; an update is `SET … XX`, which writes only if the key still exists, so it never
 * creates.
 */
export function createRedisBackend(options: ResolvedSessionOptions): Promise<SessionBackend> {
  const store = options.store as ResolvedStoreOf<'redis'>;
  const client = createClient({
    url: store.url,
    // Fail fast while disconnected instead of queueing requests until Redis returns (the hangs
    // reported in connect-redis #373 and #400).
    disableOfflineQueue: true,
    socket: { connectTimeout: store.timeoutMs, reconnectStrategy: reconnectDelay },
  }) as RedisClientType;
  logOutages(client, 'error', 'ready', 'Redis session store');
  reconnectOnFalseReady(client, () =>
    new Logger('SessionModule').error('Redis session store: reconnecting failed'),
  );
  // The client keeps reconnecting on its own; the Store only waits for the first connection.
  const connected = client.connect();
  connected.catch(() => undefined);

  return Promise.resolve(
    redisBackend(client, redisKeys(options), {
      kind: 'redis',
      ready: async () => {
        await connected;
      },
      ping: async () => client.isReady && (await client.ping()) === 'PONG',
      async close() {
        if (client.isOpen) await client.close();
        else client.destroy();
      },
    }),
  );
}

/** How keys are named and how long an index entry may live. */
export interface RedisKeys {
  keyPrefix: string;
  idleTimeoutSeconds: number;
  absoluteTimeoutSeconds: number;
}

export function redisKeys(options: ResolvedSessionOptions): RedisKeys {
  const store = options.store as ResolvedStoreOf<'redis' | 'cluster'>;
  return {
    keyPrefix: store.keyPrefix,
    idleTimeoutSeconds: options.timeouts.idleSeconds,
    absoluteTimeoutSeconds: options.timeouts.absoluteSeconds,
  };
}

/**
 * The commands a session backend sends, the same on one Redis and on a Cluster: each names a
 * single key, which a cluster always accepts. The per-user index and the login counters live in
 * the same Redis, so every instance sees them.
 */
export function redisBackend(
  client: RedisClientType | RedisClusterType,
  options: RedisKeys,
  lifecycle: RedisLifecycle,
): SessionBackend {
  const prefix = options.keyPrefix;
  // The Store has serialized the session already, so connect-redis stores the text as it is, and
  // each call brings its TTL: the key holds the same bytes as a plain SET would write.
  const redisStore = new RedisStore({
    client,
    prefix,
    serializer: {
      stringify: (entry) => entryOf(entry).value,
      parse: (raw) => raw as unknown as SessionData,
    },
    ttl: (entry) => entryOf(entry).ttlSeconds,
  });
  // The same hash tag as the user's index key, so both sit in one slot on a cluster.
  const versionKey = (userId: string) => `${prefix}cv:{${userId}}`;
  return {
    ...lifecycle,
    index: new RedisSessionIndex(client, prefix, options),
    get: async (sid) => ((await redisStore.get(sid)) as string | null) ?? null,
    // One MGET on a single Redis. On a cluster the session keys spread over slots, which one
    // MGET cannot span; the GETs are sent together and pipelined per node.
    getMany: (sids) =>
      lifecycle.kind === 'redis'
        ? client.mGet(sids.map((sid) => prefix + sid))
        : Promise.all(sids.map((sid) => client.get(prefix + sid))),
    async credentialVersion(userId) {
      return Number((await client.get(versionKey(userId))) ?? 0);
    },
    // No TTL: a version that expired would read 0 again and let older sessions through.
    bumpCredentialVersion: (userId) => client.incr(versionKey(userId)),
    async create(sid, value, ttlSeconds) {
      await redisStore.set(sid, asSession({ value, ttlSeconds }));
    },
    // connect-redis has no write that leaves a missing key missing, so this one is ours.
    async update(sid, value, ttlSeconds) {
      const reply = await client.set(prefix + sid, value, {
        expiration: { type: 'EX', value: ttlSeconds },
        condition: 'XX',
      });
      return reply === 'OK';
    },
    // One script, which Redis runs without interleaving; it names one key, so a cluster takes it.
    async swap(sid, expected, value, ttlSeconds) {
      const reply = await client.eval(SWAP_SCRIPT, {
        keys: [prefix + sid],
        arguments: [expected ?? '', expected === null ? '1' : '0', value, String(ttlSeconds)],
      });
      return reply === 1;
    },
    async destroy(sid) {
      await redisStore.destroy(sid);
    },
    createRateLimiter: (spec) =>
      new RateLimiterRedis({
        ...spec,
        keyPrefix: prefix + spec.keyPrefix,
        storeClient: client,
        useRedisPackage: true,
      }),
  };
}

/** Writes ARGV[3] with a TTL of ARGV[4] s if the key holds ARGV[1] (or, with ARGV[2] = 1, none). */
const SWAP_SCRIPT = `
local current = redis.call('GET', KEYS[1])
if ARGV[2] == '1' then
  if current then return 0 end
elseif current ~= ARGV[1] then
  return 0
end
redis.call('SET', KEYS[1], ARGV[3], 'EX', tonumber(ARGV[4]))
return 1`;

/** What this backend hands connect-redis where it expects a session: the text and its TTL. */
interface RedisEntry {
  value: string;
  ttlSeconds: number;
}

const asSession = (entry: RedisEntry) => entry as unknown as SessionData;
const entryOf = (session: SessionData) => session as unknown as RedisEntry;

/**
 * Logs one line when the store becomes unreachable and one when it is back, not one per retry.
 * Only the driver's message is logged: the URL may hold a password.
 */
export function logOutages(
  emitter: { on(event: string, listener: (err?: Error) => void): unknown },
  errorEvent: string,
  readyEvent: string,
  label: string,
): void {
  const logger = new Logger('SessionModule');
  let down = false;
  emitter.on(errorEvent, (err?: Error) => {
    if (!down) logger.error(`${label} unreachable: ${err?.message ?? 'unknown error'}`);
    down = true;
  });
  emitter.on(readyEvent, () => {
    if (down) logger.log(`${label} reachable again`);
    down = false;
  });
}
