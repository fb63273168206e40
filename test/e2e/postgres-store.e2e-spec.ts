import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Socket } from 'node:net';
import pg from 'pg';
import request from 'supertest';
import { resolveSessionOptions } from '../../src/core/options/session-options.resolver.js';
import { ensureSessionTable } from '../../src/stores/postgres/postgres-session.schema.js';
import { createPostgresBackend } from '../../src/stores/postgres/postgres.backend.js';
import { freePort } from '../support/servers/ports.js';
import {
  DEMO_LOGIN,
  loginCookie,
  type RunningApp,
  sessionIdOf,
  startDemoApp,
} from '../support/apps/demo-app.js';
import { csrfHeaders } from '../support/http/csrf.js';
import { waitFor } from '../support/servers/redis-server.js';
import { getSession, setSession } from '../support/apps/store-calls.js';
import { storeOf } from '../support/apps/stored-sessions.js';
import { startTestPostgres, type TestPostgres } from '../support/servers/test-postgres.js';

// The flows themselves run on PostgreSQL in auth.e2e-spec.ts and session-writes.e2e-spec.ts;
// this file checks the table, the rows the app writes, expiry, pruning and outages.

describe('the PostgreSQL store (SESSION_STORE=postgres)', () => {
  let db: TestPostgres;
  let running: RunningApp;

  beforeAll(async () => {
    db = await startTestPostgres();
    running = await startDemoApp({ SESSION_STORE: 'postgres', DATABASE_URL: db.url });
  });

  afterAll(async () => {
    await running?.close();
    await db?.close();
  });

  const http = () => request(running.server);
  const row = async (sid: string) =>
    (
      await db.client.query<{ ttl: number }>(
        'SELECT extract(epoch FROM expire - now()::timestamp) AS ttl FROM session WHERE sid = $1',
        [sid],
      )
    ).rows[0];

  it('creates the session table with its expire and user indexes at startup', async () => {
    const indexes = await db.client.query<{ indexname: string }>(
      "SELECT indexname FROM pg_indexes WHERE tablename = 'session' ORDER BY indexname",
    );
    expect(indexes.rows.map((r) => r.indexname)).toEqual([
      'IDX_session_expire',
      'IDX_session_user',
      'session_pkey',
    ]);
  });

  it('keeps a login as a row that ends after the idle timeout, and deletes it on logout', async () => {
    const cookie = await loginCookie(running.server);
    const sid = sessionIdOf(cookie);
    // The idle timeout (1800 s), not the cookie's absolute timeout (12 h).
    const ttl = Number((await row(sid)).ttl);
    expect(ttl).toBeGreaterThan(1700);
    expect(ttl).toBeLessThanOrEqual(1800);
    const logout = await http()
      .post('/auth/logout')
      .set(await csrfHeaders(running.server, cookie));
    expect(logout.status).toBe(204);
    expect(await row(sid)).toBeUndefined();
  });

  it('saves later changes to a live session', async () => {
    const cookie = await loginCookie(running.server);
    const profile = () =>
      http().get('/profile').set('Cookie', cookie).set('Accept', 'application/json');
    await profile();
    const second = await profile();
    expect(second.body.history.map((visit: { path: string }) => visit.path)).toEqual([
      '/profile',
      '/profile',
    ]);
  });

  it('keeps each session as JSON without its cookie and reads back what it saved', async () => {
    const cookie = await loginCookie(running.server);
    const sid = sessionIdOf(cookie);
    const store = storeOf(running);
    const { rows } = await db.client.query<{ sess: string }>(
      'SELECT sess::text AS sess FROM session WHERE sid = $1',
      [sid],
    );
    const stored = JSON.parse(rows[0]!.sess) as Record<string, unknown>;
    expect(stored).toMatchObject({ profile: { email: DEMO_LOGIN.email } });
    expect(stored).not.toHaveProperty('cookie');

    // Values JSON must escape, and numbers that are not whole, survive a save and a load.
    const loaded = await getSession(store, sid);
    const note = { text: 'é "quoted" \\ back\nslash', ratio: 0.1 + 0.2, nested: [null, true] };
    await setSession(store, sid, { ...loaded, note } as typeof loaded);
    expect((await getSession(store, sid)) as unknown).toMatchObject({
      note,
      profile: stored.profile,
    });
  });

  it('reads rows written in express-session’s own format, cookie included', async () => {
    const expires = new Date(Date.now() + 3_600_000).toISOString();
    const old = {
      cookie: { originalMaxAge: 3_600_000, expires, httpOnly: true, path: '/' },
      profile: { id: 'old-user', email: 'old@example.com', displayName: 'Old', roles: [] },
    };
    await db.client.query(
      "INSERT INTO session (sid, sess, expire) VALUES ('old-format', $1, now() + interval '1 hour')",
      [JSON.stringify(old)],
    );
    try {
      expect(await storeOf(running).read('old-format')).toEqual(old);
    } finally {
      await db.client.query("DELETE FROM session WHERE sid = 'old-format'");
    }
  });

  it('does not revive an expired session on save', async () => {
    const cookie = await loginCookie(running.server);
    const sid = sessionIdOf(cookie);
    const store = storeOf(running);
    const loaded = await getSession(store, sid);
    await db.client.query(
      "UPDATE session SET expire = now() - interval '1 second' WHERE sid = $1",
      [sid],
    );
    await setSession(store, sid, loaded);
    expect(Number((await row(sid)).ttl)).toBeLessThan(0);
    expect((await http().get('/auth/me').set('Cookie', cookie)).status).toBe(401);
  });

  it('prunes expired rows every pruneIntervalSeconds and keeps live ones', async () => {
    const backend = await createPostgresBackend(
      resolveSessionOptions({
        secrets: ['prune-test'],
        store: { kind: 'postgres', url: db.url, pruneIntervalSeconds: 1 },
      }),
    );
    try {
      await db.client.query(
        `INSERT INTO session (sid, sess, expire) VALUES
           ('prune-expired', '{}', now() - interval '1 minute'),
           ('prune-live', '{}', now() + interval '1 hour')`,
      );
      // The backend waits 50-150 % of the interval between prunes.
      await waitFor(
        async () => (await row('prune-expired')) === undefined,
        'the expired row was not pruned',
        5000,
      );
      expect(await row('prune-live')).toBeDefined();
    } finally {
      await backend.close!();
    }
  });

  it('creates the table once when three instances start together on an empty database', async () => {
    // Connections opened beforehand, so the three migrations really run at the same moment.
    const pools = [1, 2, 3].map(() => new pg.Pool({ connectionString: db.url, max: 1 }));
    try {
      await Promise.all(pools.map(async (pool) => (await pool.connect()).release()));
      for (let round = 1; round <= 5; round++) {
        await db.client.query('DROP TABLE IF EXISTS session');
        // Without the advisory lock, about two in three of these fail with
        // 'duplicate key value violates unique constraint "pg_type_typname_nsp_index"'.
        const results = await Promise.allSettled(pools.map((pool) => ensureSessionTable(pool)));
        const failures = results.flatMap((r) =>
          r.status === 'rejected' ? [String(r.reason)] : [],
        );
        expect(`round ${round}: ${failures.join('; ') || 'no failures'}`).toBe(
          `round ${round}: no failures`,
        );
      }
    } finally {
      await Promise.all(pools.map((pool) => pool.end()));
    }
  });
});

