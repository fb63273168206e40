import type { NestMiddleware, Type } from '@nestjs/common';

export type SessionStoreKind = 'redis' | 'memory' | 'postgres';
export type SameSiteSetting = 'lax' | 'strict' | 'none';

/** Argon2id cost parameters. Defaults are OWASP's (m=19456 KiB, t=2, p=1). */
export interface PasswordHashOptions {
  /** Memory in KiB. Default 19456 (19 MiB), OWASP's minimum for argon2id. */
  memoryCost?: number;
  /** Iterations. Default 2. */
  timeCost?: number;
  /** Lanes. Default 1: more lanes only help when a login has cores to spare. */
  parallelism?: number;
}

/**
 * Brute-force throttling of sign-in (ASVS 5.0 V6.3.1). Counters live in the session store's Redis
 * when there is one, so limits hold across instances; otherwise in this process.
 */
export interface LoginThrottleOptions {
  /** Failed sign-ins in a row (whatever the client IP) that lock the account. Default 5. */
  accountMaxFailures?: number;
  /** Seconds of the first lockout; each further failure after a lockout doubles it. Default 60. */
  accountLockoutSeconds?: number;
  /**
   * Longest lockout in seconds. Default 900 (15 min): long enough to make online guessing slow,
   * short enough that an attacker cannot lock the real owner out for long.
   */
  accountMaxLockoutSeconds?: number;
  /** Failed sign-ins one client IP may make per window, whatever the accounts. Default 100. */
  ipMaxFailures?: number;
  /** Length of the per-IP window in seconds. Default 3600 (1 h). */
  ipWindowSeconds?: number;
}

