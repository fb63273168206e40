import { describe, expect, it } from '@jest/globals';
import type { Request } from 'express';
import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { AuditService } from '../audit/audit.service.js';
import { resolveSessionOptions } from '../core/options/session-options.resolver.js';
import { isSessionError, SessionAuthException } from '../core/errors/session-auth.exception.js';
import type { RateLimiterSpec } from '../core/session-backend.interface.js';
import type { SessionStore } from '../stores/session.store.js';
import { ipKey } from './ip-key.js';
import {
  LoginThrottler,
  MAX_LOGINS_IN_FLIGHT_PER_IP,
  passwordCheckFailure,
} from './login.throttler.js';

type Limits = NonNullable<Parameters<typeof resolveSessionOptions>[0]['loginThrottle']>;

/** A throttler on in-process counters the test can reach, as a store's TTL would. */
function throttler(
  limits: Limits = {},
  limiterFor?: (spec: RateLimiterSpec) => RateLimiterAbstract,
) {
  const limiters = new Map<string, RateLimiterMemory>();
  const specs: RateLimiterSpec[] = [];
  const store = {
    rateLimiter: (spec: RateLimiterSpec) => {
      specs.push(spec);
      if (limiterFor) return limiterFor(spec);
      const limiter = new RateLimiterMemory(spec);
      limiters.set(spec.keyPrefix, limiter);
      return limiter;
    },
  } as unknown as SessionStore;
  const options = resolveSessionOptions({
    secrets: ['s'],
    loginThrottle: { accountMaxFailures: 3, ipMaxFailures: 100, ...limits },
  });
  const audited: Array<{ event: string; reason: unknown; accountHash: unknown }> = [];
  const audit = {
    record: (event: string, data: Record<string, unknown>) =>
      audited.push({ event, reason: data.reason, accountHash: data.accountHash }),
  } as unknown as AuditService;
  return { throttler: new LoginThrottler(options, store, audit), limiters, specs, audited };
}

/** Points the counter `prefix` holds for `key` now (0 when it holds none). */
async function pointsOf(limiters: Map<string, RateLimiterMemory>, prefix: string, key: string) {
  return (await limiters.get(prefix)!.get(key))?.consumedPoints ?? 0;
}

const fromIp = (ip: string) => ({ ip, get: () => undefined }) as unknown as Request;
const wrong = () => Promise.reject(new SessionAuthException('invalid_credentials'));
const right = () => Promise.resolve('signed in');

/** A password check that runs until the test lets it finish. */
function heldCheck<T>(outcome: () => Promise<T>) {
  let release!: () => void;
  let started!: () => void;
  const running = new Promise<void>((resolve) => (started = resolve));
  const gate = new Promise<void>((resolve) => (release = resolve));
  const verify = async () => {
    started();
    await gate;
    return outcome();
  };
  return { verify, running, release };
}

async function codeOf(attempt: Promise<unknown>): Promise<string> {
  try {
    await attempt;
    return 'ok';
  } catch (err) {
    return err instanceof SessionAuthException ? err.code : String(err);
  }
}

