import { randomBytes } from 'node:crypto';
import { isExactOrigin } from './cors-origins.js';
import { SessionSetupError } from '../errors/session-setup.error.js';
import type {
  LoginThrottleOptions,
  PasswordHashOptions,
  SameSiteSetting,
  SessionModuleOptions,
} from './session-options.interface.js';
import { type ResolvedStoreOptions, resolveStoreOptions } from './store-options.resolver.js';

export { SessionSetupError };

export interface ResolvedSessionOptions extends ResolvedStoreOptions {
  secrets: string[];
  production: boolean;
  storeTimeoutMs: number;
  memoryStoreMax: number;
  cookieName: string;
  cookieSecure: boolean;
  cookieSameSite: SameSiteSetting;
  cookieDomain?: string;
  idleTimeoutSeconds: number;
  absoluteTimeoutSeconds: number;
  /** Milliseconds between two extensions of a session's expiry (idle timeout × touchFraction). */
  touchIntervalMs: number;
  recentLoginSeconds: number;
  loginThrottle: Required<LoginThrottleOptions>;
  auditLog: boolean;
  trustProxy?: string | number | boolean;
  loginUrl: string;
  passwordHash: Required<PasswordHashOptions>;
  corsOrigins: string[];
  csrf: boolean;
  csrfCookieName: string;
  csrfHeaderName: string;
  securityHeaders: boolean;
  /** True when no secret was given and one was generated (development only). */
  generatedSecret: boolean;
}

export const MIN_PRODUCTION_SECRET_LENGTH = 32;

/** OWASP's argon2id parameters: m=19456 KiB, t=2, p=1. */
export const DEFAULT_PASSWORD_HASH_OPTIONS: Readonly<Required<PasswordHashOptions>> = {
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
};

/** Fills defaults and refuses settings that are unsafe, in production above all. */
export function resolveSessionOptions(options: SessionModuleOptions): ResolvedSessionOptions {
  const production = options.production ?? false;
  const secrets = (options.secrets ?? []).map((s) => s.trim()).filter((s) => s.length > 0);
  const generatedSecret = secrets.length === 0;
  if (generatedSecret) {
    if (production) {
      throw new SessionSetupError(
        'SESSION_SECRET is required when NODE_ENV=production. ' +
          'Generate one with: openssl rand -base64 48',
      );
    }
    // Development only: a per-process secret means sessions end on restart, which is fine there.
    secrets.push(randomBytes(32).toString('base64url'));
  }
  if (production) assertStrongSecrets(secrets);

  const storeOptions = resolveStoreOptions(options, production);

  const cookieSecure = options.cookieSecure ?? production;
  const cookieSameSite = options.cookieSameSite ?? 'lax';
  const cookieName = options.cookieName ?? (cookieSecure ? '__Host-sid' : 'sid');
  assertCookieCoherent(cookieName, cookieSecure, cookieSameSite, options.cookieDomain);

  const idleTimeoutSeconds = positiveInt(options.idleTimeoutSeconds ?? 1800, 'idleTimeoutSeconds');
  const absoluteTimeoutSeconds = positiveInt(
    options.absoluteTimeoutSeconds ?? 43200,
    'absoluteTimeoutSeconds',
  );

  const touchFraction = options.touchFraction ?? 0.1;
  if (!(touchFraction >= 0 && touchFraction <= 0.5)) {
    throw new SessionSetupError(`touchFraction must be from 0 to 0.5, got ${touchFraction}`);
  }

  return {
    secrets,
    production,
    ...storeOptions,
    storeTimeoutMs: positiveInt(options.storeTimeoutMs ?? 1500, 'storeTimeoutMs'),
    memoryStoreMax: positiveInt(options.memoryStoreMax ?? 10_000, 'memoryStoreMax'),
    cookieName,
    cookieSecure,
    cookieSameSite,
    cookieDomain: options.cookieDomain || undefined,
    idleTimeoutSeconds,
    absoluteTimeoutSeconds,
    touchIntervalMs: Math.round(idleTimeoutSeconds * 1000 * touchFraction),
    recentLoginSeconds: positiveInt(options.recentLoginSeconds ?? 900, 'recentLoginSeconds'),
    loginThrottle: resolveLoginThrottle(options.loginThrottle ?? {}),
    auditLog: options.auditLog ?? true,
    trustProxy: options.trustProxy,
    loginUrl: options.loginUrl ?? '/login',
    passwordHash: { ...DEFAULT_PASSWORD_HASH_OPTIONS, ...options.passwordHash },
    corsOrigins: parseCorsOrigins(options.corsOrigins ?? []),
    csrf: options.csrf ?? true,
    csrfCookieName: csrfCookieName(options.csrfCookieName, cookieName),
    csrfHeaderName: options.csrfHeaderName ?? 'X-XSRF-TOKEN',
    securityHeaders: options.securityHeaders ?? true,
    generatedSecret,
  };
}

