import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { csrfHeaders } from '../support/http/csrf.js';
import {
  DEMO_EMAIL,
  DEMO_PASSWORD,
  loginCookie,
  type RunningApp,
  startDemoApp,
} from '../support/apps/demo-app.js';
import { unsafeRequest } from '../support/http/requests.js';

/** A login body with an array nested `levels` deep in it: 3 kB at 1500 levels. */
const nestedBody = (levels: number) =>
  `{"email":"${DEMO_EMAIL}","password":"x","x":${'['.repeat(levels)}${']'.repeat(levels)}}`;
const TOO_DEEP = {
  statusCode: 400,
  code: 'invalid_request',
  message: 'body must not nest objects or arrays more than 32 levels deep.',
  errors: [
    { field: 'body', message: 'body must not nest objects or arrays more than 32 levels deep' },
  ],
};

describe('POST /auth/login input validation', () => {
  let running: RunningApp;

  beforeAll(async () => {
    running = await startDemoApp({ SESSION_STORE: 'memory' });
  });
  afterAll(() => running?.close());

  const login = async (body: string | object, type = 'application/json') =>
    request(running.server)
      .post('/auth/login')
      .set(await csrfHeaders(running.server))
      .set('Content-Type', type)
      .send(body);

  it.each([
    ['no body', {}, /email/],
    ['a missing password', { email: DEMO_EMAIL }, /password/],
    [
      'an email that is not one',
      { email: 'not-an-email', password: 'x' },
      /email must be an email/,
    ],
    ['an empty password', { email: DEMO_EMAIL, password: '' }, /password must be 1 to 128/],
    ['a 129-character password', { email: DEMO_EMAIL, password: 'p'.repeat(129) }, /1 to 128/],
    ['a number as password', { email: DEMO_EMAIL, password: 12345 }, /password/],
    [
      'an unknown field',
      { email: DEMO_EMAIL, password: DEMO_PASSWORD, admin: true },
      /admin should not exist/,
    ],
    ['an object as email', { email: { $ne: '' }, password: 'x' }, /email/],
  ])('answers 400 with a message for %s', async (_name, body, message) => {
    const res = await login(body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ statusCode: 400, code: 'invalid_request' });
    expect(JSON.stringify(res.body.message)).toMatch(message);
    expect(JSON.stringify(res.body.errors)).toMatch(message);
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('answers 413 for a JSON body over 100 kB', async () => {
    const res = await login({ email: DEMO_EMAIL, password: 'x', pad: 'a'.repeat(101 * 1024) });
    expect(res.status).toBe(413);
  });

  it('answers 400 for malformed JSON', async () => {
    const res = await login('{"email": "demo@example.com", "password": ', 'application/json');
    expect(res.status).toBe(400);
  });

  it('accepts a 128-character password as valid input (then 401 for the wrong one)', async () => {
    const res = await login({ email: DEMO_EMAIL, password: 'p'.repeat(128) });
    expect(res.status).toBe(401);
  });

  it('answers 400 invalid_request, not 500, for JSON nested 1500 levels deep', async () => {
    const res = await login(nestedBody(1500));
    expect(res.status).toBe(400);
    expect(res.body).toEqual(TOO_DEEP);
  });

  it('refuses 33 levels and validates 32 as usual', async () => {
    // The body itself is the first level, so `x` holds 31 or 32 more.
    expect((await login(nestedBody(32))).body).toEqual(TOO_DEEP);
    const shallow = await login(nestedBody(31));
    expect(shallow.status).toBe(400);
    expect(shallow.body.message).toMatch(/property x should not exist/);
  });

  it('refuses a deep body on every route of the module, also those that never read one', async () => {
    const cookie = await loginCookie(running.server);
    const deep = JSON.parse(nestedBody(1500)) as object;
    for (const path of ['/auth/password', '/auth/sessions/revoke-others', '/auth/logout']) {
      const res = await unsafeRequest(running.server, 'post', path, cookie).send(deep);
      expect([path, res.status, res.body]).toEqual([path, 400, TOO_DEEP]);
    }
    // Refused before the logout ran: the session is still signed in.
    expect((await request(running.server).get('/auth/me').set('Cookie', cookie)).status).toBe(200);
  });

  it('matches the email case-insensitively', async () => {
    const upper = await login({ email: 'DEMO@EXAMPLE.COM', password: DEMO_PASSWORD });
    expect(upper.status).toBe(200);
  });
});
