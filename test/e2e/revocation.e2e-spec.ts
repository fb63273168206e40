// Revocation that holds (issue 14, points 1-4, 13, 15, 19): each interleaving a review found is
// injected with a FaultyBackend, which fails or holds one store call until the test releases it,
// so no test depends on timing luck.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { SessionsService, type SessionSummary } from '../../src/index.js';
import { CSRF_COOKIE, csrfHeaders } from '../support/http/csrf.js';
import { type FaultyApp, type FixtureAccount, startFaultyApp } from '../support/apps/faulty-app.js';
import {
  attemptLogin,
  changePassword,
  expectStatus,
  getAs,
  postAs,
} from '../support/http/requests.js';
import type { SessionBackendKind } from '../support/servers/session-backends.js';

const STORES: SessionBackendKind[] = ['memory', 'redis', 'postgres', 'redis-cluster'];
const NEW_PASSWORD = 'a brand new passphrase';

/** One account per test, so a changed password or an ended session never leaks into the next. */
const ACCOUNTS: FixtureAccount[] = Array.from({ length: 12 }, (_, i) => ({
  id: `user-${i}`,
  email: `user${i}@example.com`,
  password: `initial passphrase ${i}`,
}));

type Answer = { status: number; body: unknown; headers: Record<string, unknown> };

/** The `sid=…` pair an answer sets, if it sets one (not a clearing one). */
function sidCookie(res: Answer): string | undefined {
  const list = ([] as string[]).concat((res.headers['set-cookie'] as string[] | undefined) ?? []);
  const header = list.find((c) => c.startsWith('sid=') && !c.startsWith('sid=;'));
  return header?.split(';')[0];
}

function setsCookie(res: Answer, name: string): boolean {
  const list = ([] as string[]).concat((res.headers['set-cookie'] as string[] | undefined) ?? []);
  return list.some((c) => c.startsWith(`${name}=`));
}

