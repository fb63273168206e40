import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  DEMO_EMAIL,
  DEMO_PASSWORD,
  loginCookie,
  type RunningApp,
  startDemoApp,
} from '../support/apps/demo-app.js';
import { RedisServer, waitFor } from '../support/servers/redis-server.js';
import { attemptLogin } from '../support/http/requests.js';

const STORE_TIMEOUT_MS = 500;

// Sign-in now asks Redis for its brute-force counters before anything else: those calls must be
// bounded like the session store's, so a stalled Redis answers 503 quickly instead of hanging.
describe('login throttling while Redis is stalled', () => {
  let redis: RedisServer;
  let running: RunningApp;

  beforeAll(async () => {
    redis = await RedisServer.start();
    running = await startDemoApp({
      SESSION_STORE: 'redis',
      REDIS_URL: redis.url,
      SESSION_STORE_TIMEOUT_MS: String(STORE_TIMEOUT_MS),
    });
  });

  afterAll(async () => {
    redis?.resume();
    await running?.close();
    await redis?.stop();
  });

  it('answers POST /auth/login 503 with Retry-After within 2 s while Redis is paused', async () => {
    redis.pause();
    try {
      const started = performance.now();
      const res = await attemptLogin(running.server, DEMO_EMAIL, DEMO_PASSWORD);
      const ms = performance.now() - started;
      expect(`${res.status} ${res.body.code} in < 2 s: ${ms < 2000}`).toBe(
        '503 session_store_unavailable in < 2 s: true',
      );
      expect(res.headers['retry-after']).toBe('5');
      expect(res.headers['set-cookie']).toBeUndefined();
    } finally {
      redis.resume();
    }
    await waitFor(
      async () => (await attemptLogin(running.server, DEMO_EMAIL, DEMO_PASSWORD)).status === 200,
      'sign-in did not work again after Redis resumed',
    );
    expect(await loginCookie(running.server)).toMatch(/^sid=/);
  });
});
