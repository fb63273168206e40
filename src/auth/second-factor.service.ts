import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { AUTH_AUDIT_EVENTS } from '../audit/audit.constants.js';
import { AuditService } from '../audit/audit.service.js';
import { SessionAuthException } from '../core/errors/session-auth.exception.js';
import type { ResolvedSessionOptions } from '../core/options/session-options.resolver.js';
import type { SessionProfile } from '../core/session-data.augmentation.js';
import { SESSION_OPTIONS } from '../core/session.constants.js';
import { pendingSecondFactorState } from '../session/pending-second-factor.js';
import { requireSession, saveSession } from '../session/session-persistence.js';
import { AccountHasher } from './account.hasher.js';
import { AuthService } from './auth.service.js';
import { LoginThrottler } from './login.throttler.js';
import { hashRecoveryCode, matchRecoveryCode, newRecoveryCodes } from './recovery-codes.js';
import { SecondFactors } from './second-factors.js';
import { checkTotpCode, isTotpCode, newTotpSecret, otpauthUri, qrCodeDataUrl } from './totp.js';

/** What starting an enrolment answers: the secret three ways, for the authenticator app. */
export interface SecondFactorEnrolment {
  /** The base32 secret, for typing into an app by hand. */
  secret: string;
  /** `otpauth://totp/<issuer>:<email>?secret=…&issuer=…`. */
  otpauthUri: string;
  /** The URI as a QR code: `data:image/svg+xml;base64,…`, ready for an `<img src>`. */
  qrCode: string;
}

/** Recovery codes, shown this once: only their hashes are kept. */
export interface RecoveryCodesResponse {
  recoveryCodes: string[];
}

/** Whether the signed-in user has a second factor, and whether the server offers one. */
export interface SecondFactorStatus {
  available: boolean;
  enabled: boolean;
  recoveryCodesLeft: number;
}

/**
 * The TOTP second factor (RFC 6238): the code step of sign-in, enrolment, disabling and new
 * recovery codes. Every code is checked under LoginThrottler's per-account limits (on their own
 * account name, AccountHasher.forSecondFactor), and works once: a TOTP code by the directory's
 * atomic `advanceTimeStep`, a recovery code by its atomic `consumeRecoveryCode`.
 */
@Injectable()
export class SecondFactorService {
  constructor(
    private readonly factors: SecondFactors,
    private readonly auth: AuthService,
    private readonly throttler: LoginThrottler,
    private readonly accounts: AccountHasher,
    private readonly audit: AuditService,
    @Inject(SESSION_OPTIONS) private readonly options: ResolvedSessionOptions,
  ) {}

  /**
   * Finishes a sign-in waiting in the `pending_second_factor` state: checks the code, then signs
   * the user in on a new session id as a password-only sign-in would.
   */
  async complete(req: Request, code: string): Promise<SessionProfile> {
    const session = requireSession(req);
    const state = pendingSecondFactorState(session, this.factors.pendingSeconds);
    if (state === 'none') throw new SessionAuthException('second_factor_not_pending');
    const pending = session.pendingSecondFactor!;
    if (state === 'expired') {
      delete session.pendingSecondFactor;
      throw new SessionAuthException('second_factor_expired');
    }
    const { profile, credentialVersion, accountHash } = pending;
    await this.throttled(req, profile.id, () => this.checkCode(req, profile.id, code));
    await this.auth.startSignedIn(req, profile, { credentialVersion, accountHash });
    return profile;
  }

  /** The signed-in user's second factor, as the settings page shows it. */
  async status(profile: SessionProfile): Promise<SecondFactorStatus> {
    const record = await this.factors.find(profile.id);
    return {
      available: this.factors.available,
      enabled: record !== undefined,
      recoveryCodesLeft: record?.recoveryCodeHashes.length ?? 0,
    };
  }

  /**
   * Starts an enrolment: a new secret, kept encrypted in this session until a first code from
   * the app confirms it (`confirmEnrolment`). Starting again replaces it.
   */
  async startEnrolment(req: Request): Promise<SecondFactorEnrolment> {
    const profile = signedIn(req);
    if (!this.factors.available) throw new SessionAuthException('second_factor_unsupported');
    if (await this.factors.find(profile.id)) {
      throw new SessionAuthException('second_factor_already_enabled');
    }
    const secret = newTotpSecret();
    req.session.secondFactorEnrolment = {
      encryptedSecret: this.factors.seal(secret, profile.id),
      startedAt: Date.now(),
    };
    await saveSession(req);
    const uri = otpauthUri(this.options.secondFactor.issuer, profile.email, secret);
    return { secret, otpauthUri: uri, qrCode: await qrCodeDataUrl(uri) };
  }