describe.each(STORES)('revocation that holds on the %s store', (kind) => {
  let app: FaultyApp;
  let next = 0;
  const fresh = () => ACCOUNTS[next++];
  const server = () => app.server;

  beforeAll(async () => {
    app = await startFaultyApp(kind, ACCOUNTS, { maxSessionsPerUser: 3 });
  });

  afterAll(async () => {
    await app?.close();
  });

  async function signIn(account: FixtureAccount, password = account.password): Promise<string> {
    const res = await attemptLogin(server(), account.email, password);
    expectStatus(res, 200, `POST /auth/login as ${account.email}`);
    return sidCookie(res)!;
  }

  async function listOf(cookie: string): Promise<SessionSummary[]> {
    const res = await getAs(server(), cookie, '/auth/sessions');
    expectStatus(res, 200, 'GET /auth/sessions');
    return (res.body as { sessions: SessionSummary[] }).sessions;
  }

  /** Asserts that a cookie an answer handed out, if any, is not signed in. */
  async function expectNotSignedIn(cookie: string | undefined, what: string): Promise<void> {
    if (cookie === undefined) return;
    expectStatus(await getAs(server(), cookie, '/auth/me'), 401, `GET /auth/me, ${what}`);
  }

  describe.each(['index.add', 'create'] as const)(
    'a sign-in held at %s while the password changes',
    (held) => {
      it('does not survive the change (point 1)', async () => {
        const user = fresh();
        const owner = await signIn(user);
        // The attacker's sign-in checks the old password, then waits before its session is
        // indexed or saved, while the owner changes the password and ends every other session.
        const gate = app.backend.holdNext(held);
        const attacker = attemptLogin(server(), user.email, user.password).then((res) => res);
        await gate.reached;
        const change = await changePassword(server(), owner, user.password, NEW_PASSWORD);
        expectStatus(change, 200, 'POST /auth/password');
        gate.release();
        const late = await attacker;
        await expectNotSignedIn(sidCookie(late), 'the sign-in that straddled the change');
        const rotated = sidCookie(change)!;
        expect(await listOf(rotated)).toHaveLength(1);
      });
    },
  );

  it('keeps a sign-in whose save is on its way in the index when a listing runs (point 2)', async () => {
    const user = fresh();
    const owner = await signIn(user);
    const gate = app.backend.holdNext('create');
    const second = attemptLogin(server(), user.email, user.password).then((res) => res);
    await gate.reached;
    // The listing sees the new entry before its session exists: it must leave it alone.
    expect(await listOf(owner)).toHaveLength(1);
    gate.release();
    const phone = sidCookie(await second)!;
    expect(await listOf(owner)).toHaveLength(2);
    const revoke = await postAs(server(), owner, '/auth/sessions/revoke-others');
    expectStatus(revoke, 200, 'POST /auth/sessions/revoke-others');
    expect(revoke.body).toEqual({ revoked: 1 });
    await expectNotSignedIn(phone, 'the session the listing saw half-made');
  });

  it('answers 503 and leaves no usable session when the index write of a sign-in fails (point 3)', async () => {
    const user = fresh();
    const creates = app.backend.count('create');
    app.backend.failNext('index.add');
    const res = await attemptLogin(server(), user.email, user.password);
    expectStatus(res, 503, 'POST /auth/login with a failing index');
    expect((res.body as { code: string }).code).toBe('session_store_unavailable');
    expect(sidCookie(res)).toBeUndefined();
    // Nothing saved, not even at the end of the response.
    expect(app.backend.count('create')).toBe(creates);
    const later = await signIn(user);
    expect(await listOf(later)).toHaveLength(1);
  });

  it('answers 503 and leaves no usable session when the index write of a rotation fails (point 3)', async () => {
    const user = fresh();
    const other = await signIn(user);
    const owner = await signIn(user);
    app.backend.failNext('index.add');
    const res = await changePassword(server(), owner, user.password, NEW_PASSWORD);
    expectStatus(res, 503, 'POST /auth/password with a failing index');
    await expectNotSignedIn(sidCookie(res), 'the cookie of the failed rotation');
    await expectNotSignedIn(other, 'the other session');
    // The new hash was saved before the rotation: the owner signs in with it, and the list
    // holds that one session only, so nothing was left behind that revocation cannot reach.
    expectStatus(await attemptLogin(server(), user.email, user.password), 401, 'old password');
    const again = await signIn(user, NEW_PASSWORD);
    expect(await listOf(again)).toHaveLength(1);
  });

  it('ends every other session when a password change fails halfway, and accepts its retry (point 4)', async () => {
    const user = fresh();
    const attacker = await signIn(user);
    const owner = await signIn(user);
    // The sweep of the index fails after the new hash was saved.
    app.backend.failNext('index.entries');
    app.backend.failNext('index.members');
    const failed = await changePassword(server(), owner, user.password, NEW_PASSWORD);
    app.backend.reset();
    expectStatus(failed, 503, 'POST /auth/password with a failing sweep');
    await expectNotSignedIn(attacker, 'the attacker after the failed change');
    const retry = await changePassword(server(), owner, user.password, NEW_PASSWORD);
    expectStatus(retry, 200, 'POST /auth/password, the same request again');
    await expectNotSignedIn(attacker, 'the attacker after the retry');
    expectStatus(await getAs(server(), sidCookie(retry)!, '/auth/me'), 200, 'owner after retry');
    expectStatus(await attemptLogin(server(), user.email, user.password), 401, 'old password');
    await signIn(user, NEW_PASSWORD);
  });

  it('keeps the session and its CSRF token when a logout fails with 503 (point 15)', async () => {
    const user = fresh();
    const cookie = await signIn(user);
    const headers = await csrfHeaders(server(), cookie);
    app.backend.failNext('destroy');
    const failed = await request(server()).post('/auth/logout').set(headers);
    expectStatus(failed, 503, 'POST /auth/logout with a failing store');
    expect(setsCookie(failed, CSRF_COOKIE)).toBe(false);
    expect(setsCookie(failed, 'sid')).toBe(false);
    expectStatus(await getAs(server(), cookie, '/auth/me'), 200, 'GET /auth/me after the 503');
    // The client's unchanged cookies and token still work for the retry.
    const retry = await request(server()).post('/auth/logout').set(headers);
    expectStatus(retry, 204, 'POST /auth/logout, retried');
    await expectNotSignedIn(cookie, 'after the retried logout');
  });

  it('ends the oldest session beyond maxSessionsPerUser (point 13)', async () => {
    const user = fresh();
    const cookies = [];
    for (let i = 0; i < 4; i++) cookies.push(await signIn(user));
    await expectNotSignedIn(cookies[0], 'the oldest session');
    for (const cookie of cookies.slice(1)) {
      expectStatus(await getAs(server(), cookie, '/auth/me'), 200, 'GET /auth/me, kept');
    }
    expect(await listOf(cookies[3])).toHaveLength(3);
  });

  it('reads the listed sessions in one batch (point 13)', async () => {
    const user = fresh();
    const cookies = [await signIn(user), await signIn(user), await signIn(user)];
    app.backend.reset();
    expect(await listOf(cookies[2])).toHaveLength(3);
    // One GET loads the caller's own session, one the user's remembered-device listing; the
    // three listed sessions come in one call.
    expect(app.backend.count('get')).toBe(2);
    expect(app.backend.count('getMany')).toBe(1);
  });

  it('ends every session of a user with invalidateUser, at their next request (point 19)', async () => {
    const user = fresh();
    const cookies = [await signIn(user), await signIn(user)];
    await app.app.get(SessionsService).invalidateUser(user.id);
    for (const cookie of cookies) await expectNotSignedIn(cookie, 'after invalidateUser');
  });

  it('writes new roles into every session with refreshProfile (point 19)', async () => {
    const user = fresh();
    const cookies = [await signIn(user), await signIn(user)];
    const profile = { id: user.id, email: user.email, displayName: user.id, roles: [] };
    expect(await app.app.get(SessionsService).refreshProfile(user.id, profile)).toBe(2);
    for (const cookie of cookies) {
      const me = await getAs(server(), cookie, '/auth/me');
      expectStatus(me, 200, 'GET /auth/me after refreshProfile');
      expect((me.body as { profile: { roles: string[] } }).profile.roles).toEqual([]);
    }
  });
});
