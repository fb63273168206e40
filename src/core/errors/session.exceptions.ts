import { HttpException, HttpStatus } from '@nestjs/common';
import { errorBody as body } from './error-body.js';

export type { SessionErrorBody } from './error-body.js';

export class UnauthenticatedException extends HttpException {
  constructor() {
    super(
      body(401, 'unauthenticated', 'Sign in first: POST /auth/login with { email, password }.'),
      HttpStatus.UNAUTHORIZED,
    );
  }
}

export class InvalidCredentialsException extends HttpException {
  constructor() {
    super(
      body(401, 'invalid_credentials', 'The email or password is incorrect.'),
      HttpStatus.UNAUTHORIZED,
    );
  }
}

/** 302 to the login page; the guard sets the Location header before throwing it. */
export class LoginRedirectException extends HttpException {
  constructor(readonly location: string) {
    super({ ...body(302, 'login_required', 'Sign in to continue.'), location }, HttpStatus.FOUND);
  }
}

/** Seconds clients are told to wait when the session store is unreachable. */
export const STORE_RETRY_AFTER_SECONDS = 5;

/**
 * The session store cannot be reached. Fail closed: never 200, and never 401 either, since a 401
 * would tell the SPA to drop a session that is still valid once the store is back.
 */
export class SessionStoreUnavailableException extends HttpException {
  constructor() {
    super(
      body(
        503,
        'session_store_unavailable',
        `Sessions are temporarily unavailable. Retry in ${STORE_RETRY_AFTER_SECONDS} seconds.`,
      ),
      HttpStatus.SERVICE_UNAVAILABLE,
    );
  }
}

export class HttpsRequiredException extends HttpException {
  constructor() {
    super(
      body(
        403,
        'https_required',
        'This server issues its Secure session cookie over HTTPS only. Use https://; behind a ' +
          'TLS-terminating proxy, set TRUST_PROXY so X-Forwarded-Proto is believed.',
      ),
      HttpStatus.FORBIDDEN,
    );
  }
}

/** The session was ended by the idle or absolute timeout while this request was on its way. */
export class SessionExpiredException extends HttpException {
  constructor() {
    super(
      body(401, 'session_expired', 'Your session has expired. Sign in again: POST /auth/login.'),
      HttpStatus.UNAUTHORIZED,
    );
  }
}

/** The route needs a recent sign-in (`@RequireRecentLogin`) and this one is older. */
export class ReauthRequiredException extends HttpException {
  constructor(readonly windowSeconds: number) {
    super(
      body(
        401,
        'reauth_required',
        `This action needs a sign-in from the last ${windowSeconds} seconds. ` +
          'Sign in again (POST /auth/login), then retry.',
      ),
      HttpStatus.UNAUTHORIZED,
    );
  }
}

export class SessionNotFoundException extends HttpException {
  constructor() {
    super(
      body(
        404,
        'session_not_found',
        'None of your sessions has this id. GET /auth/sessions lists them.',
      ),
      HttpStatus.NOT_FOUND,
    );
  }
}
