import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { csrfHeaders } from '../support/csrf.js';
import { DEMO_EMAIL, DEMO_PASSWORD, type RunningApp, startDemoApp } from '../support/demo-app.js';

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

  it('matches the email case-insensitively', async () => {
    const upper = await login({ email: 'DEMO@EXAMPLE.COM', password: DEMO_PASSWORD });
    expect(upper.status).toBe(200);
  });
});
