import { describe, expect, it } from '@jest/globals';
import { resolveSessionOptions } from './session-options.resolver.js';

const STRONG = 'k3J9x-Qm2Lp8Zr4Tv6Wy1Bn5Hd7Fg0Sc_Ae';

describe('resolveSessionOptions', () => {
  it('fills the documented defaults', () => {
    const o = resolveSessionOptions({ secrets: ['dev-secret'] });
    expect(o).toMatchObject({
      store: 'memory',
      cookieName: 'sid',
      cookieSecure: false,
      cookieSameSite: 'lax',
      idleTimeoutSeconds: 1800,
      absoluteTimeoutSeconds: 43200,
      loginUrl: '/login',
      keyPrefix: 'sess:',
      passwordHash: { memoryCost: 19456, timeCost: 2, parallelism: 1 },
      touchIntervalMs: 180_000,
      recentLoginSeconds: 900,
      loginThrottle: {
        accountMaxFailures: 5,
        accountLockoutSeconds: 60,
        accountMaxLockoutSeconds: 900,
        ipMaxFailures: 100,
        ipWindowSeconds: 3600,
      },
      auditLog: true,
    });
  });

  it('turns touchFraction into an interval of the idle timeout', () => {
    const o = (touchFraction: number) =>
      resolveSessionOptions({ secrets: ['s'], idleTimeoutSeconds: 600, touchFraction });
    expect(o(0.1).touchIntervalMs).toBe(60_000);
    expect(o(0).touchIntervalMs).toBe(0);
  });

  it('picks redis when a REDIS_URL is given', () => {
    expect(resolveSessionOptions({ secrets: ['s'], redisUrl: 'redis://x:6379' }).store).toBe(
      'redis',
    );
  });

  it('generates a secret in development when none is set, and says so', () => {
    const o = resolveSessionOptions({ secrets: [] });
    expect(o.generatedSecret).toBe(true);
    expect(o.secrets[0].length).toBeGreaterThanOrEqual(32);
  });

  it('is Secure with the __Host-sid name in production', () => {
    const o = resolveSessionOptions({ secrets: [STRONG], production: true, redisUrl: 'redis://r' });
    expect(o.cookieSecure).toBe(true);
    expect(o.cookieName).toBe('__Host-sid');
  });

  it.each([
    [{ secrets: [], production: true, redisUrl: 'redis://r' }, /SESSION_SECRET is required/],
    [{ secrets: ['short'], production: true, redisUrl: 'redis://r' }, /too weak/],
    [{ secrets: ['a'.repeat(40)], production: true, redisUrl: 'redis://r' }, /too weak/],
    [{ secrets: [STRONG, 'old'], production: true, redisUrl: 'redis://r' }, /entry 2 is too weak/],
    [{ secrets: [STRONG], production: true }, /refuses the in-process memory store.*REDIS_URL=/],
    [
      { secrets: [STRONG], production: true, store: 'memory' as const, redisUrl: 'redis://r' },
      /memory store/,
    ],
    [{ secrets: ['s'], store: 'redis' as const }, /SESSION_STORE=redis needs REDIS_URL/],
    [{ secrets: ['s'], cookieSameSite: 'none' as const }, /COOKIE_SAMESITE=none requires a Secure/],
    [{ secrets: ['s'], cookieName: '__Host-sid' }, /needs COOKIE_SECURE=true/],
    [{ secrets: ['s'], cookieSecure: true, cookieDomain: 'example.com' }, /no COOKIE_DOMAIN/],
    [{ secrets: ['s'], idleTimeoutSeconds: 0 }, /idleTimeoutSeconds must be a positive/],
    [{ secrets: ['s'], touchFraction: 0.75 }, /touchFraction must be from 0 to 0.5/],
    [{ secrets: ['s'], recentLoginSeconds: 0 }, /recentLoginSeconds must be a positive/],
    [
      {
        secrets: ['s'],
        loginThrottle: { accountLockoutSeconds: 120, accountMaxLockoutSeconds: 60 },
      },
      /LOGIN_ACCOUNT_LOCKOUT_MAX must be at least LOGIN_ACCOUNT_LOCKOUT/,
    ],
  ])('refuses %j', (options, message) => {
    expect(() => resolveSessionOptions(options)).toThrow(message);
  });

  it('never puts a secret in an error message', () => {
    const secret = 'short-secret-value';
    try {
      resolveSessionOptions({ secrets: [secret], production: true, redisUrl: 'redis://r' });
      throw new Error('expected a boot error');
    } catch (err) {
      expect((err as Error).message).not.toContain(secret);
    }
  });
});

describe('resolveSessionOptions: SPA settings', () => {
  it('defaults to CSRF on, XSRF-TOKEN / X-XSRF-TOKEN, security headers on, no CORS origins', () => {
    expect(resolveSessionOptions({ secrets: ['s'] })).toMatchObject({
      csrf: true,
      csrfCookieName: 'XSRF-TOKEN',
      csrfHeaderName: 'X-XSRF-TOKEN',
      securityHeaders: true,
      corsOrigins: [],
    });
  });

  it('names the CSRF cookie __Host-XSRF-TOKEN beside a __Host- session cookie', () => {
    expect(resolveSessionOptions({ secrets: ['s'], cookieSecure: true })).toMatchObject({
      cookieName: '__Host-sid',
      csrfCookieName: '__Host-XSRF-TOKEN',
    });
    const chosen = { secrets: ['s'], cookieSecure: true, csrfCookieName: 'MY-XSRF' };
    expect(resolveSessionOptions(chosen).csrfCookieName).toBe('MY-XSRF');
  });

  it('keeps exact origins and drops blanks', () => {
    const o = resolveSessionOptions({
      secrets: ['s'],
      corsOrigins: [' https://app.example.com', '', 'http://localhost:5173'],
    });
    expect(o.corsOrigins).toEqual(['https://app.example.com', 'http://localhost:5173']);
  });

  it.each(['*', 'https://*.example.com', 'https://a.example.com/', 'null', 'a.example.com'])(
    'refuses the CORS origin %j',
    (origin) => {
      expect(() => resolveSessionOptions({ secrets: ['s'], corsOrigins: [origin] })).toThrow(
        /CORS_ORIGINS entry 1 .* is not an exact origin/,
      );
    },
  );

  it('refuses a CSRF cookie named like the session cookie', () => {
    expect(() => resolveSessionOptions({ secrets: ['s'], csrfCookieName: 'sid' })).toThrow(
      /CSRF_COOKIE_NAME must differ/,
    );
  });
});
