import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { SessionTimeoutOptions } from '../../src/index.js';
import { loginCookie, type RunningApp, sessionIdOf } from '../support/apps/demo-app.js';
import { startForRootApp } from '../support/apps/forroot-app.js';
import { expectStatus, getAs } from '../support/http/requests.js';
import { isStored, storedSession } from '../support/apps/stored-sessions.js';
import { CLOCK_SLACK_MS, untilTime } from '../support/servers/clock.js';
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

  it('keeps createdAt (epoch ms of sign-in) in the stored session, and no lastSeenAt until the first extension', async () => {
    const app = await start({});
    const before = Date.now();
    const cookie = await loginCookie(app.server);
    const stored = await storedSession(app, sessionIdOf(cookie));
    expect(stored?.createdAt).toBeGreaterThanOrEqual(before);
    expect(stored?.createdAt).toBeLessThanOrEqual(Date.now());
    // Until the first extension, the last use counts from the sign-in (48 bytes less stored).
    expect(stored).not.toHaveProperty('lastSeenAt');
    expect(stored).not.toHaveProperty('credentialVersion');
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

    // Left alone, watched without requests (which would extend it). The last save moved its
    // expiry to at most lastUse + 1 s, so by then (plus the store clock's slack) it must be gone;
    // extensions happen once per 10% of the timeout, so it may go up to 0.1 s early, not sooner.
    const lastUse = Date.now();
    const deadline = lastUse + 1000 + CLOCK_SLACK_MS;
    let goneAt: number | undefined;
    while (goneAt === undefined && Date.now() < deadline) {
      if (!(await isStored(app, sid))) goneAt = Date.now();
      else await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await untilTime(deadline);
    expect(await isStored(app, sid)).toBe(false);
    expect((goneAt ?? deadline) - lastUse).toBeGreaterThanOrEqual(800);
    const after = await getAs(app.server, cookie, '/auth/me');
    expectStatus(after, 401, 'GET /auth/me after the idle timeout');
  });

  it('ends an active session SESSION_ABSOLUTE_TIMEOUT after sign-in: 401 and deleted', async () => {
    const app = await start({ absoluteSeconds: 2, idleSeconds: 60 });
    const signedInAfter = Date.now();
    const cookie = await loginCookie(app.server);
    const signedInBy = Date.now();
    const sid = sessionIdOf(cookie);

    // In use until shortly before the deadline (sign-in + 2 s): every answer that came back
    // before it is 200, however active; the idle timeout never comes close.
    const beforeDeadline: number[] = [];
    while (Date.now() < signedInAfter + 1900) {
      const { status } = await getAs(app.server, cookie, '/auth/me');
      // An answer that came back after the deadline may have been made after it too.
      if (Date.now() < signedInAfter + 2000) beforeDeadline.push(status);
    }
    expect(beforeDeadline.length).toBeGreaterThan(5);
    expect(beforeDeadline.filter((status) => status !== 200)).toEqual([]);

    // Once the deadline has passed, the very next request is refused, and the session deleted.
    await untilTime(signedInBy + 2000);
    const last = await getAs(app.server, cookie, '/auth/me');
    expectStatus(last, 401, 'GET /auth/me past the absolute timeout');
    expect(last.body).toMatchObject({ statusCode: 401, code: 'session_expired' });
    expect(await isStored(app, sid)).toBe(false);
    expectStatus(await getAs(app.server, cookie, '/auth/me'), 401, 'GET /auth/me once more');
  });

  it('sends a browser navigation with an expired session to the login page', async () => {
    const app = await start({ absoluteSeconds: 1, idleSeconds: 60 });
    const cookie = await loginCookie(app.server);
    const signedInBy = Date.now();
    await untilTime(signedInBy + 1000);
    const last = await getAs(app.server, cookie, '/profile').set('Accept', 'text/html');
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
      expect(await isStored(app, sessionIdOf(cookie))).toBe(false);
    });
});
