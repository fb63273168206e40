// The public API of nest-session-auth. Internals (store factory, helpers) stay unexported.
export * from './session/session-data.augmentation.js';
export { SessionModule } from './session/session.module.js';
export { sessionConfig, sessionOptionsFromEnv } from './session/session.config.js';
export type {
  LoginThrottleOptions,
  PasswordHashOptions,
  SameSiteSetting,
  SessionModuleOptions,
  SessionStoreKind,
} from './session/session-options.interface.js';
export {
  SessionSetupError,
  type ResolvedSessionOptions,
} from './session/session-options.resolver.js';
export {
  SESSION_OPTIONS,
  SESSION_STORE,
  USER_DIRECTORY,
  SESSION_INDEX,
  IS_PUBLIC_KEY,
} from './session/session.constants.js';
export { SessionGuard } from './session/session.guard.js';
export { Public } from './session/public.decorator.js';
export { RequireRecentLogin } from './session/require-recent-login.decorator.js';
export { SessionsService, type RevokeOptions } from './session/sessions.service.js';
export type { SessionSummary } from './session/session-summary.js';
export { CurrentUser } from './session/current-user.decorator.js';
export { isSafeRedirect, safeRedirectTarget } from './session/safe-redirect.js';
export * from './session/session.exceptions.js';
export type {
  RateLimiterSpec,
  SessionStoreAdapter,
} from './session/stores/session-store.interface.js';
export type { SessionIndex } from './session/stores/session-index.interface.js';
export {
  SessionStoreHealthIndicator,
  type SessionStoreHealth,
} from './session/health/session-store.health.js';
export { CsrfService, type CsrfTokenResponse } from './security/csrf.service.js';
export { CsrfMiddleware, CSRF_FORM_FIELD } from './security/csrf.middleware.js';
export { CsrfOriginException, CsrfTokenException } from './security/csrf.exceptions.js';
export { AuthService } from './auth/auth.service.js';
export { PasswordHasher } from './auth/password.hasher.js';
export type { UserDirectory, UserRecord } from './auth/user-directory.interface.js';
export { LoginDto } from './auth/login.dto.js';
export { PasswordChangeDto } from './auth/password-change.dto.js';
export * from './auth/auth.exceptions.js';
export { AUTH_AUDIT_EVENTS } from './auth/audit.constants.js';
export type { AuthAuditEvent, AuthAuditEventName } from './auth/audit-event.interface.js';
