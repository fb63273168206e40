import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { prefersHtml } from '../core/http/request-kind.js';
import { loginRedirectUrl } from '../core/http/safe-redirect.js';
import { IS_PUBLIC_KEY, RECENT_LOGIN_KEY, SESSION_OPTIONS } from '../core/session.constants.js';
import { SessionAuthException } from '../core/errors/session-auth.exception.js';
import { sessionEndedBy } from '../session/session-expiry.js';
import { storeUnavailable } from '../session/session-persistence.js';
import type { ResolvedSessionOptions } from '../core/options/session-options.resolver.js';

/**
 * Lets signed-in requests through. Without a session, API calls get 401 JSON and browser
 * navigations a 302 to the login page. Routes marked `@Public()` stay open; routes marked
 * `@RequireRecentLogin()` also need a recent sign-in.
 * Each decision is a protected method, so an app can subclass and override one step; provide
 * the subclass as `SESSION_GUARD` and the module's own routes run it too.
 */
@Injectable()
export class SessionGuard implements CanActivate {
  constructor(
    protected readonly reflector: Reflector,
    @Inject(SESSION_OPTIONS) protected readonly options: ResolvedSessionOptions,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (this.isPublic(context)) return true;
    const req = context.switchToHttp().getRequest<Request>();
    // No req.session means the store failed while loading it: the user may well be signed in.
    if (!req.session) this.storeUnavailable();
    if (!this.isSignedIn(req)) return this.rejectAnonymous(req);
    const window = this.recentLoginWindow(context);
    if (window !== undefined && !this.isRecentLogin(req, window)) {
      throw new SessionAuthException('reauth_required');
    }
    return true;
  }

  protected isPublic(context: ExecutionContext): boolean {
    return (
      this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, [
        context.getHandler(),
        context.getClass(),
      ]) === true
    );
  }

  protected isSignedIn(req: Request): boolean {
    return req.session?.profile !== undefined;
  }

  /** Seconds a `@RequireRecentLogin()` route allows since sign-in; undefined when unmarked. */
  protected recentLoginWindow(context: ExecutionContext): number | undefined {
    const window = this.reflector.getAllAndOverride<number | null | undefined>(RECENT_LOGIN_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (window === undefined) return undefined;
    return window ?? this.options.timeouts.recentLoginSeconds;
  }

  protected isRecentLogin(req: Request, windowSeconds: number): boolean {
    const signedInAt = req.session.createdAt;
    return signedInAt !== undefined && Date.now() - signedInAt <= windowSeconds * 1000;
  }

  protected rejectAnonymous(req: Request): never {
    if ((req.method === 'GET' || req.method === 'HEAD') && prefersHtml(req)) {
      const location = loginRedirectUrl(this.options.loginUrl, req.originalUrl);
      throw new SessionAuthException('login_required', { headers: { Location: location } });
    }
    // Say why when the server has just ended the session, so the client can tell the user.
    if (sessionEndedBy(req)) throw new SessionAuthException('session_expired');
    throw new SessionAuthException('unauthenticated');
  }

  protected storeUnavailable(): never {
    throw storeUnavailable();
  }
}
