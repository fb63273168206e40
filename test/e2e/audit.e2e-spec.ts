import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ARGON2ID, argon2Hash } from '../../src/auth/argon2.js';
import { AUTH_AUDIT_EVENTS, type AuthAuditEvent } from '../../src/index.js';
import {
  AccountsFixtureModule,
  AuditRecorder,
  RecordingUserDirectory,
} from '../fixtures/accounts/app.module.js';
import { CaptureLogger } from '../support/runner/capture-logger.js';
import {
  TEST_SECRET,
  type RunningApp,
  sessionCookie,
  sessionIdOf,
} from '../support/apps/demo-app.js';
import { startFixtureApp } from '../support/apps/fixture-app.js';
import {
  attemptLogin,
  changePassword,
  deleteAs,
  expectStatus,
  getAs,
  postAs,
} from '../support/http/requests.js';
import { startTestRedis, type TestRedis } from '../support/servers/test-redis.js';

const EMAIL = 'audited@example.com';
const PASSWORD = 'the audited passphrase';
const NEW_PASSWORD = 'the next audited passphrase';
const WRONG = 'a wrong password';
const UNKNOWN = 'unknown-person@example.com';
const USER_AGENT = 'AuditTest/1.0 (+"quotes" and \\backslashes\\)';

describe('audit events', () => {
  let redis: TestRedis;
  let running: RunningApp;
  let directory: RecordingUserDirectory;
  const logger = new CaptureLogger();
  const cookies: string[] = [];
  let listedId = '';

  beforeAll(async () => {
    redis = await startTestRedis();
    const passwordHash = await argon2Hash(PASSWORD, {
      algorithm: ARGON2ID,
      memoryCost: 19456,
      timeCost: 2,
      parallelism: 1,
    });
    directory = new RecordingUserDirectory([
      { id: 'u-42', email: EMAIL, displayName: 'Audited', roles: ['user'], passwordHash },
    ]);
    running = await startFixtureApp(
      AccountsFixtureModule.forRoot({
        session: {
          secrets: [TEST_SECRET],
          store: { kind: 'redis', url: redis.url, keyPrefix: `e2e-audit-${process.pid}:` },
          loginThrottle: { accountMaxFailures: 2 },
        },
        directory,
      }),
      logger,
    );

    // One of everything, as a user and an attacker would do it.
    const login = (email: string, password: string) =>
      attemptLogin(running.server, email, password).set('User-Agent', USER_AGENT);
    expectStatus(await login(EMAIL, WRONG), 401, 'failed login');
    const first = sessionCookie((await login(EMAIL, PASSWORD)).headers['set-cookie']);
    const second = sessionCookie((await login(EMAIL, PASSWORD)).headers['set-cookie']);
    cookies.push(first, second);
    const [other] = (await getAs(running.server, first, '/auth/sessions')).body.sessions.filter(
      (s: { current: boolean }) => !s.current,
    );
    listedId = other.id;
    expectStatus(
      await deleteAs(running.server, first, `/auth/sessions/${other.id}`).set(
        'User-Agent',
        USER_AGENT,
      ),
      204,
      'revoke',
    );
    const third = sessionCookie((await login(EMAIL, PASSWORD)).headers['set-cookie']);
    cookies.push(third);
    expectStatus(
      await changePassword(running.server, first, WRONG, NEW_PASSWORD),
      403,
      'bad change',
    );
    const changed = await changePassword(running.server, first, PASSWORD, NEW_PASSWORD);
    expectStatus(changed, 200, 'password change');
    const rotated = sessionCookie(changed.headers['set-cookie']);
    cookies.push(rotated);
    await login(UNKNOWN, WRONG);
    await login(UNKNOWN, WRONG);
    expectStatus(await login(UNKNOWN, WRONG), 429, 'throttled login');
    expectStatus(await postAs(running.server, rotated, '/auth/logout'), 204, 'logout');
  });

  afterAll(async () => {
    await running?.close();
    await redis?.close();
  });

  it('still emits events, but writes no audit log line, with auditLog: false', async () => {
    const quiet = new CaptureLogger();
    const app = await startFixtureApp(
      AccountsFixtureModule.forRoot({
        session: { secrets: [TEST_SECRET], store: { kind: 'memory' }, audit: { log: false } },
        directory,
      }),
      quiet,
    );
    try {
      expectStatus(await attemptLogin(app.server, UNKNOWN, WRONG), 401, 'failed login');
      expect(app.app.get(AuditRecorder).events.map((e) => e.event)).toEqual(['auth.login.failed']);
      expect(quiet.messages('SessionAudit')).toEqual([]);
    } finally {
      await app.close();
    }
  });

  const events = () => running.app.get(AuditRecorder).events;
  const named = (name: string) => events().filter((e) => e.event === name);

  it('emits each kind of event to an app subscriber, in order', () => {
    expect(events().map((e) => e.event)).toEqual([
      AUTH_AUDIT_EVENTS.loginFailed,
      AUTH_AUDIT_EVENTS.loginSucceeded,
      AUTH_AUDIT_EVENTS.loginSucceeded,
      AUTH_AUDIT_EVENTS.sessionRevoked,
      AUTH_AUDIT_EVENTS.loginSucceeded,
      AUTH_AUDIT_EVENTS.passwordChangeFailed,
      AUTH_AUDIT_EVENTS.sessionRevoked,
      AUTH_AUDIT_EVENTS.passwordChanged,
      AUTH_AUDIT_EVENTS.loginFailed,
      AUTH_AUDIT_EVENTS.loginFailed,
      AUTH_AUDIT_EVENTS.loginThrottled,
      AUTH_AUDIT_EVENTS.logout,
    ]);
  });

  it('says who, from where and which session, with a UTC timestamp', () => {
    const publicId = expect.stringMatching(/^[A-Za-z0-9_-]{22}$/);
    const from = { ip: expect.stringMatching(/127\.0\.0\.1$/), userAgent: USER_AGENT };
    const at = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const [failed] = named(AUTH_AUDIT_EVENTS.loginFailed);
    expect(failed).toEqual({
      event: 'auth.login.failed',
      at,
      accountHash: expect.stringMatching(/^[0-9a-f]{32}$/),
      ...from,
    });
    const [succeeded] = named(AUTH_AUDIT_EVENTS.loginSucceeded);
    expect(succeeded).toEqual({
      event: 'auth.login.succeeded',
      at,
      userId: 'u-42',
      accountHash: failed.accountHash,
      sessionId: publicId,
      ...from,
    });
    const [byUser, byPasswordChange] = named(AUTH_AUDIT_EVENTS.sessionRevoked);
    expect(byUser).toMatchObject({ userId: 'u-42', sessionId: publicId, reason: 'user', ...from });
    expect(byPasswordChange).toMatchObject({ userId: 'u-42', reason: 'password_changed' });
    expect(named(AUTH_AUDIT_EVENTS.passwordChanged)[0]).toMatchObject({
      userId: 'u-42',
      sessionId: publicId,
    });
    const [throttled] = named(AUTH_AUDIT_EVENTS.loginThrottled);
    expect(throttled).toMatchObject({
      reason: 'account_locked',
      accountHash: expect.any(String),
      ...from,
    });
    expect(throttled.accountHash).not.toBe(failed.accountHash);
    expect(named(AUTH_AUDIT_EVENTS.logout)[0]).toMatchObject({
      userId: 'u-42',
      sessionId: publicId,
    });
  });

  it('names a session by the same public id in events and in GET /auth/sessions', () => {
    const [, secondLogin] = named(AUTH_AUDIT_EVENTS.loginSucceeded);
    const [revoked] = named(AUTH_AUDIT_EVENTS.sessionRevoked);
    expect(revoked.sessionId).toBe(listedId);
    expect(secondLogin.sessionId).toBe(listedId);
  });

  it('writes one JSON line per event to the SessionAudit log', () => {
    const lines = logger.messages('SessionAudit');
    expect(lines).toHaveLength(events().length);
    for (const line of lines) expect(line).not.toMatch(/[\r\n]/);
    expect(lines.map((l) => JSON.parse(l) as AuthAuditEvent)).toEqual(events());
  });

  it('never logs or emits a password, a session id, a hash or an email address', () => {
    const everything = [
      ...logger.lines.map((l) => l.message),
      ...events().map((e) => JSON.stringify(e)),
    ].join('\n');
    const secrets = {
      password: PASSWORD,
      'new password': NEW_PASSWORD,
      'wrong password': WRONG,
      'argon2 hash': '$argon2',
      email: EMAIL,
      'unknown email': UNKNOWN,
      ...Object.fromEntries(cookies.map((c, i) => [`session id ${i + 1}`, sessionIdOf(c)])),
    };
    for (const [what, secret] of Object.entries(secrets)) {
      expect(`${what}: ${everything.includes(secret)}`).toBe(`${what}: false`);
    }
  });
});
