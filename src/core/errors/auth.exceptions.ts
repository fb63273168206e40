// core/errors/ — every error the module answers with, one code per row, and setup errors raised at boot.
import { HttpException, HttpStatus } from '@nestjs/common';
import { errorBody as body } from './error-body.js';

/**
 * Too many failed sign-ins for this account or from this IP. The body is the same in every case,
 * for accounts that exist and for those that do not (ASVS 5.0 V6.3.8); Retry-After says when.
 */
export class TooManyLoginAttemptsException extends HttpException {
  constructor(readonly retryAfterSeconds: number) {
    super(
      body(
        429,
        'too_many_attempts',
        'Too many failed sign-in attempts. Wait for the number of seconds in the Retry-After ' +
          'header, then try again.',
      ),
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}

/** 403, not 401: the session is fine, only the password typed to confirm the change is wrong. */
export class InvalidCurrentPasswordException extends HttpException {
  constructor() {
    super(
      body(403, 'invalid_current_password', 'The current password is incorrect.'),
      HttpStatus.FORBIDDEN,
    );
  }
}

export class PasswordUnchangedException extends HttpException {
  constructor() {
    super(
      body(400, 'password_unchanged', 'The new password must differ from the current one.'),
      HttpStatus.BAD_REQUEST,
    );
  }
}

export class PasswordChangeUnsupportedException extends HttpException {
  constructor() {
    super(
      body(
        501,
        'password_change_unsupported',
        'Password change is not available: the UserDirectory has no updatePasswordHash method.',
      ),
      HttpStatus.NOT_IMPLEMENTED,
    );
  }
}

/** Seconds clients are told to wait when passwords cannot be checked. */
export const HASHER_RETRY_AFTER_SECONDS = 5;

/**
 * The argon2 worker pool failed (a worker crashed or could not start). Passwords cannot be
 * checked, which is the server's fault, not the user's: 503, never a crash and never a 401.
 */
export class PasswordHasherUnavailableException extends HttpException {
  constructor() {
    super(
      body(
        503,
        'password_hasher_unavailable',
        `Sign-in is temporarily unavailable. Retry in ${HASHER_RETRY_AFTER_SECONDS} seconds.`,
      ),
      HttpStatus.SERVICE_UNAVAILABLE,
    );
  }
}
