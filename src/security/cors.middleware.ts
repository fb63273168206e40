// security/ — browser defences mounted by the module: CSRF (origin check and token), CORS allowlist, security headers.
import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { SESSION_OPTIONS } from '../core/session.constants.js';
import type { ResolvedSessionOptions } from '../core/options/session-options.resolver.js';
import { allowedOrigins } from './request-origin.js';

const ALLOWED_METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE';
/** Preflight answers are cached this long (seconds); Chromium caps it at 7200. */
const PREFLIGHT_MAX_AGE = '600';

/**
 * CORS with credentials for the exact origins in CORS_ORIGINS, and nothing for anyone else:
 * no `*`, no reflected origin, no headers at all for `Origin: null` or a stranger, so the browser
 * keeps those pages from reading any answer. Mounted by SessionModule before every route, so the
 * app's main.ts needs no `enableCors`, and error answers (401, 403, 503) are readable too.
 */
@Injectable()
export class CorsMiddleware implements NestMiddleware {
  private readonly allowed: ReadonlySet<string>;

  private readonly exposed: string;

  constructor(@Inject(SESSION_OPTIONS) options: ResolvedSessionOptions) {
    this.allowed = allowedOrigins(options);
    this.exposed = `Retry-After, ${options.csrf.headerName}`;
  }

  use(req: Request, res: Response, next: NextFunction): void {
    if (this.allowed.size === 0) return next();
    // The answer differs by Origin, so no cache may hand one origin's answer to another.
    res.vary('Origin');
    const origin = req.get('origin');
    const allowed = origin !== undefined && this.allowed.has(origin);
    if (allowed) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
      // Lets the SPA honour Retry-After on 503 and 429 answers, and read the new CSRF token
      // that login and logout send in the CSRF header.
      res.setHeader('Access-Control-Expose-Headers', this.exposed);
    }
    if (req.method !== 'OPTIONS' || req.get('access-control-request-method') === undefined) {
      return next();
    }
    if (allowed) {
      res.setHeader('Access-Control-Allow-Methods', ALLOWED_METHODS);
      // The allowed origins are trusted with every route already, so whichever headers they
      // ask for (Content-Type, X-XSRF-TOKEN, …) add nothing to what they can do.
      const headers = req.get('access-control-request-headers');
      if (headers) res.setHeader('Access-Control-Allow-Headers', headers);
      res.vary('Access-Control-Request-Headers');
      res.setHeader('Access-Control-Max-Age', PREFLIGHT_MAX_AGE);
    }
    // Answered here, allowed or not: a stranger's preflight gets 204 without CORS headers, which
    // the browser reads as "no".
    res.status(204).end();
  }
}
