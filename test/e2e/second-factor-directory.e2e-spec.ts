// The second factor against the app's directory. Two requests with the same TOTP code, or the
// same recovery code, both past the code check: only one may sign in. Each interleaving is forced
// by a directory that holds the atomic write (advanceTimeStep, consumeRecoveryCode) of the first
// request until the second has finished. And a directory that fails answers 503, never a sign-in.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ARGON2ID, argon2Hash } from '../../src/auth/argon2.js';
import { DEFAULT_PASSWORD_HASH_OPTIONS } from '../../src/core/options/session-options.resolver.js';
import type { SecondFactorDirectory, SecondFactorRecord } from '../../src/index.js';
import { InMemorySecondFactors } from '../../src/testing/index.js';
import {
  AccountsFixtureModule,
  AuditRecorder,
  RecordingUserDirectory,
} from '../fixtures/accounts/app.module.js';
import { loginCookie, type RunningApp, TEST_SECRET } from '../support/apps/demo-app.js';
import { startFixtureApp } from '../support/apps/fixture-app.js';
import { attemptLogin, expectStatus, postAs } from '../support/http/requests.js';
import { enrol, passwordStep, sendCode } from '../support/http/second-factor.js';
import { HoldPoint } from '../support/runner/hold-point.js';
import { type SessionBackend, startSessionBackend } from '../support/servers/session-backends.js';

const PASSWORD = 'a passphrase for racing codes';

/** The accounts fixture's directory with second factors, and a hold before each atomic write. */
class HeldDirectory extends RecordingUserDirectory implements SecondFactorDirectory {
  readonly advancing = new HoldPoint();
  readonly consuming = new HoldPoint();
  /** Set to make every second-factor read fail, as a database that is down would. */
  failing = false;
  private readonly factors = new InMemorySecondFactors();

  findSecondFactor(userId: string): Promise<SecondFactorRecord | undefined> {
    if (this.failing) return Promise.reject(new Error('second factors: database down'));
    return this.factors.findSecondFactor(userId);
  }

  saveSecondFactor(userId: string, record: SecondFactorRecord | null): Promise<void> {
    return this.factors.saveSecondFactor(userId, record);
  }

  async advanceTimeStep(userId: string, timeStep: number): Promise<boolean> {
    await this.advancing.pass();
    return this.factors.advanceTimeStep(userId, timeStep);
  }

  async consumeRecoveryCode(userId: string, codeHash: string): Promise<boolean> {
    await this.consuming.pass();
    return this.factors.consumeRecoveryCode(userId, codeHash);
  }
}

const STORES = ['redis', 'memory', 'postgres', 'redis-cluster'] as const;

describe.each(STORES)('second-factor codes against the directory on the %s store', (store) => {
  let backend: SessionBackend;
  let running: RunningApp;
  let directory: HeldDirectory;
  const server = () => running.server;

  beforeAll(async () => {
    backend = await startSessionBackend(store);
    const passwordHash = await argon2Hash(PASSWORD, {
      algorithm: ARGON2ID,
      ...DEFAULT_PASSWORD_HASH_OPTIONS,
    });
    directory = new HeldDirectory(
      ['totp', 'recovery', 'outage'].map((id) => ({
        id,
        email: `${id}@example.com`,
        displayName: id,
        roles: ['user'],
        passwordHash,
      })),
    );
    running = await startFixtureApp(
      AccountsFixtureModule.forRoot({
        session: {
          secrets: [TEST_SECRET],
          store: backend.store({ keyPrefix: `e2e-totp-dir-${process.pid}:` }),
        },
        directory,
      }),
    );
  });

  afterAll(async () => {
    await running?.close();
    await backend?.close();
  });

  /** Enrols `id`, signs out, and starts two sign-ins that both wait for their code. */
  async function twoPendingSignIns(id: string) {
    const email = `${id}@example.com`;
    const cookie = await loginCookie(server(), email, PASSWORD);
    const app = await enrol(server(), cookie);
    await postAs(server(), cookie, '/auth/logout').expect(204);
    const first = (await passwordStep(server(), email, PASSWORD)).cookie;
    const second = (await passwordStep(server(), email, PASSWORD)).cookie;
    return { app, first, second };
  }

  it('signs in only one of two requests with the same TOTP code, both past the check', async () => {
    const { app, first, second } = await twoPendingSignIns('totp');
    const code = await app.code(1);
    const gate = directory.advancing.holdNext();
    const held = sendCode(server(), first, code).then((res) => res);
    // The first request checked the code and waits at the write of its time step.
    await gate.reached;
    const winner = await sendCode(server(), second, code);
    gate.release();
    const loser = await held;
    expectStatus(winner, 200, 'the second request, which wrote first');
    expect([loser.status, loser.body.code]).toEqual([401, 'invalid_second_factor_code']);
    expect(loser.headers['set-cookie'] ?? []).not.toContainEqual(expect.stringMatching(/^sid=s/));
  });

  it('signs in only one of two requests with the same recovery code, both past the check', async () => {
    const { app, first, second } = await twoPendingSignIns('recovery');
    const [code] = app.recoveryCodes;
    const gate = directory.consuming.holdNext();
    const held = sendCode(server(), first, code).then((res) => res);
    await gate.reached;
    const winner = await sendCode(server(), second, code);
    gate.release();
    const loser = await held;
    expectStatus(winner, 200, 'the second request, which spent the code first');
    expect([loser.status, loser.body.code]).toEqual([401, 'invalid_second_factor_code']);

    // The audit trail names the user and what happened, never a code or a secret.
    const events = running.app.get(AuditRecorder).events.filter((e) => e.userId === 'recovery');
    expect(events.map((e) => e.event)).toEqual(
      expect.arrayContaining([
        'auth.second_factor.enabled',
        'auth.login.second_factor_pending',
        'auth.second_factor.recovery_code_used',
        'auth.second_factor.failed',
        'auth.login.succeeded',
      ]),
    );
    const logged = JSON.stringify(events);
    for (const secret of [app.secret, ...app.recoveryCodes, code.replace(/-/g, '')]) {
      expect(logged).not.toContain(secret);
    }
  });

  it('fails closed with 503 when the directory cannot read second factors', async () => {
    const cookie = await loginCookie(server(), 'outage@example.com', PASSWORD);
    directory.failing = true;
    try {
      const login = await attemptLogin(server(), 'outage@example.com', PASSWORD);
      expect([login.status, login.body.code]).toEqual([503, 'second_factor_unavailable']);
      expect(login.headers['retry-after']).toBe('5');
      expect(JSON.stringify(login.body)).not.toMatch(/database down/);
      const enrol = await postAs(server(), cookie, '/auth/second-factor/enrol');
      expect([enrol.status, enrol.body.code]).toEqual([503, 'second_factor_unavailable']);
      expect(enrol.headers['cache-control']).toBe('no-store');
    } finally {
      directory.failing = false;
    }
  });
});