/** Options of `SessionModule.forRoot` / `forRootAsync`. Every field but `secrets` has a default. */
export interface SessionModuleOptions {
  /**
   * Secrets for signing the session cookie. The first signs; all of them verify, so a new secret
   * can be put first while the old one still accepts existing cookies (rotation).
   * In production each must be at least 32 characters.
   */
  secrets: string[];
  /** `true` when NODE_ENV=production: turns weak settings into boot errors. Default false. */
  production?: boolean;
  /**
   * Where sessions live. Default `redis` when `redisUrl` or `redisClusterNodes` is set, else
   * `memory`. `postgres` is never picked on its own: apps often set DATABASE_URL for their own data.
   */
  store?: SessionStoreKind;
  /** node-redis URL, e.g. `redis://127.0.0.1:6379`. The `redis` store needs it or `redisClusterNodes`. */
  redisUrl?: string;
  /**
   * Redis Cluster nodes as `host:port` (a few masters are enough; the rest are discovered).
   * Use instead of `redisUrl` when sessions outgrow one Redis. Default none.
   */
  redisClusterNodes?: string[];
  /** ACL user for every Redis Cluster node (Redis 6+); needs `redisClusterPassword`. Default none. */
  redisClusterUsername?: string;
  /** Password (AUTH) for every Redis Cluster node: `requirepass`, or the ACL user's. Default none. */
  redisClusterPassword?: string;
  /**
   * Talk to every Redis Cluster node over TLS. The nodes' certificates must chain to a CA Node
   * trusts: a public one, or your own through `NODE_EXTRA_CA_CERTS=/path/ca.pem`. Default false.
   */
  redisClusterTls?: boolean;
  /** PostgreSQL connection string, e.g. `postgres://app:secret@db:5432/app`. Required for `postgres`. */
  databaseUrl?: string;
  /**
   * Seconds between deletions of expired rows by the `postgres` store (each instance waits 50-150 %
   * of it, so instances do not prune together). Default 900, connect-pg-simple's 15 minutes.
   */
  pruneIntervalSeconds?: number;
  /** Key prefix in Redis. Default `sess:`. */
  keyPrefix?: string;
  /**
   * Milliseconds a store command (and the first connection) may take before the request is
   * answered 503. Default 1500, so an outage is reported well within 2 s instead of hanging.
   */
  storeTimeoutMs?: number;
  /** Most sessions the embedded store keeps before evicting the least recently used. Default 10000. */
  memoryStoreMax?: number;
  /** Cookie name. Default `__Host-sid` when Secure (the prefix pins it to this host), else `sid`. */
  cookieName?: string;
  /** Secure cookie. Default `production`: HTTPS-only in production, plain HTTP in development. */
  cookieSecure?: boolean;
  /** SameSite. Default `lax`: sent on top-level navigations, not on cross-site subrequests. */
  cookieSameSite?: SameSiteSetting;
  /** Cookie Domain. Default none (host-only), which `__Host-` cookies require. */
  cookieDomain?: string;
  /** Seconds a session may sit unused before it is gone. Default 1800 (30 min). */
  idleTimeoutSeconds?: number;
  /** Seconds from login after which a session ends even if active. Default 43200 (12 h). */
  absoluteTimeoutSeconds?: number;
  /**
   * Share of the idle timeout that must pass before a request extends the session's expiry and
   * refreshes `lastSeenAt`. Default 0.1: most read-only requests then cost one store read and no
   * write, and a session may end up to this share earlier than `idleTimeoutSeconds` after its
   * last request. 0 extends on every request; at most 0.5.
   */
  touchFraction?: number;
  /**
   * Seconds since sign-in within which `@RequireRecentLogin()` routes (password change, session
   * revocation) are allowed; older sessions get 401 `reauth_required`. Default 900 (15 min).
   */
  recentLoginSeconds?: number;
  /** Brute-force limits on sign-in. */
  loginThrottle?: LoginThrottleOptions;
  /**
   * Write each audit event (sign-in, sign-out, revocation, password change, throttling) as one
   * JSON line through Nest's Logger (context `SessionAudit`). Default true. Events are also
   * emitted on the app's EventEmitter2 when `EventEmitterModule` is imported.
   */
  auditLog?: boolean;
  /**
   * Express's `trust proxy` setting (e.g. `loopback`, `1`). Default unset: X-Forwarded-* are
   * ignored, so a client cannot claim HTTPS or another IP. Set it when behind nginx.
   */
  trustProxy?: string | number | boolean;
  /** Where browser navigations without a session are sent. Default `/login`. */
  loginUrl?: string;
  /** Argon2id parameters. */
  passwordHash?: PasswordHashOptions;
  /**
   * Origins allowed to call the API with credentials (CORS), each exact: `https://app.example.com`
   * (scheme, host and port; no path, no `*`). They get `Access-Control-Allow-Origin: <origin>` and
   * `Access-Control-Allow-Credentials: true`; every other origin gets no CORS headers at all.
   * They are also the only foreign origins the CSRF origin check accepts. Default none.
   */
  corsOrigins?: string[];
  /**
   * CSRF protection on every POST, PUT, PATCH and DELETE, login and logout included: an Origin
   * check plus a token bound to the session (see docs/spa.md). Default true;
   * turn it off only if the app has its own CSRF defence.
   */
  csrf?: boolean;
  /**
   * The readable cookie carrying the CSRF token. Default `__Host-XSRF-TOKEN` when the session
   * cookie is `__Host-` (so no sibling subdomain can plant one; set axios's `xsrfCookieName` to
   * it), else `XSRF-TOKEN`, the name axios reads. It gets the session cookie's Secure, SameSite
   * and Domain.
   */
  csrfCookieName?: string;
  /** The request header carrying the CSRF token. Default `X-XSRF-TOKEN`, the one axios sends. */
  csrfHeaderName?: string;
  /**
   * Security headers through helmet, with a CSP that suits JSON and plain server-rendered pages,
   * and `Strict-Transport-Security` when the cookie is Secure. Default true.
   */
  securityHeaders?: boolean;
  /** Make the module global so `SessionGuard` can be used anywhere. Default true. */
  isGlobal?: boolean;
  /**
   * Mount the module's routes (`/auth/login`, `/auth/logout`, `/auth/me`, `/auth/csrf`,
   * `/auth/sessions`, `/auth/password`). Default true. `false` keeps everything else (sessions,
   * CSRF, `SessionGuard`, the exported services) for apps that write their own routes on top of
   * `AuthService`. Like `isGlobal`, `forRootAsync` takes it next to `useFactory`, since Nest
   * must know the controllers before any factory runs.
   */
  routes?: boolean;
  /**
   * A middleware class that replaces the built-in CORS step, or `false` to leave CORS to the app
   * (`corsOrigins` then still feed the CSRF origin check). Built by Nest inside SessionModule.
   * Default: the built-in `CorsMiddleware`.
   */
  corsMiddleware?: Type<NestMiddleware> | false;
  /**
   * A middleware class that replaces the built-in helmet step (turned off by
   * `securityHeaders: false`). Built by Nest inside SessionModule. Default: the built-in one.
   */
  securityHeadersMiddleware?: Type<NestMiddleware>;
  /**
   * A middleware class that replaces the CSRF step (turned off by `csrf: false`), usually a
   * subclass of `CsrfMiddleware` that overrides one protected step. Built by Nest inside
   * SessionModule, so it gets `SESSION_OPTIONS` and `CsrfService`. Default: `CsrfMiddleware`.
   */
  csrfMiddleware?: Type<NestMiddleware>;
}
