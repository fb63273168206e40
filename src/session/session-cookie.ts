import type { CookieOptions } from 'express-session';
import type { ResolvedSessionOptions } from './session-options.resolver.js';

/** The session cookie's settings: the same for every session, so stores need not keep them. */
export function sessionCookieOptions(options: ResolvedSessionOptions): CookieOptions {
  return {
    httpOnly: true,
    path: '/',
    secure: options.cookieSecure,
    sameSite: options.cookieSameSite,
    domain: options.cookieDomain,
    // The browser keeps the cookie until the absolute timeout; the store's TTL enforces idle.
    maxAge: options.absoluteTimeoutSeconds * 1000,
  };
}
