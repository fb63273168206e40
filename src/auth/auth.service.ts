import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Request, Response } from 'express';
import {
  SESSION_LOGGER_CONTEXT,
  SESSION_OPTIONS,
  USER_DIRECTORY,
} from '../core/session.constants.js';
import type { SessionProfile } from '../core/session-data.augmentation.js';
import { SessionAuthException } from '../core/errors/session-auth.exception.js';
import type { ResolvedSessionOptions } from '../core/options/session-options.resolver.js';
import { CredentialVersions } from '../session/credential-versions.js';
import {
  clearSessionCookie,
  destroySession,
  orStoreUnavailable,
  requireSession,
} from '../session/session-persistence.js';
import { SessionsService } from '../session/sessions.service.js';
import { AccountHasher } from './account.hasher.js';
import { AUTH_AUDIT_EVENTS } from '../audit/audit.constants.js';
import { AuditService } from '../audit/audit.service.js';
import { LoginThrottler, passwordCheckFailure } from './login.throttler.js';
import { PasswordHasher } from './password.hasher.js';
import { SecondFactors } from './second-factors.js';
import type { UserDirectory, UserRecord } from './user-directory.interface.js';

export const MISSING_USER_DIRECTORY =
  'SessionModule: no UserDirectory. Provide one in any module of your app: ' +
  '{ provide: USER_DIRECTORY, useClass: YourUserDirectory } (see README, "Use it in your app").';

/** The credential version read for an unknown email, so both cost the same store read. */
const NO_USER = '';

export const NO_COMPARE_AND_SET =
  'SessionModule: a password hash weaker than the configured parameters was not re-hashed: the ' +
  'UserDirectory has updatePasswordHash but no compareAndSetPasswordHash(userId, expectedHash, ' +
  'passwordHash). Implement it (an UPDATE … WHERE id = $1 AND password_hash = $2) to upgrade ' +
  'hashes on sign-in.';

/** A user whose password checked out, and the hash it was checked against. */
export interface CheckedPassword {
  user: UserRecord;
  /**
   * The stored hash as read before the check. Kept apart from `user.passwordHash`, which a
   * directory that hands out its own record object changes in place when a new hash is stored.
   */
  passwordHash: string;
}

/** A checked password, and the user's credential version read before the check. */
interface CheckedCredentials extends CheckedPassword {
  credentialVersion?: number;
}

/** Looked up app-wide, so the app can provide USER_DIRECTORY in whichever module owns users. */
export function findUserDirectory(moduleRef: ModuleRef): UserDirectory {
  try {
    return moduleRef.get<UserDirectory>(USER_DIRECTORY, { strict: false });
  } catch {
    throw new Error(MISSING_USER_DIRECTORY);
  }
}

