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

/** The headers one response gets from `handler`: what it sets, and what it removes. */
export interface FixedHeaders {
  set: Array<[name: string, value: string]>;
  removed: string[];
}

/**
 * Runs a header-only middleware once against a recording response and returns what it did, or
 * undefined when it does anything else (calls next later or with an error, reads the request),
 * so the caller keeps running it per request. helmet's headers depend on the options only.
 */
export function recordFixedHeaders(handler: RequestHandler): FixedHeaders | undefined {
  const headers: FixedHeaders = { set: [], removed: [] };
  const response = {
    setHeader(name: string, value: string | number | readonly string[]) {
      if (typeof value !== 'string') throw new Error('not a fixed string header');
      headers.set.push([name, value]);
    },
    removeHeader(name: string) {
      headers.removed.push(name);
    },
  };
  let done = false;
  try {
    void handler({} as Request, response as unknown as Response, (err?: unknown) => {
      done = err === undefined;
    });
  } catch {
    return undefined;
  }
  return done ? headers : undefined;
}

/**
 * Mounted by SessionModule on every route when `securityHeaders` is on (the default). helmet
 * computes the same headers for every request, so they are taken from it once at startup and
 * set in one loop: helmet's chain of twelve middlewares per request cost more than the headers
 * themselves (npm run bench:profile, docs/performance.md).
 */
@Injectable()
export class SecurityHeadersMiddleware implements NestMiddleware {
  private readonly handler?: RequestHandler;
  private readonly fixed?: FixedHeaders;

  constructor(@Inject(SESSION_OPTIONS) options: ResolvedSessionOptions) {
    if (!options.securityHeaders) return;
    this.handler = securityHeaders(options);
    this.fixed = recordFixedHeaders(this.handler);
  }

  use(req: Request, res: Response, next: NextFunction): void {
    const { fixed } = this;
    if (fixed) {
      for (const [name, value] of fixed.set) res.setHeader(name, value);
      for (const name of fixed.removed) res.removeHeader(name);
      return next();
    }
    if (!this.handler) return next();
    void this.handler(req, res, next);
  }
}
