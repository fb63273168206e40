import { describe, expect, it } from '@jest/globals';
import { parseTrustProxy } from './session-env.table.js';
import { resolveSessionOptions } from './session-options.resolver.js';
import { sessionOptionsFromEnv } from './session.config.js';

/** Production with a store and a strong secret: each case adds one mistake. */
const PROD = {
  NODE_ENV: 'production',
  REDIS_URL: 'redis://r',
  SESSION_SECRET: 'k3J9x-Qm2Lp8Zr4Tv6Wy1Bn5Hd7Fg0Sc_Ae',
};

/** The boot error for `env`, read and resolved as SessionModule does, or '' when it boots. */
function refusal(env: Record<string, string>): string {
  try {
    resolveSessionOptions(sessionOptionsFromEnv(env));
    return '';
  } catch (err) {
    return (err as Error).message;
  }
}

describe('sessionOptionsFromEnv', () => {
  it('maps every variable onto its option path', () => {
    expect(
      sessionOptionsFromEnv({
        NODE_ENV: 'development',
        SESSION_SECRET: 'new-secret,old-secret',
        SESSION_STORE: 'redis',
        REDIS_URL: 'redis://127.0.0.1:6379',
        SESSION_KEY_PREFIX: 'app:',
        SESSION_STORE_TIMEOUT_MS: '800',
        SESSION_COOKIE_NAME: 'app_sid',
        COOKIE_SECURE: 'true',
        COOKIE_SAMESITE: 'strict',
        COOKIE_DOMAIN: 'example.com',
        SESSION_IDLE_TIMEOUT: '600',
        SESSION_ABSOLUTE_TIMEOUT: '3600',
        SESSION_TOUCH_FRACTION: '0.25',
        SESSION_RECENT_LOGIN_WINDOW: '300',
        LOGIN_ACCOUNT_MAX_FAILURES: '10',
        LOGIN_ACCOUNT_LOCKOUT: '30',
        LOGIN_ACCOUNT_LOCKOUT_MAX: '600',
        LOGIN_IP_MAX_FAILURES: '50',
        LOGIN_IP_WINDOW: '1800',
        AUDIT_LOG: 'false',
        TRUST_PROXY: 'loopback',
        LOGIN_URL: '/signin',
        CORS_ORIGINS: 'https://a.example.com,http://localhost:5173',
        CSRF_ENABLED: 'false',
        CSRF_COOKIE_NAME: '__Host-XSRF-TOKEN',
        CSRF_HEADER_NAME: 'X-CSRF-Token',
        SECURITY_HEADERS: 'false',
      }),
    ).toEqual({
      production: false,
      secrets: ['new-secret', 'old-secret'],
      store: { kind: 'redis', url: 'redis://127.0.0.1:6379', keyPrefix: 'app:', timeoutMs: 800 },
      cookie: { name: 'app_sid', secure: true, sameSite: 'strict', domain: 'example.com' },
      timeouts: {
        idleSeconds: 600,
        absoluteSeconds: 3600,
        touchFraction: 0.25,
        recentLoginSeconds: 300,
      },
      loginThrottle: {
        accountMaxFailures: 10,
        accountLockoutSeconds: 30,
        accountMaxLockoutSeconds: 600,
        ipMaxFailures: 50,
        ipWindowSeconds: 1800,
      },
      audit: { log: false },
      trustProxy: 'loopback',
      loginUrl: '/signin',
      cors: { origins: ['https://a.example.com', 'http://localhost:5173'] },
      csrf: { enabled: false, cookieName: '__Host-XSRF-TOKEN', headerName: 'X-CSRF-Token' },
      securityHeaders: false,
    });
  });

  it('leaves unset and empty variables to the resolver defaults', () => {
    expect(sessionOptionsFromEnv({ SESSION_IDLE_TIMEOUT: '', COOKIE_SECURE: 'auto' })).toEqual({
      secrets: [],
    });
  });

  it('leaves the Secure default (production) to the resolver: COOKIE_SECURE=auto', () => {
    const secure = (env: Record<string, string>) =>
      resolveSessionOptions(
        sessionOptionsFromEnv({
          SESSION_SECRET: 'k3J9x-Qm2Lp8Zr4Tv6Wy1Bn5Hd7Fg0Sc_Ae',
          REDIS_URL: 'redis://r',
          ...env,
        }),
      ).cookie.secure;
    expect(secure({ NODE_ENV: 'production' })).toBe(true);
    expect(secure({ NODE_ENV: 'development' })).toBe(false);
    expect(secure({ COOKIE_SECURE: 'auto' })).toBe(false);
  });

  it('picks the store: REDIS_URL means redis, REDIS_CLUSTER_NODES the cluster', () => {
    const store = (env: Record<string, string>) => sessionOptionsFromEnv(env).store;
    expect(store({ REDIS_URL: 'redis://r:6379' })).toEqual({
      kind: 'redis',
      url: 'redis://r:6379',
    });
    expect(
      store({
        SESSION_STORE: 'redis',
        REDIS_CLUSTER_NODES: 'a:7000,b:7001',
        REDIS_CLUSTER_TLS: 'true',
        REDIS_CLUSTER_USERNAME: 'u',
        REDIS_CLUSTER_PASSWORD: 'p',
      }),
    ).toEqual({
      kind: 'cluster',
      nodes: ['a:7000', 'b:7001'],
      tls: true,
      username: 'u',
      password: 'p',
    });
    expect(store({})).toBeUndefined();
  });

  it('reads DATABASE_URL only for SESSION_STORE=postgres: otherwise it is the app’s own', () => {
    const url = 'postgres://app:secret@db:5432/app';
    expect(sessionOptionsFromEnv({ DATABASE_URL: 'mysql://app@db/app' }).store).toBeUndefined();
    expect(sessionOptionsFromEnv({ SESSION_STORE: 'postgres', DATABASE_URL: url }).store).toEqual({
      kind: 'postgres',
      url,
    });
  });

  it('refuses REDIS_URL together with REDIS_CLUSTER_NODES', () => {
    expect(refusal({ REDIS_URL: 'redis://r', REDIS_CLUSTER_NODES: 'r1:6379' })).toMatch(
      /REDIS_URL for one Redis or REDIS_CLUSTER_NODES for a Redis Cluster, not both/,
    );
  });

  it.each([
    [
      'SESSION_IDLE_TIMEOUT',
      'abc',
      /^SessionModule: invalid environment: SESSION_IDLE_TIMEOUT must be a whole number$/,
    ],
    [
      'SESSION_IDLE_TIMEOUT',
      '-5',
      /^SessionModule: SESSION_IDLE_TIMEOUT must be a whole number from 1 to 31536000, got -5$/,
    ],
    [
      'SESSION_ABSOLUTE_TIMEOUT',
      '1.5',
      /^SessionModule: invalid environment: SESSION_ABSOLUTE_TIMEOUT must be a whole number$/,
    ],
    ['SESSION_STORE', 'mongo', /^SessionModule: SESSION_STORE must be one of/],
    ['REDIS_URL', 'http://example.com', /^SessionModule: REDIS_URL must be a redis:\/\//],
    [
      'COOKIE_SECURE',
      'yes',
      /^SessionModule: invalid environment: COOKIE_SECURE must be true or false$/,
    ],
    [
      'COOKIE_SAMESITE',
      'sometimes',
      /^SessionModule: COOKIE_SAMESITE must be one of lax, strict, none$/,
    ],
    [
      'COOKIE_SAMESITE',
      'none',
      /^SessionModule: COOKIE_SAMESITE=none requires a Secure cookie: set COOKIE_SECURE=true/,
    ],
    [
      'SESSION_COOKIE_NAME',
      '__Host-sid',
      /^SessionModule: SESSION_COOKIE_NAME=__Host-sid needs COOKIE_SECURE=true and no COOKIE_DOMAIN/,
    ],
    [
      'LOGIN_URL',
      'https://evil.com/login',
      /^SessionModule: LOGIN_URL must be a path on this site/,
    ],
    ['LOGIN_URL', '//evil.com', /^SessionModule: LOGIN_URL must be a path/],
    [
      'NODE_ENV',
      'prod',
      /^SessionModule: invalid environment: NODE_ENV must be development, production or test$/,
    ],
    [
      'SESSION_COOKIE_NAME',
      'bad name;',
      /^SessionModule: SESSION_COOKIE_NAME must be a cookie name/,
    ],
    [
      'SESSION_TOUCH_FRACTION',
      '0.9',
      /^SessionModule: SESSION_TOUCH_FRACTION must be a number from 0 to 0.5/,
    ],
    [
      'SESSION_TOUCH_FRACTION',
      'often',
      /^SessionModule: invalid environment: SESSION_TOUCH_FRACTION must be a number/,
    ],
    [
      'SESSION_RECENT_LOGIN_WINDOW',
      '0',
      /^SessionModule: SESSION_RECENT_LOGIN_WINDOW must be a whole number from 1/,
    ],
    [
      'LOGIN_ACCOUNT_MAX_FAILURES',
      'five',
      /^SessionModule: invalid environment: LOGIN_ACCOUNT_MAX_FAILURES/,
    ],
    [
      'LOGIN_ACCOUNT_LOCKOUT',
      '90000',
      /^SessionModule: LOGIN_ACCOUNT_LOCKOUT must be a whole number from 1 to 86400/,
    ],
    ['LOGIN_IP_MAX_FAILURES', '-1', /^SessionModule: LOGIN_IP_MAX_FAILURES must be/],
    ['LOGIN_IP_WINDOW', '2.5', /^SessionModule: invalid environment: LOGIN_IP_WINDOW/],
    ['AUDIT_LOG', 'yes', /^SessionModule: invalid environment: AUDIT_LOG must be true or false$/],
    [
      'CSRF_ENABLED',
      'yes',
      /^SessionModule: invalid environment: CSRF_ENABLED must be true or false$/,
    ],
    ['CSRF_HEADER_NAME', 'X XSRF', /^SessionModule: CSRF_HEADER_NAME must be a header name/],
    [
      'CSRF_COOKIE_NAME',
      'sid',
      /^SessionModule: CSRF_COOKIE_NAME must differ from the session cookie name/,
    ],
    ['COOKIE_DOMAIN', 'exa mple', /^SessionModule: COOKIE_DOMAIN must be a host name/],
    [
      'SESSION_STORE_TIMEOUT_MS',
      '10',
      /^SessionModule: SESSION_STORE_TIMEOUT_MS must be a whole number from 50 to 60000/,
    ],
    [
      'CORS_ORIGINS',
      'https://a.example.com/',
      /^SessionModule: CORS_ORIGINS entry 1 .* is not an exact origin/,
    ],
  ])('stops the boot with one line naming %s for %j', (variable, value, message) => {
    const text = refusal({ [variable]: value });
    expect(text).toMatch(message);
    expect(text).not.toContain('\n');
  });

  it.each([
    [
      { SESSION_STORE: 'redis' },
      /^SessionModule: SESSION_STORE=redis needs REDIS_URL, e\.g\. REDIS_URL=redis:\/\/127\.0\.0\.1:6379 \(or REDIS_CLUSTER_NODES=host1:6379,host2:6379/,
    ],
    [
      { SESSION_STORE: 'postgres' },
      /^SessionModule: SESSION_STORE=postgres needs DATABASE_URL, e\.g\. DATABASE_URL=postgres:\/\//,
    ],
    [
      { SESSION_STORE: 'postgres', DATABASE_URL: 'mysql://app@db/app' },
      /^SessionModule: DATABASE_URL must be a postgres:\/\/ URL/,
    ],
    [
      { REDIS_CLUSTER_NODES: 'redis-a;redis-b' },
      /^SessionModule: REDIS_CLUSTER_NODES entry 1 is not host:port/,
    ],
    [
      { REDIS_CLUSTER_NODES: 'r1:6379', SESSION_KEY_PREFIX: '{sess}:' },
      /^SessionModule: SESSION_KEY_PREFIX holds a \{hash tag\}.*e\.g\. SESSION_KEY_PREFIX=sess:$/,
    ],
    [
      { REDIS_CLUSTER_NODES: 'r1:6379', REDIS_CLUSTER_USERNAME: 'u' },
      /^SessionModule: REDIS_CLUSTER_USERNAME needs REDIS_CLUSTER_PASSWORD/,
    ],
    [
      { LOGIN_ACCOUNT_LOCKOUT: '120', LOGIN_ACCOUNT_LOCKOUT_MAX: '60' },
      /^SessionModule: LOGIN_ACCOUNT_LOCKOUT_MAX must be at least LOGIN_ACCOUNT_LOCKOUT \(60 < 120\)$/,
    ],
    [
      { NODE_ENV: 'production', REDIS_URL: 'redis://r' },
      /^SessionModule: SESSION_SECRET is required when NODE_ENV=production\. Generate one/,
    ],
    [
      { NODE_ENV: 'production', REDIS_URL: 'redis://r', SESSION_SECRET: 'changeme' },
      /SESSION_SECRET entry 1 is too weak for NODE_ENV=production/,
    ],
    [
      { ...PROD, COOKIE_SECURE: 'false' },
      /^SessionModule: COOKIE_SECURE=false is refused when NODE_ENV=production: the session cookie would travel over plain HTTP\. Serve HTTPS \(behind a TLS proxy, set TRUST_PROXY to it\) and leave COOKIE_SECURE unset\.$/,
    ],
    [
      { ...PROD, TRUST_PROXY: 'true' },
      /^SessionModule: TRUST_PROXY=true is refused when NODE_ENV=production: .* Name the proxy instead: TRUST_PROXY=loopback /,
    ],
    [
      { TRUST_PROXY: '0.0.0.0/0' },
      /^SessionModule: TRUST_PROXY entry "0\.0\.0\.0\/0" is not valid: write /,
    ],
    [{ TRUST_PROXY: 'nginx' }, /^SessionModule: TRUST_PROXY entry "nginx" is not valid/],
    [{ TRUST_PROXY: '10.0.0.5,' }, /^SessionModule: TRUST_PROXY entry "" is not valid/],
    [
      { ...PROD, CORS_ORIGINS: 'https://app.example.com,http://app.example.com' },
      /^SessionModule: CORS_ORIGINS entry 2 \("http:\/\/app\.example\.com"\) is plain HTTP, refused when NODE_ENV=production/,
    ],
    [
      { ...PROD, SESSION_SECRET: 'password1234567890password12345678' },
      /^SessionModule: SESSION_SECRET entry 1 is too weak for NODE_ENV=production: it contains a placeholder word .*openssl rand -base64 32$/,
    ],
    [
      { NODE_ENV: 'production', SESSION_SECRET: 'k3J9x-Qm2Lp8Zr4Tv6Wy1Bn5Hd7Fg0Sc_Ae' },
      /^SessionModule: NODE_ENV=production refuses the in-process memory store.*Set REDIS_URL=redis:\/\/host:6379 \(or SESSION_STORE=postgres with DATABASE_URL\)\.$/,
    ],
  ])('names the variables and the fix for %j', (env, message) => {
    expect(refusal(env)).toMatch(message);
  });

  it('accepts plain HTTP, TRUST_PROXY=true and localhost origins outside production', () => {
    expect(
      refusal({
        COOKIE_SECURE: 'false',
        TRUST_PROXY: 'true',
        CORS_ORIGINS: 'http://localhost:5173',
      }),
    ).toBe('');
  });

  it('does not echo the value of a bad variable (it may be a secret)', () => {
    const envs: Array<Record<string, string>> = [
      { REDIS_URL: 'http://user:hunter2@host' },
      { REDIS_CLUSTER_NODES: 'hunter2;x' },
      { SESSION_STORE: 'postgres', DATABASE_URL: 'mysql://u:hunter2@db' },
      { NODE_ENV: 'production', SESSION_SECRET: 'hunter2', REDIS_URL: 'redis://r' },
    ];
    for (const env of envs) {
      expect(refusal(env)).not.toContain('hunter2');
    }
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
