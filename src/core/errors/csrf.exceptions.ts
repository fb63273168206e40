import { HttpException, HttpStatus } from '@nestjs/common';
import type { SessionErrorBody } from './session.exceptions.js';

function forbidden(code: string, message: string): SessionErrorBody {
  return { statusCode: 403, code, message };
}

/** An unsafe request whose Origin (or Referer) is neither this site nor in CORS_ORIGINS. */
export class CsrfOriginException extends HttpException {
  constructor() {
    super(
      forbidden(
        'csrf_origin_refused',
        'Cross-site request refused: its Origin is neither this site nor listed in CORS_ORIGINS. ' +
          'If this origin hosts your app, add it to CORS_ORIGINS.',
      ),
      HttpStatus.FORBIDDEN,
    );
  }
}

/** An unsafe request without a CSRF token, or with one that is not this session's. */
export class CsrfTokenException extends HttpException {
  constructor(missing: boolean, headerName: string, cookieName: string) {
    super(
      forbidden(
        missing ? 'csrf_token_missing' : 'csrf_token_invalid',
        `${missing ? 'Missing' : 'Invalid or expired'} CSRF token. Get one from GET /auth/csrf ` +
          `(it also sets the ${cookieName} cookie) and send it in the ${headerName} header, or as ` +
          'the _csrf field of a form. It changes whenever the session does (login, logout).',
      ),
      HttpStatus.FORBIDDEN,
    );
  }
}