@Injectable()
export class AuthService implements OnModuleInit {
  private directory!: UserDirectory;
  private warnedNoCompareAndSet = false;

  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly hasher: PasswordHasher,
    private readonly accounts: AccountHasher,
    private readonly throttler: LoginThrottler,
    private readonly sessions: SessionsService,
    private readonly versions: CredentialVersions,
    private readonly audit: AuditService,
    @Inject(SESSION_OPTIONS) private readonly options: ResolvedSessionOptions,
    private readonly secondFactors: SecondFactors,
  ) {}

  onModuleInit(): void {
    this.directory = findUserDirectory(this.moduleRef);
  }

  /**
   * Checks the credentials under the brute-force limits, then starts a new session: a fresh id
   * on every login stops session fixation, and the session is saved before the answer goes out.
   */
  async login(req: Request, email: string, password: string): Promise<SessionProfile> {
    requireSession(req);
    if (this.options.cookie.secure && !req.secure) throw new SessionAuthException('https_required');

    const { user, credentialVersion, account } = await this.throttler.limitConcurrency(
      req,
      async () => {
        const normalized = normalizeEmail(email);
        // Looked up before the limits, for known and unknown emails alike (the same work either
        // way), so the lockout counts per account however the directory folds spellings.
        // A directory that fails answers 503 here too, as inside the check (LoginThrottler.guard).
        const found = await this.directory
          .findByEmail(normalized)
          .catch((err: unknown) => Promise.reject(passwordCheckFailure(err)));
        const account = found
          ? this.accounts.forUser(found.id)
          : this.accounts.forEmail(normalized);
        const checked = await this.throttler.guard(req, account, async () => {
          const result = await this.checkCredentials(normalized, password);
          if (!result) {
            this.audit.record(AUTH_AUDIT_EVENTS.loginFailed, { accountHash: account }, req);
            throw new SessionAuthException('invalid_credentials');
          }
          await this.rehashIfWeak(result, password);
          return result;
        });
        return { ...checked, account };
      },
    );
    const profile = toProfile(user);
    // A user with a second factor is not signed in yet: the session waits for the code, and the
    // caller (AuthController, or an app's own route) learns it from this 401.
    if (await this.secondFactors.find(user.id)) {
      await this.secondFactors.startPending(req, profile, {
        credentialVersion,
        accountHash: account,
      });
      throw new SessionAuthException('second_factor_required');
    }
    await this.startSignedIn(req, profile, { credentialVersion, accountHash: account });
    return profile;
  }

  /**
   * Signs `profile` in once every credential checked out (the password, and the second factor
   * when the user has one): a new session id, the credential version read before the password
   * was checked, the user's session index, and the audit event.
   */
  async startSignedIn(
    req: Request,
    profile: SessionProfile,
    { credentialVersion, accountHash }: { credentialVersion?: number; accountHash: string },
  ): Promise<void> {
    await this.sessions.start(req, profile, { credentialVersion });
    this.audit.record(
      AUTH_AUDIT_EVENTS.loginSucceeded,
      { userId: profile.id, accountHash, sessionId: req.session.publicId },
      req,
    );
  }

  /** Deletes the session in the store and expires the cookie with the attributes it was set with. */
  async logout(req: Request, res: Response): Promise<void> {
    const { profile, publicId } = requireSession(req);
    const sid = req.sessionID;
    await destroySession(req);
    clearSessionCookie(res, this.options);
    if (!profile) return;
    await this.sessions.forget(profile.id, sid);
    this.audit.record(AUTH_AUDIT_EVENTS.logout, { userId: profile.id, sessionId: publicId }, req);
  }

  /**
   * The user with this email when `password` is theirs, else undefined. It takes as long for an
   * unknown email (a dummy hash is verified), so timing reveals no accounts (ASVS 5.0 V6.3.8).
   * No brute-force limits here: callers run it under `LoginThrottler`.
   */
  async verifyPassword(email: string, password: string): Promise<UserRecord | undefined> {
    return (await this.checkPassword(email, password))?.user;
  }

  /**
   * Like `verifyPassword`, with the hash the password was checked against: what a write of a new
   * hash expects to replace (`UserDirectory.compareAndSetPasswordHash`).
   */
  async checkPassword(email: string, password: string): Promise<CheckedPassword | undefined> {
    const user = await this.directory.findByEmail(email);
    if (!user) {
      await this.hasher.verifyDummy(password);
      return undefined;
    }
    // Copied before the check: a directory may hand out the record a change then updates.
    const passwordHash = user.passwordHash;
    return (await this.hasher.verify(passwordHash, password)) ? { user, passwordHash } : undefined;
  }

  /**
   * Like `verifyPassword`, and also reads the user's credential version for the new session.
   * The version must be read before the hash it is checked against, or a sign-in with the old
   * password could read the hash before a password change and the version after it, and its
   * session would outlive the change. The user's id is known only from the directory, so the
   * hash is read again after a successful check: when it is still the one checked, it was
   * current after the version was read. A password change raises the version before and after
   * it saves the new hash (PasswordService), so either the version is outdated (the session
   * ends at its next request) or the hash checked was the new one.
   */
  private async checkCredentials(
    email: string,
    password: string,
  ): Promise<CheckedCredentials | undefined> {
    const user = await this.directory.findByEmail(email);
    const credentialVersion = await orStoreUnavailable(this.versions.fresh(user?.id ?? NO_USER));
    if (!user) {
      await this.hasher.verifyDummy(password);
      return undefined;
    }
    // Copied: a directory may hand out the same record object, which a change then updates.
    const checkedHash = user.passwordHash;
    if (!(await this.hasher.verify(checkedHash, password))) return undefined;
    if (credentialVersion === undefined) return { user, passwordHash: checkedHash };
    const again = await this.directory.findByEmail(email);
    if (again?.id !== user.id || again.passwordHash !== checkedHash) return undefined;
    return { user, passwordHash: checkedHash, credentialVersion };
  }

  /**
   * Upgrades a hash made with weaker parameters while the plain password is at hand. Only with a
   * compare-and-set, expecting the hash that was checked: a password change may save its new
   * hash at any moment after the check, and a plain write would then replace it with a hash of
   * the old password, which would work again while the new one would not. A lost compare is no
   * failure of the sign-in (the password was right when checked): the hash stays as it is.
   */
  private async rehashIfWeak(checked: CheckedPassword, password: string): Promise<void> {
    if (!this.hasher.needsRehash(checked.passwordHash)) return;
    if (!this.directory.compareAndSetPasswordHash) {
      // A read-only directory (no updatePasswordHash either) never stores hashes: nothing to say.
      if (this.directory.updatePasswordHash && !this.warnedNoCompareAndSet) {
        this.warnedNoCompareAndSet = true;
        new Logger(SESSION_LOGGER_CONTEXT).warn(NO_COMPARE_AND_SET);
      }
      return;
    }
    const stronger = await this.hasher.hash(password);
    await this.directory.compareAndSetPasswordHash(checked.user.id, checked.passwordHash, stronger);
  }
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function toProfile(user: UserRecord): SessionProfile {
  return { id: user.id, email: user.email, displayName: user.displayName, roles: [...user.roles] };
}