  /**
   * Turns the second factor on once `code` proves the app holds the secret, and answers the
   * recovery codes, this once. The step of `code` is recorded, so it cannot sign in afterwards.
   */
  async confirmEnrolment(req: Request, code: string): Promise<RecoveryCodesResponse> {
    const profile = signedIn(req);
    const enrolment = req.session.secondFactorEnrolment;
    if (!enrolment) throw new SessionAuthException('second_factor_enrolment_missing');
    const secret = this.factors.open(enrolment.encryptedSecret, profile.id);
    const timeStep = await this.throttled(req, profile.id, async () => {
      const step = await checkTotpCode(secret, code, 0);
      if (step === undefined) throw this.refuse(req, profile.id, 'enrolment');
      return step;
    });
    // Another session of the user may have enrolled meanwhile: never overwrite its secret.
    if (await this.factors.find(profile.id)) {
      throw new SessionAuthException('second_factor_already_enabled');
    }
    const recoveryCodes = newRecoveryCodes();
    await this.factors.save(profile.id, {
      encryptedSecret: enrolment.encryptedSecret,
      recoveryCodeHashes: hashesOf(recoveryCodes),
      lastTimeStep: timeStep,
    });
    delete req.session.secondFactorEnrolment;
    await saveSession(req);
    this.audit.record(AUTH_AUDIT_EVENTS.secondFactorEnabled, { userId: profile.id }, req);
    return { recoveryCodes };
  }

  /** Turns the second factor off, on a valid code (the route also needs a recent sign-in). */
  async disable(req: Request, code: string): Promise<void> {
    const profile = signedIn(req);
    await this.requireRecord(profile.id);
    await this.throttled(req, profile.id, () => this.checkCode(req, profile.id, code));
    await this.factors.save(profile.id, null);
    this.audit.record(AUTH_AUDIT_EVENTS.secondFactorDisabled, { userId: profile.id }, req);
  }

  /**
   * New recovery codes in place of all the old ones, on a valid code or, without one, a recent
   * sign-in (`timeouts.recentLoginSeconds`).
   */
  async regenerateRecoveryCodes(req: Request, code?: string): Promise<RecoveryCodesResponse> {
    const profile = signedIn(req);
    await this.requireRecord(profile.id);
    if (code !== undefined) {
      await this.throttled(req, profile.id, () => this.checkCode(req, profile.id, code));
    } else if (!this.isRecentLogin(req)) {
      throw new SessionAuthException('reauth_required');
    }
    // Read after the check, so the time step it just recorded is kept.
    const record = await this.requireRecord(profile.id);
    const recoveryCodes = newRecoveryCodes();
    await this.factors.save(profile.id, { ...record, recoveryCodeHashes: hashesOf(recoveryCodes) });
    this.audit.record(AUTH_AUDIT_EVENTS.recoveryCodesRegenerated, { userId: profile.id }, req);
    return { recoveryCodes };
  }

  /**
   * Accepts a TOTP code of the user's secret within one step of drift and later than the last
   * step accepted, or one of their unused recovery codes; anything else is a counted failure.
   * Both checks end in the directory's atomic write, so of two requests with the same code, only
   * one gets past it.
   */
  private async checkCode(req: Request, userId: string, code: string): Promise<void> {
    const record = await this.factors.find(userId);
    if (record && isTotpCode(code)) {
      const secret = this.factors.open(record.encryptedSecret, userId);
      const step = await checkTotpCode(secret, code, record.lastTimeStep);
      if (step !== undefined && (await this.factors.advanceTimeStep(userId, step))) return;
    } else if (record) {
      const hash = matchRecoveryCode(record.recoveryCodeHashes, code);
      if (hash !== undefined && (await this.factors.consumeRecoveryCode(userId, hash))) {
        this.audit.record(AUTH_AUDIT_EVENTS.recoveryCodeUsed, { userId }, req);
        return;
      }
    }
    throw this.refuse(req, userId, isTotpCode(code) ? 'totp' : 'recovery_code');
  }

  private refuse(req: Request, userId: string, kind: string): SessionAuthException {
    this.audit.record(AUTH_AUDIT_EVENTS.secondFactorFailed, { userId, reason: kind }, req);
    return new SessionAuthException('invalid_second_factor_code');
  }

  /** `check` under the sign-in limits, counted on the user's second-factor account name. */
  private throttled<T>(req: Request, userId: string, check: () => Promise<T>): Promise<T> {
    const account = this.accounts.forSecondFactor(userId);
    return this.throttler.limitConcurrency(req, () => this.throttler.guard(req, account, check));
  }

  private async requireRecord(userId: string) {
    const record = await this.factors.find(userId);
    if (!record) {
      if (!this.factors.available) throw new SessionAuthException('second_factor_unsupported');
      throw new SessionAuthException('second_factor_not_enabled');
    }
    return record;
  }

  private isRecentLogin(req: Request): boolean {
    const signedInAt = req.session.createdAt;
    const window = this.options.timeouts.recentLoginSeconds * 1000;
    return signedInAt !== undefined && Date.now() - signedInAt <= window;
  }
}

function signedIn(req: Request): SessionProfile {
  const profile = requireSession(req).profile;
  if (!profile) throw new SessionAuthException('unauthenticated');
  return profile;
}

function hashesOf(codes: readonly string[]): string[] {
  return codes.map((code) => hashRecoveryCode(code.replace(/-/g, '')));
}
