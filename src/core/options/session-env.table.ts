import { SessionSetupError } from '../errors/session-setup.error.js';

/** Turns a variable's text into the option's value, or returns the problem ("must be …"). */
type Parser = (raw: string) => { value: unknown } | { problem: string };

/**
 * One environment variable: the option path it sets and how its text is read. `kinds` limits a
 * store field to the stores it belongs to (DATABASE_URL is read only for the postgres store: with
 * another store it is often the app's own database). `show` writes an option value the way the
 * variable spells it, for error messages.
 */
export interface EnvRow {
  env: string;
  path: string;
  parse: Parser;
  kinds?: readonly string[];
  show?: (value: string) => string;
}

const text: Parser = (raw) => ({ value: raw });
const list: Parser = (raw) => ({ value: raw.split(',') });
const int: Parser = (raw) =>
  /^\s*[+-]?\d+\s*$/.test(raw) ? { value: Number(raw) } : { problem: 'must be a whole number' };
const number: Parser = (raw) =>
  raw.trim() !== '' && Number.isFinite(Number(raw))
    ? { value: Number(raw) }
    : { problem: 'must be a number from 0 to 0.5, e.g. 0.1' };
const bool: Parser = (raw) =>
  raw === 'true' || raw === 'false'
    ? { value: raw === 'true' }
    : { problem: 'must be true or false' };
/** `auto` leaves the choice to the resolver: Secure in production only. */
const secure: Parser = (raw) => (raw === 'auto' ? { value: undefined } : bool(raw));
const nodeEnv: Parser = (raw) =>
  ['development', 'production', 'test'].includes(raw)
    ? { value: raw === 'production' }
    : { problem: 'must be development, production or test' };
const trustProxy: Parser = (raw) => ({ value: parseTrustProxy(raw) });

/** Express reads numbers as hop counts and 'true'/'false' as booleans; anything else as a list. */
export function parseTrustProxy(value: string | undefined): string | number | boolean | undefined {
  if (value === undefined) return undefined;
  if (/^\d+$/.test(value)) return Number(value);
  if (value === 'true') return true;
  if (value === 'false') return false;
  return value;
}

const CLUSTER = ['cluster'];

/**
 * Every environment variable SessionModule reads, and nothing else. The README's configuration
 * table and `.env.example` are checked against it (session-env.docs.spec.ts). Bounds and defaults
 * are not here: they belong to the resolver, which checks `forRoot` options the same way.
 */
