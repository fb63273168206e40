import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ARGON2ID, argon2Hash } from '../../src/auth/argon2.js';
import type { UserRecord } from '../../src/index.js';
import { AccountsFixtureModule, RecordingUserDirectory } from '../fixtures/accounts/app.module.js';
import { TEST_SECRET } from '../support/apps/demo-app.js';
import { startFixtureApp } from '../support/apps/fixture-app.js';
import { type RunningApp, startDemoApp } from '../support/apps/demo-app.js';
import { waitFor } from '../support/servers/redis-server.js';
import { attemptLogin, changePassword, expectStatus, unsafeRequest } from '../support/http/requests.js';
import { loginCookie } from '../support/apps/demo-app.js';
import { type SessionBackend, startSessionBackend } from '../support/servers/session-backends.js';
import { startTestRedis, type TestRedis } from '../support/servers/test-redis.js';

const USERS = Array.from({ length: 8 }, (_, i) => ({
  email: `member${i}@example.com`,
  password: `the right passphrase ${i}`,
}));
const DEMO_USERS = USERS.map((u) => `${u.email}:${u.password}`).join(',');
const WRONG = 'a wrong password';

/** Small limits so the suite runs in seconds: 3 failures lock for 1 s, then 2 s at most. */
const ACCOUNT_LIMITS = {
  LOGIN_ACCOUNT_MAX_FAILURES: '3',
  LOGIN_ACCOUNT_LOCKOUT: '1',
  LOGIN_ACCOUNT_LOCKOUT_MAX: '2',
  LOGIN_IP_MAX_FAILURES: '1000',
};

