import { HttpException } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { ResolvedSessionOptions } from '../core/options/session-options.resolver.js';
import { SessionAuthException } from '../core/errors/session-auth.exception.js';

/** Promise forms of express-session's callbacks; a store failure becomes a 503 (fail closed). */
export function regenerateSession(req: Request): Promise<void> {
  return settle(req, (done) => requireSession(req).regenerate(done));
}

export function saveSession(req: Request): Promise<void> {
  return settle(req, (done) => requireSession(req).save(done));
}

export function destroySession(req: Request): Promise<void> {
  return settle(req, (done) => requireSession(req).destroy(done));
}

/** req.session, or a 503 when the session middleware could not load it from the store. */
export function requireSession(req: Request): NonNullable<Request['session']> {
  if (!req.session) throw storeUnavailable();
  return req.session;
}

/** 503 `session_store_unavailable`, with its Retry-After. */
export function storeUnavailable(cause?: unknown): SessionAuthException {
  return new SessionAuthException('session_store_unavailable', { cause });
}

/** `work`, with any failure of the store behind it answered 503 (fail closed). */
export async function orStoreUnavailable<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof HttpException) throw err;
    throw storeUnavailable(err);
  }
}

/** Expires the session cookie with the attributes it was set with, so the browser drops it. */
export function clearSessionCookie(
  res: Response,
  options: Pick<ResolvedSessionOptions, 'cookie'>,
): void {
  res.clearCookie(options.cookie.name, {
    path: '/',
    httpOnly: true,
    secure: options.cookie.secure,
    sameSite: options.cookie.sameSite,
    domain: options.cookie.domain,
  });
}

function settle(req: Request, run: (done: (err?: unknown) => void) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    try {
      run((err) => {
        if (!err) return resolve();
        // express-session's regenerate makes a new session even when the destroy failed; drop it
        // so the 503 carries no Set-Cookie for a session the store never recorded.
        req.session = undefined as never;
        reject(storeUnavailable(err));
      });
    } catch (err) {
      reject(err);
    }
  });
}
