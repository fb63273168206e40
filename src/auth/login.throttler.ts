import { HttpException, Inject, Injectable } from '@nestjs/common';
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

/**
 * How long the one-at-a-time slot of a once-locked account is held at most: far longer than a
 * password check, so it only matters when an instance died holding it.
 */
const IN_FLIGHT_SECONDS = 30;

/**
 * Sign-ins one client IP may have in progress at once on this instance. Each holds a place in the
 * argon2 queue that every sign-in shares; without a cap, one source could fill it and make
 * everyone else wait (or, with the queue bounded, turn them away).
 */
export const MAX_LOGINS_IN_FLIGHT_PER_IP = 8;

type Verdict =
  | {
      allowed: true;
      attempt: number;
      /** This attempt holds the account's one-at-a-time slot, to release when it is done. */
      exclusive: boolean;
      /** Set when the client IP is over its failure limit: a failure then answers 429. */
      ipLimited?: RateLimiterRes;
    }
  | { allowed: false; msBeforeNext: number; reason: string };

/**
 * Brute-force limits on password checks (ASVS 5.0 V6.3.1), with rate-limiter-flexible counters in
 * the session store's Redis when there is one, so every instance sees the same counts.
 * - Per account (a keyed hash of the account id, or of the email for unknown accounts, whatever
 *   the client IP): after `accountMaxFailures` failures in a row the account is locked for
 *   `accountLockoutSeconds`; each further failure within a day locks it again for twice as long,
 *   up to `accountMaxLockoutSeconds`. A success clears it. The lock is brief and capped so an
 *   attacker cannot keep the owner out for long. Once an account has been locked, its attempts
 *   are checked one at a time: the end of a lock frees a whole new budget, and a parallel burst
 *   would otherwise spend it all before the first failure locked the account again.
 * - Per client IP (`req.ip`, so X-Forwarded-For counts only from trusted proxies): at most
 *   `ipMaxFailures` failures per `ipWindowSeconds`. Past that, passwords are still checked: the
 *   right one signs in, a wrong one answers 429. A NAT address shared by a whole office is not
 *   locked out because one machine behind it guesses; each account's own lock still stops the
 *   guessing (docs/security-model.md says what this gives up).
 * - At most MAX_LOGINS_IN_FLIGHT_PER_IP sign-ins of one client IP in progress on this instance.
 * Every attempt takes its counts atomically before the password is checked, so a burst of
 * parallel guesses cannot all slip past a check made before any of them failed.
 */
