// "Remember me" over HTTP, on every store: the restore after a session ended, rotation, theft
// detection, revocation, the restored session's own timeouts, two instances on one store, and a
// racing double use decided by a held interleaving.
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import request from 'supertest';
import {
  AUTH_AUDIT_EVENTS,
  type SessionModuleOptions,
  type SessionStoreOptions,
} from '../../src/index.js';
import { AuditService } from '../../src/audit/audit.service.js';
import { resolveSessionOptions } from '../../src/core/options/session-options.resolver.js';
import { builtInBackend } from '../../src/stores/session-store.factory.js';
import {
  DEMO_EMAIL,
  DEMO_PASSWORD,
  loginCookie,
  type RunningApp,
  sessionCookie,
  sessionIdOf,
  TEST_SECRET,
} from '../support/apps/demo-app.js';
import { startForRootApp } from '../support/apps/forroot-app.js';
import { storedSession, storeOf } from '../support/apps/stored-sessions.js';
import { csrfHeaders } from '../support/http/csrf.js';
import { changePassword, deleteAs, expectStatus, getAs } from '../support/http/requests.js';
import { HoldPoint } from '../support/runner/hold-point.js';
import { CLOCK_SLACK_MS, untilTime } from '../support/servers/clock.js';
import {
  type SessionBackend,
  type SessionBackendKind,
  startSessionBackend,
} from '../support/servers/session-backends.js';

const NEW_PASSWORD = 'the passphrase after the change';
const COOKIE = 'remember';

/** Every built-in store, and an app's own backend that has no `swap` (the in-process fallback). */
const STORES = ['memory', 'redis', 'redis-cluster', 'postgres', 'custom'] as const;
type StoreUnderTest = (typeof STORES)[number];

/** The memory backend without `swap`, passed as an app's own backend. */
async function customBackendStore(): Promise<SessionStoreOptions> {
  const memory = await builtInBackend(
    resolveSessionOptions({ secrets: [TEST_SECRET], store: { kind: 'memory' } }),
  );
  return { kind: 'custom', backend: { ...memory, kind: 'custom-no-swap', swap: undefined } };
}

/** The `remember=…` pair a response set, or undefined; '' when it expired the cookie. */
function rememberIn(res: request.Response): string | undefined {
  const list = (res.headers['set-cookie'] as unknown as string[] | undefined) ?? [];
  const header = list.find((c) => c.startsWith(`${COOKIE}=`));
  if (!header) return undefined;
  const pair = header.split(';')[0];
  return pair === `${COOKIE}=` ? '' : pair;
}

function rememberHeaderIn(res: request.Response): string {
  const list = (res.headers['set-cookie'] as unknown as string[] | undefined) ?? [];
  return list.find((c) => c.startsWith(`${COOKIE}=`)) ?? '';
}

/** Signs in with `remember: true`: the session and remember-me cookie pairs. */
async function signInRemembered(app: RunningApp, userAgent = 'remembered-browser') {
  const res = await request(app.server)
    .post('/auth/login')
    .set(await csrfHeaders(app.server))
    .set('User-Agent', userAgent)
    .send({ email: DEMO_EMAIL, password: DEMO_PASSWORD, remember: true });
  expectStatus(res, 200, 'POST /auth/login with remember: true');
  const remember = rememberIn(res);
  if (!remember) throw new Error('the login set no remember cookie');
  return { session: sessionCookie(res.headers['set-cookie']), remember };
}

