// The options an app passes to SessionModule.forRoot / forRootAsync, nested by concern. Every
// default and bound named here is enforced in one place: session-options.rules.ts.
import type { NestMiddleware, Type } from '@nestjs/common';
import type { SessionBackend } from '../session-backend.interface.js';

export type SameSiteSetting = 'lax' | 'strict' | 'none';

/** Settings every store shares. */
export interface StoreCommonOptions {
  /**
   * Milliseconds a store command (and the first connection) may take before the request is
   * answered 503, from 50 to 60000. Default 1500, so an outage is reported well within 2 s
   * instead of hanging. It sits on `store` because it is a property of the backend, and the
   * health indicator uses it for an app-supplied backend too.
   */
  timeoutMs?: number;
}

/** One Redis (node-redis). */
export interface RedisStoreOptions extends StoreCommonOptions {
  kind: 'redis';
  /** node-redis URL, e.g. `redis://127.0.0.1:6379` or `rediss://…` for TLS. */
  url: string;
  /** Key prefix in Redis, 1-64 characters of `A-Z a-z 0-9 : _ { } . -`. Default `sess:`. */
  keyPrefix?: string;
}

/** A Redis Cluster: a few masters are enough, the rest are discovered. */
export interface RedisClusterStoreOptions extends StoreCommonOptions {
  kind: 'cluster';
  /** Some nodes as `host:port` (a bracketed IPv6 host such as `[::1]:7000` is fine). */
  nodes: string[];
  /** ACL user for every node (Redis 6+); needs `password`. Default none. */
  username?: string;
  /** Password (AUTH) for every node: `requirepass`, or the ACL user's. Default none. */
  password?: string;
  /**
   * TLS to every node. The certificates must chain to a CA Node trusts: a public one, or your
   * own through `NODE_EXTRA_CA_CERTS=/path/ca.pem`. Default false.
   */
  tls?: boolean;
  /**
   * Key prefix, as for `redis`. Default `sess:`. No `{hash tag}`: it would put every session on
   * one master.
   */
  keyPrefix?: string;
}

/** PostgreSQL (connect-pg-simple); the table is created at startup. */
export interface PostgresStoreOptions extends StoreCommonOptions {
  kind: 'postgres';
  /** Connection string, e.g. `postgres://app:secret@db:5432/app`. */
  url: string;
  /**
   * Seconds between deletions of expired rows, from 1 to 86400 (each instance waits 50-150 % of
   * it, so instances do not prune together). Default 900, connect-pg-simple's 15 minutes.
   */
  pruneIntervalSeconds?: number;
}

/** The embedded, bounded in-process store: development only (refused in production). */
export interface MemoryStoreOptions extends StoreCommonOptions {
  kind: 'memory';
  /** Most sessions kept before the least recently used is evicted. Default 10000. */
  max?: number;
}

/** A backend the app builds itself, as `@nestjs/throttler` takes its `storage`. */
export interface CustomStoreOptions extends StoreCommonOptions {
  kind: 'custom';
  backend: SessionBackend;
}

/** Where sessions live. */
export type SessionStoreOptions =
  | RedisStoreOptions
  | RedisClusterStoreOptions
  | PostgresStoreOptions
  | MemoryStoreOptions
  | CustomStoreOptions;

export type SessionStoreKind = SessionStoreOptions['kind'];

/** The session cookie. */
export interface SessionCookieOptions {
  /**
   * Cookie name (a cookie-name token). Default `__Host-sid` when Secure (the prefix pins the
   * cookie to this host), else `sid`.
   */
  name?: string;
  /**
   * Secure cookie. Default `production`: HTTPS-only in production, plain HTTP in development.
   * With it, sign-in over plain HTTP is refused (403 `https_required`).
   */
  secure?: boolean;
  /**
   * SameSite. Default `lax`: sent on top-level navigations, not on cross-site subrequests.
   * `none` (an SPA on another site) requires `secure`.
   */
  sameSite?: SameSiteSetting;
  /** Cookie Domain. Default none (host-only), which `__Host-` cookies require. */
  domain?: string;
}