// Outages are simulated with ports of our own: the machine's PostgreSQL is never stopped.
describe('the PostgreSQL store when the database is down or stalled', () => {
  async function expectUnavailable(databaseUrl: string, timeoutMs: number): Promise<void> {
    const running = await startDemoApp({
      SESSION_STORE: 'postgres',
      DATABASE_URL: databaseUrl,
      SESSION_STORE_TIMEOUT_MS: String(timeoutMs),
    });
    try {
      const started = Date.now();
      const login = await request(running.server)
        .post('/auth/login')
        .set(await csrfHeaders(running.server))
        .send(DEMO_LOGIN);
      expect(`POST /auth/login: ${login.status} ${login.body.code}`).toBe(
        'POST /auth/login: 503 session_store_unavailable',
      );
      expect(login.headers['retry-after']).toBe('5');
      const health = await request(running.server).get('/health');
      expect(health.status).toBe(503);
      expect(health.body.error.session_store).toMatchObject({ status: 'down', store: 'postgres' });
      // Bounded by the store timeout (a connection, then a query), not hanging.
      expect(Date.now() - started).toBeLessThan(4 * timeoutMs + 1000);
    } finally {
      await running.close();
    }
  }

  it('still boots when nothing listens, answers 503 to sign-ins and reports not ready', async () => {
    await expectUnavailable(`postgres://postgres@127.0.0.1:${await freePort()}/none`, 500);
  });

  it('answers 503 in time when the server accepts connections but never answers', async () => {
    const sockets = new Set<Socket>();
    const blackHole = createServer((socket) => sockets.add(socket));
    const port = await freePort();
    await new Promise<void>((resolve) => blackHole.listen(port, '127.0.0.1', resolve));
    try {
      await expectUnavailable(`postgres://postgres@127.0.0.1:${port}/none`, 500);
    } finally {
      sockets.forEach((socket) => socket.destroy());
      blackHole.close();
    }
  });
});
