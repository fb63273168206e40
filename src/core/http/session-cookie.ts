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

/** The remember-me cookie: its name and the attributes it is set and cleared with. */
export interface RememberCookieSettings {
  name: string;
  attributes: Omit<SessionCookieAttributes, 'maxAge' | 'domain'>;
}

/**
 * `__Host-remember` when cookies are Secure, so the browser takes it only from this very host over
 * HTTPS (no Domain, Path=/, as the prefix requires), else `remember`. Host-only either way, and
 * SameSite=Lax whatever the session cookie's setting: a cross-site request never restores a
 * session.
 */
export function rememberCookieSettings(options: ResolvedSessionOptions): RememberCookieSettings {
  const secure = options.cookie.secure;
  return {
    name: secure ? '__Host-remember' : 'remember',
    attributes: { httpOnly: true, path: '/', secure, sameSite: 'lax' },
  };
}
