/**
 * The module's express-session `Store` (`SessionStore`), on the backend the options chose: Redis,
 * Redis Cluster, PostgreSQL, the embedded one, or the app's own backend (`store: { kind: 'custom', backend }`).
 */
export const SESSION_STORE = Symbol('nest-session-auth:SESSION_STORE');

/** The validated options with every default filled in (`ResolvedSessionOptions`). */
export const SESSION_OPTIONS = Symbol('nest-session-auth:SESSION_OPTIONS');

/** The per-purpose keys derived from the secrets at boot (`SessionKeys`, core/session-keys.ts). */
export const SESSION_KEYS = Symbol('nest-session-auth:SESSION_KEYS');

/** Whether and where the module's routes are mounted (`SessionRoutesSetting`, core/http/session-routes.ts). */
export const SESSION_ROUTES = Symbol('nest-session-auth:SESSION_ROUTES');

/** The app's `UserDirectory`: the library never decides where users live. */
export const USER_DIRECTORY = Symbol('nest-session-auth:USER_DIRECTORY');

/** Metadata key set by `@Public()`. */
export const IS_PUBLIC_KEY = 'nest-session-auth:isPublic';

/** Metadata key set by `@GuestOnly()`. */
export const GUEST_ONLY_KEY = 'nest-session-auth:guestOnly';

/** Metadata key set by `@RequireRecentLogin()`: the window in seconds, or null for the default. */
export const RECENT_LOGIN_KEY = 'nest-session-auth:recentLogin';

/**
 * The guard the module's own routes (`/auth/...`) run. Provide it in any module of the app,
 * `{ provide: SESSION_GUARD, useExisting: YourGuard }`, to put a `SessionGuard` subclass in
 * front of them too; without it they use `SessionGuard`.
 */
export const SESSION_GUARD = Symbol('nest-session-auth:SESSION_GUARD');

/** The Nest Logger context of everything the module logs but audit events (`SessionAudit`). */
export const SESSION_LOGGER_CONTEXT = 'SessionModule';
