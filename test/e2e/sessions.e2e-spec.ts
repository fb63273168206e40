import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { SessionsService, type SessionSummary } from '../../src/index.js';
import {
  DEMO_EMAIL,
  DEMO_PASSWORD,
  loginCookie,
  type RunningApp,
  sessionCookie,
  sessionIdOf,
} from '../support/apps/demo-app.js';
import { startForRootApp } from '../support/apps/forroot-app.js';
import {
  attemptLogin,
  changePassword,
  deleteAs,
  expectStatus,
  firstAnswerNot200,
  getAs,
  postAs,
} from '../support/http/requests.js';
import { isStored, storeOf } from '../support/apps/stored-sessions.js';
import { type SessionBackend, startSessionBackend } from '../support/servers/session-backends.js';
import type { TestRedis } from '../support/servers/test-redis.js';

const OTHER_EMAIL = 'other@example.com';
const OTHER_PASSWORD = 'another long passphrase';
const USERS = [
  { email: DEMO_EMAIL, password: DEMO_PASSWORD },
  { email: OTHER_EMAIL, password: OTHER_PASSWORD },
];

// Every store that keeps sessions: the index is a Redis sorted set per user (also on a cluster), a query
// on the PostgreSQL session table, or a map in the embedded store.
const STORES = ['redis', 'memory', 'postgres', 'redis-cluster'] as const;