@Injectable()
export class LoginThrottler {
  private readonly accountAttempts: RateLimiterAbstract;
  private readonly accountLockouts: RateLimiterAbstract;
  private readonly accountInFlight: RateLimiterAbstract;
  private readonly ipFailures: RateLimiterAbstract;
  /** Sign-ins in progress on this instance, by client IP key. */
  private readonly inFlightByIp = new Map<string, number>();

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
    this.accountInFlight = limiter({
      keyPrefix: 'login-in-flight:account',
      points: 1,
      duration: IN_FLIGHT_SECONDS,
    });
    this.ipFailures = limiter({
      keyPrefix: 'login-failures:ip',
      points: limits.ipMaxFailures,
      duration: limits.ipWindowSeconds,
    });
  }

  /**
   * Runs `work` (a whole sign-in: the directory lookup and the password check) unless this
   * client IP already has MAX_LOGINS_IN_FLIGHT_PER_IP in progress here: then 429
   * `too_many_concurrent_logins` at once.
   */
  async limitConcurrency<T>(req: Request, work: () => Promise<T>): Promise<T> {
    const ip = ipKey(requestClient(req).ip);
    const running = this.inFlightByIp.get(ip) ?? 0;
    if (running >= MAX_LOGINS_IN_FLIGHT_PER_IP) {
      throw new SessionAuthException('too_many_concurrent_logins');
    }
    this.inFlightByIp.set(ip, running + 1);
    try {
      return await work();
    } finally {
      const left = (this.inFlightByIp.get(ip) ?? 1) - 1;
      if (left > 0) this.inFlightByIp.set(ip, left);
      else this.inFlightByIp.delete(ip);
    }
  }

  /**
   * Runs `verify` (a password check) under the limits: 429 with Retry-After when they are
   * reached, a counted failure when it throws a credentials error, a reset when it succeeds.
   * A counter store that cannot be reached answers 503 (fail closed). Any other error of
   * `verify` (the session store, the argon2 pool or the user directory failed) is the server's
   * fault, not a wrong password: the attempt is given back, so an outage never locks an account
   * or an IP, and it answers 503 (see `passwordCheckFailure`).
   */
  async guard<T>(req: Request, account: string, verify: () => Promise<T>): Promise<T> {
    const ip = ipKey(requestClient(req).ip);
    const verdict = await orStoreUnavailable(this.begin(ip, account));
    if (!verdict.allowed) throw this.refuse(req, account, verdict.reason, verdict.msBeforeNext);
    try {
      let result: T;
      try {
        result = await verify();
      } catch (err) {
        if (!isCredentialsFailure(err)) {
          await this.giveBack(ip, account);
          throw passwordCheckFailure(err);
        }
        await orStoreUnavailable(this.failed(account, verdict.attempt));
        // Over the per-IP limit a wrong password is refused as throttled: the IP's clients
        // are told to slow down, and only the right password gets through.
        if (verdict.ipLimited) {
          throw this.refuse(req, account, 'ip_limit', verdict.ipLimited.msBeforeNext);
        }
        throw err;
      }
      await orStoreUnavailable(this.succeeded(ip, account));
      return result;
    } finally {
      // After failed() re-locked the account, so the next attempt meets the lock, not the slot.
      // A slot that cannot be released (store down) expires after IN_FLIGHT_SECONDS.
      if (verdict.exclusive) await this.accountInFlight.delete(account).catch(() => false);
    }
  }

  private refuse(
    req: Request,
    account: string,
    reason: string,
    msBeforeNext: number,
  ): SessionAuthException {
    const retryAfter = Math.max(1, Math.ceil(msBeforeNext / 1000));
    this.audit.record(AUTH_AUDIT_EVENTS.loginThrottled, { accountHash: account, reason }, req);
    return new SessionAuthException('too_many_attempts', { retryAfterSeconds: retryAfter });
  }

  private async begin(ip: string, account: string): Promise<Verdict> {
    const byIp = await consume(this.ipFailures, ip);
    const byAccount = await consume(this.accountAttempts, account);
    if (!byAccount.allowed) {
      // Refused without a password check: not a failure this IP should pay for.
      await this.ipFailures.reward(ip, 1);
      return { allowed: false, msBeforeNext: byAccount.res.msBeforeNext, reason: 'account_locked' };
    }
    const exclusive = (await this.accountLockouts.get(account)) !== null;
    if (exclusive && !(await consume(this.accountInFlight, account)).allowed) {
      // Another attempt on this once-locked account is being checked: wait for its outcome.
      await Promise.all([this.ipFailures.reward(ip, 1), this.accountAttempts.reward(account, 1)]);
      return { allowed: false, msBeforeNext: 1000, reason: 'account_locked' };
    }
    return {
      allowed: true,
      attempt: byAccount.res.consumedPoints,
      exclusive,
      ipLimited: byIp.allowed ? undefined : byIp.res,
    };
  }

  /**
   * Returns the points `begin` took for an attempt whose password was never judged. When the
   * counters cannot be reached either, they stay taken until they expire: the answer is a 503
   * anyway.
   */
  private async giveBack(ip: string, account: string): Promise<void> {
    await Promise.all([
      this.accountAttempts.reward(account, 1),
      this.ipFailures.reward(ip, 1),
    ]).catch(() => undefined);
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

/**
 * rate-limiter-flexible rejects with a RateLimiterRes when over the limit, an Error on failure.
 * A refusal that cannot say how long to wait is no refusal but a broken store: the caller answers
 * 503 (`orStoreUnavailable`), never a 429 with `Retry-After: NaN`.
 */
async function consume(limiter: RateLimiterAbstract, key: string): Promise<Consumed> {
  try {
    return { allowed: true, res: await limiter.consume(key) };
  } catch (err) {
    if (err instanceof RateLimiterRes && Number.isFinite(err.msBeforeNext)) {
      return { allowed: false, res: err };
    }
    throw err;
  }
}

/**
 * What a password check that failed without judging the password answers: the module's own
 * errors as they are (503 `password_hasher_unavailable`, `login_busy`,
 * `session_store_unavailable`), anything else (the user directory's database) 503
 * `password_hasher_unavailable`, since passwords cannot be checked. Never a 401 or a 500.
 */
export function passwordCheckFailure(err: unknown): HttpException {
  if (err instanceof HttpException) return err;
  return new SessionAuthException('password_hasher_unavailable', { cause: err });
}

function isCredentialsFailure(err: unknown): boolean {
  return (
    isSessionError(err, 'invalid_credentials') ||
    isSessionError(err, 'invalid_current_password') ||
    isSessionError(err, 'invalid_second_factor_code')
  );
}
