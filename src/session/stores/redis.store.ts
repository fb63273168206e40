import { Logger } from '@nestjs/common';
import { RedisStore } from 'connect-redis';
import type { SessionData } from 'express-session';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { createClient, type RedisClientType } from 'redis';
import { forgetFreshSession, isFreshSession } from './fresh-sessions.js';
import { RedisSessionIndex } from './redis.index.js';
import type { SessionStoreAdapter } from './session-store.interface.js';

type Callback = (err?: unknown, data?: unknown) => void;

export interface RedisSessionStoreOptions {
  client: RedisClientType;
  prefix: string;
  ttlSeconds: number;
}

/**
 * connect-redis, with writes that cannot resurrect a destroyed session: a fresh session is
 * created with a plain SET, every later save is `SET … XX` (only if the key still exists).
 */
export class RedisSessionStore extends RedisStore {
  private readonly ttlSeconds: number;

  constructor(options: RedisSessionStoreOptions) {
    super({ client: options.client, prefix: options.prefix, ttl: () => options.ttlSeconds });
    this.ttlSeconds = options.ttlSeconds;
  }

  override async set(sid: string, sess: SessionData, cb?: Callback): Promise<void> {
    const key = this.prefix + sid;
    try {
      const value = this.serializer.stringify(sess);
      const creating = isFreshSession(sess);
      await this.client.set(key, value, {
        expiration: { type: 'EX', value: this.ttlSeconds },
        ...(creating ? {} : { condition: 'XX' as const }),
      });
      if (creating) forgetFreshSession(sess);
      cb?.();
    } catch (err) {
      cb?.(err);
    }
  }
}

export interface RedisConnectionOptions {
  url: string;
  /** Bound on each command, so a stalled Redis answers 503 instead of hanging requests. */
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
    commandOptions: { timeout: connection.commandTimeoutMs },
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

  const store = new RedisSessionStore({ client, prefix, ttlSeconds });
  return {
    kind: 'redis',
    store,
    index: new RedisSessionIndex(client, prefix, indexTtlSeconds),
    // Same client and prefix: counters are shared by every instance that shares the sessions.
    createRateLimiter: (spec) =>
      new RateLimiterRedis({
        ...spec,
        keyPrefix: prefix + spec.keyPrefix,
        storeClient: client,
        useRedisPackage: true,
      }),
    async isReady() {
      if (!client.isReady) return false;
      try {
        return (await client.ping()) === 'PONG';
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