/** How long sessions live. Every number of seconds is from 1 to 31536000 (a year). */
export interface SessionTimeoutOptions {
  /** Seconds a session may sit unused before it is gone (the store's TTL). Default 1800 (30 min). */
  idleSeconds?: number;
  /** Seconds from sign-in after which a session ends even if active. Default 43200 (12 h). */
  absoluteSeconds?: number;
  /**
   * Share of the idle timeout that must pass before a request extends the session's expiry and
   * refreshes `lastSeenAt`, from 0 to 0.5. Default 0.1: most read-only requests then cost one
   * store read and no write, and a session may end up to this share earlier than `idleSeconds`
   * after its last request. 0 extends on every request.
   */
  touchFraction?: number;
  /**
   * Seconds since sign-in within which `@RequireRecentLogin()` routes (password change, session
   * revocation) are allowed; older sessions get 401 `reauth_required`. Default 900 (15 min).
   */
  recentLoginSeconds?: number;
}

/**
 * "Remember me": a sign-in with `remember: true` also gets a long-lived cookie that signs the
 * browser in again, on a new session, once its session has ended (docs/security-model.md).
 */
export interface RememberMeOptions {
  /** Accept `remember: true` at sign-in. Default true; false ignores it and issues no cookie. */
  enabled?: boolean;
  /**
   * Seconds a remember-me token lives from the sign-in that issued it (using it does not extend
   * it), from 60 to 31536000. Default 2592000 (30 days).
   */
  ttlSeconds?: number;
  /**
   * Seconds after a token was used during which its previous value, presented again, is taken for
   * a request that raced the one that used it (the same browser sending two requests at once):
   * that request goes on signed out and nothing is revoked. Past it, the previous value means the
   * token was stolen, and every session and token of the user ends. From 0 to 60. Default 5.
   */
  raceWindowSeconds?: number;
}

/** CSRF protection on every POST, PUT, PATCH and DELETE, login and logout included. */
export interface CsrfOptions {
  /**
   * An Origin check plus a token bound to the session (see README, "Using it from an SPA").
   * Default true; turn it off only if the app has its own CSRF defence.
   */
  enabled?: boolean;
  /**
   * The readable cookie carrying the token. Default `__Host-XSRF-TOKEN` when the session cookie
   * is `__Host-` (so no sibling subdomain can plant one; set axios's `xsrfCookieName` to it),
   * else `XSRF-TOKEN`, the name axios reads. It gets the session cookie's Secure, SameSite and
   * Domain, and must not share its name.
   */
  cookieName?: string;
  /** The request header carrying the token. Default `X-XSRF-TOKEN`, the one axios sends. */
  headerName?: string;
}

/** Cross-origin callers. */
export interface CorsOptions {
  /**
   * Origins allowed to call the API with credentials, each exact: `https://app.example.com`
   * (scheme, host and port; no path, no `*`). They get `Access-Control-Allow-Origin: <origin>` and
   * `Access-Control-Allow-Credentials: true`; every other origin gets no CORS headers at all.
   * They are also the only foreign origins the CSRF origin check accepts. Default none.
   */
  origins?: string[];
}

/** Argon2id cost parameters. Defaults are OWASP's (m=19456 KiB, t=2, p=1). */
export interface PasswordHashOptions {
  /** Memory in KiB, from 8 to 4194304. Default 19456 (19 MiB), OWASP's minimum for argon2id. */
  memoryCost?: number;
  /** Iterations, from 1 to 100. Default 2. */
  timeCost?: number;
  /** Lanes, from 1 to 64. Default 1: more lanes only help when a login has cores to spare. */
  parallelism?: number;
}

/**
 * Brute-force throttling of sign-in (ASVS 5.0 V6.3.1). Counters live in the session store's Redis
 * when there is one, so limits hold across instances; otherwise in this process.
 */
export interface LoginThrottleOptions {
  /** Failed sign-ins in a row (whatever the client IP) that lock the account, 1-1000. Default 5. */
  accountMaxFailures?: number;
  /**
   * Seconds of the first lockout, 1-86400; each further failure after a lockout doubles it.
   * Default 60.
   */
  accountLockoutSeconds?: number;
  /**
   * Longest lockout in seconds, from `accountLockoutSeconds` to 86400. Default 900 (15 min): long
   * enough to make online guessing slow, short enough that an attacker cannot lock the real owner
   * out for long.
   */
  accountMaxLockoutSeconds?: number;
  /** Failed sign-ins one client IP may make per window, 1-1000000. Default 100. */
  ipMaxFailures?: number;
  /** Length of the per-IP window in seconds, 1-86400. Default 3600 (1 h). */
  ipWindowSeconds?: number;
}

/** The audit trail. */
export interface AuditOptions {
  /**
   * Write each audit event (sign-in, sign-out, revocation, password change, throttling) as one
   * JSON line through Nest's Logger (context `SessionAudit`). Default true. Events are also
   * emitted on the app's EventEmitter2 when `EventEmitterModule` is imported.
   */
  log?: boolean;
}

