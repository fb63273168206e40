// The writes of a password hash that race (issue 14, "revocation that holds"): a sign-in's
// re-hash against a password change, and two password changes. Each interleaving is forced with
// a directory that holds one write until the test releases it, so nothing depends on timing.
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { ModuleRef } from '@nestjs/core';
import type { Request } from 'express';
import type { AuditService } from '../audit/audit.service.js';
import type { SessionProfile } from '../core/session-data.augmentation.js';
import type { ResolvedSessionOptions } from '../core/options/session-options.resolver.js';
import { SessionAuthException } from '../core/errors/session-auth.exception.js';
import type { CredentialVersions } from '../session/credential-versions.js';
import type { SessionsService } from '../session/sessions.service.js';
import type { AccountHasher } from './account.hasher.js';
import type { SecondFactors } from './second-factors.js';
import { AuthService, NO_COMPARE_AND_SET } from './auth.service.js';
import type { LoginThrottler } from './login.throttler.js';
import type { PasswordHasher } from './password.hasher.js';
import { PasswordService } from './password.service.js';
import type { UserDirectory, UserRecord } from './user-directory.interface.js';
import { HoldPoint } from '../../test/support/runner/hold-point.js';

const EMAIL = 'ada@example.com';
const OLD = 'the old passphrase';
const NEW = 'the new passphrase';

/**
 * Hashes the test can read: `weak$<password>$…` or `strong$<password>$…`, so an assertion sees
 * which password a stored hash is of; a weak one needs a re-hash.
 */
class ReadableHasher {
  readonly hashing = new HoldPoint();
  private made = 0;
  async hash(password: string): Promise<string> {
    await this.hashing.pass();
    return `strong$${password}$${++this.made}`;
  }
  verify(hash: string, password: string): Promise<boolean> {
    return Promise.resolve(hash.split('$')[1] === password);
  }
  verifyDummy(): Promise<void> {
    return Promise.resolve();
  }
  needsRehash(hash: string): boolean {
    return hash.startsWith('weak$');
  }
}

/**
 * One user in memory, handing out its own record as many directories do. The next write of a
 * hash (either kind) can be held before it compares anything; `compareAndSet: false` makes a
 * directory with `updatePasswordHash` only.
 */
class HeldDirectory implements UserDirectory {
  readonly user: UserRecord;
  readonly writes: string[] = [];
  readonly writing = new HoldPoint();
  compareAndSetPasswordHash?: (id: string, expected: string, hash: string) => Promise<boolean>;

  constructor(passwordHash: string, { compareAndSet = true } = {}) {
    this.user = { id: 'ada', email: EMAIL, displayName: 'Ada', roles: [], passwordHash };
    if (compareAndSet) {
      this.compareAndSetPasswordHash = async (id, expected, hash) => {
        await this.pass('compareAndSet');
        if (id !== this.user.id || this.user.passwordHash !== expected) return false;
        this.user.passwordHash = hash;
        return true;
      };
    }
  }

  findByEmail(email: string): Promise<UserRecord | undefined> {
    return Promise.resolve(email === EMAIL ? this.user : undefined);
  }

  async updatePasswordHash(id: string, hash: string): Promise<void> {
    await this.pass('update');
    if (id === this.user.id) this.user.passwordHash = hash;
  }

  private async pass(kind: string): Promise<void> {
    this.writes.push(kind);
    await this.writing.pass();
  }
}

/** The services under test on the directory, with the store and limits reduced to counters. */
function services(directory: UserDirectory) {
  const versions = new Map<string, number>();
  const current = (userId: string) => versions.get(userId) ?? 0;
  const bump = (userId: string) => {
    versions.set(userId, current(userId) + 1);
    return Promise.resolve(current(userId));
  };
  const credentialVersions = {
    fresh: (userId: string) => Promise.resolve(current(userId)),
    bump,
  } as unknown as CredentialVersions;
  const sessions = {
    start: (req: Request, profile: SessionProfile, options: { credentialVersion?: number }) => {
      Object.assign(req.session, { profile, credentialVersion: options.credentialVersion });
      return Promise.resolve();
    },
    rotate: () => Promise.resolve(),
    revokeAllSessions: async (userId: string) => {
      await bump(userId);
      return 0;
    },
  } as unknown as SessionsService;
  const throttler = {
    limitConcurrency: (_req: Request, work: () => Promise<unknown>) => work(),
    guard: (_req: Request, _account: string, work: () => Promise<unknown>) => work(),
  } as unknown as LoginThrottler;
  const accounts = {
    forUser: (id: string) => `user:${id}`,
    forEmail: (email: string) => `email:${email}`,
  } as unknown as AccountHasher;
  const audit = { record: () => undefined } as unknown as AuditService;
  const moduleRef = { get: () => directory } as unknown as ModuleRef;
  const readable = new ReadableHasher();
  const hasher = readable as unknown as PasswordHasher;
  const options = { cookie: { secure: false } } as ResolvedSessionOptions;
  const auth = new AuthService(
    moduleRef,
    hasher,
    accounts,
    throttler,
    sessions,
    credentialVersions,
    audit,
    options,
    // A directory without second factors: every user signs in with the password alone.
    { find: () => Promise.resolve(undefined) } as unknown as SecondFactors,
  );
  const passwords = new PasswordService(
    moduleRef,
    auth,
    hasher,
    accounts,
    throttler,
    sessions,
    credentialVersions,
    audit,
  );
  auth.onModuleInit();
  passwords.onModuleInit();
  /** True while a session made from `version` would still be let in. */
  const isCurrent = (version: number | undefined) => version === current('ada');
  return { auth, passwords, isCurrent, hasher: readable };
}

