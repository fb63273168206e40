import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { cookieValue, CSRF_COOKIE, CSRF_HEADER, csrfHeaders } from '../support/http/csrf.js';
import {
  DEMO_EMAIL,
  DEMO_PASSWORD,
  type RunningApp,
  sessionCookie,
  signedSessionCookie,
  signIn,
  startDemoApp,
} from '../support/apps/demo-app.js';
import { freePort } from '../support/servers/ports.js';
import { concretePath, unsafeRoutes } from '../support/http/routes.js';
import { startTestRedis, type TestRedis } from '../support/servers/test-redis.js';

const CSRF_CODES = ['csrf_token_missing', 'csrf_token_invalid', 'csrf_origin_refused'];

describe('CSRF tokens on every unsafe route', () => {
  let redis: TestRedis;
  let running: RunningApp;

  beforeAll(async () => {
    redis = await startTestRedis();
    running = await startDemoApp({
      SESSION_STORE: 'redis',
      REDIS_URL: redis.url,
      SESSION_KEY_PREFIX: `e2e-csrf-${process.pid}:`,
    });
  });

  afterAll(async () => {
    await running?.close();
    await redis?.close();
  });

  const http = () => request(running.server);
  const send = (method: string, path: string, headers: Record<string, string>) =>
    http()[method.toLowerCase() as 'post'](path).set(headers).send({});
  const isSignedIn = async (cookie: string) =>
    (await http().get('/auth/me').set('Cookie', cookie)).status === 200;

  it('finds the unsafe routes in the router, login and logout among them', () => {
    const names = unsafeRoutes(running.app).map((r) => `${r.method} ${r.path}`);
    expect(names).toEqual(expect.arrayContaining(['POST /auth/login', 'POST /auth/logout']));
  });

  it('refuses every unsafe route without a token or with another session’s, and lets the right token through', async () => {
    const failures: string[] = [];
    const other = await signIn(running.server);
    for (const route of unsafeRoutes(running.app)) {
      const name = `${route.method} ${route.path}`;
      const path = concretePath(route.path);
      const session = await signIn(running.server);

      const missing = await send(route.method, path, { Cookie: session.headers.Cookie });
      if (missing.status !== 403 || missing.body.code !== 'csrf_token_missing') {
        failures.push(
          `${name} without a token: ${missing.status} ${missing.body.code}, expected 403 csrf_token_missing`,
        );
      }
      const wrong = await send(route.method, path, {
        Cookie: session.headers.Cookie,
        [CSRF_HEADER]: other.headers[CSRF_HEADER],
      });
      if (wrong.status !== 403 || wrong.body.code !== 'csrf_token_invalid') {
        failures.push(
          `${name} with another session's token: ${wrong.status} ${wrong.body.code}, expected 403 csrf_token_invalid`,
        );
      }
      if (!(await isSignedIn(session.cookie))) {
        failures.push(`${name}: a refused request still changed the session`);
      }
      const right = await send(route.method, path, session.headers);
      if (CSRF_CODES.includes(right.body.code)) {
        failures.push(
          `${name} with the session's token: ${right.status} ${right.body.code}, expected to pass the CSRF check`,
        );
      }
      const anonymous = await send(route.method, path, {});
      if (anonymous.status !== 403 || anonymous.body.code !== 'csrf_token_missing') {
        failures.push(
          `${name} anonymous without a token: ${anonymous.status}, expected 403 csrf_token_missing`,
        );
      }
    }
    expect(failures).toEqual([]);
  });

  it('refuses a forged login (login CSRF): no token, a foreign token, or a token without its cookie', async () => {
    const credentials = { email: DEMO_EMAIL, password: DEMO_PASSWORD };
    const attacker = await csrfHeaders(running.server);
    const victim = await csrfHeaders(running.server);
    const attempts = {
      'no token': {},
      "the attacker's token with the victim's cookie": {
        Cookie: victim.Cookie,
        [CSRF_HEADER]: attacker[CSRF_HEADER],
      },
      'a token without its cookie': { [CSRF_HEADER]: victim[CSRF_HEADER] },
      'a self-made token in both places': { Cookie: `${CSRF_COOKIE}=x.y`, [CSRF_HEADER]: 'x.y' },
    };
    for (const [what, headers] of Object.entries(attempts)) {
      const res = await http().post('/auth/login').set(headers).send(credentials);
      expect(`${what}: ${res.status}`).toBe(`${what}: 403`);
      expect(res.headers['set-cookie']?.toString() ?? '').not.toMatch(/(^|,)sid=/);
    }
    const genuine = await http().post('/auth/login').set(victim).send(credentials);
    expect(genuine.status).toBe(200);
  });

  it('rotates the token at login and at logout, and the old one stops working', async () => {
    const before = await csrfHeaders(running.server);
    const login = await http()
      .post('/auth/login')
      .set(before)
      .send({ email: DEMO_EMAIL, password: DEMO_PASSWORD });
    const cookie = sessionCookie(login.headers['set-cookie']);
    const signedInToken = cookieValue(login.headers['set-cookie'], CSRF_COOKIE)!;
    expect(signedInToken).toBeDefined();
    expect(signedInToken).not.toBe(before[CSRF_HEADER]);

    const stale = await http()
      .post('/auth/logout')
      .set({ Cookie: `${cookie}; ${before.Cookie}`, [CSRF_HEADER]: before[CSRF_HEADER] });
    expect(stale.status).toBe(403);
    expect(await isSignedIn(cookie)).toBe(true);

    const fromEndpoint = await csrfHeaders(running.server, cookie);
    expect(fromEndpoint[CSRF_HEADER]).toBe(signedInToken);
    const logout = await http().post('/auth/logout').set(fromEndpoint);
    expect(logout.status).toBe(204);
    const afterLogout = cookieValue(logout.headers['set-cookie'], CSRF_COOKIE);
    expect(afterLogout).toBeDefined();
    expect(afterLogout).not.toBe(signedInToken);
    expect(afterLogout).not.toBe(before[CSRF_HEADER]);
  });

  it('accepts the token as a _csrf form field, which does not upset the login DTO', async () => {
    const anon = await csrfHeaders(running.server);
    const form = await http().post('/auth/login').set('Cookie', anon.Cookie).type('form').send({
      email: DEMO_EMAIL,
      password: DEMO_PASSWORD,
      next: '/profile',
      _csrf: anon[CSRF_HEADER],
    });
    expect(form.status).toBe(303);
    expect(form.headers.location).toBe('/profile');

    const noField = await http()
      .post('/auth/login')
      .set('Cookie', anon.Cookie)
      .type('form')
      .send({ email: DEMO_EMAIL, password: DEMO_PASSWORD });
    expect(noField.status).toBe(403);
  });

  it('answers GET /auth/csrf with the same token while the browser keeps its cookie', async () => {
    const first = await http().get('/auth/csrf');
    const token = first.body.token as string;
    expect(cookieValue(first.headers['set-cookie'], CSRF_COOKIE)).toBe(token);
    expect(first.headers['set-cookie']?.toString()).not.toMatch(/HttpOnly/i);
    const again = await http().get('/auth/csrf').set('Cookie', `${CSRF_COOKIE}=${token}`);
    expect(again.body.token).toBe(token);
    expect(again.headers['set-cookie']).toBeUndefined();
    expect(again.headers['cache-control']).toBe('no-store');
  });
});

