import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import {
  DEMO_EMAIL,
  DEMO_PASSWORD,
  loginCookie,
  type RunningApp,
  sessionCookie,
  sessionIdOf,
} from '../support/apps/demo-app.js';
import { startForRootApp } from '../support/apps/forroot-app.js';
import { csrfHeaders } from '../support/http/csrf.js';
import { type SessionBackend, startSessionBackend } from '../support/servers/session-backends.js';
import type { TestRedis } from '../support/servers/test-redis.js';
import { isStored } from '../support/apps/stored-sessions.js';

// One suite, run over each store a user can pick in development and production.
const stores = ['redis', 'memory', 'postgres', 'redis-cluster'] as const;
describe.each(stores)('login, me and logout on the %s store', (store) => {
  let backend: SessionBackend | undefined;
  let redis: TestRedis | undefined;
  let running: RunningApp;
  const prefix = `e2e-auth-${process.pid}:`;

  beforeAll(async () => {
    backend = await startSessionBackend(store);
    redis = backend.redis;
    running = await startForRootApp({ store: backend.store({ keyPrefix: prefix }) });
  });

  afterAll(async () => {
    await running?.close();
    await backend?.close();
  });

  const http = () => request(running.server);
  /** CSRF headers for an anonymous visitor, or for the session of `cookie`. */
  const csrf = (cookie?: string) => csrfHeaders(running.server, cookie);

  it('logs in with JSON and answers the profile, never the hash', async () => {
    const res = await http()
      .post('/auth/login')
      .set(await csrf())
      .send({ email: DEMO_EMAIL, password: DEMO_PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      profile: { id: 'user-1', email: DEMO_EMAIL, displayName: 'Demo', roles: ['admin', 'user'] },
      csrfToken: res.headers['x-xsrf-token'],
    });
    expect(JSON.stringify(res.body)).not.toContain('argon2');
  });

  it('sets an HttpOnly, SameSite=Lax, Path=/ cookie named sid (not Secure on plain HTTP)', async () => {
    const res = await http()
      .post('/auth/login')
      .set(await csrf())
      .send({ email: DEMO_EMAIL, password: DEMO_PASSWORD });
    const header = (res.headers['set-cookie'] as unknown as string[]).find((c) =>
      c.startsWith('sid='),
    );
    expect(header).toBeDefined();
    expect(header).toMatch(/; HttpOnly/);
    expect(header).toMatch(/; SameSite=Lax/);
    expect(header).toMatch(/; Path=\//);
    expect(header).not.toMatch(/; Secure/);
    expect(header).not.toMatch(/; Domain=/);
  });

  it('answers GET /auth/me with the profile for the cookie, and 401 JSON without one', async () => {
    const cookie = await loginCookie(running.server);
    const me = await http().get('/auth/me').set('Cookie', cookie);
    expect(me.status).toBe(200);
    expect(me.body.profile.email).toBe(DEMO_EMAIL);

    const anonymous = await http().get('/auth/me');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toMatchObject({ statusCode: 401, code: 'unauthenticated' });
  });

  it('gives a new session id on every login and the old cookie is 401 afterwards', async () => {
    const first = await loginCookie(running.server);
    const again = await http()
      .post('/auth/login')
      .set(await csrf(first))
      .send({ email: DEMO_EMAIL, password: DEMO_PASSWORD });
    expect(again.status).toBe(200);
    const second = sessionCookie(again.headers['set-cookie']);
    expect(sessionIdOf(second)).not.toBe(sessionIdOf(first));
    expect((await http().get('/auth/me').set('Cookie', first)).status).toBe(401);
    expect((await http().get('/auth/me').set('Cookie', second)).status).toBe(200);
    expect(await isStored(running, sessionIdOf(first))).toBe(false);
  });

  it('logs out: 204, the cookie is cleared with the same attributes, the old cookie is 401', async () => {
    const cookie = await loginCookie(running.server);
    expect(await isStored(running, sessionIdOf(cookie))).toBe(true);
    const res = await http()
      .post('/auth/logout')
      .set(await csrf(cookie));
    expect(res.status).toBe(204);
    const cleared = (res.headers['set-cookie'] as unknown as string[])[0];
    expect(cleared).toMatch(/^sid=;/);
    expect(cleared).toMatch(/Expires=Thu, 01 Jan 1970/);
    expect(cleared).toMatch(/; Path=\//);
    expect(cleared).toMatch(/; HttpOnly/);
    expect(cleared).toMatch(/; SameSite=Lax/);
    expect((await http().get('/auth/me').set('Cookie', cookie)).status).toBe(401);
    expect(await isStored(running, sessionIdOf(cookie))).toBe(false);
  });

  it('does not log out on GET /auth/logout', async () => {
    const cookie = await loginCookie(running.server);
    const res = await http().get('/auth/logout').set('Cookie', cookie);
    expect(res.status).toBe(404);
    expect((await http().get('/auth/me').set('Cookie', cookie)).status).toBe(200);
  });

  // Only Redis has keys and TTLs to look at; the embedded store's expiry has unit tests.
  if (store === 'redis')
    it('stores the session under the key prefix with the idle timeout as TTL', async () => {
      const cookie = await loginCookie(running.server);
      const ttl = await redis!.client.ttl(prefix + sessionIdOf(cookie));
      expect(ttl).toBeGreaterThan(1700);
      expect(ttl).toBeLessThanOrEqual(1800);
    });

  it('answers a wrong password and an unknown email with the same 401 body', async () => {
    const wrong = await http()
      .post('/auth/login')
      .set(await csrf())
      .send({ email: DEMO_EMAIL, password: 'nope' });
    const unknown = await http()
      .post('/auth/login')
      .set(await csrf())
      .send({ email: 'nobody@example.com', password: 'nope' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
    expect(wrong.body.code).toBe('invalid_credentials');
    expect(wrong.headers['set-cookie']).toBeUndefined();
  });

  it('refuses a tampered cookie with 401', async () => {
    const cookie = await loginCookie(running.server);
    const tampered = cookie.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    expect((await http().get('/auth/me').set('Cookie', tampered)).status).toBe(401);
    const forged = `sid=s%3A${sessionIdOf(cookie)}.${'x'.repeat(43)}`;
    expect((await http().get('/auth/me').set('Cookie', forged)).status).toBe(401);
  });

  it('answers an oversized cookie with a 4xx, not a 500', async () => {
    const big = await http()
      .get('/auth/me')
      .set('Cookie', `sid=${'a'.repeat(8 * 1024)}`);
    expect(big.status).toBe(401);
    const huge = await http()
      .get('/auth/me')
      .set('Cookie', `sid=${'a'.repeat(20 * 1024)}`);
    expect(huge.status).toBe(431);
  });

  it('sends Cache-Control: no-store on every auth answer, errors included', async () => {
    const cookie = await loginCookie(running.server);
    const answers = {
      'GET /auth/me (signed in)': await http().get('/auth/me').set('Cookie', cookie),
      'GET /auth/me (anonymous, 401)': await http().get('/auth/me'),
      'POST /auth/login (invalid, 400)': await http()
        .post('/auth/login')
        .set(await csrf())
        .send({ email: 'x' }),
      'POST /auth/logout': await http()
        .post('/auth/logout')
        .set(await csrf(cookie)),
    };
    for (const [name, res] of Object.entries(answers)) {
      expect(`${name}: ${res.headers['cache-control']}`).toBe(`${name}: no-store`);
    }
  });
});
