import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { type RunningApp, sessionCookie, sessionIdOf } from '../support/apps/demo-app.js';
import { startForRootApp } from '../support/apps/forroot-app.js';
import { expectStatus, getAs, postAs, unsafeRequest } from '../support/http/requests.js';
import { enrol, passwordStep, sendCode } from '../support/http/second-factor.js';
import { CLOCK_SLACK_MS, untilTime } from '../support/servers/clock.js';
import { type SessionBackend, startSessionBackend } from '../support/servers/session-backends.js';
import { loginCookie } from '../support/apps/demo-app.js';

/** One user per test, so one test's codes and lockouts never reach the next. */
const USERS = Array.from({ length: 12 }, (_, i) => ({
  email: `totp${i}@example.com`,
  password: `second factor passphrase ${i}`,
}));
const PENDING_SECONDS = 3;
const RECENT_LOGIN_SECONDS = 3;
const MAX_FAILURES = 3;
const STORES = ['redis', 'memory', 'postgres', 'redis-cluster'] as const;

describe.each(STORES)('TOTP second factor on the %s store', (store) => {
  let backend: SessionBackend;
  let running: RunningApp;
  let next = 0;
  const freshUser = () => USERS[next++];
  const server = () => running.server;

  beforeAll(async () => {
    backend = await startSessionBackend(store);
    running = await startForRootApp(
      {
        store: backend.store({ keyPrefix: `e2e-totp-${process.pid}:` }),
        secondFactor: { pendingSeconds: PENDING_SECONDS, issuer: 'Test App' },
        timeouts: { recentLoginSeconds: RECENT_LOGIN_SECONDS },
        loginThrottle: { accountMaxFailures: MAX_FAILURES },
      },
      { users: USERS },
    );
  });

  afterAll(async () => {
    await running?.close();
    await backend?.close();
  });

  /** A user signed in with the password alone, then enrolled. */
  async function enrolled() {
    const user = freshUser();
    const cookie = await loginCookie(server(), user.email, user.password);
    const app = await enrol(server(), cookie);
    return { user, cookie, app };
  }

  it('asks for the code after the password, and signs in on a new session id only with it', async () => {
    const user = freshUser();
    const before = await loginCookie(server(), user.email, user.password);
    const started = await postAs(server(), before, '/auth/second-factor/enrol');
    expectStatus(started, 200, 'enrol');
    expect(started.headers['cache-control']).toBe('no-store');
    expect(started.body.qrCode).toMatch(/^data:image\/svg\+xml;base64,/);
    const uri = new URL(started.body.otpauthUri as string);
    expect([uri.protocol, uri.searchParams.get('issuer')]).toEqual(['otpauth:', 'Test App']);
    expect(uri.searchParams.get('secret')).toBe(started.body.secret);
    await postAs(server(), before, '/auth/logout').expect(204);

    const enrolling = await loginCookie(server(), user.email, user.password);
    const app = await enrol(server(), enrolling);
    expect(app.recoveryCodes).toHaveLength(10);
    await postAs(server(), enrolling, '/auth/logout').expect(204);

    const { cookie: pending, res: login } = await passwordStep(server(), user.email, user.password);
    expect(login.body).toEqual({
      secondFactorRequired: true,
      state: 'pending_second_factor',
      csrfToken: expect.any(String),
    });
    const me = await getAs(server(), pending, '/auth/me');
    expect([me.status, me.body.code]).toEqual([401, 'second_factor_required']);
    for (const path of ['/auth/sessions', '/profile', '/auth/second-factor']) {
      const res = await getAs(server(), pending, path).set('Accept', 'application/json');
      expect([path, res.status]).toEqual([path, 401]);
    }
    const wrong = await sendCode(
      server(),
      pending,
      (await app.code(1)) === '000000' ? '000001' : '000000',
    );
    expect([wrong.status, wrong.body.code]).toEqual([401, 'invalid_second_factor_code']);

    const done = await sendCode(server(), pending, await app.code(1));
    expectStatus(done, 200, 'POST /auth/second-factor');
    expect(done.headers['cache-control']).toBe('no-store');
    expect(done.body).toEqual({
      profile: expect.objectContaining({ email: user.email }),
      csrfToken: expect.any(String),
    });
    const signedIn = sessionCookie(done.headers['set-cookie']);
    expect(sessionIdOf(signedIn)).not.toBe(sessionIdOf(pending));
    expectStatus(await getAs(server(), signedIn, '/auth/me'), 200, 'GET /auth/me after the code');
    expectStatus(await getAs(server(), pending, '/auth/me'), 401, 'GET /auth/me, pending cookie');
    const sessions = await getAs(server(), signedIn, '/auth/sessions');
    expect(sessions.body.sessions).toHaveLength(1);
    const status = await getAs(server(), signedIn, '/auth/second-factor');
    expect(status.body).toEqual({ available: true, enabled: true, recoveryCodesLeft: 10 });
  });

  it('refuses a code that was already used, even from another sign-in', async () => {
    const { user, app } = await enrolled();
    const used = await sendCode(
      server(),
      (await passwordStep(server(), user.email, user.password)).cookie,
      await app.code(0),
    );
    expect([used.status, used.body.code]).toEqual([401, 'invalid_second_factor_code']);
    const first = (await passwordStep(server(), user.email, user.password)).cookie;
    expectStatus(await sendCode(server(), first, await app.code(1)), 200, 'first use');
    const second = (await passwordStep(server(), user.email, user.password)).cookie;
    const replay = await sendCode(server(), second, await app.code(1));
    expect([replay.status, replay.body.code]).toEqual([401, 'invalid_second_factor_code']);
  });

  it('accepts a recovery code once', async () => {
    const { user, app } = await enrolled();
    const [code] = app.recoveryCodes;
    const first = (await passwordStep(server(), user.email, user.password)).cookie;
    const done = await sendCode(server(), first, code.toUpperCase());
    expectStatus(done, 200, 'recovery code');
    const left = await getAs(
      server(),
      sessionCookie(done.headers['set-cookie']),
      '/auth/second-factor',
    );
    expect(left.body.recoveryCodesLeft).toBe(9);
    const second = (await passwordStep(server(), user.email, user.password)).cookie;
    const again = await sendCode(server(), second, code);
    expect([again.status, again.body.code]).toEqual([401, 'invalid_second_factor_code']);
  });

  it('locks the codes out after repeated failures (429, Retry-After), whatever the password does', async () => {
    const { user, app } = await enrolled();
    const pending = (await passwordStep(server(), user.email, user.password)).cookie;
    const right = await app.code(1);
    const wrong = right === '123456' ? '654321' : '123456';
    for (let i = 0; i < MAX_FAILURES; i++) {
      const res = await sendCode(server(), pending, wrong);
      expect([i, res.status, res.body.code]).toEqual([i, 401, 'invalid_second_factor_code']);
    }
    const locked = await sendCode(server(), pending, right);
    expect([locked.status, locked.body.code]).toEqual([429, 'too_many_attempts']);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    // A right password clears the password's counter, not the codes'.
    const again = (await passwordStep(server(), user.email, user.password)).cookie;
    const still = await sendCode(server(), again, right);
    expect([still.status, still.body.code]).toEqual([429, 'too_many_attempts']);
  });

  it('issues the remember-me cookie asked for at the password step only once the code checks out', async () => {
    const { user, app } = await enrolled();
    const rememberPair = (res: request.Response) =>
      ([] as string[])
        .concat(res.headers['set-cookie'] ?? [])
        .map((header) => header.split(';')[0])
        .find((pair) => pair.startsWith('remember=') && pair !== 'remember=');
    const login = await unsafeRequest(server(), 'post', '/auth/login').send({
      email: user.email,
      password: user.password,
      remember: true,
    });
    expect([login.status, login.body.state]).toEqual([200, 'pending_second_factor']);
    // Nothing long-lived for a browser that has only given the password.
    expect(rememberPair(login)).toBeUndefined();
    const pending = sessionCookie(login.headers['set-cookie']);

    const done = await sendCode(server(), pending, await app.code(1));
    expectStatus(done, 200, 'POST /auth/second-factor');
    const remember = rememberPair(done);
    expect(remember).toBeDefined();
    // The token stands for both factors: without any session, it signs this browser in again.
    const restored = await getAs(server(), remember!, '/auth/me');
    expectStatus(restored, 200, 'GET /auth/me with only the remember cookie');
    expect(restored.body.profile.email).toBe(user.email);
  });

  it('issues no remember-me cookie when the password step did not ask for one', async () => {
    const { user, app } = await enrolled();
    const { cookie: pending } = await passwordStep(server(), user.email, user.password);
    const done = await sendCode(server(), pending, await app.code(1));
    expectStatus(done, 200, 'POST /auth/second-factor');
    const names = ([] as string[])
      .concat(done.headers['set-cookie'] ?? [])
      .map((header) => header.split('=')[0]);
    expect(names).not.toContain('remember');
  });

  it('ends the pending sign-in after secondFactor.pendingSeconds', async () => {
    const { user, app } = await enrolled();
    const pending = (await passwordStep(server(), user.email, user.password)).cookie;
    const after = Date.now();
    await untilTime(after + PENDING_SECONDS * 1000 + CLOCK_SLACK_MS);
    const me = await getAs(server(), pending, '/auth/me');
    expect([me.status, me.body.code]).toEqual([401, 'second_factor_expired']);
    const late = await sendCode(server(), pending, await app.code(1));
    expect([late.status, late.body.code]).toEqual([401, 'second_factor_expired']);
    const gone = await sendCode(server(), pending, await app.code(1));
    expect([gone.status, gone.body.code]).toEqual([401, 'second_factor_not_pending']);
  });

  it('turns off only with a recent sign-in and a valid code; recovery codes need one of them', async () => {
    const { user, cookie, app } = await enrolled();
    // Recent: new recovery codes without a code.
    const renewed = await postAs(server(), cookie, '/auth/second-factor/recovery-codes', {});
    expectStatus(renewed, 200, 'new recovery codes, recent sign-in');
    const codes = renewed.body.recoveryCodes as string[];
    expect(codes).toHaveLength(10);
    expect(codes).not.toContain(app.recoveryCodes[0]);

    await untilTime(Date.now() + RECENT_LOGIN_SECONDS * 1000 + CLOCK_SLACK_MS);
    const stale = await postAs(server(), cookie, '/auth/second-factor/disable', { code: codes[0] });
    expect([stale.status, stale.body.code]).toEqual([401, 'reauth_required']);
    const noCode = await postAs(server(), cookie, '/auth/second-factor/recovery-codes', {});
    expect([noCode.status, noCode.body.code]).toEqual([401, 'reauth_required']);

    const pending = (await passwordStep(server(), user.email, user.password)).cookie;
    // The old recovery codes went with the renewal.
    const old = await sendCode(server(), pending, app.recoveryCodes[1]);
    expect([old.status, old.body.code]).toEqual([401, 'invalid_second_factor_code']);
    const done = await sendCode(server(), pending, codes[1]);
    expectStatus(done, 200, 'sign-in with a new recovery code');
    const fresh = sessionCookie(done.headers['set-cookie']);
    const missing = await postAs(server(), fresh, '/auth/second-factor/disable', {});
    expect([missing.status, missing.body.code]).toEqual([400, 'invalid_request']);
    const wrong = await postAs(server(), fresh, '/auth/second-factor/disable', { code: codes[1] });
    expect([wrong.status, wrong.body.code]).toEqual([401, 'invalid_second_factor_code']);
    const off = await postAs(server(), fresh, '/auth/second-factor/disable', { code: codes[2] });
    expectStatus(off, 204, 'disable');
    expect(off.headers['cache-control']).toBe('no-store');

    const plain = await postAs(server(), fresh, '/auth/logout').then(() =>
      loginCookie(server(), user.email, user.password),
    );
    const me = await getAs(server(), plain, '/auth/me');
    expectStatus(me, 200, 'password-only sign-in after disabling');
  });

  it('refuses every second-factor POST without a CSRF token', async () => {
    const { user, cookie } = await enrolled();
    const pending = (await passwordStep(server(), user.email, user.password)).cookie;
    const routes: Array<[string, string]> = [
      ['/auth/second-factor', pending],
      ['/auth/second-factor/enrol', cookie],
      ['/auth/second-factor/enrol/confirm', cookie],
      ['/auth/second-factor/disable', cookie],
      ['/auth/second-factor/recovery-codes', cookie],
    ];
    for (const [path, session] of routes) {
      const res = await request(server())
        .post(path)
        .set('Cookie', session)
        .send({ code: '123456' });
      expect([path, res.status, res.body.code]).toEqual([path, 403, 'csrf_token_missing']);
    }
  });
});