function resolveLoginThrottle(options: LoginThrottleOptions): Required<LoginThrottleOptions> {
  const resolved = {
    accountMaxFailures: positiveInt(options.accountMaxFailures ?? 5, 'accountMaxFailures'),
    accountLockoutSeconds: positiveInt(
      options.accountLockoutSeconds ?? 60,
      'accountLockoutSeconds',
    ),
    accountMaxLockoutSeconds: positiveInt(
      options.accountMaxLockoutSeconds ?? 900,
      'accountMaxLockoutSeconds',
    ),
    ipMaxFailures: positiveInt(options.ipMaxFailures ?? 100, 'ipMaxFailures'),
    ipWindowSeconds: positiveInt(options.ipWindowSeconds ?? 3600, 'ipWindowSeconds'),
  };
  if (resolved.accountMaxLockoutSeconds < resolved.accountLockoutSeconds) {
    throw new SessionSetupError(
      'LOGIN_ACCOUNT_LOCKOUT_MAX must be at least LOGIN_ACCOUNT_LOCKOUT ' +
        `(${resolved.accountMaxLockoutSeconds} < ${resolved.accountLockoutSeconds})`,
    );
  }
  return resolved;
}

function assertStrongSecrets(secrets: string[]): void {
  for (const [i, secret] of secrets.entries()) {
    // Length alone lets 'aaaa…' through; a handful of distinct characters rules out placeholders.
    if (secret.length < MIN_PRODUCTION_SECRET_LENGTH || new Set(secret).size < 10) {
      throw new SessionSetupError(
        `SESSION_SECRET entry ${i + 1} is too weak for NODE_ENV=production: use at least ` +
          `${MIN_PRODUCTION_SECRET_LENGTH} random characters, e.g. from: openssl rand -base64 48`,
      );
    }
  }
}

function assertCookieCoherent(
  name: string,
  secure: boolean,
  sameSite: SameSiteSetting,
  domain: string | undefined,
): void {
  // Browsers drop SameSite=None cookies that are not Secure, so the session would silently vanish.
  if (sameSite === 'none' && !secure) {
    throw new SessionSetupError(
      'COOKIE_SAMESITE=none requires a Secure cookie: set COOKIE_SECURE=true (and serve HTTPS).',
    );
  }
  // Browsers refuse __Host- cookies that are not Secure or carry a Domain.
  if (name.startsWith('__Host-') && (!secure || domain)) {
    throw new SessionSetupError(
      `SESSION_COOKIE_NAME=${name} needs COOKIE_SECURE=true and no COOKIE_DOMAIN ` +
        '(browsers reject __Host- cookies otherwise).',
    );
  }
  if (name.startsWith('__Secure-') && !secure) {
    throw new SessionSetupError(`SESSION_COOKIE_NAME=${name} needs COOKIE_SECURE=true.`);
  }
}

function parseCorsOrigins(origins: readonly string[]): string[] {
  const list = origins.map((o) => o.trim()).filter((o) => o.length > 0);
  for (const [i, origin] of list.entries()) {
    if (!isExactOrigin(origin)) {
      throw new SessionSetupError(
        `CORS_ORIGINS entry ${i + 1} (${JSON.stringify(origin)}) is not an exact origin: write ` +
          'scheme://host[:port] such as https://app.example.com, with no path, no trailing ' +
          'slash and no *.',
      );
    }
  }
  return list;
}

/**
 * `__Host-XSRF-TOKEN` beside a `__Host-` session cookie: the browser then takes the CSRF cookie
 * only from this very host, over HTTPS, so a sibling subdomain cannot plant a pre-session token
 * of its choosing (only the Origin check would stop that login CSRF). Else `XSRF-TOKEN`, axios's
 * default name.
 */
function csrfCookieName(name: string | undefined, sessionCookieName: string): string {
  const chosen =
    name ?? (sessionCookieName.startsWith('__Host-') ? '__Host-XSRF-TOKEN' : 'XSRF-TOKEN');
  if (chosen === sessionCookieName) {
    throw new SessionSetupError(
      `CSRF_COOKIE_NAME must differ from the session cookie name (${sessionCookieName}).`,
    );
  }
  return chosen;
}

function positiveInt(value: number, field: string): number {
  if (!Number.isInteger(value) || value <= 0) {
    throw new SessionSetupError(`${field} must be a positive whole number, got ${value}`);
  }
  return value;
}
