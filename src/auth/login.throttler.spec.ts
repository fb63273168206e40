import { describe, expect, it } from '@jest/globals';
import type { Request } from 'express';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { AuditService } from '../audit/audit.service.js';
import { resolveSessionOptions } from '../core/options/session-options.resolver.js';
import { isSessionError, SessionAuthException } from '../core/errors/session-auth.exception.js';
import type { RateLimiterSpec } from '../core/session-backend.interface.js';
import type { SessionStore } from '../stores/session.store.js';
import { LoginThrottler, MAX_LOGINS_IN_FLIGHT_PER_IP } from './login.throttler.js';

/** A throttler on in-process counters the test can reach, as a store's TTL would. */
function throttler(limits: { accountMaxFailures?: number; ipMaxFailures?: number } = {}) {
  const limiters = new Map<string, RateLimiterMemory>();
  const store = {
    rateLimiter: (spec: RateLimiterSpec) => {
      const limiter = new RateLimiterMemory(spec);
      limiters.set(spec.keyPrefix, limiter);
      return limiter;
    },
  } as unknown as SessionStore;
  const options = resolveSessionOptions({
    secrets: ['s'],
    loginThrottle: { accountMaxFailures: 3, ipMaxFailures: 100, ...limits },
  });
  const audit = { record: () => undefined } as unknown as AuditService;
  return { throttler: new LoginThrottler(options, store, audit), limiters };
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
    expect(Number(err.headers['Retry-After'])).toBeGreaterThan(1000);
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
});
