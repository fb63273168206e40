import { HttpException } from '@nestjs/common';
import {
  SESSION_ERRORS,
  type SessionErrorCode,
  type SessionErrorDefinition,
} from './session-error-codes.js';

/** One problem with one field of a request body, as the `errors` of a 400 `invalid_request`. */
export interface SessionFieldError {
  /** The field's path in the body, e.g. `email` or `address.city`. */
  field: string;
  message: string;
}

/** Body of every error the module answers: a stable `code` to switch on, a message to show. */
export interface SessionErrorBody {
  statusCode: number;
  code: SessionErrorCode;
  message: string;
  /** Only on 400 `invalid_request`: what is wrong with each field. */
  errors?: SessionFieldError[];
  /**
   * For the developer reading the network tab, on some codes: the likely cause in this
   * deployment, naming the module's real routes (global prefix included) and the docs.
   */
  hint?: string;
}

export interface SessionAuthExceptionOptions {
  /** Seconds the client should wait, sent as `Retry-After`. Default: the code's row, if any. */
  retryAfterSeconds?: number;
  /** Further headers the answer needs, e.g. the `Location` of a redirect. */
  headers?: Record<string, string>;
  /** For `invalid_request`: the problems with the body's fields. */
  errors?: SessionFieldError[];
  /** What failed underneath, for logs and debuggers; never sent to the client. */
  cause?: unknown;
  /** Sent as the body's `hint` (see SessionErrorBody). Never a secret or a session id. */
  hint?: string;
}

/**
 * Every error the module answers with: a `code` from `SESSION_ERRORS`, which gives the status
 * and message. Headers travel with the exception (`headers`), so whoever throws needs no
 * response object; `SessionExceptionFilter`, which SessionModule registers app-wide, sends them.
 * An app can throw it from its own routes too: `throw new SessionAuthException('unauthenticated')`.
 */
export class SessionAuthException extends HttpException {
  readonly code: SessionErrorCode;
  /** Seconds the client is told to wait, when the answer carries `Retry-After`. */
  readonly retryAfterSeconds?: number;
  /** The headers the answer must carry (`Retry-After`, `Location`). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: SessionErrorCode, options: SessionAuthExceptionOptions = {}) {
    const definition: SessionErrorDefinition = SESSION_ERRORS[code];
    const body = sessionErrorBody(code, options.errors);
    if (options.hint) body.hint = options.hint;
    super(body, definition.status, { cause: options.cause });
    this.code = code;
    this.retryAfterSeconds = options.retryAfterSeconds ?? definition.retryAfterSeconds;
    this.headers = {
      ...options.headers,
      ...(this.retryAfterSeconds === undefined
        ? {}
        : { 'Retry-After': String(this.retryAfterSeconds) }),
    };
  }
}

/** True when `err` is the module's error with this code. */
export function isSessionError(err: unknown, code: SessionErrorCode): err is SessionAuthException {
  return err instanceof SessionAuthException && err.code === code;
}

/**
 * The one place an error body is built. A 400 with field errors says what is wrong in its
 * message too, for clients that show only the message.
 */
export function sessionErrorBody(
  code: SessionErrorCode,
  errors?: SessionFieldError[],
): SessionErrorBody {
  const { status, message } = SESSION_ERRORS[code];
  if (!errors?.length) return { statusCode: status, code, message };
  return {
    statusCode: status,
    code,
    message: `${errors.map((e) => e.message).join('; ')}.`,
    errors,
  };
}
