// The races of issue 14 run for real against the demo app, a bounded number of times: no
// injected hooks here, so these show the fix holds under real interleavings, while
// revocation.e2e-spec.ts forces each interleaving deterministically.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { SessionSummary } from '../../src/index.js';
import { type RunningApp, sessionCookie, startDemoApp } from '../support/apps/demo-app.js';
import { waitFor } from '../support/servers/redis-server.js';
import { attemptLogin, changePassword, expectStatus, getAs, postAs } from '../support/http/requests.js';
import { type SessionBackend, startSessionBackend } from '../support/servers/session-backends.js';
import { startTestRedis, type TestRedis } from '../support/servers/test-redis.js';

const TRIALS = 3;
const CLIENTS = 3;
const LOGINS = 80;
const NEW_PASSWORD = 'the passphrase after the change';
const USERS = Array.from({ length: TRIALS + 1 }, (_, i) => ({
  email: `racer${i}@example.com`,
  password: `racing passphrase ${i}`,
}));

describe.each(['memory', 'redis'] as const)('revocation races on the %s store', (store) => {
  let backend: SessionBackend;
  let running: RunningApp;

  beforeAll(async () => {
    backend = await startSessionBackend(store);
    running = await startDemoApp({
      ...backend.env,
      SESSION_KEY_PREFIX: `e2e-race-${process.pid}:`,
      DEMO_USERS: USERS.map((u) => `${u.email}:${u.password}`).join(','),
    });
  });

  afterAll(async () => {
    await running?.close();
    await backend?.close();
  });

  const server = () => running.server;

  /** Signs in until the password stops working (at most 100 times); every cookie it got. */
  async function signInLoop(user: (typeof USERS)[number], started: () => void): Promise<string[]> {
    const cookies: string[] = [];
    for (let i = 0; i < 100; i++) {
      const res = await attemptLogin(server(), user.email, user.password);
      if (res.status !== 200) break;
      cookies.push(sessionCookie(res.headers['set-cookie']));
      started();
    }
    return cookies;
  }

  it(`leaves no sign-in with the old password alive after a change (${TRIALS} trials, point 1)`, async () => {
    for (let trial = 0; trial < TRIALS; trial++) {
      const user = USERS[trial];
      const owner = sessionCookie(
        (await attemptLogin(server(), user.email, user.password)).headers['set-cookie'],
      );
      let signedIn = 0;
      // Each client signs in again and again, until the old password fails after the change.
      const loops = Array.from({ length: CLIENTS }, () => {
        let counted = false;
        return signInLoop(user, () => {
          if (!counted) signedIn++;
          counted = true;
        });
      });
      await waitFor(() => signedIn === CLIENTS, 'every client signed in once', 30_000);
      const change = await changePassword(server(), owner, user.password, NEW_PASSWORD);
      expectStatus(change, 200, `POST /auth/password, trial ${trial}`);
      const cookies = (await Promise.all(loops)).flat();
      for (const cookie of cookies) {
        expectStatus(
          await getAs(server(), cookie, '/auth/me'),
          401,
          `old-password session, trial ${trial}`,
        );
      }
      const rotated = sessionCookie(change.headers['set-cookie']);
      const listed = await getAs(server(), rotated, '/auth/sessions');
      expect((listed.body as { sessions: SessionSummary[] }).sessions).toHaveLength(1);
    }
  });

  it(`lists and revokes every one of ${LOGINS} sign-ins made while the list is read (point 2)`, async () => {
    const user = USERS[TRIALS];
    const owner = sessionCookie(
      (await attemptLogin(server(), user.email, user.password)).headers['set-cookie'],
    );
    let done = false;
    const lister = (async () => {
      let lists = 0;
      while (!done) {
        expectStatus(await getAs(server(), owner, '/auth/sessions'), 200, 'GET /auth/sessions');
        lists++;
      }
      return lists;
    })();
    const cookies: string[] = [];
    const workers = Array.from({ length: 4 }, async () => {
      while (cookies.length < LOGINS) {
        const slot = cookies.push('') - 1;
        const res = await attemptLogin(server(), user.email, user.password);
        expectStatus(res, 200, 'POST /auth/login');
        cookies[slot] = sessionCookie(res.headers['set-cookie']);
      }
    });
    await Promise.all(workers).finally(() => (done = true));
    expect(await lister).toBeGreaterThan(0);

    const listed = await getAs(server(), owner, '/auth/sessions');
    expect((listed.body as { sessions: SessionSummary[] }).sessions).toHaveLength(LOGINS + 1);
    const revoke = await postAs(server(), owner, '/auth/sessions/revoke-others');
    expectStatus(revoke, 200, 'POST /auth/sessions/revoke-others');
    expect(revoke.body).toEqual({ revoked: LOGINS });
    for (const cookie of cookies) {
      expectStatus(await getAs(server(), cookie, '/auth/me'), 401, 'GET /auth/me, revoked');
    }
  });
});

