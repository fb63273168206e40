import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { requestClient } from '../core/http/request-client.js';
import { SESSION_OPTIONS, SESSION_STORE } from '../core/session.constants.js';
import { orStoreUnavailable } from '../session/session-persistence.js';
import type { ResolvedSessionOptions } from '../core/options/session-options.resolver.js';
import type { SessionStore } from '../stores/session.store.js';
import { AUTH_AUDIT_EVENTS } from '../audit/audit.constants.js';
import { AuditService } from '../audit/audit.service.js';
import { isSessionError, SessionAuthException } from '../core/errors/session-auth.exception.js';
import { ipKey } from './ip-key.js';

/** Failures in a row, and past lockouts, are forgotten a day after the first one. */
const MEMORY_SECONDS = 24 * 3600;

type Verdict =
  { allowed: true; attempt: number } | { allowed: false; res: RateLimiterRes; reason: string };

/**
 * Brute-force limits on password checks (ASVS 5.0 V6.3.1), with rate-limiter-flexible counters in
 * the session store's Redis when there is one, so every instance sees the same counts.
 * - Per account (a keyed hash of the email, whatever the client IP): after `accountMaxFailures`
 *   failures in a row the account is locked for `accountLockoutSeconds`; each further failure
 *   within a day locks it again for twice as long, up to `accountMaxLockoutSeconds`. A success
 *   clears it. The lock is brief and capped so an attacker cannot keep the owner out for long.
 * - Per client IP (`req.ip`, so X-Forwarded-For counts only from trusted proxies): at most
 *   `ipMaxFailures` failures per `ipWindowSeconds`.
 * Every attempt takes its counts atomically before the password is checked, so a burst of
 * parallel guesses cannot all slip past a check made before any of them failed.
 */
@Injectable()
export class LoginThrottler {
  private readonly accountAttempts: RateLimiterAbstract;
  private readonly accountLockouts: RateLimiterAbstract;
  private readonly ipFailures: RateLimiterAbstract;

  constructor(
    @Inject(SESSION_OPTIONS) private readonly options: ResolvedSessionOptions,
    @Inject(SESSION_STORE) store: SessionStore,
    private readonly audit: AuditService,
  ) {
    const limits = options.loginThrottle;
    const limiter = store.rateLimiter.bind(store);
    this.accountAttempts = limiter({
      keyPrefix: 'login-attempts:account',
      points: limits.accountMaxFailures,
      duration: MEMORY_SECONDS,
    });
    this.accountLockouts = limiter({
      keyPrefix: 'login-lockouts:account',
      points: 1,
      duration: MEMORY_SECONDS,
    });
    this.ipFailures = limiter({
      keyPrefix: 'login-failures:ip',
      points: limits.ipMaxFailures,
      duration: limits.ipWindowSeconds,
    });
  }

  /**
   * Runs `verify` (a password check) under the limits: 429 with Retry-After when they are
   * reached, a counted failure when it throws a credentials error, a reset when it succeeds.
   * A counter store that cannot be reached answers 503 (fail closed).
   */
  async guard<T>(req: Request, account: string, verify: () => Promise<T>): Promise<T> {
    const ip = ipKey(requestClient(req).ip);
    const verdict = await orStoreUnavailable(this.begin(ip, account));
    if (!verdict.allowed) {
      const retryAfter = Math.max(1, Math.ceil(verdict.res.msBeforeNext / 1000));
      this.audit.record(
        AUTH_AUDIT_EVENTS.loginThrottled,
        { accountHash: account, reason: verdict.reason },
        req,
      );
      throw new SessionAuthException('too_many_attempts', { retryAfterSeconds: retryAfter });
    }
    let result: T;
    try {
      result = await verify();
    } catch (err) {
      if (isCredentialsFailure(err)) {
        await orStoreUnavailable(this.failed(account, verdict.attempt));
      }
      throw err;
    }
    await orStoreUnavailable(this.succeeded(ip, account));
    return result;
  }

  private async begin(ip: string, account: string): Promise<Verdict> {
    const byIp = await consume(this.ipFailures, ip);
    if (!byIp.allowed) return { allowed: false, res: byIp.res, reason: 'ip_limit' };
    const byAccount = await consume(this.accountAttempts, account);
    if (!byAccount.allowed) {
      // Refused without a password check: not a failure this IP should pay for.
      await this.ipFailures.reward(ip, 1);
      return { allowed: false, res: byAccount.res, reason: 'account_locked' };
    }
    return { allowed: true, attempt: byAccount.res.consumedPoints };
  }

  private async failed(account: string, attempt: number): Promise<void> {
    const { accountMaxFailures, accountLockoutSeconds, accountMaxLockoutSeconds } =
      this.options.loginThrottle;
    const lockedBefore = (await this.accountLockouts.get(account)) !== null;
    if (attempt < accountMaxFailures && !lockedBefore) return;
    const lockouts = (await this.accountLockouts.penalty(account, 1)).consumedPoints;
    const seconds = Math.min(accountLockoutSeconds * 2 ** (lockouts - 1), accountMaxLockoutSeconds);
    await this.accountAttempts.block(account, seconds);
  }

  private async succeeded(ip: string, account: string): Promise<void> {
    await Promise.all([
      this.accountAttempts.delete(account),
      this.accountLockouts.delete(account),
      // The IP counter counts failures only; this attempt was reserved before the check.
      this.ipFailures.reward(ip, 1),
    ]);
  }
}

type Consumed = { allowed: true; res: RateLimiterRes } | { allowed: false; res: RateLimiterRes };

/** rate-limiter-flexible rejects with a RateLimiterRes when over the limit, an Error on failure. */
async function consume(limiter: RateLimiterAbstract, key: string): Promise<Consumed> {
  try {
    return { allowed: true, res: await limiter.consume(key) };
  } catch (err) {
    if (err instanceof RateLimiterRes) return { allowed: false, res: err };
    throw err;
  }
}

function isCredentialsFailure(err: unknown): boolean {
  return (
    isSessionError(err, 'invalid_credentials') || isSessionError(err, 'invalid_current_password')
  );
}
