import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ARGON2ID, argon2Hash, argon2Verify } from '../../src/auth/argon2.js';
import { AccountsFixtureModule, RecordingUserDirectory } from '../fixtures/accounts/app.module.js';
import { TEST_SECRET, type RunningApp } from '../support/apps/demo-app.js';
import { startFixtureApp } from '../support/apps/fixture-app.js';
import { attemptLogin, expectStatus } from '../support/http/requests.js';
import { startTestRedis, type TestRedis } from '../support/servers/test-redis.js';

const PASSWORD = 'an old but good passphrase';
/** Variant, version and cost parameters of a PHC string (`$argon2id$v=19$m=…,p=…,t=…$…`). */
function phcParameters(hash: string): Record<string, string> {
  const [, variant, version, params] = hash.split('$');
  return { variant, version, ...Object.fromEntries(params.split(',').map((kv) => kv.split('='))) };
}

describe('re-hashing weak password hashes on sign-in', () => {
  let redis: TestRedis;
  let running: RunningApp;
  let directory: RecordingUserDirectory;
  let weakHash: string;
  let strongHash: string;

  beforeAll(async () => {
    redis = await startTestRedis();
    weakHash = await argon2Hash(PASSWORD, {
      algorithm: ARGON2ID,
      memoryCost: 4096,
      timeCost: 1,
      parallelism: 1,
    });
    strongHash = await argon2Hash(PASSWORD, {
      algorithm: ARGON2ID,
      memoryCost: 19456,
      timeCost: 3,
      parallelism: 1,
    });
    const user = (id: string, passwordHash: string) => ({
      id,
      email: `${id}@example.com`,
      displayName: id,
      roles: ['user'],
      passwordHash,
    });
    directory = new RecordingUserDirectory([user('weak', weakHash), user('strong', strongHash)]);
    running = await startFixtureApp(
      AccountsFixtureModule.forRoot({
        session: {
          secrets: [TEST_SECRET],
          store: { kind: 'redis', url: redis.url, keyPrefix: `e2e-rehash-${process.pid}:` },
        },
        directory,
      }),
    );
  });

  afterAll(async () => {
    await running?.close();
    await redis?.close();
  });

  it('stores an argon2id hash with the configured parameters after a sign-in with a weak one', async () => {
    expectStatus(await attemptLogin(running.server, 'weak@example.com', PASSWORD), 200, 'login');
    expect(directory.updates).toHaveLength(1);
    const [update] = directory.updates;
    expect(update.userId).toBe('weak');
    // What the module makes by default: OWASP's argon2id parameters.
    expect(phcParameters(update.passwordHash)).toEqual({
      variant: 'argon2id',
      version: 'v=19',
      m: '19456',
      t: '2',
      p: '1',
    });
    expect(await argon2Verify(update.passwordHash, PASSWORD)).toBe(true);

    // Upgraded once: the next sign-in finds nothing to do.
    expectStatus(
      await attemptLogin(running.server, 'weak@example.com', PASSWORD),
      200,
      'login again',
    );
    expect(directory.updates).toHaveLength(1);
  });

  it('leaves hashes at least as strong as the configured ones alone', async () => {
    const before = directory.updates.length;
    expectStatus(await attemptLogin(running.server, 'strong@example.com', PASSWORD), 200, 'login');
    expect(directory.updates).toHaveLength(before);
  });

  it('does not re-hash on a failed sign-in', async () => {
    const before = directory.updates.length;
    const res = await attemptLogin(running.server, 'strong@example.com', 'not the passphrase');
    expectStatus(res, 401, 'login with a wrong password');
    expect(directory.updates).toHaveLength(before);
  });
});