// The cookie signature and CSRF tokens used to share one key: every pre-session token
// `<id>.<mac>` was then the valid signature of a session cookie for the id `anonymous:<id>`.
describe('CSRF tokens and session cookies are signed with separate keys', () => {
  let running: RunningApp;

  beforeAll(async () => {
    // Redis is down: a cookie whose signature verifies costs a store lookup, which answers 503;
    // a forged signature is refused before any lookup, so the answer is a plain 401.
    running = await startDemoApp({
      SESSION_STORE: 'redis',
      REDIS_URL: `redis://127.0.0.1:${await freePort()}`,
      SESSION_STORE_TIMEOUT_MS: '300',
    });
  });

  afterAll(async () => {
    await running?.close();
  });

  const me = (cookie: string) => request(running.server).get('/auth/me').set('Cookie', cookie);

  it('does not take a pre-session CSRF token as the signature of a session cookie', async () => {
    // The control: a correctly signed cookie reaches the (unreachable) store.
    expect((await me(signedSessionCookie('some-session-id'))).status).toBe(503);
    const { token } = (await request(running.server).get('/auth/csrf')).body as { token: string };
    const [id, mac] = token.split('.');
    // cookie-signature writes base64 where the token has base64url.
    const signature = mac.replace(/-/g, '+').replace(/_/g, '/');
    const forged = `sid=${encodeURIComponent(`s:anonymous:${id}.${signature}`)}`;
    const res = await me(forged);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('unauthenticated');
  });
});
