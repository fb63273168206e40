import type { SameSiteSetting } from '../options/session-options.interface.js';
import type { ResolvedSessionOptions } from '../options/session-options.resolver.js';

/** Cookie attributes in the shape both express-session and Express's `res.cookie` take. */
export interface SessionCookieAttributes {
  httpOnly: boolean;
  path: string;
  secure: boolean;
  sameSite: SameSiteSetting;
  domain?: string;
  maxAge: number;
}

/**
 * The session cookie's settings: the same for every session, so stores need not keep them. The
 * CSRF cookie shares them but for HttpOnly, so both always travel together.
 */
export function sessionCookieOptions(options: ResolvedSessionOptions): SessionCookieAttributes {
  return {
    httpOnly: true,
    path: '/',
    secure: options.cookie.secure,
    sameSite: options.cookie.sameSite,
    domain: options.cookie.domain,
    // The browser keeps the cookie until the absolute timeout; the store's TTL enforces idle.
    maxAge: options.timeouts.absoluteSeconds * 1000,
  };
}
