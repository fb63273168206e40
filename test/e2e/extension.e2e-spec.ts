import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Server } from 'node:http';
import request from 'supertest';
import {
  ALLOWED_ORIGIN,
  APP_CSRF_HEADER,
  ExtendedAppModule,
  GUEST,
  MEMBER,
  PASSWORD,
} from '../fixtures/extended-app/app.module.js';
import { OWN_USER, OwnRoutesAppModule } from '../fixtures/own-routes/app.module.js';
import { CSRF_COOKIE, csrfHeaders } from '../support/http/csrf.js';
import { sessionCookie } from '../support/apps/demo-app.js';
import { startFixtureApp } from '../support/apps/fixture-app.js';
import type { RunningApp } from '../support/apps/demo-app.js';

describe('an app that extends the module (SESSION_GUARD, csrfMiddleware, corsMiddleware: false)', () => {
  let running: RunningApp;
  let server: Server;

  beforeAll(async () => {
    running = await startFixtureApp({ module: ExtendedAppModule });
    server = running.server;
  });
  afterAll(() => running?.close());

  /** Signs in with the token in the app's own header, which only its CSRF subclass reads. */
  async function signIn(email: string, headers: Record<string, string> = {}) {
    const { Cookie, 'X-XSRF-TOKEN': token } = await csrfHeaders(server);
    return request(server)
      .post('/auth/login')
      .set({ Cookie, [APP_CSRF_HEADER]: token, ...headers })
      .send({ email, password: PASSWORD });
  }

  it("runs the app's SessionGuard subclass on the module's own GET /auth/me", async () => {
    const member = await signIn(MEMBER);
    const guest = await signIn(GUEST);
    expect([member.status, guest.status]).toEqual([200, 200]);

    const memberMe = await request(server)
      .get('/auth/me')
      .set('Cookie', sessionCookie(member.headers['set-cookie']));
    expect(memberMe.status).toBe(200);
    // The plain SessionGuard would let Bob in; the subclass's isSignedIn does not.
    const guestMe = await request(server)
      .get('/auth/me')
      .set('Cookie', sessionCookie(guest.headers['set-cookie']))
      .set('Accept', 'application/json');
    expect(guestMe.status).toBe(401);
    expect(guestMe.body).toMatchObject({ statusCode: 401, code: 'unauthenticated' });
  });

  it("mounts the app's CSRF subclass in place of the built-in step", async () => {
    expect((await signIn(MEMBER)).status).toBe(200);
    const forged = await request(server)
      .post('/auth/login')
      .send({ email: MEMBER, password: PASSWORD });
    expect(forged.status).toBe(403);
    expect(forged.body).toMatchObject({ statusCode: 403, code: 'csrf_token_missing' });
    const wrong = await request(server)
      .post('/auth/login')
      .set({ Cookie: `${CSRF_COOKIE}=forged`, [APP_CSRF_HEADER]: 'forged' })
      .send({ email: MEMBER, password: PASSWORD });
    expect(wrong.body).toMatchObject({ statusCode: 403, code: 'csrf_token_invalid' });
  });

  it('sends no CORS headers with corsMiddleware: false, yet the CSRF check allows corsOrigins', async () => {
    const preflight = await request(server)
      .options('/auth/login')
      .set('Origin', ALLOWED_ORIGIN)
      .set('Access-Control-Request-Method', 'POST');
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    expect(preflight.headers['access-control-allow-credentials']).toBeUndefined();

    const login = await signIn(MEMBER, { Origin: ALLOWED_ORIGIN, 'Sec-Fetch-Site': 'cross-site' });
    expect(login.status).toBe(200);
    expect(login.headers['access-control-allow-origin']).toBeUndefined();
    const stranger = await signIn(MEMBER, { Origin: 'https://evil.example' });
    expect(stranger.body).toMatchObject({ statusCode: 403, code: 'csrf_origin_refused' });
  });
});

describe.each(['forRoot', 'forRootAsync'] as const)(
  'an app with its own login route on AuthService (routes: false, %s)',
  (setup) => {
    let running: RunningApp;
    let server: Server;

    beforeAll(async () => {
      running = await startFixtureApp(OwnRoutesAppModule.register(setup));
      server = running.server;
    });
    afterAll(() => running?.close());

    /** The CSRF cookie and header from the app's own token route. */
    async function csrf(): Promise<Record<string, string>> {
      const res = await request(server).get('/token');
      expect(res.status).toBe(200);
      const token = res.body.token as string;
      return { Cookie: `${CSRF_COOKIE}=${token}`, 'X-XSRF-TOKEN': token };
    }

    const login = async (body: object) =>
      request(server)
        .post('/login')
        .set(await csrf())
        .send(body);

    it('mounts none of the module routes', async () => {
      expect((await request(server).get('/auth/me')).status).toBe(404);
      expect((await request(server).get('/auth/csrf')).status).toBe(404);
    });

    it('signs in through its own route and reaches a SessionGuard route', async () => {
      const res = await login(OWN_USER);
      expect(res.status).toBe(200);
      expect(res.body.profile).toMatchObject({ id: 'grace', email: OWN_USER.email });
      const me = await request(server)
        .get('/me')
        .set('Cookie', sessionCookie(res.headers['set-cookie']));
      expect(me.status).toBe(200);
      expect(me.body.profile.id).toBe('grace');
    });

    it("answers the module's error bodies from the app's route", async () => {
      const wrong = await login({ email: 'nobody@example.com', password: 'not it' });
      expect(wrong.status).toBe(401);
      expect(wrong.body).toEqual({
        statusCode: 401,
        code: 'invalid_credentials',
        message: 'The email or password is incorrect.',
      });
      const invalid = await login({ email: 'not-an-email', password: 'x', admin: true });
      expect(invalid.status).toBe(400);
      expect(invalid.body).toMatchObject({ statusCode: 400, code: 'invalid_request' });
      expect(invalid.body.errors).toEqual(
        expect.arrayContaining([
          { field: 'email', message: 'email must be an email address' },
          { field: 'admin', message: 'property admin should not exist' },
        ]),
      );
    });

    it("carries the lockout's Retry-After from the exception, with no response threaded through", async () => {
      const email = `locked-${setup}@example.com`;
      for (let i = 0; i < 2; i += 1) {
        expect((await login({ email, password: 'wrong' })).status).toBe(401);
      }
      const locked = await login({ email, password: 'wrong' });
      expect(locked.status).toBe(429);
      expect(locked.body).toMatchObject({ statusCode: 429, code: 'too_many_attempts' });
      expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    });
  },
);
