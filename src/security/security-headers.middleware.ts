import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';
import { SESSION_OPTIONS } from '../core/session.constants.js';
import type { ResolvedSessionOptions } from '../core/options/session-options.resolver.js';

/**
 * helmet, tuned for a JSON API that also serves a few plain pages (login form, profile):
 * - CSP allows only this origin's scripts, no plugins, no framing, forms posting only here.
 *   Inline *styles* stay allowed for simple server-rendered pages; inline scripts do not.
 * - Referrer-Policy is `strict-origin-when-cross-origin`, not helmet's `no-referrer`: under
 *   `no-referrer` browsers send `Origin: null` on POSTs, which the CSRF origin check refuses,
 *   so the login form would break.
 * - Strict-Transport-Security (two years, as config/nginx.conf sends it; no includeSubDomains,
 *   which would bind sibling hosts the library knows nothing of) and upgrade-insecure-requests
 *   only when the cookie is Secure, i.e. the site is served over HTTPS; on plain-HTTP
 *   development they would lock the browser out of localhost.
 */
export function securityHeaders(options: ResolvedSessionOptions): RequestHandler {
  const https = options.cookie.secure;
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
        ...(https ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
    strictTransportSecurity: https ? { maxAge: 63_072_000, includeSubDomains: false } : false,
    xFrameOptions: { action: 'deny' },
  });
}

/** Mounted by SessionModule on every route when `securityHeaders` is on (the default). */
@Injectable()
export class SecurityHeadersMiddleware implements NestMiddleware {
  private readonly handler?: RequestHandler;

  constructor(@Inject(SESSION_OPTIONS) options: ResolvedSessionOptions) {
    if (options.securityHeaders) this.handler = securityHeaders(options);
  }

  use(req: Request, res: Response, next: NextFunction): void {
    if (!this.handler) return next();
    void this.handler(req, res, next);
  }
}
