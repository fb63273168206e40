import { Logger } from '@nestjs/common';
import { SESSION_LOGGER_CONTEXT } from '../../core/session.constants.js';
import connectPgSimple from 'connect-pg-simple';
import session, { type SessionData } from 'express-session';
import pg from 'pg';
import { RateLimiterPostgres } from 'rate-limiter-flexible';
import { forgetFreshSession, isFreshSession } from '../fresh-sessions.js';
import { PostgresSessionIndex } from './postgres.index.js';
import {
  ensureSessionTable,
  LOGIN_LIMITS_TABLE,
  SESSION_TABLE,
} from './postgres-session.schema.js';
import { BackgroundRetry } from '../background-retry.js';
import type { SessionStoreAdapter } from '../session-store.interface.js';

type Callback = (err?: unknown) => void;

const PGStore = connectPgSimple(session);

export interface PostgresSessionStoreOptions {
  pool: pg.Pool;
  ttlSeconds: number;
  pruneIntervalSeconds: number;
  logger: Logger;
}

/**
 * connect-pg-simple, with the two guarantees the Redis store gives:
 * - no resurrection: only a fresh session is inserted; a later save is an UPDATE of a row that
 *   still exists and has not expired, so it cannot bring back a session that a logout deleted
 *   while the request was in flight;
 * - the idle timeout is the row's lifetime. connect-pg-simple would take the cookie's expiry,
 *   which is the absolute timeout, and let an idle session live for hours.
 */
export class PostgresSessionStore extends PGStore {
  private readonly db: pg.Pool;
  private readonly ttlSeconds: number;

  constructor(options: PostgresSessionStoreOptions) {
    super({
      pool: options.pool,
      ttl: options.ttlSeconds,
      // The table is made by ensureSessionTable; see there why not by connect-pg-simple.
      createTableIfMissing: false,
      pruneSessionInterval: options.pruneIntervalSeconds,
      errorLog: (message: string, err?: Error) =>
        options.logger.error(`${message} ${err?.message ?? ''}`.trim()),
    });
    this.db = options.pool;
    this.ttlSeconds = options.ttlSeconds;
  }

  override set(sid: string, sess: SessionData, cb?: Callback): void {
    const creating = isFreshSession(sess);
    const sql = creating
      ? `INSERT INTO ${SESSION_TABLE} (sess, expire, sid) VALUES ($1, to_timestamp($2), $3)
         ON CONFLICT (sid) DO UPDATE SET sess = $1, expire = to_timestamp($2)`
      : `UPDATE ${SESSION_TABLE} SET sess = $1, expire = to_timestamp($2)
         WHERE sid = $3 AND expire >= now()`;
    this.db.query(sql, [JSON.stringify(sess), this.expiry(), sid]).then(
      () => {
        if (creating) forgetFreshSession(sess);
        cb?.();
      },
      (err: unknown) => cb?.(err),
    );
  }

  override touch(sid: string, _sess: SessionData, cb?: Callback): void {
    this.db
      .query(
        `UPDATE ${SESSION_TABLE} SET expire = to_timestamp($1) WHERE sid = $2 AND expire >= now()`,
        [this.expiry(), sid],
      )
      .then(() => cb?.(), cb ?? (() => undefined));
  }

  /** Epoch seconds at which an untouched session ends. */
  private expiry(): number {
    return Date.now() / 1000 + this.ttlSeconds;
  }
}

export interface PostgresConnectionOptions {
  url: string;
  /** Bound on each query and on getting a connection, so an outage answers 503, not a hang. */
  timeoutMs: number;
  pruneIntervalSeconds: number;
}

export async function createPostgresStoreAdapter(
  connection: PostgresConnectionOptions,
  ttlSeconds: number,
): Promise<SessionStoreAdapter> {
  const logger = new Logger(SESSION_LOGGER_CONTEXT);
  const pool = new pg.Pool({
    connectionString: connection.url,
    connectionTimeoutMillis: connection.timeoutMs,
    query_timeout: connection.timeoutMs,
    application_name: 'nest-session-auth',
  });
  // An idle connection that breaks is reported here; unheard, it would crash the process. The
  // connection string may hold a password, so only the driver's message is logged.
  pool.on('error', (err) => logger.error(`PostgreSQL session store: ${err.message}`));

  const store = new PostgresSessionStore({
    pool,
    ttlSeconds,
    pruneIntervalSeconds: connection.pruneIntervalSeconds,
    logger,
  });
  const table = new BackgroundRetry(
    () => ensureSessionTable(pool),
    (err) =>
      logger.error(`PostgreSQL session store: cannot create the session table: ${err.message}`),
  );
  // The first prune also starts connect-pg-simple's timer, which then repeats it.
  table.onSuccess(() => store.pruneSessions());
  if (!(await table.succeedsWithin(connection.timeoutMs))) {
    logger.warn('PostgreSQL is not reachable at startup; retrying in the background');
  }
  return {
    kind: 'postgres',
    store,
    index: new PostgresSessionIndex(pool),
    // Counters in the same database, so login limits hold across instances; queries are bounded
    // by the pool's query_timeout like the store's.
    createRateLimiter: (spec) =>
      new RateLimiterPostgres({
        ...spec,
        storeClient: pool,
        storeType: 'pool',
        tableName: LOGIN_LIMITS_TABLE,
        tableCreated: true,
      }),
    async isReady() {
      if (!table.done) return false;
      try {
        await pool.query('SELECT 1');
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      table.stop();
      await store.close();
      await pool.end();
    },
  };
}