/**
 * TOTP second factor (RFC 6238). On for every user who enrolled, as soon as the app's
 * `UserDirectory` implements the second-factor methods; these options only tune it.
 */
export interface SecondFactorOptions {
  /**
   * Seconds a sign-in whose password checked out may wait for its code, from 1 to 3600. Default
   * 300 (5 min): long enough to open an authenticator app, short enough that a half-finished
   * sign-in on a shared computer does not linger.
   */
  pendingSeconds?: number;
  /**
   * The issuer an authenticator app shows beside the account (the otpauth URI's `issuer`),
   * 1-64 characters without `:`. Default `nest-session-auth`; set it to the app's name.
   */
  issuer?: string;
  /**
   * Where a form sign-in goes after the password step of a user with a second factor: a path on
   * this site that shows a code field posting to `POST /auth/second-factor`. Default
   * `/login/second-factor`.
   */
  pageUrl?: string;
}

/** Where the module's routes go (the `routes` option). */
export interface SessionRoutesOptions {
  /** The controllers' path, e.g. `account` or `api/v1/auth`. Default `auth`. */
  path?: string;
}

/** Options of `SessionModule.forRoot` / `forRootAsync`. Every field but `secrets` has a default. */
export interface SessionModuleOptions {
  /**
   * Secrets for signing the session cookie. The first signs; all of them verify, so a new secret
   * can be put first while the old one still accepts existing cookies (rotation). Default: none
   * in production (a boot error); in development one random secret per process, with a warning,
   * so sessions end on restart. In production each must be at least 32 random characters.
   */
  secrets: string[];
  /** Production mode: turns weak settings into boot errors. Default false. */
  production?: boolean;
  /**
   * Where sessions live. Default `{ kind: 'memory' }`, which production refuses: it loses every
   * session on restart and is not shared between instances.
   */
  store?: SessionStoreOptions;
  /**
   * Most sessions one user may have: a sign-in beyond it ends the user's oldest session first.
   * Costs one listing of the user's sessions per sign-in. Default none (no cap); 1 to 10000.
   */
  maxSessionsPerUser?: number;
  /** The session cookie. */
  cookie?: SessionCookieOptions;
  /** Idle and absolute timeouts, touch throttling and the recent-login window. */
  timeouts?: SessionTimeoutOptions;
  /** "Remember me" at sign-in: the long-lived cookie and its tokens. */
  rememberMe?: RememberMeOptions;
  /** CSRF protection. */
  csrf?: CsrfOptions;
  /** Origins allowed to call the API with credentials. */
  cors?: CorsOptions;
  /** Brute-force limits on sign-in. */
  loginThrottle?: LoginThrottleOptions;
  /** Argon2id parameters. */
  passwordHash?: PasswordHashOptions;
  /** The audit log. */
  audit?: AuditOptions;
  /** The TOTP second factor (on when the UserDirectory supports it). */
  secondFactor?: SecondFactorOptions;
  /**
   * Express's `trust proxy` setting (e.g. `loopback`, `1`). Default unset: X-Forwarded-* are
   * ignored, so a client cannot claim HTTPS or another IP. Set it when behind nginx.
   */
  trustProxy?: string | number | boolean;
  /**
   * Where browser navigations without a session are sent: a path on this site, such as `/login`
   * (never `//host`, which would be an open redirect). Default `/login`.
   */
  loginUrl?: string;
  /**
   * Security headers through helmet, with a CSP that suits JSON and plain server-rendered pages,
   * and `Strict-Transport-Security` when the cookie is Secure. Default true.
   */
  securityHeaders?: boolean;
  /** Make the module global so `SessionGuard` can be used anywhere. Default true. */
  isGlobal?: boolean;
  /**
   * Mount the module's routes (`/auth/login`, `/auth/logout`, `/auth/me`, `/auth/csrf`,
   * `/auth/sessions`, `/auth/password`). Default true; `{ path: 'account' }` mounts them under
   * `/account` instead (the app's global prefix still comes first). `false` keeps everything
   * else (sessions, CSRF, `SessionGuard`, the exported services) for apps that write their own
   * routes on top of `AuthService`. Like `isGlobal`, `forRootAsync` takes it next to
   * `useFactory`, since Nest must know the controllers before any factory runs.
   */
  routes?: boolean | SessionRoutesOptions;
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
