import { Logger } from '@nestjs/common';
import pg from 'pg';
import { RateLimiterPostgres } from 'rate-limiter-flexible';
import type { SessionBackend } from '../../core/session-backend.interface.js';
import type { ResolvedSessionOptions } from '../../core/options/session-options.resolver.js';
import type { ResolvedStoreOf } from '../../core/options/resolved-session-options.js';
import { SESSION_LOGGER_CONTEXT } from '../../core/session.constants.js';
import { BackgroundRetry } from '../background-retry.js';
import { PostgresSessionIndex } from './postgres.index.js';
import {
  ensureSessionTable,
  LOGIN_LIMITS_TABLE,
  SESSION_TABLE,
} from './postgres-session.schema.js';

/**
 * Sessions as rows of connect-pg-simple's table (`sid`, `sess`, `expire`), so an existing table
 * keeps working. A new session is INSERTed; an update is an UPDATE of a row that still exists and
 * has not expired, so it never creates. `expire` is the idle timeout from the last write or touch.
 * Expired rows are never read and are deleted every `pruneIntervalSeconds`.
 */
export function createPostgresBackend(options: ResolvedSessionOptions): Promise<SessionBackend> {
  const store = options.store as ResolvedStoreOf<'postgres'>;
  const logger = new Logger(SESSION_LOGGER_CONTEXT);
  const pool = new pg.Pool({
    connectionString: store.url,
    // The Store bounds each call; these also give the pool its connections back in that time.
    connectionTimeoutMillis: store.timeoutMs,
    query_timeout: store.timeoutMs,
    application_name: 'nest-session-auth',
  });
  // An idle connection that breaks is reported here; unheard, it would crash the process. The
  // connection string may hold a password, so only the driver's message is logged.
  pool.on('error', (err) => logger.error(`PostgreSQL session store: ${err.message}`));

  const table = new BackgroundRetry(
    () => ensureSessionTable(pool),
    (err) =>
      logger.error(`PostgreSQL session store: cannot create the session table: ${err.message}`),
  );
  const pruner = new Pruner(pool, store.pruneIntervalSeconds, logger);
  table.onSuccess(() => pruner.start());

  const expiry = (ttlSeconds: number) => Date.now() / 1000 + ttlSeconds;
  return Promise.resolve({
    kind: 'postgres',
    index: new PostgresSessionIndex(pool),
    async get(sid) {
      const { rows } = await pool.query<{ sess: string }>(
        `SELECT sess::text AS sess FROM ${SESSION_TABLE} WHERE sid = $1 AND expire >= now()`,
        [sid],
      );
      return rows[0]?.sess ?? null;
    },
    async create(sid, value, ttlSeconds) {
      await pool.query(
        `INSERT INTO ${SESSION_TABLE} (sess, expire, sid) VALUES ($1, to_timestamp($2), $3)
         ON CONFLICT (sid) DO UPDATE SET sess = $1, expire = to_timestamp($2)`,
        [value, expiry(ttlSeconds), sid],
      );
    },
    async update(sid, value, ttlSeconds) {
      const { rowCount } = await pool.query(
        `UPDATE ${SESSION_TABLE} SET sess = $1, expire = to_timestamp($2)
         WHERE sid = $3 AND expire >= now()`,
        [value, expiry(ttlSeconds), sid],
      );
      return (rowCount ?? 0) > 0;
    },
    async touch(sid, ttlSeconds) {
      await pool.query(
        `UPDATE ${SESSION_TABLE} SET expire = to_timestamp($1) WHERE sid = $2 AND expire >= now()`,
        [expiry(ttlSeconds), sid],
      );
    },
    async destroy(sid) {
      await pool.query(`DELETE FROM ${SESSION_TABLE} WHERE sid = $1`, [sid]);
    },
    // Counters in the same database, so login limits hold across instances.
    createRateLimiter: (spec) =>
      new RateLimiterPostgres({
        ...spec,
        storeClient: pool,
        storeType: 'pool',
        tableName: LOGIN_LIMITS_TABLE,
        tableCreated: true,
      }),
    ready: () => table.finished,
    async ping() {
      if (!table.done) return false;
      await pool.query('SELECT 1');
      return true;
    },
    async close() {
      table.stop();
      pruner.stop();
      await pool.end();
    },
  });
}

/**
 * Deletes expired rows now and then every `intervalSeconds`, each wait drawn between 50 and
 * 150 % of it (as connect-pg-simple did), so instances started together do not prune together.
 */
class Pruner {
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly intervalSeconds: number,
    private readonly logger: Logger,
  ) {}

  start(): void {
    if (this.stopped) return;
    this.pool
      .query(`DELETE FROM ${SESSION_TABLE} WHERE expire < now()`)
      .catch((err: Error) =>
        this.logger.error(`PostgreSQL session store: pruning failed: ${err.message}`),
      )
      .finally(() => {
        if (this.stopped) return;
        const waitMs = this.intervalSeconds * 1000 * (0.5 + Math.random());
        this.timer = setTimeout(() => this.start(), waitMs);
        this.timer.unref();
      });
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }
}
