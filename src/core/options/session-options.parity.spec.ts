import { describe, expect, it } from '@jest/globals';
import { SessionSetupError } from '../errors/session-setup.error.js';
import type { SessionModuleOptions } from './session-options.interface.js';
import { resolveSessionOptions } from './session-options.resolver.js';
import { sessionOptionsFromEnv } from './session.config.js';

// forRoot and the environment are two spellings of the same options: one resolver decides both,
// so each case below must resolve to the same result, or fail on the same option.

const SECRET = 'k3J9x-Qm2Lp8Zr4Tv6Wy1Bn5Hd7Fg0Sc_Ae';

type Outcome = { resolved: unknown } | { path: string | undefined };

function outcome(resolve: () => ReturnType<typeof resolveSessionOptions>): Outcome {
  try {
    return { resolved: resolve() };
  } catch (err) {
    if (!(err instanceof SessionSetupError)) throw err;
    return { path: err.path };
  }
}

const viaForRoot = (options: Omit<SessionModuleOptions, 'secrets'>) =>
  outcome(() => resolveSessionOptions({ secrets: [SECRET], ...options }));
const viaEnv = (env: Record<string, string>) =>
  outcome(() => resolveSessionOptions(sessionOptionsFromEnv({ SESSION_SECRET: SECRET, ...env })));

