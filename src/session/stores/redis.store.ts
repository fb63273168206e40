import { Logger } from '@nestjs/common';
import { RedisStore } from 'connect-redis';
import type { SessionData } from 'express-session';
import { createClient, type RedisClientType, type RedisClusterType } from 'redis';
import { reconnectDelay } from './background-retry.js';
import { reconnectOnFalseReady } from './false-ready.guard.js';
import type { SessionSerializer } from './compact-session.serializer.js';
import { forgetFreshSession, isFreshSession } from './fresh-sessions.js';
import { redisSessionExtras } from './redis-session.extras.js';
import type { SessionStoreAdapter } from './session-store.interface.js';
import { toCallback, withTimeout } from './store-timeout.js';

type Callback = (err?: unknown) => void;
type GetCallback = (err?: unknown, session?: SessionData | null) => void;

export interface RedisSessionStoreOptions {
  /** One Redis, or a Redis Cluster: every command the store sends touches a single key. */
  client: RedisClientType | RedisClusterType;
  prefix: string;
  ttlSeconds: number;
  /** Bound on every store call (see store-timeout.ts). */
  timeoutMs: number;
  /** How sessions are written; connect-redis's JSON when unset. */
  serializer?: SessionSerializer;
}

/**
 * connect-redis, with two changes. Writes cannot resurrect a destroyed session: a fresh session
 * is created with a plain SET, every later save is `SET … XX` (only if the key still exists).
 * And every call is bounded in time, so a stalled Redis means a 503, not a hung request.
 */
export class RedisSessionStore extends RedisStore {
  private readonly ttlSeconds: number;
  private readonly timeoutMs: number;

  constructor(options: RedisSessionStoreOptions) {
    super({
      client: options.client,
      prefix: options.prefix,
      ttl: () => options.ttlSeconds,
      serializer: options.serializer,
    });
    this.ttlSeconds = options.ttlSeconds;
    this.timeoutMs = options.timeoutMs;
  }

  override get(sid: string, cb?: GetCallback): Promise<void> {
    const load: Promise<SessionData | null> = super.get(sid);
    return toCallback(withTimeout(load, this.timeoutMs), cb);
  }

  override set(sid: string, sess: SessionData, cb?: Callback): Promise<void> {
    return toCallback(withTimeout(this.write(sid, sess), this.timeoutMs), cb);
  }

  override touch(sid: string, sess: SessionData, cb?: Callback): Promise<void> {
    return toCallback(withTimeout(super.touch(sid, sess), this.timeoutMs), cb);
  }

  override destroy(sid: string, cb?: Callback): Promise<void> {
    return toCallback(withTimeout(super.destroy(sid), this.timeoutMs), cb);
  }

  private async write(sid: string, sess: SessionData): Promise<void> {
    const creating = isFreshSession(sess);
    await this.client.set(this.prefix + sid, this.serializer.stringify(sess), {
      expiration: { type: 'EX', value: this.ttlSeconds },
      ...(creating ? {} : { condition: 'XX' as const }),
    });
    if (creating) forgetFreshSession(sess);
  }
}

export interface RedisConnectionOptions {
  url: string;
  /** Bound on each store call, so a stalled Redis answers 503 instead of hanging requests. */
  commandTimeoutMs: number;
  connectTimeoutMs: number;
}

/** How sessions are kept in Redis, single server or cluster alike. */
export interface RedisSessionSettings {
  prefix: string;
  /** The session key's TTL: the idle timeout. */
  ttlSeconds: number;
  /** The per-user index entries' life: the absolute timeout. */
  indexTtlSeconds: number;
  serializer: SessionSerializer;
}

export async function createRedisStoreAdapter(
  connection: RedisConnectionOptions,
  settings: RedisSessionSettings,
): Promise<SessionStoreAdapter> {
  const { prefix, ttlSeconds, indexTtlSeconds, serializer } = settings;
  const logger = new Logger('SessionModule');
  const client = createClient({
    url: connection.url,
    // Fail fast while disconnected instead of queueing requests until Redis returns (the hangs
    // reported in connect-redis #373 and #400).
    disableOfflineQueue: true,
    socket: {
      connectTimeout: connection.connectTimeoutMs,
      reconnectStrategy: reconnectDelay,
    },
  }) as RedisClientType;

  logOutages(client, 'error', 'ready', 'Redis session store');
  reconnectOnFalseReady(client, () => logger.error('Redis session store: reconnecting failed'));

  const connected = client.connect().then(
    () => true,
    () => false,
  );
  const timedOut = new Promise<boolean>((resolve) =>
    setTimeout(() => resolve(false), connection.connectTimeoutMs).unref(),
  );
  if (!(await Promise.race([connected, timedOut]))) {
    // Keep booting: the client reconnects in the background, guarded routes answer 503 and
    // readiness reports not ready until it does. Exiting here would only make a crash loop.
    logger.warn('Redis is not reachable at startup; retrying in the background');
  }

  const store = new RedisSessionStore({
    client,
    prefix,
    ttlSeconds,
    timeoutMs: connection.commandTimeoutMs,
    serializer,
  });
  return {
    kind: 'redis',
    store,
    ...redisSessionExtras(client, prefix, indexTtlSeconds, connection.commandTimeoutMs),
    async isReady() {
      if (!client.isReady) return false;
      try {
        return (await withTimeout(client.ping(), connection.commandTimeoutMs)) === 'PONG';
      } catch {
        return false;
      }
    },
    async close() {
      if (client.isOpen) await client.close();
      else client.destroy();
    },
  };
}

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