describe('brute-force throttling of sign-in on Redis', () => {
  let redis: TestRedis;
  let running: RunningApp;
  const prefix = `e2e-throttle-${process.pid}:`;
  let next = 0;
  const freshUser = () => USERS[next++];
  const base = () => ({ SESSION_STORE: 'redis', REDIS_URL: redis.url, DEMO_USERS });

  beforeAll(async () => {
    redis = await startTestRedis();
    running = await startDemoApp({ ...base(), ...ACCOUNT_LIMITS, SESSION_KEY_PREFIX: prefix });
  });

  afterAll(async () => {
    await running?.close();
    await redis?.close();
  });

  const server = () => running.server;

  async function fail(email: string, times: number, from = server()): Promise<void> {
    for (let i = 1; i <= times; i += 1) {
      expectStatus(await attemptLogin(from, email, WRONG), 401, `failed login #${i} for ${email}`);
    }
  }

  it('locks an account after 3 failures: 429 with Retry-After, even for the right password', async () => {
    const user = freshUser();
    await fail(user.email, 3);
    const res = await attemptLogin(server(), user.email, user.password);
    expectStatus(res, 429, 'POST /auth/login with the right password on a locked account');
    expect(res.headers['retry-after']).toBe('1');
    expect(res.body).toEqual({
      statusCode: 429,
      code: 'too_many_attempts',
      message:
        'Too many failed sign-in attempts. Wait for the number of seconds in the Retry-After ' +
        'header, then try again.',
    });
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('answers an unknown account exactly like an existing one', async () => {
    const user = freshUser();
    const nobody = `nobody-${process.pid}@example.com`;
    await fail(user.email, 2);
    await fail(nobody, 2);
    // Both locked at the same moment and asked at once, well inside the 1 s lock.
    await Promise.all([fail(user.email, 1), fail(nobody, 1)]);
    const [existing, unknown] = await Promise.all([
      attemptLogin(server(), user.email, WRONG),
      attemptLogin(server(), nobody, WRONG),
    ]);
    expect([unknown.status, unknown.headers['retry-after']]).toEqual([
      existing.status,
      existing.headers['retry-after'],
    ]);
    expect(unknown.body).toEqual(existing.body);
    expect(existing.status).toBe(429);
  });

  it('locks again on the first failure after a lockout, twice as long, up to the cap', async () => {
    const user = freshUser();
    await fail(user.email, 3);
    const retryAfters: string[] = [];
    for (let lockout = 1; lockout <= 3; lockout += 1) {
      const locked = await attemptLogin(server(), user.email, WRONG);
      expectStatus(locked, 429, `attempt during lockout ${lockout}`);
      retryAfters.push(locked.headers['retry-after']);
      // Refused attempts do not count; the first one let through after the lock fails and
      // locks the account again at once.
      await waitFor(
        async () => (await attemptLogin(server(), user.email, WRONG)).status === 401,
        `lockout ${lockout} to end`,
        4000,
        100,
      );
    }
    expect(retryAfters).toEqual(['1', '2', '2']);
  });

  it('lets at most 3 of 10 parallel guesses reach the password check', async () => {
    const email = `burst-${process.pid}@example.com`;
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => attemptLogin(server(), email, WRONG)),
    );
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses).toEqual([401, 401, 401, 429, 429, 429, 429, 429, 429, 429]);
  });

  it('checks one password at a time once an account has been locked: a burst gets one check', async () => {
    // An app of its own, so the only counters under its prefix are this account's.
    const own = `${prefix}burst:`;
    const app = await startDemoApp({ ...base(), ...ACCOUNT_LIMITS, SESSION_KEY_PREFIX: own });
    try {
      const email = `burst-after-lock-${process.pid}@example.com`;
      await fail(email, 3, app.server);
      // The 1 s lock ends when its counter expires in Redis.
      await waitFor(
        async () => (await redis.client.keys(`${own}login-attempts:*`)).length === 0,
        'the lockout to end',
        4000,
        50,
      );
      const answers = await Promise.all(
        Array.from({ length: 10 }, () => attemptLogin(app.server, email, WRONG)),
      );
      // The first check fails and locks the account again before the next may start.
      const statuses = answers.map((r) => r.status).sort();
      expect(statuses).toEqual([401, 429, 429, 429, 429, 429, 429, 429, 429, 429]);
    } finally {
      await app.close();
    }
  });

  it('resets the account counter on a successful sign-in', async () => {
    const user = freshUser();
    await fail(user.email, 2);
    expectStatus(await attemptLogin(server(), user.email, user.password), 200, 'right password');
    await fail(user.email, 2);
    expectStatus(
      await attemptLogin(server(), user.email, user.password),
      200,
      'right password again',
    );
  });

  it('holds whatever the client IP, and across instances that share Redis', async () => {
    const user = freshUser();
    const proxied = await startDemoApp({
      ...base(),
      ...ACCOUNT_LIMITS,
      SESSION_KEY_PREFIX: prefix,
      TRUST_PROXY: 'loopback',
    });
    try {
      // Three failures through a trusted proxy, each from a different client IP…
      for (const ip of ['203.0.113.1', '203.0.113.2', '2001:db8::1']) {
        const res = await attemptLogin(proxied.server, user.email, WRONG).set(
          'X-Forwarded-For',
          ip,
        );
        expectStatus(res, 401, `failed login from ${ip}`);
      }
      // …lock the account on the other instance too.
      const res = await attemptLogin(server(), user.email, user.password);
      expectStatus(res, 429, 'right password on the other instance');
    } finally {
      await proxied.close();
    }
  });

  it('counts a wrong current password on POST /auth/password against the account', async () => {
    const user = freshUser();
    const cookie = await loginCookie(server(), user.email, user.password);
    for (let i = 1; i <= 3; i += 1) {
      const res = await changePassword(server(), cookie, WRONG, 'a new long passphrase');
      expectStatus(res, 403, `POST /auth/password with a wrong current password #${i}`);
    }
    const locked = await changePassword(server(), cookie, user.password, 'a new long passphrase');
    expectStatus(locked, 429, 'POST /auth/password with the right password, account locked');
    expectStatus(await attemptLogin(server(), user.email, user.password), 429, 'login, locked');
  });

  it('sends a throttled form login back to the login page', async () => {
    const user = freshUser();
    await fail(user.email, 3);
    const res = await unsafeRequest(server(), 'post', '/auth/login')
      .type('form')
      .send({ email: user.email, password: user.password });
    expectStatus(res, 303, 'form POST /auth/login on a locked account');
    expect(res.headers.location).toBe('/login?error=throttled&next=%2F');
  });

  it('keeps its counters under SESSION_KEY_PREFIX, named without the email', async () => {
    await fail(`keys-${process.pid}@example.com`, 1);
    const keys = await redis.client.keys(`${prefix}login-*`);
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect(key).not.toMatch(/@|example/);
  });

  describe('per client IP', () => {
    // No TRUST_PROXY: X-Forwarded-For comes from the client and must be ignored.
    const IP_LIMITS = { LOGIN_IP_MAX_FAILURES: '5', LOGIN_ACCOUNT_MAX_FAILURES: '100' };

    it('refuses the 6th failure from one IP whatever the account, even with a spoofed X-Forwarded-For, yet lets the right password in', async () => {
      const app = await startDemoApp({
        ...base(),
        ...IP_LIMITS,
        SESSION_KEY_PREFIX: `${prefix}ip1:`,
      });
      try {
        for (let i = 1; i <= 5; i += 1) {
          const res = await attemptLogin(app.server, `guess${i}@example.com`, WRONG).set(
            'X-Forwarded-For',
            `198.51.100.${i}`,
          );
          expectStatus(res, 401, `failure #${i} from 127.0.0.1 claiming 198.51.100.${i}`);
        }
        const res = await attemptLogin(app.server, USERS[1].email, WRONG).set(
          'X-Forwarded-For',
          '198.51.100.99',
        );
        expectStatus(res, 429, 'failure from the same peer with a new spoofed X-Forwarded-For');
        expect(Number(res.headers['retry-after'])).toBeGreaterThan(3000);
        expect(res.body.code).toBe('too_many_attempts');
        // Someone else behind the same address (a NAT) who knows their password still gets in.
        expectStatus(
          await attemptLogin(app.server, USERS[0].email, USERS[0].password),
          200,
          'the right password from the same IP',
        );
        expectStatus(
          await attemptLogin(app.server, USERS[2].email, WRONG),
          429,
          'another failure from the same IP after that success',
        );
      } finally {
        await app.close();
      }
    });

    // The control: behind a trusted proxy, X-Forwarded-For is the client, counted on its own.
    it('counts each client separately when X-Forwarded-For comes from a trusted proxy', async () => {
      const app = await startDemoApp({
        ...base(),
        ...IP_LIMITS,
        SESSION_KEY_PREFIX: `${prefix}ip2:`,
        TRUST_PROXY: 'loopback',
      });
      try {
        const from = (ip: string, email: string, password: string) =>
          attemptLogin(app.server, email, password).set('X-Forwarded-For', ip);
        for (let i = 1; i <= 5; i += 1) {
          expectStatus(
            await from('198.51.100.1', `guess${i}@example.com`, WRONG),
            401,
            `failure #${i}`,
          );
        }
        expectStatus(await from('198.51.100.1', USERS[0].email, WRONG), 429, 'same client');
        expectStatus(await from('198.51.100.2', USERS[0].email, WRONG), 401, 'other client');
      } finally {
        await app.close();
      }
    });

    it('counts an IPv4-mapped IPv6 address, also written in hex, as its IPv4 address', async () => {
      const app = await startDemoApp({
        ...base(),
        ...IP_LIMITS,
        SESSION_KEY_PREFIX: `${prefix}ip3:`,
        TRUST_PROXY: 'loopback',
      });
      try {
        const from = (ip: string) =>
          attemptLogin(app.server, `guess@example.com`, WRONG).set('X-Forwarded-For', ip);
        for (let i = 1; i <= 5; i += 1) {
          expectStatus(await from('198.51.100.7'), 401, `failure #${i} from 198.51.100.7`);
        }
        // 198.51.100.7 is c633:6407 in hex.
        for (const ip of ['::ffff:198.51.100.7', '::ffff:c633:6407']) {
          expectStatus(await from(ip), 429, `failure from ${ip}`);
        }
      } finally {
        await app.close();
      }
    });
  });
});