describe('LoginThrottler', () => {
  it('checks one password at a time for an account that has been locked before', async () => {
    const { throttler: t, limiters } = throttler();
    const req = fromIp('203.0.113.7');
    for (let i = 0; i < 3; i += 1)
      expect(await codeOf(t.guard(req, 'acct', wrong))).toBe('invalid_credentials');
    expect(await codeOf(t.guard(req, 'acct', right))).toBe('too_many_attempts');
    // The lock ends (its counter expires in the store): a fresh budget of 3 attempts.
    await limiters.get('login-attempts:account')!.delete('acct');

    const first = heldCheck(wrong);
    const inFlight = t.guard(req, 'acct', first.verify);
    await first.running;
    let secondChecked = false;
    const second = t.guard(req, 'acct', async () => {
      secondChecked = true;
      return 'signed in';
    });
    expect(await codeOf(second)).toBe('too_many_attempts');
    expect(secondChecked).toBe(false);
    first.release();
    expect(await codeOf(inFlight)).toBe('invalid_credentials');
    // That failure locked the account again, before the slot was free for the next attempt.
    expect(await codeOf(t.guard(req, 'acct', right))).toBe('too_many_attempts');
  });

  it('lets parallel attempts run on an account that was never locked', async () => {
    const { throttler: t } = throttler();
    const req = fromIp('203.0.113.8');
    const first = heldCheck(right);
    const inFlight = t.guard(req, 'fresh', first.verify);
    await first.running;
    expect(await codeOf(t.guard(req, 'fresh', right))).toBe('ok');
    first.release();
    expect(await codeOf(inFlight)).toBe('ok');
  });

  it('lets the right password through an IP over its failure limit, and answers 429 to a wrong one', async () => {
    const { throttler: t } = throttler({ ipMaxFailures: 2, accountMaxFailures: 100 });
    const req = fromIp('198.51.100.7');
    expect(await codeOf(t.guard(req, 'a', wrong))).toBe('invalid_credentials');
    expect(await codeOf(t.guard(req, 'b', wrong))).toBe('invalid_credentials');
    const refused = t.guard(req, 'c', wrong).catch((err: unknown) => err);
    const err = (await refused) as SessionAuthException;
    expect(isSessionError(err, 'too_many_attempts')).toBe(true);
    // The rest of the IP's hour-long window, in seconds.
    expect(Number(err.headers['Retry-After'])).toBeGreaterThan(3500);
    expect(Number(err.headers['Retry-After'])).toBeLessThanOrEqual(3600);
    expect(await codeOf(t.guard(req, 'd', right))).toBe('ok');
    // The same IP in hex IPv4-mapped form shares the bucket.
    expect(await codeOf(t.guard(fromIp('::ffff:c633:6407'), 'e', wrong))).toBe('too_many_attempts');
    expect(await codeOf(t.guard(fromIp('198.51.100.8'), 'f', wrong))).toBe('invalid_credentials');
  });

  it(`refuses a client IP's sign-in past ${MAX_LOGINS_IN_FLIGHT_PER_IP} in progress, and no other IP's`, async () => {
    const { throttler: t } = throttler();
    const held = heldCheck(right);
    const running = Array.from({ length: MAX_LOGINS_IN_FLIGHT_PER_IP }, () =>
      t.limitConcurrency(fromIp('192.0.2.1'), held.verify),
    );
    expect(await codeOf(t.limitConcurrency(fromIp('192.0.2.1'), right))).toBe(
      'too_many_concurrent_logins',
    );
    expect(await codeOf(t.limitConcurrency(fromIp('192.0.2.2'), right))).toBe('ok');
    held.release();
    expect(await Promise.all(running)).toHaveLength(MAX_LOGINS_IN_FLIGHT_PER_IP);
    expect(await codeOf(t.limitConcurrency(fromIp('192.0.2.1'), right))).toBe('ok');
  });
  it('keeps four counters under their own prefixes, with their own budgets and lifetimes', () => {
    const { specs } = throttler({ ipMaxFailures: 50, ipWindowSeconds: 600 });
    expect(specs).toEqual([
      { keyPrefix: 'login-attempts:account', points: 3, duration: 86_400 },
      { keyPrefix: 'login-lockouts:account', points: 1, duration: 86_400 },
      { keyPrefix: 'login-in-flight:account', points: 1, duration: 30 },
      { keyPrefix: 'login-failures:ip', points: 50, duration: 600 },
    ]);
  });

  it('locks an account for twice as long at each lockout, up to the cap, and says why', async () => {
    const {
      throttler: t,
      limiters,
      audited,
    } = throttler({
      accountLockoutSeconds: 10,
      accountMaxLockoutSeconds: 25,
    });
    const req = fromIp('203.0.113.9');
    const retryAfter = async () => {
      const err = (await t
        .guard(req, 'acct', right)
        .catch((e: unknown) => e)) as SessionAuthException;
      expect(err.code).toBe('too_many_attempts');
      return Number(err.headers['Retry-After']);
    };
    for (let i = 0; i < 3; i += 1) await t.guard(req, 'acct', wrong).catch(() => undefined);
    expect(await retryAfter()).toBe(10);
    for (const expected of [20, 25, 25]) {
      await limiters.get('login-attempts:account')!.delete('acct'); // the lock ends
      expect(await codeOf(t.guard(req, 'acct', wrong))).toBe('invalid_credentials');
      expect(await retryAfter()).toBe(expected);
    }
    expect(audited.at(-1)).toEqual({
      event: 'auth.login.throttled',
      reason: 'account_locked',
      accountHash: 'acct',
    });
  });

  it('starts counting afresh after a success, and gives back the IP point it took', async () => {
    const { throttler: t, limiters } = throttler();
    const req = fromIp('203.0.113.10');
    for (let i = 0; i < 2; i += 1) await t.guard(req, 'acct', wrong).catch(() => undefined);
    expect(await pointsOf(limiters, 'login-failures:ip', ipKey('203.0.113.10'))).toBe(2);
    expect(await codeOf(t.guard(req, 'acct', right))).toBe('ok');
    expect(await pointsOf(limiters, 'login-failures:ip', ipKey('203.0.113.10'))).toBe(2);
    expect(await pointsOf(limiters, 'login-attempts:account', 'acct')).toBe(0);
    for (let i = 0; i < 2; i += 1) {
      expect(await codeOf(t.guard(req, 'acct', wrong))).toBe('invalid_credentials');
    }
    expect(await codeOf(t.guard(req, 'acct', right))).toBe('ok');
  });

  it('counts a wrong current password (password change) as a failure, like a wrong password', async () => {
    const { throttler: t } = throttler();
    const req = fromIp('203.0.113.11');
    const wrongCurrent = () => Promise.reject(new SessionAuthException('invalid_current_password'));
    for (let i = 0; i < 3; i += 1) {
      expect(await codeOf(t.guard(req, 'acct', wrongCurrent))).toBe('invalid_current_password');
    }
    expect(await codeOf(t.guard(req, 'acct', right))).toBe('too_many_attempts');
  });

  it('never counts a fault of the check as a wrong password: 503, and the attempt is given back', async () => {
    const { throttler: t, limiters } = throttler();
    const req = fromIp('203.0.113.12');
    const faults = [
      () => Promise.reject(new Error('pool crashed')),
      () => Promise.reject(new SessionAuthException('password_hasher_unavailable')),
      () => Promise.reject(new SessionAuthException('session_store_unavailable')),
    ];
    for (let i = 0; i < 5; i += 1) {
      const err = (await t
        .guard(req, 'acct', faults[i % faults.length])
        .catch((e: unknown) => e)) as SessionAuthException;
      expect(err.getStatus()).toBe(503);
      expect(err.code).toBe(
        i % 3 === 2 ? 'session_store_unavailable' : 'password_hasher_unavailable',
      );
    }
    expect(await pointsOf(limiters, 'login-attempts:account', 'acct')).toBe(0);
    expect(await pointsOf(limiters, 'login-failures:ip', ipKey('203.0.113.12'))).toBe(0);
    expect(await codeOf(t.guard(req, 'acct', right))).toBe('ok');
  });

  it('frees the one-at-a-time slot of a once-locked account after a fault', async () => {
    const { throttler: t, limiters } = throttler();
    const req = fromIp('203.0.113.13');
    for (let i = 0; i < 3; i += 1) await t.guard(req, 'acct', wrong).catch(() => undefined);
    await limiters.get('login-attempts:account')!.delete('acct'); // the lock ends
    expect(await codeOf(t.guard(req, 'acct', () => Promise.reject(new Error('down'))))).toBe(
      'password_hasher_unavailable',
    );
    expect(await codeOf(t.guard(req, 'acct', right))).toBe('ok');
  });

  it('charges nothing for an attempt refused while another one on the account is checked', async () => {
    const { throttler: t, limiters, audited } = throttler();
    const req = fromIp('203.0.113.14');
    const ip = ipKey('203.0.113.14');
    for (let i = 0; i < 3; i += 1) await t.guard(req, 'acct', wrong).catch(() => undefined);
    await limiters.get('login-attempts:account')!.delete('acct');
    const first = heldCheck(right);
    const inFlight = t.guard(req, 'acct', first.verify);
    await first.running;
    const ipBefore = await pointsOf(limiters, 'login-failures:ip', ip);
    for (let i = 0; i < 3; i += 1) {
      expect(await codeOf(t.guard(req, 'acct', right))).toBe('too_many_attempts');
    }
    expect(await pointsOf(limiters, 'login-failures:ip', ip)).toBe(ipBefore);
    expect(await pointsOf(limiters, 'login-attempts:account', 'acct')).toBe(1);
    // Told to come back in a second, when the check in progress has surely ended.
    const busy = (await t
      .guard(req, 'acct', right)
      .catch((e: unknown) => e)) as SessionAuthException;
    expect(busy.headers['Retry-After']).toBe('1');
    expect(audited.at(-1)).toMatchObject({ reason: 'account_locked', accountHash: 'acct' });
    first.release();
    expect(await codeOf(inFlight)).toBe('ok');
  });

  it('says ip_limit when a wrong password meets the per-IP limit', async () => {
    const { throttler: t, audited } = throttler({ ipMaxFailures: 1, accountMaxFailures: 100 });
    const req = fromIp('198.51.100.20');
    expect(await codeOf(t.guard(req, 'a', wrong))).toBe('invalid_credentials');
    expect(await codeOf(t.guard(req, 'b', wrong))).toBe('too_many_attempts');
    expect(audited).toEqual([
      { event: 'auth.login.throttled', reason: 'ip_limit', accountHash: 'b' },
    ]);
  });

  it("answers 503 when the counters' store fails, never a 429 without a wait", async () => {
    // Only consume breaks: the rest answers, as when the store returns what no limit can be.
    const failing = (reason: unknown) => (spec: RateLimiterSpec) => {
      const limiter = new RateLimiterMemory(spec);
      limiter.consume = () => Promise.reject(reason);
      return limiter;
    };
    for (const reason of [new Error('ECONNREFUSED'), new RateLimiterRes(0, Number.NaN)]) {
      const { throttler: t } = throttler({}, failing(reason));
      const err = (await t
        .guard(fromIp('192.0.2.9'), 'acct', right)
        .catch((e: unknown) => e)) as SessionAuthException;
      expect(err.code).toBe('session_store_unavailable');
      expect(err.headers['Retry-After']).toBe('5');
    }
  });

  it('forgets a client IP once its sign-ins are done, and counts each one that ends', async () => {
    const { throttler: t } = throttler();
    const inFlight = (t as unknown as { inFlightByIp: Map<string, number> }).inFlightByIp;
    const ip = fromIp('192.0.2.30');
    const held = heldCheck(right);
    const running = Array.from({ length: MAX_LOGINS_IN_FLIGHT_PER_IP - 1 }, () =>
      t.limitConcurrency(ip, held.verify),
    );
    const last = heldCheck(right);
    const lastRunning = t.limitConcurrency(ip, last.verify);
    expect(inFlight.get(ipKey('192.0.2.30'))).toBe(MAX_LOGINS_IN_FLIGHT_PER_IP);
    last.release();
    await lastRunning;
    expect(inFlight.get(ipKey('192.0.2.30'))).toBe(MAX_LOGINS_IN_FLIGHT_PER_IP - 1);
    // One place is free again, and only one.
    const again = heldCheck(right);
    const againRunning = t.limitConcurrency(ip, again.verify);
    expect(await codeOf(t.limitConcurrency(ip, right))).toBe('too_many_concurrent_logins');
    held.release();
    again.release();
    await Promise.all([...running, againRunning]);
    expect(inFlight.size).toBe(0);
  });
});

describe('passwordCheckFailure', () => {
  it("keeps the module's own answers and makes anything else a 503", () => {
    const busy = new SessionAuthException('login_busy');
    expect(passwordCheckFailure(busy)).toBe(busy);
    const fault = passwordCheckFailure(new Error('directory down')) as SessionAuthException;
    expect(fault.code).toBe('password_hasher_unavailable');
    expect(fault.getStatus()).toBe(503);
    // The cause stays on the exception for logs and debuggers; the body never shows it.
    const cause = new Error('directory down');
    expect(passwordCheckFailure(cause).cause).toBe(cause);
    expect(JSON.stringify(passwordCheckFailure(cause).getResponse())).not.toContain('directory');
  });
});
