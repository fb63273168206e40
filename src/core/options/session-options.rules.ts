/**
 * Every default and every bound of SessionModule, one row per option path. The resolver is the
 * only reader; `forRoot` and the environment go through the same rows, so they cannot disagree.
 * Defaults that depend on other options (`cookie.secure` follows `production`, `cookie.name`
 * follows `cookie.secure`) are computed in `resolveSessionOptions` and say so here.
 * A key may carry `#kind` when a store field means something else per store kind.
 */
export type OptionRule =
  | { type: 'integer' | 'number'; default: number; min: number; max: number }
  | { type: 'boolean'; default: boolean }
  | { type: 'oneOf'; default: string; values: readonly string[] }
  | { type: 'text'; default?: string; pattern: RegExp; hint: string };

const YEAR = 31_536_000;
const DAY = 86_400;
/** RFC 6265 cookie-name token: what browsers accept between `Set-Cookie:` and `=`. */
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export const OPTION_RULES = {
  // `cookie.secure` has no row: its default is `production` (Secure in production only).
  // Default derived: `__Host-sid` when Secure, else `sid`.
  'cookie.name': { type: 'text', pattern: COOKIE_NAME, hint: 'a cookie name such as sid' },
  'cookie.sameSite': { type: 'oneOf', default: 'lax', values: ['lax', 'strict', 'none'] },
  'cookie.domain': {
    type: 'text',
    pattern: /^\.?[A-Za-z0-9.-]+$/,
    hint: 'a host name such as example.com',
  },
  'timeouts.idleSeconds': { type: 'integer', default: 1800, min: 1, max: YEAR },
  'timeouts.absoluteSeconds': { type: 'integer', default: 43_200, min: 1, max: YEAR },
  'timeouts.touchFraction': { type: 'number', default: 0.1, min: 0, max: 0.5 },
  maxSessionsPerUser: { type: 'integer', default: 0, min: 1, max: 10_000 },
  'timeouts.recentLoginSeconds': { type: 'integer', default: 900, min: 1, max: YEAR },
  'rememberMe.enabled': { type: 'boolean', default: true },
  'rememberMe.ttlSeconds': { type: 'integer', default: 30 * DAY, min: 60, max: YEAR },
  'rememberMe.raceWindowSeconds': { type: 'integer', default: 5, min: 0, max: 60 },
  'store.kind': {
    type: 'oneOf',
    default: 'memory',
    values: ['redis', 'cluster', 'postgres', 'memory', 'custom'],
  },
  'store.timeoutMs': { type: 'integer', default: 1500, min: 50, max: 60_000 },
  'store.url#redis': {
    type: 'text',
    pattern: /^rediss?:\/\/\S+$/,
    hint: 'a redis:// or rediss:// URL such as redis://127.0.0.1:6379',
  },
  'store.url#postgres': {
    type: 'text',
    pattern: /^postgres(ql)?:\/\/\S+$/,
    hint: 'a postgres:// URL such as postgres://app:secret@127.0.0.1:5432/app',
  },
  'store.keyPrefix': {
    type: 'text',
    default: 'sess:',
    pattern: /^[A-Za-z0-9:_{}.-]{1,64}$/,
    hint: '1-64 characters of A-Z a-z 0-9 : _ { } . -',
  },
  'store.tls': { type: 'boolean', default: false },
  'store.max': { type: 'integer', default: 10_000, min: 1, max: 10_000_000 },
  'store.pruneIntervalSeconds': { type: 'integer', default: 900, min: 1, max: DAY },
  'csrf.enabled': { type: 'boolean', default: true },
  // Default derived: `__Host-XSRF-TOKEN` beside a `__Host-` session cookie, else `XSRF-TOKEN`.
  'csrf.cookieName': {
    type: 'text',
    pattern: COOKIE_NAME,
    hint: 'a cookie name such as XSRF-TOKEN',
  },
  'csrf.headerName': {
    type: 'text',
    default: 'X-XSRF-TOKEN',
    pattern: /^[A-Za-z0-9-]{1,64}$/,
    hint: 'a header name such as X-XSRF-TOKEN',
  },
  'loginThrottle.accountMaxFailures': { type: 'integer', default: 5, min: 1, max: 1000 },
  'loginThrottle.accountLockoutSeconds': { type: 'integer', default: 60, min: 1, max: DAY },
  // Also at least accountLockoutSeconds (checked in the resolver).
  'loginThrottle.accountMaxLockoutSeconds': { type: 'integer', default: 900, min: 1, max: DAY },
  'loginThrottle.ipMaxFailures': { type: 'integer', default: 100, min: 1, max: 1_000_000 },
  'loginThrottle.ipWindowSeconds': { type: 'integer', default: 3600, min: 1, max: DAY },
  // OWASP's argon2id parameters: m=19456 KiB, t=2, p=1. 8 KiB is argon2's own floor.
  'passwordHash.memoryCost': { type: 'integer', default: 19_456, min: 8, max: 4_194_304 },
  'passwordHash.timeCost': { type: 'integer', default: 2, min: 1, max: 100 },
  'passwordHash.parallelism': { type: 'integer', default: 1, min: 1, max: 64 },
  'audit.log': { type: 'boolean', default: true },
  'secondFactor.pendingSeconds': { type: 'integer', default: 300, min: 1, max: 3600 },
  // `:` separates issuer and account in the otpauth label.
  'secondFactor.issuer': {
    type: 'text',
    default: 'nest-session-auth',
    pattern: /^[^:]{1,64}$/,
    hint: '1-64 characters without a colon, such as your app name',
  },
  'secondFactor.pageUrl': {
    type: 'text',
    default: '/login/second-factor',
    pattern: /^\/(?![/\\])\S*$/,
    hint: 'a path on this site such as /login/second-factor',
  },
  // A path on this site; `//host` or `/\host` would send the browser to another site.
  loginUrl: {
    type: 'text',
    default: '/login',
    pattern: /^\/(?![/\\])\S*$/,
    hint: 'a path on this site such as /login',
  },
  securityHeaders: { type: 'boolean', default: true },
  production: { type: 'boolean', default: false },
} as const satisfies Record<string, OptionRule>;

export type OptionKey = keyof typeof OPTION_RULES;

/** The option path a rule key reports: `store.url#redis` is `store.url`. */
export function optionPath(key: string): string {
  return key.split('#')[0];
}
