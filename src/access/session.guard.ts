import {
  type CanActivate,
  type ExecutionContext,
  HttpException,
  Inject,
  Injectable,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { prefersHtml } from '../core/http/request-kind.js';
import { loginRedirectUrl, safeRedirectTarget } from '../core/http/safe-redirect.js';
import {
  GUEST_ONLY_KEY,
  IS_PUBLIC_KEY,
  RECENT_LOGIN_KEY,
  SESSION_OPTIONS,
} from '../core/session.constants.js';
import { SessionAuthException } from '../core/errors/session-auth.exception.js';
import { sessionEndedBy } from '../session/session-expiry.js';
import { pendingSecondFactorState } from '../session/pending-second-factor.js';
import { storeUnavailable } from '../session/session-persistence.js';
import { requestOf, responseOf } from './execution-request.js';
import type { ResolvedSessionOptions } from '../core/options/session-options.resolver.js';

/**
 * Lets signed-in requests through: HTTP routes, GraphQL resolvers and socket.io messages. Without
 * a session, API calls get 401 JSON and browser navigations a 302 to the login page; a GraphQL
 * client gets an UNAUTHENTICATED error and a socket an `exception` event, never a redirect.
 * Routes marked `@Public()` stay open; `@GuestOnly()` ones are open to signed-out visitors only;
 * `@RequireRecentLogin()` ones also need a recent sign-in.
 * Each decision is a protected method, so an app can subclass and override one step; provide
 * the subclass as `SESSION_GUARD` and the module's own routes run it too.
 */
@Injectable()
export class SessionGuard implements CanActivate {
  constructor(
    protected readonly reflector: Reflector,
    @Inject(SESSION_OPTIONS) protected readonly options: ResolvedSessionOptions,
  ) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (this.isGuestOnly(context)) return this.allowGuest(context);
    if (this.isPublic(context)) return true;
    if (context.getType() !== 'ws') return this.allowSignedIn(context);
    try {
      return this.allowSignedIn(context);
    } catch (error) {
      return this.refuseSocket(error);
    }
  }

  /** The decision for a route, a GraphQL resolver or a socket message; throws its refusal. */
  protected allowSignedIn(context: ExecutionContext): boolean {
    const req = this.getRequest(context);
    const res = this.getResponse(context);
    // No req.session means the store failed while loading it: the user may well be signed in.
    if (!req.session) this.storeUnavailable();
    if (!this.isSignedIn(req)) return this.rejectAnonymous(req, res);
    const window = this.recentLoginWindow(context);
    if (window !== undefined && !this.isRecentLogin(req, window)) {
      throw new SessionAuthException('reauth_required');
    }
    return true;
  }

  /** The Express request behind an HTTP route, a GraphQL resolver or a socket.io message. */
  protected getRequest(context: ExecutionContext): Request {
    return requestOf(context);
  }

  /** The response of a plain HTTP route; undefined for GraphQL and sockets (no redirect, no header). */
  protected getResponse(context: ExecutionContext): Response | undefined {
    return responseOf(context);
  }

  protected isPublic(context: ExecutionContext): boolean {
    return (
      this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, [
        context.getHandler(),
        context.getClass(),
      ]) === true
    );
  }

  protected isGuestOnly(context: ExecutionContext): boolean {
    return (
      this.reflector.getAllAndOverride<boolean>(GUEST_ONLY_KEY, [
        context.getHandler(),
        context.getClass(),
      ]) === true
    );
  }

  /**
   * A `@GuestOnly()` route: open without a session. A signed-in browser navigation goes on to a
   * safe `?next=` (what it came to the sign-in page for) or `/`; anything else gets 409. With the
   * store down the page stays open: it shows nothing private, and signing in fails closed.
   */
  protected allowGuest(context: ExecutionContext): boolean {
    const req = this.getRequest(context);
    if (!req.session || !this.isSignedIn(req)) return true;
    const res = this.getResponse(context);
    if (res && (req.method === 'GET' || req.method === 'HEAD') && prefersHtml(req)) {
      const next = safeRedirectTarget((req.query as Record<string, unknown> | undefined)?.next);
      throw new SessionAuthException('already_authenticated_redirect', {
        headers: { Location: next },
      });
    }
    throw new SessionAuthException('already_authenticated');
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
    // A remember-me cookie signed this session in, not a password: a stolen cookie must not be
    // enough to change the password or end the owner's sessions.
    if (req.session.viaRememberMe) return false;
    const signedInAt = req.session.createdAt;
    return signedInAt !== undefined && Date.now() - signedInAt <= windowSeconds * 1000;
  }

  protected rejectAnonymous(req: Request, res: Response | undefined): never {
    if (res && (req.method === 'GET' || req.method === 'HEAD') && prefersHtml(req)) {
      const location = loginRedirectUrl(this.options.loginUrl, req.originalUrl);
      throw new SessionAuthException('login_required', { headers: { Location: location } });
    }
    // Say why when the server has just ended the session, so the client can tell the user.
    if (sessionEndedBy(req)) throw new SessionAuthException('session_expired');
    // The password checked out and the code is still to come: the client shows the code field.
    const pending = pendingSecondFactorState(req.session, this.options.secondFactor.pendingSeconds);
    if (pending === 'pending') throw new SessionAuthException('second_factor_required');
    if (pending === 'expired') throw new SessionAuthException('second_factor_expired');
    throw new SessionAuthException('unauthenticated');
  }

  protected storeUnavailable(): never {
    throw storeUnavailable();
  }

  /**
   * A socket message has no HTTP status to answer with: the refusal's body (`code`, `message`)
   * reaches the client as Nest's `exception` event, which only a WsException carries. Loaded on
   * demand, so apps without gateways need no `@nestjs/websockets`.
   */
  protected async refuseSocket(error: unknown): Promise<never> {
    if (!(error instanceof HttpException)) throw error;
    const { WsException } = await import('@nestjs/websockets');
    throw new WsException(error.getResponse() as object);
  }
}
