import { Inject, Injectable, Logger, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import session from 'express-session';
import {
  SESSION_KEYS,
  SESSION_LOGGER_CONTEXT,
  SESSION_OPTIONS,
  SESSION_STORE,
} from '../core/session.constants.js';
import type { SessionKeys } from '../core/session-keys.js';
import { sessionCookieOptions } from '../core/http/session-cookie.js';
import type { ResolvedSessionOptions } from '../core/options/session-options.resolver.js';
import type { SessionStore } from '../stores/session.store.js';

/** express-session, mounted by SessionModule so that importing the module is enough. */
@Injectable()
export class SessionMiddleware implements NestMiddleware {
  private readonly logger = new Logger(SESSION_LOGGER_CONTEXT);
  private readonly handler: RequestHandler;

  constructor(
    @Inject(SESSION_OPTIONS) options: ResolvedSessionOptions,
    @Inject(SESSION_STORE) store: SessionStore,
    @Inject(SESSION_KEYS) keys: SessionKeys,
  ) {
    this.handler = session({
      name: options.cookie.name,
      // The cookie key of each secret (first signs, all verify), never a raw secret: see
      // session-keys.ts for the forgery a shared key allowed.
      secret: keys.cookie,
      store,
      // The store makes the ids, so it knows which session this request may create (see genid).
      genid: (req) => store.genid(req),
      // Never write a session nobody changed, nor create one for anonymous visitors.
      resave: false,
      saveUninitialized: false,
      // 'keep': when a load fails we unset req.session; 'destroy' would then DEL a session that
      // is still valid as soon as the store answers again.
      unset: 'keep',
      cookie: sessionCookieOptions(options),
    });
  }

  use(req: Request, res: Response, next: NextFunction): void {
    let continued = false;
    this.handler(req, res, (err?: unknown) => {
      // express-session reports a failed save after the response through this callback too;
      // the route already ran, so it must not run again.
      if (continued) {
        if (err) this.logger.error(`Session store failed to save: ${describe(err)}`);
        return;
      }
      continued = true;
      if (err) {
        // Leave req.session unset: SessionGuard and the auth routes answer 503, public routes
        // still work.
        this.logger.warn(`Session store failed to load a session: ${describe(err)}`);
        req.session = undefined as never;
      }
      next();
    });
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
