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
