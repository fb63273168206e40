import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { SESSION_OPTIONS, SESSION_STORE } from '../core/session.constants.js';
import { isLastSeenDue, markSessionEnded, sessionEndReason } from './session-expiry.js';
import type { ResolvedSessionOptions } from '../core/options/session-options.resolver.js';
import { CredentialVersions } from './credential-versions.js';
import { SessionsService } from './sessions.service.js';
import type { SessionStore } from '../stores/session.store.js';

/**
 * Runs after express-session on every request that loaded a session from the store:
 * - ends it, on the server, once the absolute or idle timeout has passed (ASVS 5.0 V7.3.1,
 *   V7.3.2): the store entry is deleted and the request goes on signed out, so SessionGuard
 *   answers 401 `session_expired`;
 * - ends it too when the user's credential version moved on since its sign-in (a password change
 *   or a revocation; see CredentialVersions): the request goes on signed out;
 * - otherwise moves `lastSeenAt` forward once per touch interval. That change makes
 *   express-session save the session, which also resets its TTL in the store; in between,
 *   nothing is written (the Store has no `touch`), so most reads cost a single store GET.
 */
@Injectable()
export class SessionLifecycleMiddleware implements NestMiddleware {
  constructor(
    @Inject(SESSION_OPTIONS) private readonly options: ResolvedSessionOptions,
    private readonly sessions: SessionsService,
    private readonly versions: CredentialVersions,
    @Inject(SESSION_STORE) private readonly store: SessionStore,
  ) {}

  async use(req: Request, _res: Response, next: NextFunction): Promise<void> {
    const session = req.session;
    // No session (the store failed: the guard answers 503) or one made by this very request.
    if (!session || this.store.isNew(req)) return next();
    const now = Date.now();
    const reason = sessionEndReason(session, now, this.options.timeouts);
    if (reason) {
      await this.sessions.expire(req, reason);
      markSessionEnded(req, reason);
      return next();
    }
    const current = await this.versions.isCurrent(session).catch(() => undefined);
    if (current === undefined) {
      // The store cannot tell: go on as when the session could not be loaded (fail closed,
      // guarded routes answer 503).
      req.session = undefined as never;
    } else if (!current) {
      await this.sessions.endOutdated(req).catch(() => {
        req.session = undefined as never;
      });
    } else if (isLastSeenDue(session, now, this.options.timeouts.touchIntervalMs)) {
      session.lastSeenAt = now;
    }
    next();
  }
}
