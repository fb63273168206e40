// stores/postgres/ — the PostgreSQL backend (connect-pg-simple on pg), loaded only when chosen.
import type { Pool } from 'pg';

/** connect-pg-simple's table: the same name and columns, so an existing table keeps working. */
export const SESSION_TABLE = '"session"';

/** rate-limiter-flexible's table for the login counters (see LoginThrottler). */
export const LOGIN_LIMITS_TABLE = 'session_login_limits';

/**
 * connect-pg-simple's table.sql made idempotent. The expire index serves both the expiry check
 * on every read and the periodic prune; the user index serves `GET /auth/sessions` and
 * revocation. The login-limits table is made here too, under the same lock, because
 * rate-limiter-flexible's own CREATE TABLE has the same race between instances.
 */
const SESSION_TABLE_DDL = `
CREATE TABLE IF NOT EXISTS ${SESSION_TABLE} (
  "sid" varchar NOT NULL COLLATE "default" PRIMARY KEY,
  "sess" json NOT NULL,
  "expire" timestamp(6) NOT NULL
);
CREATE INDEX IF NOT EXISTS "IDX_session_expire" ON ${SESSION_TABLE} ("expire");
CREATE INDEX IF NOT EXISTS "IDX_session_user" ON ${SESSION_TABLE} ((sess->'profile'->>'id'));
CREATE TABLE IF NOT EXISTS "${LOGIN_LIMITS_TABLE}" (
  key varchar(255) PRIMARY KEY,
  points integer NOT NULL DEFAULT 0,
  expire bigint
);
`;

/** Any constant; instances of this library agree on it so their migrations take turns. */
const MIGRATION_LOCK = 4_172_610_531;

/**
 * Creates the session table and its index if they are missing, in the connection's schema
 * (the first one on its search_path).
 *
 * Not connect-pg-simple's `createTableIfMissing`: when several instances start at once on an
 * empty database, their CREATE TABLEs collide (`duplicate key value violates unique constraint
 * "pg_type_typname_nsp_index"`), and connect-pg-simple keeps that failure for the life of the
 * process, so every later request on those instances fails. A transaction-scoped advisory lock
 * makes the instances create the table one after another, and IF NOT EXISTS lets the later ones
 * find it done.
 */
export async function ensureSessionTable(pool: Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(SESSION_TABLE_DDL);
    await client.query('COMMIT');
    client.release();
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    // Passing the error discards the connection instead of returning it to the pool.
    client.release(err instanceof Error ? err : true);
    throw err;
  }
}
