import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import request from 'supertest';
import { csrfHeaders, fetchCsrfHeaders } from '../support/http/csrf.js';
import { freePort } from '../support/servers/ports.js';
import { waitFor } from '../support/servers/redis-server.js';
import { DEMO_EMAIL, DEMO_PASSWORD, startDemoApp, TEST_SECRET } from '../support/apps/demo-app.js';
import { lineRecorder } from '../support/runner/test-log.js';
import { startTestRedis, type TestRedis } from '../support/servers/test-redis.js';

const STRONG_SECRET = 'Zq7-rT2mK9vXw4Lp1Bn8Hc5Jd0Fg3Sa6Ye_Ui';

describe('boot checks', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterAll(() => redis?.close());

  it.each([
    ['no SESSION_SECRET', { SESSION_SECRET: '' }, /SESSION_SECRET is required/],
    ['a short SESSION_SECRET', { SESSION_SECRET: 'changeme' }, /too weak for NODE_ENV=production/],
    [
      'the memory store',
      { SESSION_SECRET: STRONG_SECRET, REDIS_URL: undefined, SESSION_STORE: undefined },
      /refuses the in-process memory store.*Set REDIS_URL=redis:\/\/host:6379/,
    ],
    [
      'SameSite=None without Secure',
      { SESSION_SECRET: STRONG_SECRET, COOKIE_SAMESITE: 'none', COOKIE_SECURE: 'false' },
      /COOKIE_SAMESITE=none requires a Secure cookie/,
    ],
  ])('refuses to boot in production with %s', async (_name, env, message) => {
    await expect(
      startDemoApp({ NODE_ENV: 'production', REDIS_URL: redis.url, DEMO_USERS: '', ...env }),
    ).rejects.toThrow(message);
  });

  it('stops the boot with one line naming a bad variable', async () => {
    await expect(startDemoApp({ SESSION_IDLE_TIMEOUT: 'soon' })).rejects.toThrow(
      /^SessionModule: invalid environment: SESSION_IDLE_TIMEOUT must be an? [a-z ]+$/,
    );
  });

  describe('in production with Redis and a strong secret', () => {
    const env = (extra: Record<string, string | undefined> = {}) => ({
      NODE_ENV: 'production',
      SESSION_SECRET: STRONG_SECRET,
      REDIS_URL: redis.url,
      SESSION_KEY_PREFIX: 'boot-prod:',
      DEMO_USERS: `${DEMO_EMAIL}:${DEMO_PASSWORD}`,
      ...extra,
    });

    it('refuses to issue a session over plain HTTP and writes nothing to Redis', async () => {
      const running = await startDemoApp(env());
      try {
        const res = await request(running.server)
          .post('/auth/login')
          .set(await csrfHeaders(running.server))
          .set('X-Forwarded-Proto', 'https') // forged: TRUST_PROXY is unset
          .send({ email: DEMO_EMAIL, password: DEMO_PASSWORD });
        expect(res.status).toBe(403);
        expect(res.body.code).toBe('https_required');
        expect(res.headers['set-cookie']).toBeUndefined();
        expect(await redis.client.keys('boot-prod:*')).toEqual([]);
      } finally {
        await running.close();
      }
    });

    it('sets a Secure __Host-sid cookie behind a trusted proxy that says https', async () => {
      const running = await startDemoApp(env({ TRUST_PROXY: 'loopback' }));
      try {
        const https = { 'X-Forwarded-Proto': 'https' };
        const res = await request(running.server)
          .post('/auth/login')
          .set(await csrfHeaders(running.server, undefined, { headers: https }))
          .set(https)
          .send({ email: DEMO_EMAIL, password: DEMO_PASSWORD });
        expect(res.status).toBe(200);
        const cookie = (res.headers['set-cookie'] as unknown as string[]).find((c) =>
          c.startsWith('__Host-sid='),
        );
        expect(cookie).toMatch(/^__Host-sid=/);
        expect(cookie).toMatch(/; Path=\//);
        expect(cookie).toMatch(/; Secure/);
        expect(cookie).not.toMatch(/Domain=/);
      } finally {
        await running.close();
      }
    });

    it('has no demo users unless DEMO_USERS is set', async () => {
      const running = await startDemoApp(env({ DEMO_USERS: undefined, TRUST_PROXY: 'loopback' }));
      try {
        const res = await request(running.server)
          .post('/auth/login')
          .set(await csrfHeaders(running.server))
          .set('X-Forwarded-Proto', 'https')
          .send({ email: DEMO_EMAIL, password: DEMO_PASSWORD });
        expect(res.status).toBe(401);
      } finally {
        await running.close();
      }
    });
  });
});

describe('npm start on a fresh machine', () => {
  it('boots the built demo with no Redis and no .env, and logs the URL to open', async () => {
    const port = await freePort();
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port) };
    delete env.NODE_ENV;
    delete env.DEMO_USERS;
    delete env.REDIS_URL;
    delete env.SESSION_STORE;
    delete env.SESSION_SECRET;
    const child = spawn(process.execPath, ['dist/main.js'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const recorder = lineRecorder(`npm start :${port}`);
    const collect = (d: Buffer) => {
      output += d.toString();
      recorder.write(d);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    try {
      await waitFor(
        () => output.includes(`http://localhost:${port}/`),
        `demo did not log its URL: ${output}`,
      );
      const home = await fetch(`http://127.0.0.1:${port}/`);
      expect(home.status).toBe(200);
      const login = await fetch(`http://127.0.0.1:${port}/auth/login`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          ...(await fetchCsrfHeaders(`http://127.0.0.1:${port}`)),
        },
        body: JSON.stringify({ email: DEMO_EMAIL, password: DEMO_PASSWORD }),
      });
      expect(login.status).toBe(200);
      expect(output).toContain('SESSION_SECRET is not set');
      // The default account's password is public: the log says so, once.
      expect(output.match(/DEMO_USERS is not set: the public demo account/g)).toHaveLength(1);
      expect(output).not.toContain(TEST_SECRET);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
