import { HttpException, Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Request } from 'express';
import { AUTH_AUDIT_EVENTS } from '../audit/audit.constants.js';
import { AuditService } from '../audit/audit.service.js';
import { SessionAuthException } from '../core/errors/session-auth.exception.js';
import type { ResolvedSessionOptions } from '../core/options/session-options.resolver.js';
import type { SessionProfile } from '../core/session-data.augmentation.js';
import {
  SESSION_LOGGER_CONTEXT,
  SESSION_OPTIONS,
  USER_DIRECTORY,
} from '../core/session.constants.js';
import { regenerateSession, saveSession } from '../session/session-persistence.js';
import { TotpSecretCipher } from './totp-secret.cipher.js';
import type {
  SecondFactorDirectory,
  SecondFactorRecord,
  UserDirectory,
} from './user-directory.interface.js';

const METHODS = [
  'findSecondFactor',
  'saveSecondFactor',
  'advanceTimeStep',
  'consumeRecoveryCode',
] as const satisfies readonly (keyof SecondFactorDirectory)[];

/** What the password step hands on to the second factor. */
export interface PendingSignIn {
  credentialVersion?: number;
  accountHash: string;
}

/**
 * The second factor's data: the directory's records (every failure answered 503
 * `second_factor_unavailable`, fail closed), the secret's encryption, and the session waiting
 * for a code. On only when the app's UserDirectory implements all of SecondFactorDirectory.
 */
@Injectable()
export class SecondFactors implements OnModuleInit {
  private directory?: SecondFactorDirectory;
  private warnedUnreadable = false;

  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly cipher: TotpSecretCipher,
    private readonly audit: AuditService,
    @Inject(SESSION_OPTIONS) private readonly options: ResolvedSessionOptions,
  ) {}

  onModuleInit(): void {
    let directory: UserDirectory;
    try {
      directory = this.moduleRef.get<UserDirectory>(USER_DIRECTORY, { strict: false });
    } catch {
      return; // AuthService reports the missing directory.
    }
    const present = METHODS.filter((name) => typeof directory[name] === 'function');
    if (present.length === METHODS.length) this.directory = directory as SecondFactorDirectory;
    else if (present.length > 0) {
      const missing = METHODS.filter((name) => !present.includes(name));
      throw new Error(
        `SessionModule: the UserDirectory implements ${present.join(', ')} but not ` +
          `${missing.join(', ')}. Implement all four methods of SecondFactorDirectory to offer ` +
          'a second factor, or none of them.',
      );
    }
  }

  /** True when the directory can store second factors. */
  get available(): boolean {
    return this.directory !== undefined;
  }

  /** The user's second factor; always undefined when the directory has none to offer. */
  async find(userId: string): Promise<SecondFactorRecord | undefined> {
    if (!this.directory) return undefined;
    return orUnavailable(this.directory.findSecondFactor(userId));
  }

  async save(userId: string, record: SecondFactorRecord | null): Promise<void> {
    await orUnavailable(this.require().saveSecondFactor(userId, record));
  }

  /** False when `timeStep` was already used: the atomic replay check. */
  async advanceTimeStep(userId: string, timeStep: number): Promise<boolean> {
    return orUnavailable(this.require().advanceTimeStep(userId, timeStep));
  }

  /** False when the code was already spent: the atomic single-use check. */
  async consumeRecoveryCode(userId: string, codeHash: string): Promise<boolean> {
    return orUnavailable(this.require().consumeRecoveryCode(userId, codeHash));
  }

  /** `secret` encrypted for storage, for this user only. */
  seal(secret: string, userId: string): string {
    return this.cipher.encrypt(secret, userId);
  }

  /** The clear secret; 503 when no configured SESSION_SECRET opens it (logged once, never the value). */
  open(encryptedSecret: string, userId: string): string {
    try {
      return this.cipher.decrypt(encryptedSecret, userId);
    } catch (err) {
      if (!this.warnedUnreadable) {
        this.warnedUnreadable = true;
        new Logger(SESSION_LOGGER_CONTEXT).error((err as Error).message);
      }
      throw new SessionAuthException('second_factor_unavailable', { cause: err });
    }
  }

  /**
   * Puts the request in the `pending_second_factor` state: a new session id (as a sign-in gets,
   * so a planted id is worth nothing), no `profile` (so nothing treats it as signed in), and the
   * profile to sign in kept apart until the code checks out. Saved before the answer goes out.
   */
  async startPending(req: Request, profile: SessionProfile, signIn: PendingSignIn): Promise<void> {
    await regenerateSession(req);
    req.session.pendingSecondFactor = { profile, startedAt: Date.now(), ...signIn };
    await saveSession(req);
    this.audit.record(
      AUTH_AUDIT_EVENTS.loginSecondFactorPending,
      { userId: profile.id, accountHash: signIn.accountHash },
      req,
    );
  }

  /** Seconds a pending sign-in waits for its code. */
  get pendingSeconds(): number {
    return this.options.secondFactor.pendingSeconds;
  }

  private require(): SecondFactorDirectory {
    if (!this.directory) throw new SessionAuthException('second_factor_unsupported');
    return this.directory;
  }
}

/** The directory's failure as 503 `second_factor_unavailable`; the module's own errors as they are. */
async function orUnavailable<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof HttpException) throw err;
    throw new SessionAuthException('second_factor_unavailable', { cause: err });
  }
}