describe('brute-force throttling of sign-in on the memory store', () => {
  let running: RunningApp;

  beforeAll(async () => {
    running = await startDemoApp({ SESSION_STORE: 'memory', DEMO_USERS, ...ACCOUNT_LIMITS });
  });

  afterAll(async () => {
    await running?.close();
  });

  it('locks an account after 3 failures with counters in the process', async () => {
    for (let i = 1; i <= 3; i += 1) {
      expectStatus(await attemptLogin(running.server, USERS[0].email, WRONG), 401, `failure #${i}`);
    }
    const res = await attemptLogin(running.server, USERS[0].email, USERS[0].password);
    expectStatus(res, 429, 'right password on a locked account');
    expect(res.headers['retry-after']).toBe('1');
  });
});

// The other shared stores keep the counters too: in the cluster, or in a PostgreSQL table.
describe.each(['postgres', 'redis-cluster'] as const)(
  'brute-force counters shared through the %s store',
  (store) => {
    let backend: SessionBackend;
    const apps: RunningApp[] = [];

    beforeAll(async () => {
      backend = await startSessionBackend(store);
      for (let i = 0; i < 2; i += 1) {
        apps.push(await startDemoApp({ ...backend.env, DEMO_USERS, ...ACCOUNT_LIMITS }));
      }
    });

    afterAll(async () => {
      for (const app of apps) await app.close();
      await backend?.close();
    });

    it('locks an account on one instance after failures on another, then a success clears it', async () => {
      const [first, second] = apps;
      const user = USERS[0];
      for (let i = 1; i <= 3; i += 1) {
        expectStatus(await attemptLogin(first.server, user.email, WRONG), 401, `failure #${i}`);
      }
      const locked = await attemptLogin(second.server, user.email, user.password);
      expectStatus(locked, 429, 'right password on the other instance');
      expect(locked.headers['retry-after']).toBe('1');
      await waitFor(
        async () => (await attemptLogin(second.server, user.email, user.password)).status === 200,
        'the lockout to end',
        4000,
        100,
      );
      // Cleared by the success: two more failures do not lock it.
      for (let i = 1; i <= 2; i += 1) {
        expectStatus(await attemptLogin(first.server, user.email, WRONG), 401, `failure #${i}`);
      }
      expectStatus(await attemptLogin(second.server, user.email, user.password), 200, 'login');
    });
  },
);