export const SESSION_ENVIRONMENT: readonly EnvRow[] = [
  {
    env: 'NODE_ENV',
    path: 'production',
    parse: nodeEnv,
    show: (v) => (v === 'true' ? 'production' : 'development'),
  },
  { env: 'SESSION_SECRET', path: 'secrets', parse: list },
  // `redis` with REDIS_CLUSTER_NODES means the cluster store (see storeKindFromEnv).
  { env: 'SESSION_STORE', path: 'store.kind', parse: text },
  { env: 'REDIS_URL', path: 'store.url', kinds: ['redis'], parse: text },
  { env: 'REDIS_CLUSTER_NODES', path: 'store.nodes', kinds: CLUSTER, parse: list },
  { env: 'REDIS_CLUSTER_USERNAME', path: 'store.username', kinds: CLUSTER, parse: text },
  { env: 'REDIS_CLUSTER_PASSWORD', path: 'store.password', kinds: CLUSTER, parse: text },
  { env: 'REDIS_CLUSTER_TLS', path: 'store.tls', kinds: CLUSTER, parse: bool },
  { env: 'DATABASE_URL', path: 'store.url', kinds: ['postgres'], parse: text },
  { env: 'SESSION_KEY_PREFIX', path: 'store.keyPrefix', kinds: ['redis', 'cluster'], parse: text },
  { env: 'SESSION_STORE_TIMEOUT_MS', path: 'store.timeoutMs', parse: int },
  { env: 'SESSION_COOKIE_NAME', path: 'cookie.name', parse: text },
  { env: 'COOKIE_SECURE', path: 'cookie.secure', parse: secure },
  { env: 'COOKIE_SAMESITE', path: 'cookie.sameSite', parse: text },
  { env: 'COOKIE_DOMAIN', path: 'cookie.domain', parse: text },
  { env: 'SESSION_IDLE_TIMEOUT', path: 'timeouts.idleSeconds', parse: int },
  { env: 'SESSION_ABSOLUTE_TIMEOUT', path: 'timeouts.absoluteSeconds', parse: int },
  { env: 'SESSION_TOUCH_FRACTION', path: 'timeouts.touchFraction', parse: number },
  { env: 'SESSION_RECENT_LOGIN_WINDOW', path: 'timeouts.recentLoginSeconds', parse: int },
  { env: 'SESSION_MAX_PER_USER', path: 'maxSessionsPerUser', parse: int },
  { env: 'REMEMBER_ME_TTL', path: 'rememberMe.ttlSeconds', parse: int },
  { env: 'LOGIN_ACCOUNT_MAX_FAILURES', path: 'loginThrottle.accountMaxFailures', parse: int },
  { env: 'LOGIN_ACCOUNT_LOCKOUT', path: 'loginThrottle.accountLockoutSeconds', parse: int },
  { env: 'LOGIN_ACCOUNT_LOCKOUT_MAX', path: 'loginThrottle.accountMaxLockoutSeconds', parse: int },
  { env: 'LOGIN_IP_MAX_FAILURES', path: 'loginThrottle.ipMaxFailures', parse: int },
  { env: 'LOGIN_IP_WINDOW', path: 'loginThrottle.ipWindowSeconds', parse: int },
  { env: 'AUDIT_LOG', path: 'audit.log', parse: bool },
  { env: 'SECOND_FACTOR_TIMEOUT', path: 'secondFactor.pendingSeconds', parse: int },
  { env: 'SECOND_FACTOR_ISSUER', path: 'secondFactor.issuer', parse: text },
  { env: 'SECOND_FACTOR_URL', path: 'secondFactor.pageUrl', parse: text },
  { env: 'TRUST_PROXY', path: 'trustProxy', parse: trustProxy },
  { env: 'LOGIN_URL', path: 'loginUrl', parse: text },
  { env: 'CORS_ORIGINS', path: 'cors.origins', parse: list },
  { env: 'CSRF_ENABLED', path: 'csrf.enabled', parse: bool },
  { env: 'CSRF_COOKIE_NAME', path: 'csrf.cookieName', parse: text },
  { env: 'CSRF_HEADER_NAME', path: 'csrf.headerName', parse: text },
  { env: 'SECURITY_HEADERS', path: 'securityHeaders', parse: bool },
];

/** The variable that sets `path` for a store of `kind`, if any. */
export function envRowOf(path: string, kind?: string): EnvRow | undefined {
  return SESSION_ENVIRONMENT.find(
    (row) => row.path === path && (!row.kinds || !kind || row.kinds.includes(kind)),
  );
}

/**
 * The store kind the environment describes. SESSION_STORE names it; without it REDIS_URL means
 * `redis` and REDIS_CLUSTER_NODES the cluster. Both at once cannot mean anything.
 */
export function storeKindFromEnv(env: Record<string, string>): string | undefined {
  const named = env.SESSION_STORE;
  if (named !== undefined && named !== 'redis') return named;
  if (env.REDIS_URL && env.REDIS_CLUSTER_NODES) {
    throw new SessionSetupError(
      'set REDIS_URL for one Redis or REDIS_CLUSTER_NODES for a Redis Cluster, not both',
      'store.kind',
    );
  }
  if (env.REDIS_CLUSTER_NODES) return 'cluster';
  return env.REDIS_URL || named ? 'redis' : undefined;
}

/** Options objects built from the environment: their errors name variables, not option paths. */
export const optionsFromEnvironment = new WeakSet<object>();