describe('the index on a real Redis', () => {
  let redis: TestRedis;
  let running: RunningApp | undefined;
  const prefix = `e2e-race-index-${process.pid}:`;
  const user = USERS[0];

  beforeAll(async () => {
    redis = await startTestRedis();
  });

  afterAll(async () => {
    await running?.close();
    await redis?.close();
  });

  async function start(env: Record<string, string>): Promise<RunningApp> {
    await running?.close();
    running = await startDemoApp({
      SESSION_STORE: 'redis',
      REDIS_URL: redis.url,
      SESSION_KEY_PREFIX: prefix,
      DEMO_USERS: `${user.email}:${user.password}`,
      ...env,
    });
    return running;
  }

  it('answers 503 and leaves no usable session when Redis refuses the index write (point 3)', async () => {
    // An ACL user that may do anything but ZADD, standing in for a failing cluster master.
    await redis.client.sendCommand([
      'ACL',
      'SETUSER',
      'app',
      'on',
      '>app-password',
      '~*',
      '&*',
      '+@all',
      '-zadd',
    ]);
    const url = redis.url.replace('redis://', 'redis://app:app-password@');
    const app = await start({ REDIS_URL: url });
    const res = await attemptLogin(app.server, user.email, user.password);
    expectStatus(res, 503, 'POST /auth/login without ZADD');
    expect((res.body as { code: string }).code).toBe('session_store_unavailable');
    const cookies = ([] as string[]).concat(
      (res.headers['set-cookie'] as unknown as string[]) ?? [],
    );
    expect(cookies.filter((c) => c.startsWith('sid=') && !c.startsWith('sid=;'))).toEqual([]);
    // No session was saved, not even at the end of the response.
    const sessions = [];
    for (const key of await redis.client.keys(`${prefix}*`)) {
      const type = await redis.client.type(key);
      const value = type === 'string' ? await redis.client.get(key) : null;
      if (value?.includes('"profile"')) sessions.push(key);
    }
    expect(sessions).toEqual([]);
    await redis.client.sendCommand(['ACL', 'DELUSER', 'app']);
  });

  it('drops the entry of a session that idled out on the next sign-in, long before 12 h (point 13)', async () => {
    const app = await start({ SESSION_IDLE_TIMEOUT: '2' });
    const key = `${prefix}user:{user-1}`;
    await redis.client.del(key);
    const first = await attemptLogin(app.server, user.email, user.password);
    expectStatus(first, 200, 'POST /auth/login');
    const [idle] = await redis.client.zRange(key, 0, -1);
    const deadline = Number(await redis.client.zScore(key, idle));
    await waitFor(() => Date.now() / 1000 > deadline, 'the idle deadline passed', 10_000, 100);
    const second = await attemptLogin(app.server, user.email, user.password);
    expectStatus(second, 200, 'POST /auth/login');
    const members = await redis.client.zRange(key, 0, -1);
    expect(members).toHaveLength(1);
    expect(members).not.toContain(idle);
  });
});
