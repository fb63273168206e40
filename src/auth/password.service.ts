import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Request } from 'express';
import { SessionsService } from '../session/sessions.service.js';
import { CredentialVersions } from '../session/credential-versions.js';
import { orStoreUnavailable, saveSession } from '../session/session-persistence.js';
import { AccountHasher } from './account.hasher.js';
import { AUTH_AUDIT_EVENTS } from '../audit/audit.constants.js';
import { AuditService } from '../audit/audit.service.js';
import { SessionAuthException } from '../core/errors/session-auth.exception.js';
import { AuthService, findUserDirectory } from './auth.service.js';
import { LoginThrottler } from './login.throttler.js';
import { PasswordHasher } from './password.hasher.js';
import type { PasswordChangeDto } from './password-change.dto.js';
import type { UserDirectory } from './user-directory.interface.js';

/**
 * How many times a change tries to store over a hash that a sign-in re-hashed meanwhile. Each
 * retry needs another write of the same password in between, and a re-hash happens once per
 * weak hash, so the second try succeeds unless something else keeps rewriting it.
 */
const MAX_STORE_ATTEMPTS = 3;

/**
 * Password change for the signed-in user (ASVS 5.0 V6.2.2, V6.2.3): the current password is
 * required and counts against the same brute-force limits as sign-in, so a stolen session cannot
 * be used to guess it. On success the session moves to a new id and every other session of the
 * user ends (V7.4.3), so whoever knew the old password is signed out everywhere.
 *
 * The steps are ordered so that a store failure at any point leaves no one else signed in and
 * the request safe to send again:
 * 1. the user's credential version is raised, so every other session (and any sign-in under
 *    way) ends at its next request; this session moves to the new version and is marked
 *    `passwordChangePending` (saved before anything else changes);
 * 2. the new hash is saved: with `compareAndSetPasswordHash`, only over the hash the current
 *    password was checked against (see `storeNewHash`);
 * 3. `revokeAllSessions` raises the version again (a sign-in that read the old hash between the
 *    first raise and step 2 ends too) and deletes the other sessions;
 * 4. this session moves to a new id.
 * A 503 before step 2 changed no password: the retry is an ordinary change. After step 2, the
 * retry of the same request (same current and new password) from this session is accepted:
 * the current password no longer matches, but the pending mark lets the new one confirm it,
 * and steps 3 and 4 run again. If step 4 failed, this session has ended: sign in with the new
 * password.
 */
@Injectable()
export class PasswordService implements OnModuleInit {
  private directory!: UserDirectory;

  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly auth: AuthService,
    private readonly hasher: PasswordHasher,
    private readonly accounts: AccountHasher,
    private readonly throttler: LoginThrottler,
    private readonly sessions: SessionsService,
    private readonly versions: CredentialVersions,
    private readonly audit: AuditService,
  ) {}

  onModuleInit(): void {
    this.directory = findUserDirectory(this.moduleRef);
  }

  /** Returns how many other sessions were ended. */
  async change(req: Request, dto: PasswordChangeDto): Promise<number> {
    if (!this.directory.compareAndSetPasswordHash && !this.directory.updatePasswordHash) {
      throw new SessionAuthException('password_change_unsupported');
    }
    // Compared as typed, before any hashing: it reveals nothing the caller did not send.
    if (dto.newPassword === dto.currentPassword) {
      throw new SessionAuthException('password_unchanged');
    }

    const profile = req.session.profile!;
    const sessionId = req.session.publicId;
    // The same name as sign-in gives this account, so both spend one budget.
    const account = this.accounts.forUser(profile.id);
    const pending = req.session.passwordChangePending === true;
    // The hash the current password was checked against, which the new one must replace; none
    // for the retry of a change whose new hash is saved already.
    let checkedHash: string | undefined;
    const user = await this.throttler.guard(req, account, async () => {
      const found = await this.auth.checkPassword(profile.email, dto.currentPassword);
      if (found?.user.id === profile.id) {
        checkedHash = found.passwordHash;
        return found.user;
      }
      // The retry of a change whose new hash was saved before a store failure (see above).
      const retried = pending
        ? await this.auth.verifyPassword(profile.email, dto.newPassword)
        : undefined;
      if (retried?.id === profile.id) return retried;
      this.audit.record(
        AUTH_AUDIT_EVENTS.passwordChangeFailed,
        { userId: profile.id, sessionId, reason: 'invalid_current_password' },
        req,
      );
      throw new SessionAuthException('invalid_current_password');
    });

    const version = await orStoreUnavailable(this.versions.bump(user.id));
    if (version !== undefined) req.session.credentialVersion = version;
    req.session.passwordChangePending = true;
    await saveSession(req);
    const stored =
      checkedHash === undefined ||
      (await this.storeNewHash(user.id, profile.email, checkedHash, dto));
    if (!stored) {
      this.audit.record(
        AUTH_AUDIT_EVENTS.passwordChangeFailed,
        { userId: profile.id, sessionId, reason: 'password_changed_concurrently' },
        req,
      );
      throw new SessionAuthException('invalid_current_password');
    }
    const revoked = await orStoreUnavailable(
      this.sessions.revokeAllSessions(user.id, {
        except: req.sessionID,
        reason: 'password_changed',
        req,
      }),
    );
    await this.sessions.rotate(req);
    this.audit.record(AUTH_AUDIT_EVENTS.passwordChanged, { userId: user.id, sessionId }, req);
    return revoked;
  }

  /**
   * Saves the new hash; false when the current password stopped being the user's before it was
   * saved. With a compare-and-set directory the write expects the hash the current password was
   * checked against, so of two changes from the same current password only the first to store
   * answers 200: the other finds another password in place and answers 403, as its current
   * password is now wrong. A sign-in may re-hash the same password in between: the current
   * password then checks out against the new value, and the write is tried over that one.
   * Without compare-and-set the write is unconditional, and the last of two changes wins.
   */
  private async storeNewHash(
    userId: string,
    email: string,
    checkedHash: string,
    dto: PasswordChangeDto,
  ): Promise<boolean> {
    const newHash = await this.hasher.hash(dto.newPassword);
    const compareAndSet = this.directory.compareAndSetPasswordHash?.bind(this.directory);
    if (!compareAndSet) {
      await this.directory.updatePasswordHash!(userId, newHash);
      return true;
    }
    let expected = checkedHash;
    for (let attempt = 1; ; attempt++) {
      if (await compareAndSet(userId, expected, newHash)) return true;
      if (attempt === MAX_STORE_ATTEMPTS) return false;
      const now = await this.auth.checkPassword(email, dto.currentPassword);
      if (now?.user.id !== userId) return false;
      expected = now.passwordHash;
    }
  }
}