describe.each(STORES)('session list and revoke on the %s store', (store) => {
  let backend: SessionBackend;
  let redis: TestRedis | undefined;
  let running: RunningApp;
  const prefix = `e2e-sessions-${process.pid}:`;

  beforeAll(async () => {
    backend = await startSessionBackend(store);
    redis = backend.redis;
    running = await startForRootApp(
      { store: backend.store({ keyPrefix: prefix }) },
      { users: USERS },
    );
  });

  afterAll(async () => {
    await running?.close();
    await backend?.close();
  });

  const server = () => running.server;

  /** Signs in with a User-Agent of its own and returns the cookie. */
  async function signIn(userAgent: string, email = DEMO_EMAIL, password = DEMO_PASSWORD) {
    const res = await attemptLogin(server(), email, password).set('User-Agent', userAgent);
    expectStatus(res, 200, `POST /auth/login as ${email}`);
    return sessionCookie(res.headers['set-cookie']);
  }

  async function listOf(cookie: string): Promise<SessionSummary[]> {
    const res = await getAs(server(), cookie, '/auth/sessions');
    expectStatus(res, 200, 'GET /auth/sessions');
    return (res.body as { sessions: SessionSummary[] }).sessions;
  }

  /** Ends every session of both users, so each test starts from a known list. */
  async function signEveryoneOut(): Promise<void> {
    const sessions = running.app.get(SessionsService);
    await sessions.revokeAllSessions('user-1');
    await sessions.revokeAllSessions('user-2');
  }

  it("lists the caller's sessions: public id, current, times, IP, user agent; never a session id", async () => {
    await signEveryoneOut();
    const laptop = await signIn('Laptop/1.0');
    const phone = await signIn('Phone/2.0');
    const res = await getAs(server(), phone, '/auth/sessions');
    expectStatus(res, 200, 'GET /auth/sessions');
    const sessions = (res.body as { sessions: SessionSummary[] }).sessions;

    expect(sessions).toHaveLength(2);
    const current = sessions.find((s) => s.current)!;
    const other = sessions.find((s) => !s.current)!;
    expect(current.userAgent).toBe('Phone/2.0');
    expect(other.userAgent).toBe('Laptop/1.0');
    for (const s of sessions) {
      expect(s.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(s.ip).toMatch(/127\.0\.0\.1$/);
      expect(Date.parse(s.createdAt!)).toBeLessThanOrEqual(Date.now());
      expect(Date.parse(s.lastSeenAt!)).toBeGreaterThanOrEqual(Date.parse(s.createdAt!));
    }
    expect(current.id).not.toBe(other.id);
    const text = JSON.stringify(res.body);
    for (const cookie of [laptop, phone]) expect(text).not.toContain(sessionIdOf(cookie));
  });

  it('revokes another session with DELETE /auth/sessions/:id; its cookie gets 401 next time', async () => {
    await signEveryoneOut();
    const laptop = await signIn('Laptop/1.0');
    const phone = await signIn('Phone/2.0');
    const target = (await listOf(phone)).find((s) => !s.current)!;

    const res = await deleteAs(server(), phone, `/auth/sessions/${target.id}`);
    expectStatus(res, 204, 'DELETE /auth/sessions/:id (the laptop)');
    expectStatus(await getAs(server(), laptop, '/auth/me'), 401, 'GET /auth/me with the laptop');
    expectStatus(await getAs(server(), phone, '/auth/me'), 200, 'GET /auth/me with the phone');
    expect((await listOf(phone)).map((s) => s.userAgent)).toEqual(['Phone/2.0']);
    expect(await isStored(running, sessionIdOf(laptop))).toBe(false);
  });

  it('signs out when DELETE names the current session, and clears the cookie', async () => {
    await signEveryoneOut();
    const phone = await signIn('Phone/2.0');
    const [current] = await listOf(phone);
    const res = await deleteAs(server(), phone, `/auth/sessions/${current.id}`);
    expectStatus(res, 204, 'DELETE /auth/sessions/:id (the current one)');
    expect((res.headers['set-cookie'] as unknown as string[])[0]).toMatch(
      /^sid=;.*Expires=Thu, 01 Jan 1970/,
    );
    expectStatus(await getAs(server(), phone, '/auth/me'), 401, 'GET /auth/me afterwards');
  });

  it("answers 404 for an unknown id, a malformed id and another user's session", async () => {
    await signEveryoneOut();
    const mine = await signIn('Phone/2.0');
    const theirs = await signIn('Other/1.0', OTHER_EMAIL, OTHER_PASSWORD);
    const [theirSession] = await listOf(theirs);
    for (const id of ['AAAAAAAAAAAAAAAAAAAAAA', 'not-an-id', 'x'.repeat(500), theirSession.id]) {
      const res = await deleteAs(server(), mine, `/auth/sessions/${id}`);
      expectStatus(res, 404, `DELETE /auth/sessions/${id.slice(0, 30)}`);
      expect(res.body.code).toBe('session_not_found');
    }
    expectStatus(await getAs(server(), theirs, '/auth/me'), 200, 'GET /auth/me for the other user');
  });

  it('revokes every other session with POST /auth/sessions/revoke-others', async () => {
    await signEveryoneOut();
    const others = [await signIn('A/1'), await signIn('B/1'), await signIn('C/1')];
    const keep = await signIn('Keep/1');
    const theirs = await signIn('Other/1.0', OTHER_EMAIL, OTHER_PASSWORD);

    const res = await postAs(server(), keep, '/auth/sessions/revoke-others');
    expectStatus(res, 200, 'POST /auth/sessions/revoke-others');
    expect(res.body).toEqual({ revoked: 3 });
    for (const cookie of others) {
      expectStatus(await getAs(server(), cookie, '/auth/me'), 401, 'GET /auth/me, revoked');
    }
    expectStatus(await getAs(server(), keep, '/auth/me'), 200, 'GET /auth/me, kept');
    expectStatus(await getAs(server(), theirs, '/auth/me'), 200, "GET /auth/me, other user's");
    expect(await listOf(keep)).toHaveLength(1);
  });

  it('drops ids of sessions that left the store from the index when listing, once settled', async () => {
    await signEveryoneOut();
    const gone = await signIn('Gone/1');
    const kept = await signIn('Kept/1');
    // As if it had expired: removed behind the library's back.
    await storeOf(running).remove(sessionIdOf(gone));
    expect((await listOf(kept)).map((s) => s.userAgent)).toEqual(['Kept/1']);
    if (redis) {
      const key = `${prefix}user:{user-1}`;
      // Younger than twice the store timeout: it may be a sign-in whose save is on its way.
      expect(await redis.client.zRange(key, 0, -1)).toContain(sessionIdOf(gone));
      // Written a minute ago (its score is its idle deadline, SESSION_IDLE_TIMEOUT 1800 s).
      const aMinuteAgo = Math.floor(Date.now() / 1000) + 1800 - 60;
      await redis.client.zAdd(key, { score: aMinuteAgo, value: sessionIdOf(gone) });
      expect((await listOf(kept)).map((s) => s.userAgent)).toEqual(['Kept/1']);
      expect(await redis.client.zRange(key, 0, -1)).not.toContain(sessionIdOf(gone));
    }
  });

  if (store === 'redis')
    it('keeps one hash-tagged sorted set per user, scored by idle deadline and kept alive for the absolute timeout', async () => {
      await signEveryoneOut();
      const key = `${prefix}user:{user-1}`;
      await redis!.client.del(key);
      const before = Math.floor(Date.now() / 1000);
      const cookie = await loginCookie(server());
      const entries = await redis!.client.zRangeWithScores(key, 0, -1);
      expect(entries.map((entry) => entry.value)).toEqual([sessionIdOf(cookie)]);
      // Scored with the second the session is over unless used: sign-in + SESSION_IDLE_TIMEOUT.
      expect(entries[0].score).toBeGreaterThanOrEqual(before + 1800);
      expect(entries[0].score).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 1800);
      const ttl = await redis!.client.ttl(key);
      expect(ttl).toBeGreaterThan(43_000);
      expect(ttl).toBeLessThanOrEqual(43_200);
    });

  if (store === 'redis')
    it('stores the session without the cookie settings, which come from the configuration', async () => {
      const cookie = await loginCookie(server());
      const raw = await redis!.client.get(`${prefix}${sessionIdOf(cookie)}`);
      const stored = JSON.parse(raw!) as Record<string, unknown>;
      expect(stored).not.toHaveProperty('cookie');
      expect(stored).toHaveProperty('profile');
      // Loaded back through the compact format, the session still works.
      expectStatus(await getAs(server(), cookie, '/auth/me'), 200, 'GET /auth/me');
    });

  if (store === 'redis')
    it('re-sends the cookie of a stored session with the configured attributes', async () => {
      const login = await attemptLogin(server(), DEMO_EMAIL, DEMO_PASSWORD);
      expectStatus(login, 200, 'POST /auth/login');
      const cookie = sessionCookie(login.headers['set-cookie']);
      // The demo's profile page writes the visit into the session, so the answer sets the cookie
      // again, rebuilt from the configuration after the session came back from Redis.
      const visit = await getAs(server(), cookie, '/profile').set('Accept', 'application/json');
      expectStatus(visit, 200, 'GET /profile');
      const attributes = (res: { headers: Record<string, unknown> }) => {
        const header = ([] as string[])
          .concat(res.headers['set-cookie'] as string[])
          .find((line) => line.startsWith('sid='));
        expect(header).toBeDefined();
        return header!
          .split('; ')
          .slice(1)
          .map((attribute) => attribute.split('=')[0])
          .sort();
      };
      expect(attributes(visit)).toEqual(attributes(login));
      expect(attributes(visit)).toEqual(['Expires', 'HttpOnly', 'Path', 'SameSite']);
    });

  if (store === 'redis')
    it('drops index entries past their deadline on the next sign-in, unlisted', async () => {
      await signEveryoneOut();
      const key = `${prefix}user:{user-1}`;
      await redis!.client.del(key);
      const aSecondAgo = Math.floor(Date.now() / 1000) - 1;
      await redis!.client.zAdd(key, { score: aSecondAgo, value: 'long-dead-session-id' });
      const cookie = await loginCookie(server());
      expect(await redis!.client.zRange(key, 0, -1)).toEqual([sessionIdOf(cookie)]);
    });

  it('lets an admin end every session of one user with SessionsService.revokeAllSessions', async () => {
    await signEveryoneOut();
    const cookies = [await signIn('A/1'), await signIn('B/1')];
    const theirs = await signIn('Other/1.0', OTHER_EMAIL, OTHER_PASSWORD);
    expect(await running.app.get(SessionsService).revokeAllSessions('user-1')).toBe(2);
    for (const cookie of cookies) {
      expectStatus(await getAs(server(), cookie, '/auth/me'), 401, 'GET /auth/me, revoked');
    }
    expectStatus(await getAs(server(), theirs, '/auth/me'), 200, "GET /auth/me, other user's");
  });

  it('answers 401 to GET /auth/sessions without a session', async () => {
    const res = await request(server()).get('/auth/sessions');
    expectStatus(res, 401, 'GET /auth/sessions without a cookie');
  });

  it('needs a recent sign-in to revoke or change the password (401 reauth_required), not to list', async () => {
    const app = await startForRootApp(
      {
        store: backend.store({ keyPrefix: `${prefix}reauth:` }),
        timeouts: { recentLoginSeconds: 1 },
      },
      { users: USERS },
    );
    try {
      const cookie = await loginCookie(app.server);
      // Right after sign-in the window is open.
      expectStatus(
        await postAs(app.server, cookie, '/auth/sessions/revoke-others'),
        200,
        'revoke-others, fresh',
      );
      const last = await firstAnswerNot200(
        () => postAs(app.server, cookie, '/auth/sessions/revoke-others'),
        'the recent-login window to close',
        4000,
        100,
      );
      expectStatus(last, 401, 'POST /auth/sessions/revoke-others after the window');
      expect(last.body.code).toBe('reauth_required');
      const [own] = (await getAs(app.server, cookie, '/auth/sessions')).body
        .sessions as SessionSummary[];
      const revoke = await deleteAs(app.server, cookie, `/auth/sessions/${own.id}`);
      expect([revoke.status, revoke.body.code]).toEqual([401, 'reauth_required']);
      const change = await changePassword(
        app.server,
        cookie,
        DEMO_PASSWORD,
        'a brand new passphrase',
      );
      expect([change.status, change.body.code]).toEqual([401, 'reauth_required']);
      // Still signed in: listing and reading need no recent sign-in.
      expectStatus(await getAs(app.server, cookie, '/auth/sessions'), 200, 'GET /auth/sessions');
      expectStatus(await getAs(app.server, cookie, '/auth/me'), 200, 'GET /auth/me');
      // Signing in again opens the window.
      const fresh = await loginCookie(app.server);
      expectStatus(
        await postAs(app.server, fresh, '/auth/sessions/revoke-others'),
        200,
        'revoke-others after signing in again',
      );
    } finally {
      await app.close();
    }
  });
});
