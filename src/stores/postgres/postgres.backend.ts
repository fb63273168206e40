import { Logger } from '@nestjs/common';
import connectPgSimple from 'connect-pg-simple';
import session, { type SessionData } from 'express-session';
import pg from 'pg';
import { RateLimiterPostgres } from 'rate-limiter-flexible';
import type { SessionBackend } from '../../core/session-backend.interface.js';
import type { ResolvedSessionOptions } from '../../core/options/session-options.resolver.js';
import type { ResolvedStoreOf } from '../../core/options/resolved-session-options.js';
import { SESSION_LOGGER_CONTEXT } from '../../core/session.constants.js';
import { BackgroundRetry } from '../background-retry.js';
import { PostgresSessionIndex } from './postgres.index.js';
import {
  CREDENTIAL_VERSIONS_TABLE,
  ensureSessionTable,
  LOGIN_LIMITS_TABLE,
  SESSION_TABLE,
} from './postgres-session.schema.js';

/**
 * Sessions as rows of connect-pg-simple's table (`sid`, `sess`, `expire`), so an existing table
 * keeps working. connect-pg-simple reads, creates and deletes the rows and prunes the
 * expired ones every `pruneIntervalSeconds`, on this backend's pool; an update is an UPDATE of a
 * row that still exists and has not expired, so it never creates. `expire` is the idle timeout
 * from the last write.
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

  const PGStore = connectPgSimple(session);
  const pgStore = new PGStore({
    pool,
    // Made by ensureSessionTable under an advisory lock instead (see postgres-session.schema.ts).
    createTableIfMissing: false,
    // Waits 50-150 % of it between prunes, so instances started together do not prune together.
    pruneSessionInterval: store.pruneIntervalSeconds,
    // connect-pg-simple logs (context, error); the error's message is enough, as for the pool.
    errorLog: (context: string, err?: Error) =>
      logger.error(`PostgreSQL session store: ${context} ${err?.message ?? 'unknown error'}`),
  });

  const table = new BackgroundRetry(
    () => ensureSessionTable(pool),
    (err) =>
      logger.error(`PostgreSQL session store: cannot create the session table: ${err.message}`),
  );
  // Prunes once now; connect-pg-simple then prunes again every interval.
  table.onSuccess(() => pgStore.pruneSessions());

  return Promise.resolve({
    kind: 'postgres',
    index: new PostgresSessionIndex(pool),
    async get(sid) {
      // connect-pg-simple gives the json column parsed; the contract is text, which the Store's
      // serializer parses, old rows in express-session's own format (cookie included) too.
      const sess = await settle<SessionData | null>((done) => pgStore.get(sid, done));
      return sess ? JSON.stringify(sess) : null;
    },
    async create(sid, value, ttlSeconds) {
      await settle((done) => pgStore.set(sid, row(value, ttlSeconds), done));
    },
    // connect-pg-simple's set is an upsert and would bring a deleted session back.
    async update(sid, value, ttlSeconds) {
      const { rowCount } = await pool.query(
        `UPDATE ${SESSION_TABLE} SET sess = $2, expire = to_timestamp($3)
         WHERE sid = $1 AND expire >= now()`,
        [sid, value, Date.now() / 1000 + ttlSeconds],
      );
      return (rowCount ?? 0) > 0;
    },
    // Compared as jsonb, since `get` hands back the row re-serialized. One statement each, so
    // concurrent swaps of one row, on any instance, are decided by its row lock. A row counts as
    // gone exactly when `get` says so: connect-pg-simple compares `expire` with the current time
    // rounded up to the second, where `now()` would see the row live up to a second longer.
    async swap(sid, expected, value, ttlSeconds) {
      const expire = Date.now() / 1000 + ttlSeconds;
      const readNow = Math.ceil(Date.now() / 1000);
      const { rowCount } =
        expected === null
          ? await pool.query(
              `INSERT INTO ${SESSION_TABLE} AS s (sid, sess, expire)
               VALUES ($1, $2, to_timestamp($3))
               ON CONFLICT (sid) DO UPDATE SET sess = EXCLUDED.sess, expire = EXCLUDED.expire
               WHERE s.expire < to_timestamp($4)`,
              [sid, value, expire, readNow],
            )
          : await pool.query(
              `UPDATE ${SESSION_TABLE} SET sess = $3, expire = to_timestamp($4)
               WHERE sid = $1 AND expire >= to_timestamp($5) AND sess::jsonb = $2::jsonb`,
              [sid, expected, value, expire, readNow],
            );
      return (rowCount ?? 0) > 0;
    },
    async destroy(sid) {
      await settle((done) => pgStore.destroy(sid, done));
    },
    async getMany(sids) {
      const { rows } = await pool.query<{ sid: string; sess: string }>(
        `SELECT sid, sess::text AS sess FROM ${SESSION_TABLE}
         WHERE sid = ANY($1::varchar[]) AND expire >= now()`,
        [sids],
      );
      const bySid = new Map(rows.map((row) => [row.sid, row.sess]));
      return sids.map((sid) => bySid.get(sid) ?? null);
    },
    async credentialVersion(userId) {
      const { rows } = await pool.query<{ version: string }>(
        `SELECT version FROM "${CREDENTIAL_VERSIONS_TABLE}" WHERE user_id = $1`,
        [userId],
      );
      return Number(rows[0]?.version ?? 0);
    },
    // One statement, so concurrent bumps on any instance each get their own value.
    async bumpCredentialVersion(userId) {
      const { rows } = await pool.query<{ version: string }>(
        `INSERT INTO "${CREDENTIAL_VERSIONS_TABLE}" AS v (user_id, version) VALUES ($1, 1)
         ON CONFLICT (user_id) DO UPDATE SET version = v.version + 1
         RETURNING version`,
        [userId],
      );
      return Number(rows[0].version);
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
      pgStore.close();
      await pool.end();
    },
  });
}

/** connect-pg-simple takes each row's expiry from the session's cookie, as express-session sets it. */
function expiringIn(ttlSeconds: number): SessionData {
  return { cookie: { expires: new Date(Date.now() + ttlSeconds * 1000) } } as SessionData;
}

/**
 * The session connect-pg-simple writes for `value`: the expiry as above, and node-postgres sends
 * what `toPostgres` returns (its hook for custom types), so `sess` gets the Store's text as it is,
 * without the cookie, where a plain object would be sent as JSON with it.
 */
function row(value: string, ttlSeconds: number): SessionData {
  return Object.assign(expiringIn(ttlSeconds), { toPostgres: () => value });
}

/** Runs one connect-pg-simple call, which answers through a callback, as a promise. */
function settle<T = void>(
  call: (done: (err?: unknown, value?: T) => void) => void,
): Promise<T | undefined> {
  return new Promise((resolve, reject) =>
    call((err, value) =>
      err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(value),
    ),
  );
}