const cases: Array<[string, Omit<SessionModuleOptions, 'secrets'>, Record<string, string>]> = [
  ['the defaults', {}, {}],
  [
    'a production Redis setup',
    { production: true, store: { kind: 'redis', url: 'redis://r:6379', keyPrefix: 'app:' } },
    { NODE_ENV: 'production', REDIS_URL: 'redis://r:6379', SESSION_KEY_PREFIX: 'app:' },
  ],
  [
    'a cluster with credentials and TLS',
    {
      store: {
        kind: 'cluster',
        nodes: ['a:7000', 'b:7001'],
        username: 'u',
        password: 'p',
        tls: true,
        timeoutMs: 300,
      },
    },
    {
      REDIS_CLUSTER_NODES: 'a:7000,b:7001',
      REDIS_CLUSTER_USERNAME: 'u',
      REDIS_CLUSTER_PASSWORD: 'p',
      REDIS_CLUSTER_TLS: 'true',
      SESSION_STORE_TIMEOUT_MS: '300',
    },
  ],
  [
    'PostgreSQL',
    { store: { kind: 'postgres', url: 'postgres://db/app' } },
    { SESSION_STORE: 'postgres', DATABASE_URL: 'postgres://db/app' },
  ],
  [
    'a cross-site SPA',
    {
      cookie: { secure: true, sameSite: 'none' },
      cors: { origins: ['https://app.example.net'] },
      trustProxy: 'loopback',
    },
    {
      COOKIE_SECURE: 'true',
      COOKIE_SAMESITE: 'none',
      CORS_ORIGINS: 'https://app.example.net',
      TRUST_PROXY: 'loopback',
    },
  ],
  [
    'every timeout and limit',
    {
      timeouts: {
        idleSeconds: 600,
        absoluteSeconds: 3600,
        touchFraction: 0.25,
        recentLoginSeconds: 300,
      },
      loginThrottle: {
        accountMaxFailures: 3,
        accountLockoutSeconds: 30,
        accountMaxLockoutSeconds: 600,
        ipMaxFailures: 50,
        ipWindowSeconds: 1800,
      },
      audit: { log: false },
      csrf: { enabled: false, cookieName: 'CSRF', headerName: 'X-CSRF' },
      securityHeaders: false,
      loginUrl: '/signin',
    },
    {
      SESSION_IDLE_TIMEOUT: '600',
      SESSION_ABSOLUTE_TIMEOUT: '3600',
      SESSION_TOUCH_FRACTION: '0.25',
      SESSION_RECENT_LOGIN_WINDOW: '300',
      LOGIN_ACCOUNT_MAX_FAILURES: '3',
      LOGIN_ACCOUNT_LOCKOUT: '30',
      LOGIN_ACCOUNT_LOCKOUT_MAX: '600',
      LOGIN_IP_MAX_FAILURES: '50',
      LOGIN_IP_WINDOW: '1800',
      AUDIT_LOG: 'false',
      CSRF_ENABLED: 'false',
      CSRF_COOKIE_NAME: 'CSRF',
      CSRF_HEADER_NAME: 'X-CSRF',
      SECURITY_HEADERS: 'false',
      LOGIN_URL: '/signin',
    },
  ],
  // Refusals: the same option at fault.
  ['the memory store in production', { production: true }, { NODE_ENV: 'production' }],
  ['SameSite=None without Secure', { cookie: { sameSite: 'none' } }, { COOKIE_SAMESITE: 'none' }],
  [
    'a __Host- cookie with a Domain',
    { cookie: { secure: true, name: '__Host-x', domain: 'example.com' } },
    { COOKIE_SECURE: 'true', SESSION_COOKIE_NAME: '__Host-x', COOKIE_DOMAIN: 'example.com' },
  ],
  [
    'an idle timeout above a year',
    { timeouts: { idleSeconds: 31_536_001 } },
    { SESSION_IDLE_TIMEOUT: '31536001' },
  ],
  [
    'a zero recent-login window',
    { timeouts: { recentLoginSeconds: 0 } },
    { SESSION_RECENT_LOGIN_WINDOW: '0' },
  ],
  [
    'a touch fraction above 0.5',
    { timeouts: { touchFraction: 0.6 } },
    { SESSION_TOUCH_FRACTION: '0.6' },
  ],
  [
    'a lockout above a day',
    { loginThrottle: { accountLockoutSeconds: 90_000 } },
    { LOGIN_ACCOUNT_LOCKOUT: '90000' },
  ],
  [
    'a max lockout below the first',
    { loginThrottle: { accountLockoutSeconds: 120, accountMaxLockoutSeconds: 60 } },
    { LOGIN_ACCOUNT_LOCKOUT: '120', LOGIN_ACCOUNT_LOCKOUT_MAX: '60' },
  ],
  [
    'a store timeout under 50 ms',
    { store: { kind: 'memory', timeoutMs: 10 } },
    { SESSION_STORE_TIMEOUT_MS: '10' },
  ],
  ['an off-site login URL', { loginUrl: '//evil.example' }, { LOGIN_URL: '//evil.example' }],
  ['a bad cookie name', { cookie: { name: 'a b' } }, { SESSION_COOKIE_NAME: 'a b' }],
  ['a bad CSRF header name', { csrf: { headerName: 'X:Y' } }, { CSRF_HEADER_NAME: 'X:Y' }],
  [
    'a CSRF cookie named like the session',
    { csrf: { cookieName: 'sid' } },
    { CSRF_COOKIE_NAME: 'sid' },
  ],
  ['a wildcard CORS origin', { cors: { origins: ['*'] } }, { CORS_ORIGINS: '*' }],
  ['Redis without a URL', { store: { kind: 'redis' } as never }, { SESSION_STORE: 'redis' }],
  ['a non-Redis URL', { store: { kind: 'redis', url: 'http://r' } }, { REDIS_URL: 'http://r' }],
  [
    'PostgreSQL without a URL',
    { store: { kind: 'postgres' } as never },
    { SESSION_STORE: 'postgres' },
  ],
  [
    'a cluster hash-tag prefix',
    { store: { kind: 'cluster', nodes: ['a:1'], keyPrefix: '{s}:' } },
    { REDIS_CLUSTER_NODES: 'a:1', SESSION_KEY_PREFIX: '{s}:' },
  ],
  [
    'a cluster user without password',
    { store: { kind: 'cluster', nodes: ['a:1'], username: 'u' } },
    { REDIS_CLUSTER_NODES: 'a:1', REDIS_CLUSTER_USERNAME: 'u' },
  ],
];

describe('forRoot and the environment', () => {
  it.each(cases)('agree on %s', (_name, options, env) => {
    const fromOptions = viaForRoot(options);
    expect(viaEnv(env)).toEqual(fromOptions);
  });

  it('covers refusals as well as successes', () => {
    const refused = cases.filter(([, options]) => 'path' in viaForRoot(options));
    expect(refused.length).toBeGreaterThanOrEqual(15);
    for (const [name, options] of refused)
      expect([name, viaForRoot(options)]).not.toEqual([name, { path: undefined }]);
  });
});
