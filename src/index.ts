// The public API of nest-session-auth. Internals (store factory, helpers) stay unexported.
export * from './core/session-data.augmentation.js';
export { SessionModule } from './session.module.js';
export { sessionConfig, sessionOptionsFromEnv } from './core/options/session.config.js';
export type {
  AuditOptions,
  CorsOptions,
  CsrfOptions,
  CustomStoreOptions,
  LoginThrottleOptions,
  MemoryStoreOptions,
  PasswordHashOptions,
  PostgresStoreOptions,
  RememberMeOptions,
  RedisClusterStoreOptions,
  RedisStoreOptions,
  SameSiteSetting,
  SecondFactorOptions,
  SessionCookieOptions,
  SessionModuleOptions,
  SessionRoutesOptions,
  SessionStoreKind,
  SessionStoreOptions,
  SessionTimeoutOptions,
  StoreCommonOptions,
} from './core/options/session-options.interface.js';
export {
  SessionSetupError,
  type ResolvedSessionOptions,
} from './core/options/session-options.resolver.js';
export type { ResolvedStoreOptions } from './core/options/resolved-session-options.js';
export {
  SESSION_OPTIONS,
  SESSION_STORE,
  USER_DIRECTORY,
  SESSION_GUARD,
  IS_PUBLIC_KEY,
  GUEST_ONLY_KEY,
} from './core/session.constants.js';
export { SessionGuard } from './access/session.guard.js';
export { Public } from './access/public.decorator.js';
export { GuestOnly } from './access/guest-only.decorator.js';
export { RequireRecentLogin } from './access/require-recent-login.decorator.js';
export {
  SessionsService,
  type RevokeOptions,
  type StartOptions,
} from './session/sessions.service.js';
export type { SessionSummary } from './session/session-summary.js';
export type { RememberedDevice } from './session/remember-tokens.js';
export type { SessionListResponse } from './auth/sessions.controller.js';
export { CurrentUser } from './access/current-user.decorator.js';
export { createSessionIoAdapter } from './session-io.adapter.js';
export { isSafeRedirect, safeRedirectTarget } from './core/http/safe-redirect.js';
export {
  SESSION_ERRORS,
  type SessionErrorCode,
  type SessionErrorDefinition,
} from './core/errors/session-error-codes.js';
export {
  SessionAuthException,
  isSessionError,
  type SessionAuthExceptionOptions,
  type SessionErrorBody,
  type SessionFieldError,
} from './core/errors/session-auth.exception.js';
export { SessionExceptionFilter } from './core/errors/session-exception.filter.js';
export { SessionValidationPipe } from './core/http/session-validation.pipe.js';
export type {
  RateLimiterSpec,
  SessionBackend,
  SessionIndex,
  SessionIndexEntry,
} from './core/session-backend.interface.js';
export type { SessionStore } from './stores/session.store.js';
export {
  SessionStoreHealthIndicator,
  type SessionStoreHealth,
} from './session/session-store.health.js';
export { CsrfService, type CsrfTokenResponse } from './security/csrf.service.js';
export { CsrfMiddleware, CSRF_FORM_FIELD } from './security/csrf.middleware.js';
export { AuthService, type CheckedPassword } from './auth/auth.service.js';
export type {
  LoginResponse,
  ProfileResponse,
  SecondFactorRequiredResponse,
} from './auth/auth.controller.js';
export { SessionRoutePaths } from './core/http/session-routes.js';
export { PasswordHasher } from './auth/password.hasher.js';
export type {
  SecondFactorDirectory,
  SecondFactorRecord,
  UserDirectory,
  UserRecord,
} from './auth/user-directory.interface.js';
export {
  SecondFactorService,
  type RecoveryCodesResponse,
  type SecondFactorEnrolment,
  type SecondFactorStatus,
} from './auth/second-factor.service.js';
export {
  RecoveryCodesDto,
  SecondFactorCodeDto,
  SecondFactorConfirmDto,
} from './auth/second-factor.dto.js';
export { LoginDto } from './auth/login.dto.js';
export { PasswordChangeDto } from './auth/password-change.dto.js';
export { AUTH_AUDIT_EVENTS } from './audit/audit.constants.js';
export type { AuthAuditEvent, AuthAuditEventName } from './audit/audit-event.interface.js';
