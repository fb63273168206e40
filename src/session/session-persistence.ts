import { HttpException } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { ResolvedSessionOptions } from '../core/options/session-options.resolver.js';
import {
  STORE_RETRY_AFTER_SECONDS,
  SessionStoreUnavailableException,
} from '../core/errors/session.exceptions.js';

/** Promise forms of express-session's callbacks; a store failure becomes a 503 (fail closed). */
export function regenerateSession(req: Request, res: Response): Promise<void> {
  return settle(req, res, (done) => requireSession(req, res).regenerate(done));
}

export function saveSession(req: Request, res: Response): Promise<void> {
  return settle(req, res, (done) => requireSession(req, res).save(done));
}

export function destroySession(req: Request, res: Response): Promise<void> {
  return settle(req, res, (done) => requireSession(req, res).destroy(done));
}

/** req.session, or a 503 when the session middleware could not load it from the store. */
export function requireSession(req: Request, res: Response): NonNullable<Request['session']> {
  if (!req.session) throw storeUnavailable(res);
  return req.session;
}

export function storeUnavailable(res: Response): SessionStoreUnavailableException {
  res.setHeader('Retry-After', String(STORE_RETRY_AFTER_SECONDS));
  return new SessionStoreUnavailableException();
}

/** `work`, with any failure of the store behind it answered 503 (fail closed). */
export async function orStoreUnavailable<T>(res: Response, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof HttpException) throw err;
    throw storeUnavailable(res);
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

function settle(
  req: Request,
  res: Response,
  run: (done: (err?: unknown) => void) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    try {
      run((err) => {
        if (!err) return resolve();
        // express-session's regenerate makes a new session even when the destroy failed; drop it
        // so the 503 carries no Set-Cookie for a session the store never recorded.
        req.session = undefined as never;
        reject(storeUnavailable(res));
      });
    } catch (err) {
      reject(err);
    }
  });
}
