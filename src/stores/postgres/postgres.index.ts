import type pg from 'pg';
import { SESSION_TABLE } from './postgres-session.schema.js';
import type { SessionIndex } from '../../core/session-backend.interface.js';

/**
 * The PostgreSQL session table is its own index: a user's sessions are the live rows whose
 * `sess.profile.id` is theirs (served by the `IDX_session_user` expression index). Rows leave the
 * table when sessions are destroyed or pruned, so there is nothing to add or remove.
 */
export class PostgresSessionIndex implements SessionIndex {
  constructor(private readonly pool: pg.Pool) {}

  add(): Promise<void> {
    return Promise.resolve();
  }

  remove(): Promise<void> {
    return Promise.resolve();
  }

  async members(userId: string): Promise<string[]> {
    const { rows } = await this.pool.query<{ sid: string }>(
      `SELECT sid FROM ${SESSION_TABLE} WHERE sess->'profile'->>'id' = $1 AND expire >= now()`,
      [userId],
    );
    return rows.map((row) => row.sid);
  }
}
