import { registerAs } from '@nestjs/config';
import type {
  SameSiteSetting,
  SessionModuleOptions,
  SessionStoreKind,
} from './session-options.interface.js';
import { validateSessionEnvironment } from './session-env.validation.js';

/**
 * The `session` configuration namespace, read from the environment and validated at boot.
 * Use it with `SessionModule.forRootAsync({ inject: [sessionConfig.KEY], useFactory: (c) => c })`.
 */
export const sessionConfig = registerAs('session', (): SessionModuleOptions => {
  return sessionOptionsFromEnv(process.env);
});

export function sessionOptionsFromEnv(env: NodeJS.ProcessEnv): SessionModuleOptions {
  const e = validateSessionEnvironment(env);
  const production = e.NODE_ENV === 'production';
  return {
    production,
    secrets: (e.SESSION_SECRET ?? '').split(','),
    store: e.SESSION_STORE as SessionStoreKind | undefined,
    redisUrl: e.REDIS_URL,
    redisClusterNodes: e.REDIS_CLUSTER_NODES?.split(','),
    redisClusterUsername: e.REDIS_CLUSTER_USERNAME,
    redisClusterPassword: e.REDIS_CLUSTER_PASSWORD,
    redisClusterTls: parseBoolean(e.REDIS_CLUSTER_TLS),
    databaseUrl: e.SESSION_STORE === 'postgres' ? e.DATABASE_URL : undefined,
    keyPrefix: e.SESSION_KEY_PREFIX,
    storeTimeoutMs: e.SESSION_STORE_TIMEOUT_MS,
    cookieName: e.SESSION_COOKIE_NAME,
    cookieSecure: parseSecure(e.COOKIE_SECURE, production),
    cookieSameSite: e.COOKIE_SAMESITE as SameSiteSetting | undefined,
    cookieDomain: e.COOKIE_DOMAIN,
    idleTimeoutSeconds: e.SESSION_IDLE_TIMEOUT,
    absoluteTimeoutSeconds: e.SESSION_ABSOLUTE_TIMEOUT,
    maxSessionsPerUser: e.SESSION_MAX_PER_USER,
    touchFraction: e.SESSION_TOUCH_FRACTION,
    recentLoginSeconds: e.SESSION_RECENT_LOGIN_WINDOW,
    loginThrottle: {
      accountMaxFailures: e.LOGIN_ACCOUNT_MAX_FAILURES,
      accountLockoutSeconds: e.LOGIN_ACCOUNT_LOCKOUT,
      accountMaxLockoutSeconds: e.LOGIN_ACCOUNT_LOCKOUT_MAX,
      ipMaxFailures: e.LOGIN_IP_MAX_FAILURES,
      ipWindowSeconds: e.LOGIN_IP_WINDOW,
    },
    auditLog: e.AUDIT_LOG === undefined ? undefined : e.AUDIT_LOG === 'true',
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    loginUrl: e.LOGIN_URL,
    corsOrigins: e.CORS_ORIGINS?.split(','),
    csrf: parseBoolean(e.CSRF_ENABLED),
    csrfCookieName: e.CSRF_COOKIE_NAME,
    csrfHeaderName: e.CSRF_HEADER_NAME,
    securityHeaders: parseBoolean(e.SECURITY_HEADERS),
  };
}

function parseSecure(value: string | undefined, production: boolean): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  return production;
}

function parseBoolean(value: string | undefined): boolean | undefined {
  return value === undefined ? undefined : value === 'true';
}

/** Express reads numbers as hop counts and 'true'/'false' as booleans; anything else as a list. */
export function parseTrustProxy(value: string | undefined): string | number | boolean | undefined {
  if (value === undefined) return undefined;
  if (/^\d+$/.test(value)) return Number(value);
  if (value === 'true') return true;
  if (value === 'false') return false;
  return value;
}