/** A directory that folds `+tags` away (`ada+work@` is `ada@`), and can hold its lookups. */
class FoldingDirectory extends RecordingUserDirectory {
  private gate?: Promise<void>;
  private open?: () => void;
  /** Lookups waiting at the gate. */
  waiting = 0;

  override async findByEmail(email: string): Promise<UserRecord | undefined> {
    if (this.gate) {
      this.waiting += 1;
      await this.gate;
      this.waiting -= 1;
    }
    return super.findByEmail(email.replace(/\+[^@]*@/, '@'));
  }

  hold(): void {
    this.gate = new Promise((resolve) => (this.open = resolve));
  }

  release(): void {
    this.gate = undefined;
    this.open?.();
  }
}

describe('throttling keyed on the account the directory resolved', () => {
  const ADA = { email: 'ada@example.com', password: 'the analytical engine' };
  let directory: FoldingDirectory;
  let running: RunningApp;

  beforeAll(async () => {
    const passwordHash = await argon2Hash(ADA.password, {
      algorithm: ARGON2ID,
      memoryCost: 19456,
      timeCost: 2,
      parallelism: 1,
    });
    directory = new FoldingDirectory([
      { id: 'ada', email: ADA.email, displayName: 'Ada', roles: [], passwordHash },
    ]);
    running = await startFixtureApp(
      AccountsFixtureModule.forRoot({
        session: {
          secrets: [TEST_SECRET],
          store: { kind: 'memory' },
          loginThrottle: { accountMaxFailures: 3, accountLockoutSeconds: 60 },
        },
        directory,
      }),
    );
  });

  afterAll(async () => {
    directory?.release();
    await running?.close();
  });

  it('shares one lockout budget between spellings the directory folds into one account', async () => {
    for (const spelling of ['ada+1@example.com', 'ada+2@example.com', 'ADA+3@example.com']) {
      expectStatus(await attemptLogin(running.server, spelling, WRONG), 401, spelling);
    }
    const res = await attemptLogin(running.server, ADA.email, ADA.password);
    expectStatus(res, 429, 'the right password after failures under other spellings');
    // Unknown emails keep a budget per email, and answer like the known account did.
    for (const spelling of ['bob+1@example.com', 'bob+2@example.com', 'bob+3@example.com']) {
      expectStatus(await attemptLogin(running.server, spelling, WRONG), 401, spelling);
    }
    expectStatus(await attemptLogin(running.server, 'bob+1@example.com', WRONG), 401, 'bob+1');
  });

  it('answers 429 too_many_concurrent_logins past 8 sign-ins in progress from one IP', async () => {
    directory.hold();
    const held = Array.from({ length: 8 }, (_, i) =>
      attemptLogin(running.server, `held${i}@example.com`, WRONG).then((r) => r),
    );
    try {
      await waitFor(async () => directory.waiting === 8, 'eight sign-ins to wait at the directory');
      const res = await attemptLogin(running.server, 'ninth@example.com', WRONG);
      expectStatus(res, 429, 'the ninth sign-in in progress from 127.0.0.1');
      expect(res.body.code).toBe('too_many_concurrent_logins');
      expect(res.headers['retry-after']).toBe('1');
    } finally {
      directory.release();
    }
    expect((await Promise.all(held)).map((r) => r.status)).toEqual(Array(8).fill(401));
  });
});
