// Re-hashing on sign-in, and the races of its write with password changes (issue 14, "revocation
// that holds"): each interleaving is forced by a directory that holds one write or lookup until
// the test releases it, so nothing depends on timing.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ARGON2ID, argon2Hash, argon2Verify } from '../../src/auth/argon2.js';
import type { UserRecord } from '../../src/index.js';
import { AccountsFixtureModule, RecordingUserDirectory } from '../fixtures/accounts/app.module.js';
import { sessionCookie, TEST_SECRET, type RunningApp } from '../support/apps/demo-app.js';
import { HoldPoint } from '../support/runner/hold-point.js';
import { startFixtureApp } from '../support/apps/fixture-app.js';
import { attemptLogin, changePassword, expectStatus, getAs } from '../support/http/requests.js';
import { startTestRedis, type TestRedis } from '../support/servers/test-redis.js';

const PASSWORD = 'an old but good passphrase';
const NEW_PASSWORD = 'a brand new passphrase';

/**
 * The accounts fixture's directory with two hold points: before a hash is written (a sign-in's
 * re-hash or a change's save, before it compares anything), and after a lookup read the record
 * (it answers what it read, as a database row read before a concurrent write would).
 */
class HeldDirectory extends RecordingUserDirectory {
  readonly writing = new HoldPoint();
  readonly lookingUp = new HoldPoint();

  override async findByEmail(email: string): Promise<UserRecord | undefined> {
    const found = await super.findByEmail(email);
    const read = found && { ...found };
    await this.lookingUp.pass();
    return read;
  }

  override async compareAndSetPasswordHash(
    userId: string,
    expectedHash: string,
    passwordHash: string,
  ): Promise<boolean> {
    await this.writing.pass();
    return super.compareAndSetPasswordHash(userId, expectedHash, passwordHash);
  }

  override async updatePasswordHash(userId: string, passwordHash: string): Promise<void> {
    await this.writing.pass();
    return super.updatePasswordHash(userId, passwordHash);
  }
}

type Answer = { status: number; headers: Record<string, unknown> };

/** The `sid=…` pair an answer sets, if it sets one (not a clearing one). */
function sidCookie(res: Answer): string | undefined {
  const list = ([] as string[]).concat((res.headers['set-cookie'] as string[] | undefined) ?? []);
  const header = list.find((c) => c.startsWith('sid=') && !c.startsWith('sid=;'));
  return header?.split(';')[0];
}
/** Variant, version and cost parameters of a PHC string (`$argon2id$v=19$m=…,p=…,t=…$…`). */
function phcParameters(hash: string): Record<string, string> {
  const [, variant, version, params] = hash.split('$');
  return { variant, version, ...Object.fromEntries(params.split(',').map((kv) => kv.split('='))) };
}

describe('re-hashing weak password hashes on sign-in', () => {
  let redis: TestRedis;
  let running: RunningApp;
  let directory: HeldDirectory;
  let users: Record<string, UserRecord>;
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
    users = {
      weak: user('weak', weakHash),
      strong: user('strong', strongHash),
      racer: user('racer', weakHash),
      twin: user('twin', strongHash),
      late: user('late', weakHash),
    };
    directory = new HeldDirectory(Object.values(users));
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
    // Stored only over the hash the sign-in checked.
    expect(update.expectedHash).toBe(weakHash);
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

  const server = () => running.server;

  async function signIn(email: string, password = PASSWORD): Promise<string> {
    const res = await attemptLogin(server(), email, password);
    expectStatus(res, 200, `POST /auth/login as ${email}`);
    return sessionCookie(res.headers['set-cookie']);
  }

  /** Only `password` signs in among those given. */
  async function expectOnlyPassword(email: string, password: string, others: string[]) {
    await signIn(email, password);
    for (const other of others) {
      expectStatus(
        await attemptLogin(server(), email, other),
        401,
        `${email} with another password`,
      );
    }
  }

  async function expectNotSignedIn(cookie: string | undefined, what: string): Promise<void> {
    if (cookie === undefined) return;
    expectStatus(await getAs(server(), cookie, '/auth/me'), 401, `GET /auth/me, ${what}`);
  }

  it('keeps the new password when a sign-in re-hashes the old one after the change was saved', async () => {
    const { email } = users.racer;
    const owner = await signIn(email);
    // That sign-in upgraded the hash: make it weak again, so the next sign-in re-hashes.
    users.racer.passwordHash = weakHash;
    // The racing sign-in checked the old password and is about to store a stronger hash of it.
    const write = directory.writing.holdNext();
    const racing = attemptLogin(server(), email, PASSWORD).then((res) => res);
    await write.reached;
    expectStatus(await changePassword(server(), owner, PASSWORD, NEW_PASSWORD), 200, 'change');
    write.release();
    const late = await racing;
    await expectOnlyPassword(email, NEW_PASSWORD, [PASSWORD]);
    await expectNotSignedIn(sidCookie(late), 'the sign-in that re-hashed the old password');
  });

  it('answers 403 to the second of two password changes from the same current password', async () => {
    const { email } = users.twin;
    const first = await signIn(email);
    const second = await signIn(email);
    // The first change read the hash; it is held before it checks the password, while the
    // second change runs from start to end.
    const lookup = directory.lookingUp.holdNext();
    const slow = changePassword(server(), first, PASSWORD, 'the slow new passphrase').then(
      (res) => res,
    );
    await lookup.reached;
    const fast = await changePassword(server(), second, PASSWORD, 'the fast new passphrase');
    expectStatus(fast, 200, 'the change that stored first');
    lookup.release();
    const lost = await slow;
    expectStatus(lost, 403, 'the change that checked the same current password');
    expect((lost.body as { code: string }).code).toBe('invalid_current_password');
    await expectOnlyPassword(email, 'the fast new passphrase', [
      PASSWORD,
      'the slow new passphrase',
    ]);
  });

  it('lets a password change win over a re-hash of the current password that landed first', async () => {
    const { email } = users.late;
    const owner = await signIn(email);
    users.late.passwordHash = weakHash;
    // The change checked the weak hash and is about to store; a sign-in re-hashes meanwhile.
    const write = directory.writing.holdNext();
    const change = changePassword(server(), owner, PASSWORD, NEW_PASSWORD).then((res) => res);
    await write.reached;
    const between = await signIn(email);
    expect(users.late.passwordHash).not.toBe(weakHash);
    write.release();
    expectStatus(await change, 200, 'the change');
    await expectOnlyPassword(email, NEW_PASSWORD, [PASSWORD]);
    await expectNotSignedIn(between, 'the sign-in made before the change stored');
  });
});
