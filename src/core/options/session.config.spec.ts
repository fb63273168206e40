import { describe, expect, it } from '@jest/globals';
import { parseTrustProxy, sessionOptionsFromEnv } from './session.config.js';

describe('sessionOptionsFromEnv', () => {
  it('reads every variable into typed options', () => {
    const o = sessionOptionsFromEnv({
      NODE_ENV: 'development',
      SESSION_SECRET: 'new-secret,old-secret',
      SESSION_STORE: 'redis',
      REDIS_URL: 'redis://127.0.0.1:6379',
      SESSION_COOKIE_NAME: 'app_sid',
      SESSION_IDLE_TIMEOUT: '600',
      SESSION_ABSOLUTE_TIMEOUT: '3600',
      COOKIE_SECURE: 'true',
      COOKIE_SAMESITE: 'strict',
      COOKIE_DOMAIN: 'example.com',
      TRUST_PROXY: 'loopback',
      LOGIN_URL: '/signin',
    });
    expect(o).toMatchObject({
      production: false,
      secrets: ['new-secret', 'old-secret'],
      store: 'redis',
      redisUrl: 'redis://127.0.0.1:6379',
      cookieName: 'app_sid',
      idleTimeoutSeconds: 600,
      absoluteTimeoutSeconds: 3600,
      cookieSecure: true,
      cookieSameSite: 'strict',
      cookieDomain: 'example.com',
      trustProxy: 'loopback',
      loginUrl: '/signin',
    });
  });

  it('reads the lifecycle and brute-force settings', () => {
    const o = sessionOptionsFromEnv({
      SESSION_TOUCH_FRACTION: '0.25',
      SESSION_RECENT_LOGIN_WINDOW: '300',
      LOGIN_ACCOUNT_MAX_FAILURES: '10',
      LOGIN_ACCOUNT_LOCKOUT: '30',
      LOGIN_ACCOUNT_LOCKOUT_MAX: '600',
      LOGIN_IP_MAX_FAILURES: '50',
      LOGIN_IP_WINDOW: '1800',
      AUDIT_LOG: 'false',
    });
    expect(o).toMatchObject({
      touchFraction: 0.25,
      recentLoginSeconds: 300,
      loginThrottle: {
        accountMaxFailures: 10,
        accountLockoutSeconds: 30,
        accountMaxLockoutSeconds: 600,
        ipMaxFailures: 50,
        ipWindowSeconds: 1800,
      },
      auditLog: false,
    });
  });

  it('makes COOKIE_SECURE=auto mean Secure in production only', () => {
    expect(sessionOptionsFromEnv({ NODE_ENV: 'production' }).cookieSecure).toBe(true);
    expect(sessionOptionsFromEnv({ NODE_ENV: 'development' }).cookieSecure).toBe(false);
    expect(sessionOptionsFromEnv({ COOKIE_SECURE: 'auto' }).cookieSecure).toBe(false);
  });

  it.each([
    ['SESSION_IDLE_TIMEOUT', 'abc'],
    ['SESSION_IDLE_TIMEOUT', '-5'],
    ['SESSION_ABSOLUTE_TIMEOUT', '1.5'],
    ['SESSION_STORE', 'mongo'],
    ['REDIS_URL', 'http://example.com'],
    ['COOKIE_SECURE', 'yes'],
    ['COOKIE_SAMESITE', 'sometimes'],
    ['LOGIN_URL', 'https://evil.com/login'],
    ['LOGIN_URL', '//evil.com'],
    ['NODE_ENV', 'prod'],
    ['SESSION_COOKIE_NAME', 'bad name;'],
    ['SESSION_TOUCH_FRACTION', '0.9'],
    ['SESSION_TOUCH_FRACTION', 'often'],
    ['SESSION_RECENT_LOGIN_WINDOW', '0'],
    ['LOGIN_ACCOUNT_MAX_FAILURES', 'five'],
    ['LOGIN_ACCOUNT_LOCKOUT', '90000'],
    ['LOGIN_IP_MAX_FAILURES', '-1'],
    ['LOGIN_IP_WINDOW', '2.5'],
    ['AUDIT_LOG', 'yes'],
  ])('stops the boot with one line naming %s for %j', (variable, value) => {
    let message = '';
    try {
      sessionOptionsFromEnv({ [variable]: value });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(new RegExp(`^SessionModule: invalid environment: ${variable} `));
    expect(message).not.toContain('\n');
  });

  it('does not echo the value of a bad variable (it may be a secret)', () => {
    expect(() => sessionOptionsFromEnv({ REDIS_URL: 'http://user:hunter2@host' })).toThrow(
      /^(?!.*hunter2)/,
    );
  });
});

describe('parseTrustProxy', () => {
  it('reads hop counts as numbers, true/false as booleans, anything else as Express names', () => {
    expect(parseTrustProxy('1')).toBe(1);
    expect(parseTrustProxy('true')).toBe(true);
    expect(parseTrustProxy('false')).toBe(false);
    expect(parseTrustProxy('loopback, 10.0.0.0/8')).toBe('loopback, 10.0.0.0/8');
    expect(parseTrustProxy(undefined)).toBeUndefined();
  });
});

describe('sessionOptionsFromEnv: SPA settings', () => {
  it('reads CORS_ORIGINS, CSRF_* and SECURITY_HEADERS', () => {
    expect(
      sessionOptionsFromEnv({
        CORS_ORIGINS: 'https://a.example.com,http://localhost:5173',
        CSRF_ENABLED: 'false',
        CSRF_COOKIE_NAME: '__Host-XSRF-TOKEN',
        CSRF_HEADER_NAME: 'X-CSRF-Token',
        SECURITY_HEADERS: 'false',
      }),
    ).toMatchObject({
      corsOrigins: ['https://a.example.com', 'http://localhost:5173'],
      csrf: false,
      csrfCookieName: '__Host-XSRF-TOKEN',
      csrfHeaderName: 'X-CSRF-Token',
      securityHeaders: false,
    });
  });

  it('refuses CSRF_ENABLED=yes with the variable named', () => {
    expect(() => sessionOptionsFromEnv({ CSRF_ENABLED: 'yes' })).toThrow(/CSRF_ENABLED/);
  });
});
