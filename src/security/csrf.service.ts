import { Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import onHeaders from 'on-headers';
import { SESSION_KEYS, SESSION_OPTIONS } from '../core/session.constants.js';
import type { SessionKeys } from '../core/session-keys.js';
import { sessionCookieOptions } from '../core/http/session-cookie.js';
import { SessionRoutePaths } from '../core/http/session-routes.js';
import { SessionAuthException } from '../core/errors/session-auth.exception.js';
import type { ResolvedSessionOptions } from '../core/options/session-options.resolver.js';
import {
  anonymousCsrfToken,
  isAnonymousCsrfToken,
  isSessionCsrfToken,
  sameToken,
  sessionCsrfToken,
} from './csrf-token.js';

/** What `GET /auth/csrf` answers. */
export interface CsrfTokenResponse {
  token: string;
}

/** Where the cross-site cookie problem is explained, in the docs the package ships. */
const CROSS_SITE_DOCS =
  'node_modules/nest-session-auth/docs/spa.md#when-the-browser-sends-no-cookies';

/**
 * Hands out and checks CSRF tokens (see csrf-token.ts for how they are bound). The token also
 * travels in a readable cookie, so a same-origin SPA's axios sends it back by itself; pages that
 * post plain forms put `issue()`'s value in a hidden `_csrf` field.
 */
@Injectable()
export class CsrfService {
  /** Responses whose cookie this service already set, so the header hook leaves them alone. */
  private readonly issued = new WeakSet<Response>();

  constructor(
    @Inject(SESSION_OPTIONS) private readonly options: ResolvedSessionOptions,
    @Inject(SESSION_KEYS) private readonly keys: SessionKeys,
    private readonly routes: SessionRoutePaths,
  ) {}

  /**
   * The 403 for a request whose token is missing or wrong. A token that came with no cookies at
   * all means the browser withheld them (a cross-site request under SameSite Lax or Strict, or
   * third-party cookies blocked), not that the token is stale: the answer says so, where a
   * developer looks, instead of "invalid or expired". Any cookie, even one planted under another
   * name, means cookies do travel: then the token is just wrong.
   */
  refusal(req: Request, submitted: string | undefined): SessionAuthException {
    if (submitted === undefined) return new SessionAuthException('csrf_token_missing');
    const { csrf } = this.options;
    // Signed in means the session cookie came, so only a signed-out request can lack them all.
    if (!signedInSessionId(req) && !req.headers.cookie?.trim()) {
      return new SessionAuthException('csrf_cookie_missing', {
        hint:
          `The request carried an ${csrf.headerName} header but no cookies at all (no ` +
          `${csrf.cookieName}), so the browser did not send this site's cookies: with ` +
          'SameSite=Lax or Strict it withholds them from cross-site requests, and some browsers ' +
          `block third-party cookies. Fetch the token from GET ${this.routes.url('csrf')} with ` +
          `credentials, and see ${CROSS_SITE_DOCS}.`,
      });
    }
    return new SessionAuthException('csrf_token_invalid');
  }

  /**
   * Keeps the cookie in step with the session for this request: when the session changed under
   * it (login, logout, a password change or a timeout regenerated or destroyed it), the answer
   * carries the new token, so the old one dies with the old session wherever the change was
   * made. Also refreshes a signed-in browser's stale copy (e.g. after a secret rotation).
   * Anonymous visitors get no cookie unless they ask for one (GET /auth/csrf, a form page), so
   * ordinary, cacheable answers carry no Set-Cookie.
   */
  trackSession(req: Request, res: Response): void {
    const before = signedInSessionId(req);
    // Just before the headers go out, whoever sends them: the same hook express-session uses.
    onHeaders(res, () => {
      if (this.issued.has(res)) return;
      const after = signedInSessionId(req);
      if (after !== before) this.rotate(req, res);
      else if (after && this.cookieToken(req) !== sessionCsrfToken(this.keys.csrf[0], after)) {
        this.rotate(req, res);
      }
    });
  }

  /** This request's token, setting the cookie when the browser does not hold it yet. */
  issue(req: Request, res: Response): string {
    const token = this.currentToken(req) ?? anonymousCsrfToken(this.keys.csrf[0]);
    if (this.cookieToken(req) !== token) this.setCookie(res, token);
    return token;
  }

  /**
   * A new token for the session as it is now. `trackSession` calls it when the session changed
   * during the request; call it yourself only to force a fresh pre-session token.
   */
  rotate(req: Request, res: Response): string {
    const sessionId = signedInSessionId(req);
    const key = this.keys.csrf[0];
    const token = sessionId ? sessionCsrfToken(key, sessionId) : anonymousCsrfToken(key);
    this.setCookie(res, token);
    return token;
  }

  /** True when `submitted` is the token of this request's session (or pre-session). */
  verify(req: Request, submitted: string): boolean {
    const sessionId = signedInSessionId(req);
    if (sessionId) return isSessionCsrfToken(submitted, sessionId, this.keys.csrf);
    // Before sign-in: the token must be the one in this browser's own cookie, signed by us.
    const cookie = this.cookieToken(req);
    return (
      cookie !== undefined &&
      sameToken(submitted, cookie) &&
      isAnonymousCsrfToken(cookie, this.keys.csrf)
    );
  }

  private currentToken(req: Request): string | undefined {
    const sessionId = signedInSessionId(req);
    if (sessionId) return sessionCsrfToken(this.keys.csrf[0], sessionId);
    const cookie = this.cookieToken(req);
    return cookie !== undefined && isAnonymousCsrfToken(cookie, this.keys.csrf)
      ? cookie
      : undefined;
  }

  private cookieToken(req: Request): string | undefined {
    return readCookie(req.headers.cookie, this.options.csrf.cookieName);
  }

  private setCookie(res: Response, token: string): void {
    const { cookieName: name } = this.options.csrf;
    this.issued.add(res);
    // Drop a value set earlier in this response (e.g. before login regenerated the session):
    // with two, the browser would keep whichever it read last.
    const existing = res.getHeader('Set-Cookie');
    if (Array.isArray(existing)) {
      res.setHeader(
        'Set-Cookie',
        existing.filter((cookie) => !cookie.startsWith(`${name}=`)),
      );
    }
    // Also in a header (the one the token comes back in), so an SPA on another origin, which
    // cannot read this API's cookie, gets the new token from the answer that changed it (login,
    // logout) without another GET /auth/csrf. CorsMiddleware exposes it to allowed origins.
    res.setHeader(this.options.csrf.headerName, token);
    res.cookie(name, token, {
      ...sessionCookieOptions(this.options),
      // Readable by the page on purpose: that is how the SPA gets it into the header. The token
      // is useless without the HttpOnly session cookie, which scripts never see.
      httpOnly: false,
    });
  }
}

/** The session id when the request is signed in; pre-session tokens cover everyone else. */
function signedInSessionId(req: Request): string | undefined {
  return req.session?.profile !== undefined ? req.sessionID : undefined;
}

/** The first `name=value` in a Cookie header (the most specific one, in browsers' order). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      try {
        return decodeURIComponent(value);
      } catch {
        return value;
      }
    }
  }
  return undefined;
}