describe.each(STORES)('remember me on the %s store', (kind: StoreUnderTest) => {
  let backend: SessionBackend | undefined;
  const apps: RunningApp[] = [];
  const prefix = `e2e-remember-${process.pid}:`;

  beforeAll(async () => {
    if (kind !== 'custom') backend = await startSessionBackend(kind as SessionBackendKind);
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });

  afterAll(async () => {
    await backend?.close();
  });

  async function start(options: Partial<SessionModuleOptions> = {}): Promise<RunningApp> {
    const store = backend ? backend.store({ keyPrefix: prefix }) : await customBackendStore();
    const app = await startForRootApp({ store, ...options });
    apps.push(app);
    return app;
  }

  /** The audit events `app` records from now on. */
  function auditOf(app: RunningApp): string[] {
    const events: string[] = [];
    const audit = app.app.get(AuditService);
    const record = audit.record.bind(audit);
    jest.spyOn(audit, 'record').mockImplementation((event, details, req) => {
      events.push(event);
      record(event, details, req);
    });
    return events;
  }

  it('signs the browser in again after the idle timeout, on a new session that needs the password for recent-login routes', async () => {
    const app = await start({ timeouts: { idleSeconds: 1, touchFraction: 0 } });
    const { session, remember } = await signInRemembered(app);
    const lastUse = Date.now();
    const reads = jest.spyOn(storeOf(app), 'readRecord');
    // While the session is valid the remember cookie costs nothing: no token is read.
    expectStatus(await getAs(app.server, `${session}; ${remember}`, '/auth/me'), 200, 'me');
    expect(reads).not.toHaveBeenCalled();

    await untilTime(lastUse + 1000 + CLOCK_SLACK_MS + 50);
    const restoredAt = Date.now();
    const res = await getAs(app.server, `${session}; ${remember}`, '/auth/me');
    expectStatus(res, 200, 'GET /auth/me after the idle timeout, with the remember cookie');
    expect(res.body.profile.email).toBe(DEMO_EMAIL);
    expect(res.headers['cache-control']).toBe('no-store');
    const restored = sessionCookie(res.headers['set-cookie']);
    expect(sessionIdOf(restored)).not.toBe(sessionIdOf(session));
    const rotated = rememberIn(res);
    expect(rotated).toBeTruthy();
    expect(rotated).not.toBe(remember);
    expect(rememberHeaderIn(res)).toMatch(/; HttpOnly/);
    expect(rememberHeaderIn(res)).toMatch(/; SameSite=Lax/);
    expect(rememberHeaderIn(res)).toMatch(/; Path=\//);
    expect(rememberHeaderIn(res)).not.toMatch(/Domain=/);
    const stored = await storedSession(app, sessionIdOf(restored));
    expect(stored?.viaRememberMe).toBe(true);
    expect(stored?.createdAt).toBeGreaterThanOrEqual(restoredAt);

    // A stolen cookie must not be enough to change the password.
    const change = await changePassword(app.server, restored, DEMO_PASSWORD, NEW_PASSWORD);
    expectStatus(change, 401, 'POST /auth/password on a remembered session');
    expect(change.body.code).toBe('reauth_required');
    // Signing in with the password clears it.
    const fresh = await loginCookie(app.server);
    expect((await storedSession(app, sessionIdOf(fresh)))?.viaRememberMe).toBeUndefined();
  });

  it('rotates the cookie on each use: the old value signs nobody in, the new one does', async () => {
    const app = await start();
    const { remember } = await signInRemembered(app);
    const first = await getAs(app.server, remember, '/auth/me');
    expectStatus(first, 200, 'GET /auth/me with the remember cookie only');
    const rotated = rememberIn(first)!;
    // Within the race window: answered signed out, no cookie touched, nothing revoked.
    const replay = await getAs(app.server, remember, '/auth/me');
    expectStatus(replay, 401, 'GET /auth/me with the rotated-away value');
    expect(replay.headers['set-cookie']).toBeUndefined();
    const second = await getAs(app.server, rotated, '/auth/me');
    expectStatus(second, 200, 'GET /auth/me with the rotated value');
    expect(rememberIn(second)).not.toBe(rotated);
  });

  it('takes an old value replayed after the race window for a theft: every session and token of the user ends', async () => {
    const app = await start({ rememberMe: { raceWindowSeconds: 0 } });
    const events = auditOf(app);
    const { session, remember } = await signInRemembered(app, 'victim');
    const otherDevice = await signInRemembered(app, 'other device');
    const plain = await loginCookie(app.server);
    const owner = await getAs(app.server, remember, '/auth/me');
    expectStatus(owner, 200, 'the owner uses the cookie');
    const restored = sessionCookie(owner.headers['set-cookie']);
    const current = rememberIn(owner)!;

    const thief = await getAs(app.server, remember, '/auth/me');
    expectStatus(thief, 401, 'the stolen, rotated-away value');
    expect(rememberIn(thief)).toBe('');
    expect(events).toContain(AUTH_AUDIT_EVENTS.rememberTokenTheft);
    for (const [what, cookie] of [
      ['the original session', session],
      ['the restored session', restored],
      ['a password session', plain],
      ['the current remember value', current],
      ["another device's remember cookie", otherDevice.remember],
    ]) {
      expectStatus(await getAs(app.server, cookie, '/auth/me'), 401, `${what} after the theft`);
    }
  });

  it('ends every remember token of the user on a password change', async () => {
    const app = await start();
    const events = auditOf(app);
    const { remember } = await signInRemembered(app);
    const other = await loginCookie(app.server);
    expectStatus(
      await changePassword(app.server, other, DEMO_PASSWORD, NEW_PASSWORD),
      200,
      'POST /auth/password',
    );
    expect(events).toContain(AUTH_AUDIT_EVENTS.rememberRevoked);
    const res = await getAs(app.server, remember, '/auth/me');
    expectStatus(res, 401, 'the remember cookie after the password change');
    expect(rememberIn(res)).toBe('');
  });

  it('gives the restored session its own absolute timeout, counted from the restore', async () => {
    const app = await start({ timeouts: { absoluteSeconds: 2, idleSeconds: 60 } });
    const signedInAt = Date.now();
    const { remember } = await signInRemembered(app);
    await untilTime(signedInAt + 1200);
    const restoredAfter = Date.now();
    const res = await getAs(app.server, remember, '/auth/me');
    expectStatus(res, 200, 'restore');
    const restored = sessionCookie(res.headers['set-cookie']);
    const restoredBy = Date.now();
    // Past the first sign-in's deadline, but not the restore's.
    await untilTime(signedInAt + 2000 + CLOCK_SLACK_MS);
    if (Date.now() < restoredAfter + 2000) {
      expectStatus(await getAs(app.server, restored, '/auth/me'), 200, 'before its own deadline');
    }
    await untilTime(restoredBy + 2000 + CLOCK_SLACK_MS);
    const late = await getAs(app.server, restored, '/auth/me');
    expectStatus(late, 401, 'the restored session past its absolute timeout');
    expect(late.body.code).toBe('session_expired');
  });

  it('deletes the token on logout and expires the cookie', async () => {
    const app = await start();
    const events = auditOf(app);
    const { session, remember } = await signInRemembered(app);
    const logout = await request(app.server)
      .post('/auth/logout')
      .set(await csrfHeaders(app.server, `${session}; ${remember}`));
    expectStatus(logout, 204, 'POST /auth/logout');
    expect(rememberIn(logout)).toBe('');
    expect(events).toContain(AUTH_AUDIT_EVENTS.rememberRevoked);
    const selector = decodeURIComponent(remember.slice(COOKIE.length + 1)).split('.')[0];
    expect(await storeOf(app).readRecord(`remember:${selector}`)).toBeNull();
    expectStatus(await getAs(app.server, remember, '/auth/me'), 401, 'the cookie after logout');
  });

  it('lists remembered devices in /auth/sessions and revokes one by its public id', async () => {
    const app = await start();
    const { remember } = await signInRemembered(app, 'device-A');
    const other = await loginCookie(app.server);
    const listing = await getAs(app.server, other, '/auth/sessions');
    expectStatus(listing, 200, 'GET /auth/sessions');
    expect(listing.headers['cache-control']).toBe('no-store');
    expect(listing.body.sessions.length).toBeGreaterThanOrEqual(2);
    // Shared stores keep the tokens earlier tests issued to the same user: look for this one.
    type Device = { id: string; userAgent: string };
    const mine = (devices: Device[]) => devices.filter((d) => d.userAgent === 'device-A');
    expect(mine(listing.body.rememberedDevices)).toHaveLength(1);
    const [device] = mine(listing.body.rememberedDevices);
    expect(device).toMatchObject({ userAgent: 'device-A', lastUsedAt: null });
    expect(device.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const [selector, validator] = remember.slice(COOKIE.length + 1).split('.');
    expect(JSON.stringify(listing.body)).not.toContain(selector);
    expect(JSON.stringify(listing.body)).not.toContain(validator);

    const path = `/auth/sessions/remembered/${device.id}`;
    const noCsrf = await request(app.server).delete(path).set('Cookie', other);
    expectStatus(noCsrf, 403, 'DELETE without a CSRF token');
    const unknown = await deleteAs(app.server, other, '/auth/sessions/remembered/nope');
    expectStatus(unknown, 404, 'DELETE of an unknown device');
    expect(unknown.body.code).toBe('remembered_device_not_found');
    expectStatus(await deleteAs(app.server, other, path), 204, 'DELETE the device');
    const after = await getAs(app.server, other, '/auth/sessions');
    expect(mine(after.body.rememberedDevices)).toEqual([]);
    expectStatus(await getAs(app.server, remember, '/auth/me'), 401, 'the revoked device');
    expectStatus(await deleteAs(app.server, other, path), 404, 'DELETE it again');
  });

  it('decides a racing double use deterministically: one request restores, the other is signed out, nothing is revoked', async () => {
    const app = await start();
    const events = auditOf(app);
    const { remember } = await signInRemembered(app);
    const store = storeOf(app);
    const hold = new HoldPoint();
    const swap = store.swapRecord.bind(store);
    jest.spyOn(store, 'swapRecord').mockImplementation(async (key, expected, value, ttl) => {
      if (key.startsWith('remember:')) await hold.pass();
      return swap(key, expected, value, ttl);
    });
    // The first request has read the token and is about to rotate it when the second comes.
    const gate = hold.holdNext();
    const first = getAs(app.server, remember, '/auth/me').then((res) => res);
    await gate.reached;
    const second = await getAs(app.server, remember, '/auth/me');
    gate.release();
    const held = await first;

    expectStatus(second, 200, 'the request that rotated first');
    expectStatus(held, 401, 'the request that lost the rotation');
    expect(held.headers['set-cookie']).toBeUndefined();
    expect(events).not.toContain(AUTH_AUDIT_EVENTS.rememberTokenTheft);
    expect(events.filter((e) => e === AUTH_AUDIT_EVENTS.rememberUsed)).toHaveLength(1);
    const rotated = rememberIn(second)!;
    expectStatus(await getAs(app.server, rotated, '/auth/me'), 200, 'the winner’s new value');
  });

  it('fails closed when the store fails during a restore: 503, no sign-in, the cookie kept', async () => {
    const app = await start();
    const { remember } = await signInRemembered(app);
    const reads = jest
      .spyOn(storeOf(app), 'readRecord')
      .mockRejectedValue(new Error('store down for this test'));
    const down = await getAs(app.server, remember, '/auth/me');
    expectStatus(down, 503, 'GET /auth/me while the store fails');
    expect(down.body.code).toBe('session_store_unavailable');
    expect(down.headers['set-cookie']).toBeUndefined();
    reads.mockRestore();
    expectStatus(await getAs(app.server, remember, '/auth/me'), 200, 'once the store answers');
  });

  if (kind === 'redis' || kind === 'postgres' || kind === 'redis-cluster')
    it('shares tokens between two instances on the same store', async () => {
      const one = await start();
      const two = await start();
      const { remember } = await signInRemembered(one);
      const onTwo = await getAs(two.server, remember, '/auth/me');
      expectStatus(onTwo, 200, 'restore on the second instance');
      const rotated = rememberIn(onTwo)!;
      expectStatus(await getAs(one.server, remember, '/auth/me'), 401, 'old value on the first');
      expectStatus(await getAs(one.server, rotated, '/auth/me'), 200, 'new value on the first');
    });
});

describe('the remember-me cookie over HTTPS, and the login body', () => {
  let running: RunningApp;
  const https = { 'X-Forwarded-Proto': 'https' };

  beforeAll(async () => {
    running = await startForRootApp({
      store: { kind: 'memory' },
      cookie: { secure: true, sameSite: 'none' },
      // supertest speaks plain HTTP from loopback, as nginx would after terminating TLS.
      trustProxy: 'loopback',
    });
  });

  afterAll(async () => {
    await running?.close();
  });

  const login = async (body: object) =>
    request(running.server)
      .post('/auth/login')
      .set(await csrfHeaders(running.server, undefined, { headers: https }))
      .set(https)
      .send({ email: DEMO_EMAIL, password: DEMO_PASSWORD, ...body });

  it('names it __Host-remember when Secure: Path=/, no Domain, HttpOnly, SameSite=Lax', async () => {
    const res = await login({ remember: true });
    expectStatus(res, 200, 'POST /auth/login over HTTPS with remember: true');
    const list = res.headers['set-cookie'] as unknown as string[];
    const header = list.find((c) => c.startsWith('__Host-remember='));
    expect(header).toMatch(/; Path=\/(;|$)/);
    expect(header).toMatch(/; HttpOnly/);
    expect(header).toMatch(/; Secure/);
    expect(header).toMatch(/; SameSite=Lax/);
    expect(header).not.toMatch(/Domain=/);
    expect(list.some((c) => c.startsWith(`${COOKIE}=`))).toBe(false);
  });

  it('sets no remember cookie without remember: true, and refuses a remember that is not a boolean', async () => {
    const plain = await login({});
    expectStatus(plain, 200, 'POST /auth/login without remember');
    const list = plain.headers['set-cookie'] as unknown as string[];
    expect(list.some((c) => c.includes('remember='))).toBe(false);
    const bad = await login({ remember: 'yes' });
    expectStatus(bad, 400, 'POST /auth/login with remember: "yes"');
    expect(bad.body.code).toBe('invalid_request');
  });
});
