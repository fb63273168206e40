// audit/ — audit events: their names, their shape, and the service that logs and emits them.
import type { AUTH_AUDIT_EVENTS } from './audit.constants.js';

export type AuthAuditEventName = (typeof AUTH_AUDIT_EVENTS)[keyof typeof AUTH_AUDIT_EVENTS];

/**
 * One security event (ASVS 5.0 V16.3.1). It never holds a password, a password hash, a session id
 * or an email address: sessions are named by their public id, attempted accounts by a keyed hash.
 */
export interface AuthAuditEvent {
  event: AuthAuditEventName;
  /** When, in ISO 8601 UTC (ASVS 5.0 V16.2.2). */
  at: string;
  /** The user concerned, when known. */
  userId?: string;
  /**
   * HMAC-SHA256 of the attempted email (keyed with the first session secret), so failed attempts
   * on one account can be correlated without logging the address.
   */
  accountHash?: string;
  /** Public id of the session concerned (`GET /auth/sessions` shows the same id). */
  sessionId?: string;
  /** Public id of the remembered device (remember-me token) concerned. */
  deviceId?: string;
  /** Client IP of the request, as `trust proxy` reads it; absent for calls made outside a request. */
  ip?: string;
  userAgent?: string;
  /** Why: e.g. `account_locked`, `ip_limit`, `idle`, `absolute`, `user`, `password_changed`. */
  reason?: string;
}

/** What a caller says about an event; `event`, `at`, `ip` and `userAgent` are filled in. */
export type AuthAuditDetails = Omit<AuthAuditEvent, 'event' | 'at' | 'ip' | 'userAgent'>;
