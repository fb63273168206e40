// core/errors/ — every error the module answers with (one row per code in the table below, one
// exception class, one filter that sends its headers) and the setup error raised at boot.

/** One row of the table: the HTTP status and the message every answer with this code carries. */
export interface SessionErrorDefinition {
  status: number;
  /**
   * Shown to the person using the app, so it says what they can do. It never names environment
   * variables, routes or internals: the `code` is what clients switch on, and the docs say how
   * to fix a deployment.
   */
  message: string;
  /** Sent as `Retry-After` whenever this code is answered. */
  retryAfterSeconds?: number;
}

/**
 * Every error `code` the module answers with. A code is stable: clients switch on it, so a row
 * may get a better message but never another meaning.
 */
export const SESSION_ERRORS = {
  /** The module's ValidationPipe refused the body; `errors` lists each field's problem. */
  invalid_request: {
    status: 400,
    message: 'The request is invalid. Correct the fields listed in errors and send it again.',
  },
  unauthenticated: { status: 401, message: 'You are not signed in. Sign in, then try again.' },
  /** A browser navigation without a session: 302 to the login page, which Location names. */
  login_required: { status: 302, message: 'Sign in to continue.' },
  /** An API call, while signed in, to a `@GuestOnly()` route (a sign-in or sign-up page). */
  already_authenticated: {
    status: 409,
    message: 'You are already signed in. Sign out first to use this page.',
  },
  /** A browser navigation, while signed in, to a `@GuestOnly()` page: 302 to a safe `next` or `/`. */
  already_authenticated_redirect: { status: 302, message: 'You are already signed in.' },
  /** Wrong password and unknown email answer alike, so the answer reveals no accounts. */
  invalid_credentials: { status: 401, message: 'The email or password is incorrect.' },
  /** The idle or absolute timeout ended the session while this request was on its way. */
  session_expired: { status: 401, message: 'Your session has expired. Sign in again.' },
  /** The route needs a recent sign-in (`@RequireRecentLogin`) and this one is older. */
  reauth_required: {
    status: 401,
    message: 'This action needs a recent sign-in. Sign in again, then retry.',
  },
  /**
   * Too many failed sign-ins for this account or from this IP. The body is the same in every
   * case, for accounts that exist and for those that do not (ASVS 5.0 V6.3.8); the exception
   * carries the Retry-After of this very refusal.
   */
  too_many_attempts: {
    status: 429,
    message:
      'Too many failed sign-in attempts. Wait for the number of seconds in the Retry-After ' +
      'header, then try again.',
  },
  /**
   * Too many sign-ins from this client IP are in progress at once, so one source cannot fill
   * the password-hashing queue that every sign-in shares.
   */
  too_many_concurrent_logins: {
    status: 429,
    message:
      'Too many sign-ins from your network are in progress. Wait for the number of seconds in ' +
      'the Retry-After header, then try again.',
    retryAfterSeconds: 1,
  },
  /**
   * The password-hashing queue is full: the server is checking as many passwords as it can.
   * Answered at once rather than after a long wait, so other requests stay fast.
   */
  login_busy: {
    status: 503,
    message:
      'The server is busy signing other people in. Wait for the number of seconds in the ' +
      'Retry-After header, then try again.',
    retryAfterSeconds: 2,
  },
  /** 403, not 401: the session is fine, only the password typed to confirm the change is wrong. */
  invalid_current_password: { status: 403, message: 'The current password is incorrect.' },
  password_unchanged: {
    status: 400,
    message: 'The new password must differ from the current one.',
  },
  /** The app's UserDirectory has neither `compareAndSetPasswordHash` nor `updatePasswordHash`. */
  password_change_unsupported: {
    status: 501,
    message: 'Changing the password is not available on this server.',
  },
  /** The session store keeps no per-user index, so sessions cannot be listed or revoked. */
  session_list_unsupported: {
    status: 501,
    message: 'Listing and ending sessions is not available on this server.',
  },
  /** An id that cannot exist gets the same answer as one that is not the caller's. */
  session_not_found: {
    status: 404,
    message: 'None of your sessions has this id. List your sessions again to get current ids.',
  },
  /** Like `session_not_found`, for `DELETE /auth/sessions/remembered/:id`. */
  remembered_device_not_found: {
    status: 404,
    message:
      'None of your remembered devices has this id. List your sessions again to get current ids.',
  },
  /**
   * Passwords cannot be checked: the argon2 worker pool failed, or the app's user directory did.
   * The server's fault, never a 401, and never counted as a failed sign-in.
   */
  password_hasher_unavailable: {
    status: 503,
    message:
      'Sign-in is temporarily unavailable. Wait for the number of seconds in the Retry-After ' +
      'header, then try again.',
    retryAfterSeconds: 5,
  },
  /**
   * The session store cannot be reached. Fail closed: never 200, and never 401 either, since a
   * 401 would tell the SPA to drop a session that is still valid once the store is back.
   */
  session_store_unavailable: {
    status: 503,
    message:
      'Sessions are temporarily unavailable. Wait for the number of seconds in the Retry-After ' +
      'header, then try again.',
    retryAfterSeconds: 5,
  },
  /**
   * A sign-in over plain HTTP while the session cookie is Secure: the browser would drop the
   * cookie. Behind a TLS-terminating proxy, `trustProxy` lets X-Forwarded-Proto be believed.
   */
  https_required: {
    status: 403,
    message: 'Signing in needs a secure connection. Open this site over https:// and try again.',
  },
  /**
   * The password checked out and the account has a second factor: the session waits for the
   * code (`POST /auth/second-factor`) and is not signed in yet.
   */
  second_factor_required: {
    status: 401,
    message:
      'Enter the code from your authenticator app (or a recovery code) to finish signing in.',
  },
  /** The pending sign-in waited longer than `secondFactor.pendingSeconds` for its code. */
  second_factor_expired: {
    status: 401,
    message: 'The sign-in waited too long for its code. Sign in with your password again.',
  },
  /** `POST /auth/second-factor` on a session that has no sign-in waiting for a code. */
  second_factor_not_pending: {
    status: 401,
    message: 'No sign-in is waiting for a code. Sign in with your password first.',
  },
  /** A wrong, reused or expired code; counted like a wrong password. */
  invalid_second_factor_code: {
    status: 401,
    message:
      'The code is incorrect or was already used. Enter the current code from your ' +
      'authenticator app, or an unused recovery code.',
  },
  /** The app's UserDirectory does not implement the second-factor methods. */
  second_factor_unsupported: {
    status: 501,
    message: 'Two-step sign-in is not available on this server.',
  },
  second_factor_already_enabled: {
    status: 409,
    message:
      'Two-step sign-in is already on for your account. Turn it off first to set it up again.',
  },
  second_factor_not_enabled: {
    status: 409,
    message: 'Two-step sign-in is not on for your account.',
  },
  /** A confirmation without a started enrolment in this session. */
  second_factor_enrolment_missing: {
    status: 409,
    message: 'No set-up of two-step sign-in is under way. Start the set-up again.',
  },
  /** The user directory failed while reading or writing second-factor data. Fail closed. */
  second_factor_unavailable: {
    status: 503,
    message:
      'Two-step sign-in is temporarily unavailable. Wait for the number of seconds in the ' +
      'Retry-After header, then try again.',
    retryAfterSeconds: 5,
  },
  /** An unsafe request without a CSRF token (header or `_csrf` form field). */
  csrf_token_missing: {
    status: 403,
    message: 'This request carries no security token. Reload the page and try again.',
  },
  /** An unsafe request whose CSRF token is not this session's (it changes at sign-in and out). */
  csrf_token_invalid: {
    status: 403,
    message:
      'The security token of this request is invalid or expired, which happens after signing ' +
      'in or out. Reload the page and try again.',
  },
  /**
   * An unsafe request with a CSRF token but no cookies at all: the browser did not send them,
   * as it does for a cross-site request when SameSite is not None or third-party cookies are
   * blocked. The body's `hint` says so to the developer, with the route and the docs.
   */
  csrf_cookie_missing: {
    status: 403,
    message:
      "Your browser did not send this site's cookies with the request. Allow cookies for this " +
      'site, reload the page and try again.',
  },
  /** An unsafe request whose Origin (or Referer) is neither this site nor an allowed origin. */
  csrf_origin_refused: {
    status: 403,
    message: 'Cross-site request refused: this site does not accept requests from that origin.',
  },
} as const satisfies Record<string, SessionErrorDefinition>;

/** Every `code` an error body of the module can carry. */
export type SessionErrorCode = keyof typeof SESSION_ERRORS;
