import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  loginCookie,
  type RunningApp,
  sessionCookie,
  sessionIdOf,
} from '../support/apps/demo-app.js';
import { startForRootApp } from '../support/apps/forroot-app.js';
import {
  attemptLogin,
  changePassword,
  expectStatus,
  getAs,
  postAs,
} from '../support/http/requests.js';
import { type SessionBackend, startSessionBackend } from '../support/servers/session-backends.js';
import { isStored } from '../support/apps/stored-sessions.js';

/** One user per test, so a changed password never leaks into the next test. */
const USERS = Array.from({ length: 8 }, (_, i) => ({
  email: `user${i}@example.com`,
  password: `initial passphrase ${i}`,
}));
const NEW_PASSWORD = 'a completely new passphrase';

const STORES = ['redis', 'memory', 'postgres', 'redis-cluster'] as const;

describe.each(STORES)('POST /auth/password on the %s store', (store) => {
  let backend: SessionBackend;
  let running: RunningApp;
  const prefix = `e2e-password-${process.pid}:`;
  let next = 0;
  /** A user no other test has touched. */
  const freshUser = () => USERS[next++];

  beforeAll(async () => {
    backend = await startSessionBackend(store);
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

  it('changes the password, rotates the session id and ends every other session', async () => {
    const user = freshUser();
    const others = [
      await loginCookie(server(), user.email, user.password),
      await loginCookie(server(), user.email, user.password),
    ];
    const current = await loginCookie(server(), user.email, user.password);

    const res = await changePassword(server(), current, user.password, NEW_PASSWORD);
    expectStatus(res, 200, 'POST /auth/password');
    expect(res.body).toEqual({ revokedSessions: 2 });
    const rotated = sessionCookie(res.headers['set-cookie']);
    expect(sessionIdOf(rotated)).not.toBe(sessionIdOf(current));

    expectStatus(await getAs(server(), rotated, '/auth/me'), 200, 'GET /auth/me, new cookie');
    expectStatus(
      await getAs(server(), current, '/auth/me'),
      401,
      'GET /auth/me, pre-rotation cookie',
    );
    for (const cookie of others) {
      expectStatus(await getAs(server(), cookie, '/auth/me'), 401, 'GET /auth/me, other session');
    }
    expect(await isStored(running, sessionIdOf(current))).toBe(false);

    expectStatus(
      await attemptLogin(server(), user.email, NEW_PASSWORD),
      200,
      'login, new password',
    );
    expectStatus(
      await attemptLogin(server(), user.email, user.password),
      401,
      'login, old password',
    );
  });

  it('keeps the session listed under the same public id after rotation', async () => {
    const user = freshUser();
    const cookie = await loginCookie(server(), user.email, user.password);
    const before = (await getAs(server(), cookie, '/auth/sessions')).body.sessions;
    const res = await changePassword(server(), cookie, user.password, NEW_PASSWORD);
    const after = (
      await getAs(server(), sessionCookie(res.headers['set-cookie']), '/auth/sessions')
    ).body.sessions;
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ id: before[0].id, current: true });
  });

  it('refuses a wrong current password with 403 and changes nothing', async () => {
    const user = freshUser();
    const other = await loginCookie(server(), user.email, user.password);
    const cookie = await loginCookie(server(), user.email, user.password);
    const res = await changePassword(server(), cookie, 'not my password', NEW_PASSWORD);
    expectStatus(res, 403, 'POST /auth/password with a wrong current password');
    expect(res.body).toEqual({
      statusCode: 403,
      code: 'invalid_current_password',
      message: 'The current password is incorrect.',
    });
    expect(res.headers['set-cookie']).toBeUndefined();
    expectStatus(await getAs(server(), cookie, '/auth/me'), 200, 'GET /auth/me, same session');
    expectStatus(await getAs(server(), other, '/auth/me'), 200, 'GET /auth/me, other session');
    expectStatus(
      await attemptLogin(server(), user.email, user.password),
      200,
      'login, old password',
    );
  });

  it('refuses a new password equal to the current one with 400 password_unchanged', async () => {
    const user = freshUser();
    const cookie = await loginCookie(server(), user.email, user.password);
    const res = await changePassword(server(), cookie, user.password, user.password);
    expectStatus(res, 400, 'POST /auth/password with the same password');
    expect(res.body.code).toBe('password_unchanged');
  });

  it('enforces 12 to 128 characters for the new password, and a well-formed body', async () => {
    const user = freshUser();
    const cookie = await loginCookie(server(), user.email, user.password);
    const bodies: Record<string, object> = {
      '11 characters': { currentPassword: user.password, newPassword: 'x'.repeat(11) },
      '129 characters': { currentPassword: user.password, newPassword: 'x'.repeat(129) },
      'no currentPassword': { newPassword: NEW_PASSWORD },
      'a number': { currentPassword: user.password, newPassword: 123456789012345 },
      'an extra field': { currentPassword: user.password, newPassword: NEW_PASSWORD, admin: true },
    };
    for (const [what, body] of Object.entries(bodies)) {
      const res = await postAs(server(), cookie, '/auth/password', body);
      expectStatus(res, 400, `POST /auth/password with ${what}`);
    }
    const edges = { 12: 'y'.repeat(12), 128: 'z'.repeat(128) };
    let current = user.password;
    let session = cookie;
    for (const [length, password] of Object.entries(edges)) {
      const res = await changePassword(server(), session, current, password);
      expectStatus(res, 200, `POST /auth/password with ${length} characters`);
      session = sessionCookie(res.headers['set-cookie']);
      current = password;
    }
  });

  it('answers 401 without a session', async () => {
    const res = await postAs(server(), 'sid=nothing', '/auth/password', {
      currentPassword: 'whatever it is',
      newPassword: NEW_PASSWORD,
    });
    expectStatus(res, 401, 'POST /auth/password without a session');
  });
});
