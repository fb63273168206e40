import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { isFormPost } from '../core/http/request-kind.js';
import { SESSION_OPTIONS } from '../core/session.constants.js';
import { storeUnavailable } from '../session/session-persistence.js';
import type { ResolvedSessionOptions } from '../core/options/session-options.resolver.js';
import { SessionAuthException } from '../core/errors/session-auth.exception.js';
import { CsrfService } from './csrf.service.js';
import { allowedOrigins, isAllowedSource } from './request-origin.js';

/** Methods that must not change state (RFC 9110 §9.2.1); everything else needs the checks. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The hidden form field that carries the token in plain HTML form posts. */
export const CSRF_FORM_FIELD = '_csrf';

/**
 * CSRF defence for every unsafe request of the app, mounted by SessionModule after the session
 * middleware. It is middleware rather than a guard on purpose: no route, `@Public()` ones
 * included (login and logout are both forgeable), can opt out by metadata, and routes added
 * later are covered without anyone remembering to.
 * Each step is a protected method, so an app can subclass it, override one, and mount the
 * subclass with the `csrfMiddleware` option.
 */
@Injectable()
export class CsrfMiddleware implements NestMiddleware {
  protected readonly allowedOrigins: ReadonlySet<string>;

  constructor(
    @Inject(SESSION_OPTIONS) protected readonly options: ResolvedSessionOptions,
    protected readonly csrf: CsrfService,
  ) {
    this.allowedOrigins = allowedOrigins(options);
  }

  use(req: Request, res: Response, next: NextFunction): void {
    if (!this.options.csrf.enabled) return next();
    this.csrf.trackSession(req, res);
    if (SAFE_METHODS.has(req.method)) return next();
    if (!isAllowedSource(req, this.allowedOrigins)) {
      throw new SessionAuthException('csrf_origin_refused');
    }
    // The store failed to load the session: whatever the token, the answer is 503, not 403.
    if (!req.session) throw storeUnavailable();
    const submitted = this.submittedToken(req);
    if (submitted === undefined || !this.csrf.verify(req, submitted)) {
      // The refusal carries the right cookie, so a same-origin SPA can simply retry once.
      this.csrf.issue(req, res);
      throw this.csrf.refusal(req, submitted);
    }
    next();
  }

  /** The header, else the `_csrf` field of a form post (removed, so DTO whitelists pass). */
  protected submittedToken(req: Request): string | undefined {
    const header = req.get(this.options.csrf.headerName) || undefined;
    if (!isFormPost(req) || typeof req.body !== 'object' || req.body === null) return header;
    const body = req.body as Record<string, unknown>;
    const field = body[CSRF_FORM_FIELD];
    delete body[CSRF_FORM_FIELD];
    return header ?? (typeof field === 'string' && field !== '' ? field : undefined);
  }
}