/** A request with a session, signed in as the user when `signedIn`. */
function request(signedIn = false): Request {
  const session = {
    publicId: 'public-id',
    save: (done: (err?: unknown) => void) => done(),
    ...(signedIn && { profile: { id: 'ada', email: EMAIL, displayName: 'Ada', roles: [] } }),
  };
  return { secure: false, sessionID: 'sid', session } as unknown as Request;
}

async function codeOf(work: Promise<unknown>): Promise<string> {
  try {
    await work;
    return 'ok';
  } catch (err) {
    return err instanceof SessionAuthException ? err.code : String(err);
  }
}

describe('re-hashing a weak password hash on sign-in', () => {
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it.each([
    ['while the sign-in computes the stronger hash', 'hashing'],
    ['just before the sign-in stores it', 'writing'],
  ] as const)('keeps the new password when a password change is saved %s', async (_, where) => {
    const directory = new HeldDirectory(`weak$${OLD}$0`);
    const { auth, passwords, isCurrent, hasher } = services(directory);
    // The sign-in checked the old password; it is held on its way to store a stronger hash of it.
    const write = (where === 'hashing' ? hasher.hashing : directory.writing).holdNext();
    const racing = request();
    const login = auth.login(racing, EMAIL, OLD);
    await write.reached;
    await passwords.change(request(true), { currentPassword: OLD, newPassword: NEW });
    write.release();
    // A lost compare is no error: the password was right when it was checked.
    expect((await login).id).toBe('ada');
    expect(await auth.verifyPassword(EMAIL, NEW)).toBeDefined();
    expect(await auth.verifyPassword(EMAIL, OLD)).toBeUndefined();
    expect(directory.user.passwordHash).toMatch(/^strong\$the new passphrase\$/);
    // And the session that sign-in made ends at its next request.
    expect(isCurrent(racing.session.credentialVersion)).toBe(false);
  });

  it('stores the stronger hash over the one it checked', async () => {
    const directory = new HeldDirectory(`weak$${OLD}$0`);
    const { auth } = services(directory);
    await auth.login(request(), EMAIL, OLD);
    expect(directory.writes).toEqual(['compareAndSet']);
    expect(directory.user.passwordHash).toMatch(/^strong\$the old passphrase\$/);
  });

  it('skips the re-hash and warns once, naming compareAndSetPasswordHash, without a compare', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const directory = new HeldDirectory(`weak$${OLD}$0`, { compareAndSet: false });
    const { auth } = services(directory);
    await auth.login(request(), EMAIL, OLD);
    await auth.login(request(), EMAIL, OLD);
    expect(directory.writes).toEqual([]);
    expect(directory.user.passwordHash).toBe(`weak$${OLD}$0`);
    expect(warn.mock.calls).toEqual([[NO_COMPARE_AND_SET]]);
    expect(NO_COMPARE_AND_SET).toContain('compareAndSetPasswordHash(userId, expectedHash');
  });

  it('says nothing for a read-only directory, which stores no hashes at all', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const { user } = new HeldDirectory(`weak$${OLD}$0`);
    const { auth } = services({
      findByEmail: (email) => Promise.resolve(email === EMAIL ? user : undefined),
    });
    await auth.login(request(), EMAIL, OLD);
    expect(user.passwordHash).toBe(`weak$${OLD}$0`);
    expect(warn).not.toHaveBeenCalled();
  });
});

describe('a password change against concurrent writes of the hash', () => {
  it('answers 403 to the second of two changes from the same current password', async () => {
    const directory = new HeldDirectory(`strong$${OLD}$0`);
    const { auth, passwords } = services(directory);
    // Both checked the current password; the first is held before it stores.
    const write = directory.writing.holdNext();
    const slow = codeOf(
      passwords.change(request(true), { currentPassword: OLD, newPassword: 'slow passphrase' }),
    );
    await write.reached;
    const fast = passwords.change(request(true), {
      currentPassword: OLD,
      newPassword: 'fast passphrase',
    });
    expect(await codeOf(fast)).toBe('ok');
    write.release();
    expect(await slow).toBe('invalid_current_password');
    expect(await auth.verifyPassword(EMAIL, 'fast passphrase')).toBeDefined();
    expect(await auth.verifyPassword(EMAIL, 'slow passphrase')).toBeUndefined();
    expect(await auth.verifyPassword(EMAIL, OLD)).toBeUndefined();
  });

  it('stores over a re-hash of the current password that a sign-in made after its check', async () => {
    const directory = new HeldDirectory(`weak$${OLD}$0`);
    const { auth, passwords } = services(directory);
    const write = directory.writing.holdNext();
    const change = passwords.change(request(true), { currentPassword: OLD, newPassword: NEW });
    await write.reached;
    await auth.login(request(), EMAIL, OLD);
    expect(directory.user.passwordHash).toMatch(/^strong\$the old passphrase\$/);
    write.release();
    expect(await codeOf(change)).toBe('ok');
    expect(await auth.verifyPassword(EMAIL, NEW)).toBeDefined();
    expect(await auth.verifyPassword(EMAIL, OLD)).toBeUndefined();
  });

  it('stores with updatePasswordHash when the directory cannot compare', async () => {
    const directory = new HeldDirectory(`strong$${OLD}$0`, { compareAndSet: false });
    const { auth, passwords } = services(directory);
    await passwords.change(request(true), { currentPassword: OLD, newPassword: NEW });
    expect(directory.writes).toEqual(['update']);
    expect(await auth.verifyPassword(EMAIL, NEW)).toBeDefined();
  });
});
