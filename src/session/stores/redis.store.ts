import { Logger } from '@nestjs/common';
import { RedisStore } from 'connect-redis';
import type { SessionData } from 'express-session';
import { RateLimiterRedis, RLWrapperTimeouts } from 'rate-limiter-flexible';
import { createClient, type RedisClientType } from 'redis';
import { forgetFreshSession, isFreshSession } from './fresh-sessions.js';
import { RedisSessionIndex } from './redis.index.js';
import type { SessionStoreAdapter } from './session-store.interface.js';
import { toCallback, withTimeout } from './store-timeout.js';

type Callback = (err?: unknown) => void;
type GetCallback = (err?: unknown, session?: SessionData | null) => void;

export interface RedisSessionStoreOptions {
  client: RedisClientType;
  prefix: string;
  ttlSeconds: number;
  /** Bound on every store call (see store-timeout.ts). */
  timeoutMs: number;
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
    super({ client: options.client, prefix: options.prefix, ttl: () => options.ttlSeconds });
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

export async function createRedisStoreAdapter(
  connection: RedisConnectionOptions,
  prefix: string,
  ttlSeconds: number,
  indexTtlSeconds: number,
): Promise<SessionStoreAdapter> {
  const logger = new Logger('SessionModule');
  const client = createClient({
    url: connection.url,
    // Fail fast while disconnected instead of queueing requests until Redis returns (the hangs
    // reported in connect-redis #373 and #400).
    disableOfflineQueue: true,
    socket: {
      connectTimeout: connection.connectTimeoutMs,
      reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 2000),
    },
  }) as RedisClientType;

  let down = false;
  client.on('error', (err: Error) => {
    // One line per outage, not per retry; the URL may hold a password, so it is not logged.
    if (!down) logger.error(`Redis session store unreachable: ${err.message}`);
    down = true;
  });
  client.on('ready', () => {
    if (down) logger.log('Redis session store reachable again');
    down = false;
  });

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
  });
  return {
    kind: 'redis',
    store,
    index: new RedisSessionIndex(client, prefix, indexTtlSeconds, connection.commandTimeoutMs),
    // Same client and prefix: counters are shared by every instance that shares the sessions.
    // Bounded like every store call, so a stalled Redis makes a sign-in 503, not a hang.
    createRateLimiter: (spec) =>
      new RLWrapperTimeouts({
        limiter: new RateLimiterRedis({
          ...spec,
          keyPrefix: prefix + spec.keyPrefix,
          storeClient: client,
          useRedisPackage: true,
        }),
        timeoutMs: connection.commandTimeoutMs,
      }),
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
