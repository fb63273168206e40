import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Request, Response } from 'express';
import { SESSION_OPTIONS, USER_DIRECTORY } from '../core/session.constants.js';
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
import type { UserDirectory, UserRecord } from './user-directory.interface.js';

export const MISSING_USER_DIRECTORY =
  'SessionModule: no UserDirectory. Provide one in any module of your app: ' +
  '{ provide: USER_DIRECTORY, useClass: YourUserDirectory } (see README, "Use it in your app").';

/** The credential version read for an unknown email, so both cost the same store read. */
const NO_USER = '';

/** A user whose password checked out, and their credential version read before the check. */
interface CheckedCredentials {
  user: UserRecord;
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

  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly hasher: PasswordHasher,
    private readonly accounts: AccountHasher,
    private readonly throttler: LoginThrottler,
    private readonly sessions: SessionsService,
    private readonly versions: CredentialVersions,
    private readonly audit: AuditService,
    @Inject(SESSION_OPTIONS) private readonly options: ResolvedSessionOptions,
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
          await this.rehashIfWeak(result.user, password);
          return result;
        });
        return { ...checked, account };
      },
    );
    const profile = toProfile(user);
    await this.sessions.start(req, profile, { credentialVersion });
    this.audit.record(
      AUTH_AUDIT_EVENTS.loginSucceeded,
      { userId: user.id, accountHash: account, sessionId: req.session.publicId },
      req,
    );
    return profile;
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
    const user = await this.directory.findByEmail(email);
    return (await this.checkPassword(user, password)) ? user : undefined;
  }

  /** True when `password` is `user`'s; for no user, false after a dummy verify of equal cost. */
  private async checkPassword(user: UserRecord | undefined, password: string): Promise<boolean> {
    if (!user) {
      await this.hasher.verifyDummy(password);
      return false;
    }
    return this.hasher.verify(user.passwordHash, password);
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
    if (credentialVersion === undefined) return { user };
    const again = await this.directory.findByEmail(email);
    if (again?.id !== user.id || again.passwordHash !== checkedHash) return undefined;
    return { user, credentialVersion };
  }

  /** Upgrades hashes made with weaker parameters while the plain password is at hand. */
  private async rehashIfWeak(user: UserRecord, password: string): Promise<void> {
    if (!this.directory.updatePasswordHash || !this.hasher.needsRehash(user.passwordHash)) return;
    await this.directory.updatePasswordHash(user.id, await this.hasher.hash(password));
  }
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function toProfile(user: UserRecord): SessionProfile {
  return { id: user.id, email: user.email, displayName: user.displayName, roles: [...user.roles] };
}
