import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { SessionTimeoutOptions } from '../../src/index.js';
import { loginCookie, type RunningApp, sessionIdOf } from '../support/apps/demo-app.js';
import { startForRootApp } from '../support/apps/forroot-app.js';
import { waitFor } from '../support/servers/redis-server.js';
import { expectStatus, firstAnswerNot200, getAs } from '../support/http/requests.js';
import { storedSession } from '../support/apps/stored-sessions.js';
import { startTestRedis, type TestRedis } from '../support/servers/test-redis.js';

// Timeouts are seconds here so the suite stays fast; every wait is a poll with a deadline.
describe.each(['redis', 'memory'] as const)('session timeouts on the %s store', (store) => {
  let redis: TestRedis | undefined;
  let running: RunningApp | undefined;
  const prefix = `e2e-timeouts-${process.pid}:`;

  beforeAll(async () => {
    if (store === 'redis') redis = await startTestRedis();
  });

  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  afterAll(async () => {
    await redis?.close();
  });

  const start = async (timeouts: SessionTimeoutOptions) => {
    running = await startForRootApp({
      store: redis ? { kind: 'redis', url: redis.url, keyPrefix: prefix } : { kind: 'memory' },
      timeouts,
    });
    return running;
  };

  it('keeps createdAt and lastSeenAt (epoch ms of sign-in) in the stored session', async () => {
    const app = await start({});
    const before = Date.now();
    const cookie = await loginCookie(app.server);
    const stored = await storedSession(app, sessionIdOf(cookie));
    expect(stored?.createdAt).toBeGreaterThanOrEqual(before);
    expect(stored?.createdAt).toBeLessThanOrEqual(Date.now());
    expect(stored?.lastSeenAt).toBe(stored?.createdAt);
  });

  it('ends a session left unused for SESSION_IDLE_TIMEOUT, but not one in use', async () => {
    const app = await start({ idleSeconds: 1 });
    const cookie = await loginCookie(app.server);
    const sid = sessionIdOf(cookie);

    // In use for 1.6 s, longer than the 1 s idle timeout: every request must stay signed in.
    const inUseUntil = Date.now() + 1600;
    let requests = 0;
    while (Date.now() < inUseUntil) {
      expectStatus(await getAs(app.server, cookie, '/auth/me'), 200, 'GET /auth/me while in use');
      requests += 1;
    }
    expect(requests).toBeGreaterThan(10);

    // Left alone: the store must drop it, watched without requests (which would extend it).
    const lastUse = Date.now();
    await waitFor(
      async () => (await storedSession(app, sid)) === null,
      'the idle session to leave the store',
      5000,
    );
    // Extensions happen once per 10% of the timeout, so it may end up to 0.1 s early, not sooner.
    expect(Date.now() - lastUse).toBeGreaterThanOrEqual(800);
    const after = await getAs(app.server, cookie, '/auth/me');
    expectStatus(after, 401, 'GET /auth/me after the idle timeout');
  });

  it('ends an active session SESSION_ABSOLUTE_TIMEOUT after sign-in: 401 and deleted', async () => {
    const app = await start({ absoluteSeconds: 2, idleSeconds: 60 });
    const signedInBefore = Date.now();
    const cookie = await loginCookie(app.server);
    const sid = sessionIdOf(cookie);

    // Use the session until the server refuses it; the idle timeout never comes close.
    let answers = 0;
    let last = await getAs(app.server, cookie, '/auth/me');
    await waitFor(
      async () => {
        last = await getAs(app.server, cookie, '/auth/me');
        answers += 1;
        return last.status !== 200;
      },
      'the absolute timeout to end the session',
      6000,
      100,
    );
    const endedAfter = Date.now() - signedInBefore;
    expectStatus(last, 401, 'GET /auth/me past the absolute timeout');
    expect(last.body).toMatchObject({ statusCode: 401, code: 'session_expired' });
    expect(endedAfter).toBeGreaterThanOrEqual(2000);
    expect(answers).toBeGreaterThan(5);
    expect(await storedSession(app, sid)).toBeNull();
    if (redis) expect(await redis.client.exists(prefix + sid)).toBe(0);
    expectStatus(await getAs(app.server, cookie, '/auth/me'), 401, 'GET /auth/me once more');
  });

  it('sends a browser navigation with an expired session to the login page', async () => {
    const app = await start({ absoluteSeconds: 1, idleSeconds: 60 });
    const cookie = await loginCookie(app.server);
    const last = await firstAnswerNot200(
      () => getAs(app.server, cookie, '/profile').set('Accept', 'text/html'),
      'the absolute timeout to end the session',
      5000,
      100,
    );
    expectStatus(last, 302, 'GET /profile (HTML) past the absolute timeout');
    expect(last.headers.location).toBe('/login?next=%2Fprofile');
  });

  // Only Redis lets the test age a stored session directly: this checks the server's own idle
  // check, which covers stores that expire lazily, independently of the store TTL.
  if (store === 'redis')
    it('refuses a session whose lastSeenAt is older than the idle timeout even if stored', async () => {
      const app = await start({ idleSeconds: 60 });
      const cookie = await loginCookie(app.server);
      const key = prefix + sessionIdOf(cookie);
      const stored = JSON.parse((await redis!.client.get(key))!) as Record<string, number>;
      stored.lastSeenAt = Date.now() - 61_000;
      await redis!.client.set(key, JSON.stringify(stored), { KEEPTTL: true });

      const res = await getAs(app.server, cookie, '/auth/me');
      expectStatus(res, 401, 'GET /auth/me with a stale lastSeenAt');
      expect(res.body.code).toBe('session_expired');
      expect(await redis!.client.exists(key)).toBe(0);
    });
});
