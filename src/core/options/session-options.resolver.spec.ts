import { describe, expect, it } from '@jest/globals';
import type { SessionModuleOptions } from './session-options.interface.js';
import { resolveSessionOptions } from './session-options.resolver.js';

const STRONG = 'k3J9x-Qm2Lp8Zr4Tv6Wy1Bn5Hd7Fg0Sc_Ae';
const REDIS = { kind: 'redis', url: 'redis://r:6379' } as const;

/** The message resolveSessionOptions throws for `options`, or '' when it accepts them. */
function refusal(options: Partial<SessionModuleOptions>): string {
  try {
    resolveSessionOptions({ secrets: ['s'], ...options });
    return '';
  } catch (err) {
    return (err as Error).message;
  }
}

describe('resolveSessionOptions', () => {
  it('fills the documented defaults', () => {
    const o = resolveSessionOptions({ secrets: ['dev-secret'] });
    expect(o).toMatchObject({
      production: false,
      store: { kind: 'memory', max: 10_000, timeoutMs: 1500 },
      cookie: { name: 'sid', secure: false, sameSite: 'lax', domain: undefined },
      timeouts: {
        idleSeconds: 1800,
        absoluteSeconds: 43200,
        touchFraction: 0.1,
        touchIntervalMs: 180_000,
        recentLoginSeconds: 900,
      },
      csrf: { enabled: true, cookieName: 'XSRF-TOKEN', headerName: 'X-XSRF-TOKEN' },
      cors: { origins: [] },
      loginUrl: '/login',
      passwordHash: { memoryCost: 19456, timeCost: 2, parallelism: 1 },
      loginThrottle: {
        accountMaxFailures: 5,
        accountLockoutSeconds: 60,
        accountMaxLockoutSeconds: 900,
        ipMaxFailures: 100,
        ipWindowSeconds: 3600,
      },
      audit: { log: true },
      securityHeaders: true,
    });
  });

  it('names the CSRF cookie __Host-XSRF-TOKEN beside a __Host- session cookie', () => {
    const secure = resolveSessionOptions({ secrets: ['s'], cookie: { secure: true } });
    expect([secure.cookie.name, secure.csrf.cookieName]).toEqual([
      '__Host-sid',
      '__Host-XSRF-TOKEN',
    ]);
    const chosen = resolveSessionOptions({
      secrets: ['s'],
      cookie: { secure: true },
      csrf: { cookieName: 'MY-XSRF' },
    });
    expect(chosen.csrf.cookieName).toBe('MY-XSRF');
  });

  it('fills the defaults of each store kind', () => {
    const store = (s: SessionModuleOptions['store']) =>
      resolveSessionOptions({ secrets: ['s'], store: s }).store;
    expect(store(REDIS)).toEqual({ ...REDIS, keyPrefix: 'sess:', timeoutMs: 1500 });
    expect(store({ kind: 'cluster', nodes: [' 10.0.0.1:6379', '', '[::1]:7000 '] })).toEqual({
      kind: 'cluster',
      nodes: ['10.0.0.1:6379', '[::1]:7000'],
      username: undefined,
      password: undefined,
      tls: false,
      keyPrefix: 'sess:',
      timeoutMs: 1500,
    });
    expect(store({ kind: 'postgres', url: 'postgres://db/app', timeoutMs: 300 })).toEqual({
      kind: 'postgres',
      url: 'postgres://db/app',
      pruneIntervalSeconds: 900,
      timeoutMs: 300,
    });
    const backend = { kind: 'mine' } as never;
    expect(store({ kind: 'custom', backend })).toEqual({
      kind: 'custom',
      backend,
      timeoutMs: 1500,
    });
  });

  it('turns touchFraction into an interval of the idle timeout', () => {
    const o = (touchFraction: number) =>
      resolveSessionOptions({ secrets: ['s'], timeouts: { idleSeconds: 600, touchFraction } });
    expect(o(0.1).timeouts.touchIntervalMs).toBe(60_000);
    expect(o(0).timeouts.touchIntervalMs).toBe(0);
  });

  it('generates a secret in development when none is set, and says so', () => {
    const o = resolveSessionOptions({ secrets: [] });
    expect(o.generatedSecret).toBe(true);
    expect(o.secrets[0].length).toBeGreaterThanOrEqual(32);
  });

  it('is Secure with the __Host-sid name in production', () => {
    const o = resolveSessionOptions({ secrets: [STRONG], production: true, store: REDIS });
    expect(o.cookie).toMatchObject({ secure: true, name: '__Host-sid' });
  });

  it.each<[Partial<SessionModuleOptions>, RegExp]>([
    [
      { secrets: [], production: true, store: REDIS },
      /^SessionModule: secrets is required when production: true\. Generate/,
    ],
    [
      { secrets: ['short'], production: true, store: REDIS },
      /secrets entry 1 is too weak for production: true/,
    ],
    [{ secrets: ['a'.repeat(40)], production: true, store: REDIS }, /too weak/],
    [{ secrets: [STRONG, 'old'], production: true, store: REDIS }, /entry 2 is too weak/],
    [
      { secrets: [STRONG], production: true },
      /production: true refuses the in-process memory store.*store\.url: 'redis:\/\/host:6379'/,
    ],
    [
      { store: { kind: 'redis' } as never },
      /store\.kind: 'redis' needs store\.url, e\.g\. store\.url: 'redis:\/\/127\.0\.0\.1:6379'/,
    ],
    [
      { store: { kind: 'redis', url: 'http://r' } },
      /^SessionModule: store\.url must be a redis:\/\/ or rediss:\/\/ URL/,
    ],
    [{ store: { kind: 'postgres' } as never }, /store\.kind: 'postgres' needs store\.url/],
    [{ store: { kind: 'postgres', url: 'mysql://db' } }, /store\.url must be a postgres:\/\/ URL/],
    [
      { store: { kind: 'cluster', nodes: [] } },
      /store\.kind: 'cluster' needs store\.nodes, e\.g\. store\.nodes: \['10/,
    ],
    [{ store: { kind: 'cluster', nodes: ['r1'] } }, /store\.nodes entry 1 is not host:port/],
    [{ store: { kind: 'cluster', nodes: ['r1:99999'] } }, /entry 1 is not host:port/],
    [
      { store: { kind: 'cluster', nodes: ['r1:6379'], keyPrefix: '{sess}:' } },
      /store\.keyPrefix holds a \{hash tag\}.*one master/,
    ],
    [
      { store: { kind: 'cluster', nodes: ['r1:6379'], username: 'u' } },
      /store\.username needs store\.password/,
    ],
    [
      { store: { kind: 'postgres', url: 'postgres://db', pruneIntervalSeconds: 0 } },
      /store\.pruneIntervalSeconds must be a whole number from 1 to 86400, got 0/,
    ],
    [
      { store: { kind: 'memory', timeoutMs: 10 } },
      /store\.timeoutMs must be a whole number from 50 to 60000/,
    ],
    [{ store: { kind: 'custom' } as never }, /store\.kind: 'custom' needs store\.backend/],
    [
      { store: { kind: 'mongo' } as never },
      /store\.kind must be one of redis, cluster, postgres, memory, custom/,
    ],
    [
      { cookie: { sameSite: 'none' } },
      /^SessionModule: cookie\.sameSite: 'none' requires a Secure cookie: set cookie\.secure: true/,
    ],
    [
      { cookie: { sameSite: 'sometimes' as never } },
      /cookie\.sameSite must be one of lax, strict, none/,
    ],
    [{ cookie: { name: '__Host-sid' } }, /cookie\.name: '__Host-sid' needs cookie\.secure: true/],
    [{ cookie: { secure: true, domain: 'example.com' } }, /and no cookie\.domain/],
    [{ cookie: { name: 'bad name;' } }, /cookie\.name must be a cookie name/],
    [
      { timeouts: { idleSeconds: 0 } },
      /timeouts\.idleSeconds must be a whole number from 1 to 31536000, got 0/,
    ],
    [
      { timeouts: { absoluteSeconds: 31_536_001 } },
      /timeouts\.absoluteSeconds must be a whole number/,
    ],
    [
      { timeouts: { touchFraction: 0.75 } },
      /timeouts\.touchFraction must be a number from 0 to 0\.5/,
    ],
    [
      { timeouts: { recentLoginSeconds: 1.5 } },
      /timeouts\.recentLoginSeconds must be a whole number/,
    ],
    [
      { loginThrottle: { accountLockoutSeconds: 120, accountMaxLockoutSeconds: 60 } },
      /loginThrottle\.accountMaxLockoutSeconds must be at least loginThrottle\.accountLockoutSeconds/,
    ],
    [
      { loginThrottle: { accountLockoutSeconds: 90_000 } },
      /loginThrottle\.accountLockoutSeconds must be a whole number from 1 to 86400/,
    ],
    [
      { passwordHash: { timeCost: 0 } },
      /passwordHash\.timeCost must be a whole number from 1 to 100/,
    ],
    [{ loginUrl: 'https://evil.com/login' }, /loginUrl must be a path on this site/],
    [{ loginUrl: '//evil.com' }, /loginUrl must be a path on this site/],
    [{ csrf: { headerName: 'X XSRF' } }, /csrf\.headerName must be a header name/],
    [
      { csrf: { cookieName: 'sid' } },
      /csrf\.cookieName must differ from the session cookie name \(sid\)/,
    ],
    [{ audit: { log: 'yes' as never } }, /audit\.log must be true or false/],
    [
      { secrets: ['abcdefghijabcdefghijabcdefghijab'], production: true, store: REDIS },
      /entry 1 is too weak for production: true: it holds about \d+ bits of randomness, not 128\. Generate one with: openssl rand -base64 32$/,
    ],
    [
      { secrets: ['replace-me-with-a-long-random-secret'], production: true, store: REDIS },
      /too weak for production: true: it contains a placeholder word/,
    ],
    [
      { secrets: [STRONG], production: true, store: REDIS, cookie: { secure: false } },
      /^SessionModule: cookie\.secure: false is refused when production: true: the session cookie would travel over plain HTTP/,
    ],
    [
      { secrets: [STRONG], production: true, store: REDIS, trustProxy: true },
      /^SessionModule: trustProxy: true is refused when production: true: .* Name the proxy instead: trustProxy: 'loopback'/,
    ],
    [
      { trustProxy: 'nginx' },
      /^SessionModule: trustProxy entry "nginx" is not valid: write loopback/,
    ],
    [{ trustProxy: '0.0.0.0/0' }, /trustProxy entry "0\.0\.0\.0\/0" is not valid/],
    [{ trustProxy: '10.0.0.5,' }, /trustProxy entry "" is not valid/],
    [{ trustProxy: -1 }, /trustProxy must be loopback, linklocal, uniquelocal, an IP address/],
    [{ trustProxy: 1.5 }, /trustProxy must be loopback/],
    [
      {
        secrets: [STRONG],
        production: true,
        store: REDIS,
        cors: { origins: ['http://localhost:5173'] },
      },
      /cors\.origins entry 1 \("http:\/\/localhost:5173"\) is plain HTTP, refused when production: true/,
    ],
  ])('refuses %j, naming the option and the fix', (options, message) => {
    const text = refusal(options);
    expect(text).toMatch(message);
    expect(text).not.toContain('\n');
  });

  it('reports the option path on the error', () => {
    try {
      resolveSessionOptions({ secrets: ['s'], cookie: { sameSite: 'none' } });
    } catch (err) {
      expect(err).toMatchObject({ name: 'SessionSetupError', path: 'cookie.sameSite' });
    }
    expect.assertions(1);
  });

  it('never puts a secret in an error message', () => {
    const secret = 'short-secret-value';
    expect(refusal({ secrets: [secret], production: true, store: REDIS })).not.toContain(secret);
    expect(
      refusal({ store: { kind: 'cluster', nodes: ['r1;hunter2'], password: 'hunter2' } }),
    ).not.toContain('hunter2');
  });

  it('accepts what production is refused, outside production', () => {
    const o = resolveSessionOptions({
      secrets: ['dev'],
      cookie: { secure: false },
      trustProxy: true,
      cors: { origins: ['http://localhost:5173'] },
    });
    expect([o.cookie.secure, o.trustProxy, o.cors.origins]).toEqual([
      false,
      true,
      ['http://localhost:5173'],
    ]);
  });

  it('keeps a valid trust proxy list, a hop count and false as Express reads them', () => {
    for (const trustProxy of ['loopback, 10.0.0.0/8', 2, false, 'uniquelocal']) {
      const o = resolveSessionOptions({
        secrets: [STRONG],
        production: true,
        store: REDIS,
        trustProxy,
      });
      expect(o.trustProxy).toBe(trustProxy);
    }
  });

  it('keeps exact CORS origins and drops blanks', () => {
    const o = resolveSessionOptions({
      secrets: ['s'],
      cors: { origins: [' https://app.example.com', '', 'http://localhost:5173'] },
    });
    expect(o.cors.origins).toEqual(['https://app.example.com', 'http://localhost:5173']);
  });

  it.each(['*', 'https://*.example.com', 'https://a.example.com/', 'null', 'a.example.com'])(
    'refuses the CORS origin %j',
    (origin) => {
      expect(refusal({ cors: { origins: [origin] } })).toMatch(
        /cors\.origins entry 1 .* is not an exact origin/,
      );
    },
  );
});
