import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { type RunningApp, type SignedIn, signIn } from '../support/apps/demo-app.js';
import { startForRootApp } from '../support/apps/forroot-app.js';

const ALLOWED = 'https://app.example.test';
const HOST = 'api.example.test';

// The origin half of CSRF defence: even a request that somehow carries the right token is
// refused when the browser says it comes from a site that is neither this one nor allowed.
describe('CSRF origin check', () => {
  let running: RunningApp;

  beforeAll(async () => {
    running = await startForRootApp({ store: { kind: 'memory' }, cors: { origins: [ALLOWED] } });
  });

  afterAll(async () => {
    await running?.close();
  });

  /** POST /auth/logout as `session` with the right token plus `headers`. */
  const logout = (session: SignedIn, headers: Record<string, string>) =>
    request(running.server)
      .post('/auth/logout')
      .set(session.headers)
      .set('Host', HOST)
      .set(headers);
  const isSignedIn = async (session: SignedIn) =>
    (await request(running.server).get('/auth/me').set('Cookie', session.cookie)).status === 200;

  it.each([
    ['another site in Origin', { Origin: 'https://evil.example' }],
    ['Origin: null (sandboxed frame, file: page)', { Origin: 'null' }],
    ['a look-alike of the allowed origin', { Origin: 'https://app.example.test.evil.example' }],
    ['the allowed host over another scheme', { Origin: 'http://app.example.test' }],
    ['another site in Referer, no Origin', { Referer: 'https://evil.example/page' }],
    ['a Referer that is no URL, no Origin', { Referer: 'not a url' }],
    ['Sec-Fetch-Site: cross-site with no Origin', { 'Sec-Fetch-Site': 'cross-site' }],
  ])(
    'refuses a request with the right token but %s (403 csrf_origin_refused)',
    async (_what, headers) => {
      const session = await signIn(running.server);
      const res = await logout(session, headers);
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ code: 'csrf_origin_refused' });
      expect(res.body.message).toMatch(/origin/);
      expect(await isSignedIn(session)).toBe(true);
    },
  );

  it.each([
    ['this site in Origin', { Origin: `http://${HOST}` }],
    ['an origin from CORS_ORIGINS', { Origin: ALLOWED, 'Sec-Fetch-Site': 'same-site' }],
    ['this site in Referer, no Origin', { Referer: `http://${HOST}/profile` }],
    ['neither header (curl), so the token decides', {}],
  ])('lets the right token through with %s', async (_what, headers) => {
    const session = await signIn(running.server);
    const res = await logout(session, headers);
    expect(res.status).toBe(204);
    expect(await isSignedIn(session)).toBe(false);
  });
});
