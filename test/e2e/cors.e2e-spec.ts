import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request, { type Response } from 'supertest';
import { type RunningApp, startDemoApp } from '../support/apps/demo-app.js';

const SPA = 'http://localhost:5173';
const APP = 'https://app.example.com';

function corsHeaders(res: Response): Record<string, string> {
  return Object.fromEntries(
    Object.entries(res.headers).filter(([name]) => name.startsWith('access-control-')),
  ) as Record<string, string>;
}

describe('CORS with credentials for CORS_ORIGINS only', () => {
  let running: RunningApp;

  beforeAll(async () => {
    running = await startDemoApp({ SESSION_STORE: 'memory', CORS_ORIGINS: `${SPA}, ${APP}` });
  });

  afterAll(async () => {
    await running?.close();
  });

  const http = () => request(running.server);

  it.each([SPA, APP])('lets %s read answers with credentials, errors included', async (origin) => {
    const res = await http().get('/auth/me').set('Origin', origin);
    expect(res.status).toBe(401);
    expect(res.headers['access-control-allow-origin']).toBe(origin);
    expect(res.headers['access-control-allow-credentials']).toBe('true');
    expect(res.headers['access-control-expose-headers']).toBe('Retry-After');
    expect(res.headers.vary).toMatch(/\bOrigin\b/);
  });

  it('answers the preflight of a JSON login with the token header', async () => {
    const res = await http()
      .options('/auth/login')
      .set('Origin', SPA)
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'content-type,x-xsrf-token');
    expect(res.status).toBe(204);
    expect(corsHeaders(res)).toEqual({
      'access-control-allow-origin': SPA,
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'GET, HEAD, POST, PUT, PATCH, DELETE',
      'access-control-allow-headers': 'content-type,x-xsrf-token',
      'access-control-expose-headers': 'Retry-After',
      'access-control-max-age': '600',
    });
  });

  it.each([
    'https://evil.example',
    'null',
    'http://localhost:5174',
    'http://app.example.com',
    'https://app.example.com.evil.example',
    'https://APP.example.com',
  ])('sends no CORS headers at all to %s, on answers and preflights', async (origin) => {
    const get = await http().get('/auth/me').set('Origin', origin);
    const preflight = await http()
      .options('/auth/logout')
      .set('Origin', origin)
      .set('Access-Control-Request-Method', 'POST');
    expect(corsHeaders(get)).toEqual({});
    expect(corsHeaders(preflight)).toEqual({});
    expect(preflight.status).toBe(204);
  });

  it('never answers * for any origin', async () => {
    for (const origin of [SPA, 'https://evil.example', 'null']) {
      const res = await http().get('/health').set('Origin', origin);
      expect(res.headers['access-control-allow-origin']).not.toBe('*');
    }
  });
});

describe('CORS_ORIGINS', () => {
  it('adds no CORS headers when unset', async () => {
    const running = await startDemoApp({ SESSION_STORE: 'memory' });
    try {
      const res = await request(running.server).get('/auth/me').set('Origin', SPA);
      expect(corsHeaders(res)).toEqual({});
    } finally {
      await running.close();
    }
  });

  it.each([
    ['*', 1],
    ['https://app.example.com/', 1],
    ['https://app.example.com/app', 1],
    [`${SPA},*.example.com`, 2],
    ['app.example.com', 1],
    ['ftp://files.example.com', 1],
  ])('refuses %j at boot, naming the bad entry and the fix', async (value, entry) => {
    await expect(startDemoApp({ SESSION_STORE: 'memory', CORS_ORIGINS: value })).rejects.toThrow(
      new RegExp(`CORS_ORIGINS entry ${entry} .*scheme://host\\[:port\\]`),
    );
  });
});
