import { Logger } from '@nestjs/common';
import { RedisStore } from 'connect-redis';
import type { SessionData } from 'express-session';
import { createClient, type RedisClientType, type RedisClusterType } from 'redis';
import { reconnectDelay } from './background-retry.js';
import { forgetFreshSession, isFreshSession } from './fresh-sessions.js';
import type { SessionStoreAdapter } from './session-store.interface.js';

type Callback = (err?: unknown, data?: unknown) => void;

export interface RedisSessionStoreOptions {
  /** One Redis, or a Redis Cluster: every command the store sends touches a single key. */
  client: RedisClientType | RedisClusterType;
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
      reconnectStrategy: reconnectDelay,
    },
  }) as RedisClientType;

  logOutages(client, 'error', 'ready', 'Redis session store');

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
