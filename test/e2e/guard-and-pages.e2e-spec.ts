import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import {
  DEMO_EMAIL,
  DEMO_PASSWORD,
  loginCookie,
  type RunningApp,
  sessionCookie,
} from '../support/apps/demo-app.js';
import { startForRootApp } from '../support/apps/forroot-app.js';
import { formCsrf } from '../support/http/csrf.js';

const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

describe('SessionGuard and the demo pages over HTTP', () => {
  let running: RunningApp;

  beforeAll(async () => {
    running = await startForRootApp({ store: { kind: 'memory' } });
  });
  afterAll(() => running?.close());

  const http = () => request(running.server);
  /** A form post as the demo's pages send it: with the CSRF cookie and the `_csrf` field. */
  const postForm = async (path: string, body: Record<string, string>, sessionCookie?: string) => {
    const csrf = await formCsrf(running.server, sessionCookie);
    return http()
      .post(path)
      .set('Cookie', csrf.cookie)
      .type('form')
      .send({ ...body, ...csrf.field });
  };

  it('redirects a browser navigation to /login with next, path and query encoded', async () => {
    const res = await http().get('/profile?tab=1&x=a%20b').set('Accept', BROWSER_ACCEPT);
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/login?next=%2Fprofile%3Ftab%3D1%26x%3Da%2520b');
  });

  // What every current browser sends on a top-level navigation, and on a fetch() from a page.
  const NAVIGATION = {
    'Sec-Fetch-Mode': 'navigate',
    'Sec-Fetch-Dest': 'document',
    'Sec-Fetch-Site': 'none',
    'Sec-Fetch-User': '?1',
  };

  it('redirects a navigation that says so in Sec-Fetch-Mode, whatever its Accept', async () => {
    for (const accept of [BROWSER_ACCEPT, '*/*']) {
      const res = await http().get('/profile?tab=1').set(NAVIGATION).set('Accept', accept);
      expect(`${accept}: ${res.status} ${res.headers.location}`).toBe(
        `${accept}: 302 /login?next=%2Fprofile%3Ftab%3D1`,
      );
    }
  });

  it('redirects a HEAD navigation too, with no body', async () => {
    const res = await http().head('/profile').set(NAVIGATION).set('Accept', BROWSER_ACCEPT);
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/login?next=%2Fprofile');
    expect(res.text ?? '').toBe('');
  });

  it("answers a page's fetch() 401 JSON, even when it accepts HTML", async () => {
    const res = await http()
      .get('/profile')
      .set({ 'Sec-Fetch-Mode': 'cors', 'Sec-Fetch-Dest': 'empty', 'Sec-Fetch-Site': 'same-origin' })
      .set('Accept', BROWSER_ACCEPT);
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ code: 'unauthenticated' });
  });

  it('answers an API call 401 JSON on the same route', async () => {
    const res = await http().get('/profile').set('Accept', 'application/json');
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ code: 'unauthenticated' });
    const xhr = await http()
      .get('/profile')
      .set('Accept', BROWSER_ACCEPT)
      .set('X-Requested-With', 'XMLHttpRequest');
    expect(xhr.status).toBe(401);
  });

  it.each(['/', '/login', '/login?next=%2Fprofile', '/health'])(
    'leaves the public route %s open',
    async (path) => {
      const res = await http().get(path).set('Accept', BROWSER_ACCEPT);
      expect(`${path} → ${res.status}`).toBe(`${path} → 200`);
    },
  );

  it('serves a login form that posts to /auth/login and carries next', async () => {
    const res = await http().get('/login?next=%2Fprofile%3Ftab%3D1');
    expect(res.text).toContain('action="/auth/login"');
    expect(res.text).toContain('name="next" value="/profile?tab=1"');
  });

  it('does not carry an unsafe next into the login form', async () => {
    const res = await http().get('/login?next=%2F%2Fevil.com');
    expect(res.text).toContain('name="next" value="/"');
    expect(res.text).not.toContain('evil.com');
  });

  it('logs in through the form and redirects 303 to next, with the session working', async () => {
    const res = await postForm('/auth/login', {
      email: DEMO_EMAIL,
      password: DEMO_PASSWORD,
      next: '/profile?tab=1',
    });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/profile?tab=1');
    const cookie = sessionCookie(res.headers['set-cookie']);
    const profile = await http()
      .get('/profile')
      .set('Cookie', cookie)
      .set('Accept', BROWSER_ACCEPT);
    expect(profile.status).toBe(200);
    expect(profile.text).toContain('demo@example.com');
  });

  it.each([
    '//evil.com',
    '/\\evil.com',
    'https://evil.com/',
    'javascript:alert(1)',
    '/\t/evil.com',
    '%2F%2Fevil.com',
    'http:evil.com',
  ])('refuses the open redirect next=%j and sends the user to /', async (next) => {
    const res = await postForm('/auth/login', { email: DEMO_EMAIL, password: DEMO_PASSWORD, next });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/');
  });

  it('sends a failed form login back to the login page with an error, not a JSON 401', async () => {
    const res = await postForm('/auth/login', {
      email: DEMO_EMAIL,
      password: 'wrong',
      next: '/profile',
    });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/login?error=invalid&next=%2Fprofile');
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('logs out through the form with a 303 to the login page', async () => {
    const cookie = await loginCookie(running.server);
    const res = await postForm('/auth/logout', {}, cookie);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/login');
    expect((await http().get('/auth/me').set('Cookie', cookie)).status).toBe(401);
  });

  it('shows the profile as JSON to API clients, with the page-visit history', async () => {
    const cookie = await loginCookie(running.server);
    await http().get('/').set('Cookie', cookie);
    const res = await http()
      .get('/profile')
      .set('Cookie', cookie)
      .set('Accept', 'application/json');
    expect(res.status).toBe(200);
    expect(res.body.profile.email).toBe(DEMO_EMAIL);
    expect(res.body.history.map((v: { path: string }) => v.path)).toEqual(['/', '/profile']);
  });

  it('shows who is signed in on the home page', async () => {
    const cookie = await loginCookie(running.server);
    const signedIn = await http().get('/').set('Cookie', cookie);
    expect(signedIn.text).toContain('Signed in as');
    // The page names the user: no cache may keep it and show it to the next visitor.
    expect(signedIn.headers['cache-control']).toBe('no-store');
    const anonymous = await http().get('/');
    expect(anonymous.text).toContain('not signed in');
    expect(anonymous.headers['cache-control']).toBe('no-store');
  });
});
