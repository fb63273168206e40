import { ARGON2ID, argon2Hash } from '../auth/argon2.js';
import type { UserDirectory, UserRecord } from '../auth/user-directory.interface.js';
import { DEFAULT_PASSWORD_HASH_OPTIONS } from '../core/options/session-options.resolver.js';
import { InMemorySecondFactors } from './in-memory-second-factors.js';

/** A user for tests: email and password, the rest optional. */
export interface TestUser {
  email: string;
  password: string;
  /** Default: the email. */
  id?: string;
  /** Default: the part of the email before `@`. */
  displayName?: string;
  roles?: string[];
}

/**
 * A `UserDirectory` in memory for tests: `{ provide: USER_DIRECTORY, useValue: new
 * InMemoryUserDirectory([{ email: 'ada@example.com', password: 'a passphrase' }]) }`. The
 * passwords are hashed with argon2id as the module hashes them (OWASP's parameters), in the
 * background, so the first sign-in waits for them; password changes are kept. It implements
 * `compareAndSetPasswordHash` as a database would, so tests see the races a real directory sees,
 * and the second-factor methods (`InMemorySecondFactors`), so users can enrol a TOTP app.
 */
export class InMemoryUserDirectory extends InMemorySecondFactors implements UserDirectory {
  private readonly users: Promise<Map<string, UserRecord>>;

  constructor(users: TestUser[]) {
    super();
    this.users = Promise.all(users.map(toRecord)).then(
      (records) => new Map(records.map((record) => [record.email, record])),
    );
    // A hashing failure surfaces on the first lookup, not as an unhandled rejection.
    this.users.catch(() => undefined);
  }

  async findByEmail(email: string): Promise<UserRecord | undefined> {
    return (await this.users).get(email.trim().toLowerCase());
  }

  async compareAndSetPasswordHash(
    userId: string,
    expectedHash: string,
    passwordHash: string,
  ): Promise<boolean> {
    const user = findById(await this.users, userId);
    // Compared and set with no await in between: atomic, as one UPDATE … WHERE is.
    if (user?.passwordHash !== expectedHash) return false;
    user.passwordHash = passwordHash;
    return true;
  }

  async updatePasswordHash(userId: string, passwordHash: string): Promise<void> {
    const user = findById(await this.users, userId);
    if (user) user.passwordHash = passwordHash;
  }
}

function findById(users: Map<string, UserRecord>, id: string): UserRecord | undefined {
  for (const user of users.values()) if (user.id === id) return user;
  return undefined;
}

async function toRecord(user: TestUser): Promise<UserRecord> {
  const email = user.email.trim().toLowerCase();
  return {
    id: user.id ?? email,
    email,
    displayName: user.displayName ?? email.split('@')[0],
    roles: user.roles ?? [],
    passwordHash: await argon2Hash(user.password, {
      algorithm: ARGON2ID,
      ...DEFAULT_PASSWORD_HASH_OPTIONS,
    }),
  };
}
