/**
 * Names of the audit events, as emitted on the app's EventEmitter2. Subscribe to one with
 * `@OnEvent(AUTH_AUDIT_EVENTS.loginFailed)`, or to all with `@OnEvent('auth.**')` when
 * `EventEmitterModule.forRoot({ wildcard: true })`.
 */
export const AUTH_AUDIT_EVENTS = {
  loginSucceeded: 'auth.login.succeeded',
  loginFailed: 'auth.login.failed',
  /** Refused by the brute-force limits (429) before the password was checked. */
  loginThrottled: 'auth.login.throttled',
  logout: 'auth.logout',
  /** One event per session ended by a user, a password change or `revokeAllSessions`. */
  sessionRevoked: 'auth.session.revoked',
  /** Ended by the server on its idle or absolute timeout. */
  sessionExpired: 'auth.session.expired',
  /** A sign-in with `remember: true` got a remember-me token (`deviceId` names it). */
  rememberIssued: 'auth.remember.issued',
  /** A remember-me token signed a browser in again on a new session; its validator rotated. */
  rememberUsed: 'auth.remember.used',
  /**
   * A remember-me token was presented with a validator it no longer has: a copy of the cookie
   * was used. Every session and token of the user was ended.
   */
  rememberTokenTheft: 'auth.remember.theft',
  /** A remember-me token was deleted: logout, the user, a revocation or an outdated version. */
  rememberRevoked: 'auth.remember.revoked',
  passwordChanged: 'auth.password.changed',
  passwordChangeFailed: 'auth.password.change_failed',
  /** The password checked out; the session now waits for the second factor. */
  loginSecondFactorPending: 'auth.login.second_factor_pending',
  /** A wrong or reused code (sign-in, enrolment, disabling, new recovery codes). */
  secondFactorFailed: 'auth.second_factor.failed',
  /** A recovery code was spent (sign-in or disabling). */
  recoveryCodeUsed: 'auth.second_factor.recovery_code_used',
  secondFactorEnabled: 'auth.second_factor.enabled',
  secondFactorDisabled: 'auth.second_factor.disabled',
  recoveryCodesRegenerated: 'auth.second_factor.recovery_codes_regenerated',
} as const;
