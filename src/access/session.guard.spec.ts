import { describe, expect, it, jest } from '@jest/globals';
import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { WsException } from '@nestjs/websockets';
import express, { type Request, type Response } from 'express';
import { GUEST_ONLY_KEY, IS_PUBLIC_KEY, RECENT_LOGIN_KEY } from '../core/session.constants.js';
import { SessionAuthException } from '../core/errors/session-auth.exception.js';
import { RequireRecentLogin } from './require-recent-login.decorator.js';
import { SessionGuard } from './session.guard.js';
import { markSessionEnded, type SessionEndReason } from '../session/session-expiry.js';
import { resolveSessionOptions } from '../core/options/session-options.resolver.js';

const NO_HEADERS: Readonly<Record<string, string>> = {};
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

interface FakeRequest {
  method?: string;
  headers?: Record<string, string>;
  session?: Record<string, unknown>;
  originalUrl?: string;
  isPublic?: boolean;
  /** `@GuestOnly()` on the handler. */
  guestOnly?: boolean;
  query?: Record<string, unknown>;
  /** Metadata as `@RequireRecentLogin(seconds)` sets it: null for the module's default window. */
  recentLogin?: number | null;
  /** Where the call comes from: an HTTP route (default), a GraphQL resolver or a socket message. */
  type?: 'http' | 'graphql' | 'ws';
  /** The server ended the session during this request (a timeout). */
  endedBy?: SessionEndReason;
  /** isSignedIn throws this (a bug in an app's override), instead of answering. */
  failWith?: Error;
}

/** A subclass whose isSignedIn may fail, as an app's override could. */
class FailingGuard extends SessionGuard {
  failWith?: Error;
  protected override isSignedIn(req: Request): boolean {
    if (this.failWith) throw this.failWith;
    return super.isSignedIn(req);
  }
}

/** A guard run on a fake request; answers what it returned, or the code and headers it threw. */
function run(fake: FakeRequest) {
  const headers = Object.fromEntries(
    Object.entries(fake.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
  );
  // Express's req.accepts/req.get, on a bare object: the guard only reads headers through them.
  const req = Object.assign(Object.create(express.request), {
    method: fake.method ?? 'GET',
    headers,
    originalUrl: fake.originalUrl ?? '/profile',
    session: fake.session,
    // express-session sets it on every request it has seen.
    sessionStore: {},
  }) as Request;
  // Express 5 parses req.query from the URL through the app; a bare request takes it as given.
  Object.defineProperty(req, 'query', { value: fake.query ?? {} });
  const res = {} as Response;
  const handler = () => undefined;
  if (fake.isPublic) Reflect.defineMetadata(IS_PUBLIC_KEY, true, handler);
  if (fake.guestOnly) Reflect.defineMetadata(GUEST_ONLY_KEY, true, handler);
  if (fake.recentLogin !== undefined) {
    Reflect.defineMetadata(RECENT_LOGIN_KEY, fake.recentLogin, handler);
  }
  const context = {
    getHandler: () => handler,
    getClass: () => class {},
    getType: () => fake.type ?? 'http',
    switchToHttp: () => ({ getRequest: () => req, getResponse: () => res }),
    // A resolver's (root, args, context, info), with the request in the GraphQL context.
    getArgs: () => [undefined, {}, { req }, {}],
    switchToWs: () => ({ getClient: () => ({ request: req }) }),
  } as unknown as ExecutionContext;
  if (fake.endedBy) markSessionEnded(req, fake.endedBy);
  const guard = new FailingGuard(new Reflector(), resolveSessionOptions({ secrets: ['s'] }));
  guard.failWith = fake.failWith;
  try {
    return {
      allowed: guard.canActivate(context) as boolean,
      code: undefined,
      headers: NO_HEADERS,
    };
  } catch (error) {
    if (!(error instanceof SessionAuthException)) throw error;
    return { allowed: false, code: error.code, headers: error.headers, body: error.getResponse() };
  }
}

const signedIn = { profile: { id: '1', email: 'a@b.c', displayName: 'A', roles: [] } };

describe('SessionGuard', () => {
  it('lets a signed-in request through', () => {
    expect(run({ session: signedIn }).allowed).toBe(true);
  });

  it('lets a @Public() route through without a session, even with the store down', () => {
    expect(run({ isPublic: true, session: undefined }).allowed).toBe(true);
  });

  it('answers an anonymous API call with 401 JSON', () => {
    const { code } = run({ session: {}, headers: { Accept: 'application/json' } });
    expect(code).toBe('unauthenticated');
  });

  it('treats curl (Accept: */*) and no Accept at all as API calls', () => {
    expect(run({ session: {}, headers: { Accept: '*/*' } }).code).toBe('unauthenticated');
    expect(run({ session: {} }).code).toBe('unauthenticated');
  });

  it('redirects a browser navigation to the login page with next', () => {
    const { code, headers } = run({
      session: {},
      originalUrl: '/profile?tab=1',
      headers: { Accept: BROWSER_ACCEPT },
    });
    expect(code).toBe('login_required');
    expect(headers.Location).toBe('/login?next=%2Fprofile%3Ftab%3D1');
  });

  it('redirects a navigation that says so in Sec-Fetch-Mode, whatever its Accept', () => {
    for (const accept of [BROWSER_ACCEPT, '*/*']) {
      const { code, headers } = run({
        session: {},
        headers: { Accept: accept, 'Sec-Fetch-Mode': 'navigate', 'Sec-Fetch-Dest': 'document' },
      });
      expect(code).toBe('login_required');
      expect(headers.Location).toBe('/login?next=%2Fprofile');
    }
  });

  it('redirects a HEAD navigation too', () => {
    const { code, headers } = run({
      method: 'HEAD',
      session: {},
      headers: { Accept: BROWSER_ACCEPT, 'Sec-Fetch-Mode': 'navigate' },
    });
    expect(code).toBe('login_required');
    expect(headers.Location).toBe('/login?next=%2Fprofile');
  });

  it('answers 401 session_expired when the server has just ended the session', () => {
    const { code } = run({ session: {}, endedBy: 'idle', headers: { Accept: '*/*' } });
    expect(code).toBe('session_expired');
    // A navigation still goes to the login page.
    const page = run({ session: {}, endedBy: 'absolute', headers: { Accept: BROWSER_ACCEPT } });
    expect(page.code).toBe('login_required');
  });

  it('answers an XHR or fetch() 401 even when it accepts HTML', () => {
    const xhr = run({
      session: {},
      headers: { Accept: BROWSER_ACCEPT, 'X-Requested-With': 'XMLHttpRequest' },
    });
    expect(xhr.code).toBe('unauthenticated');
    const fetchCall = run({
      session: {},
      headers: { Accept: BROWSER_ACCEPT, 'Sec-Fetch-Mode': 'cors' },
    });
    expect(fetchCall.code).toBe('unauthenticated');
  });

  it('answers a POST 401, not a redirect that would drop the body', () => {
    const { code } = run({ method: 'POST', session: {}, headers: { Accept: BROWSER_ACCEPT } });
    expect(code).toBe('unauthenticated');
  });

  it('answers 503 with Retry-After, never 401, when the store could not load the session', () => {
    const { code, headers } = run({ session: undefined, headers: { Accept: 'application/json' } });
    expect(code).toBe('session_store_unavailable');
    expect(headers['Retry-After']).toBe('5');
  });
});

describe('SessionGuard with @GuestOnly', () => {
  const browser = { Accept: BROWSER_ACCEPT, 'Sec-Fetch-Mode': 'navigate' };

  it('lets a guest through, even with the store down', () => {
    expect(run({ guestOnly: true, session: {} }).allowed).toBe(true);
    expect(run({ guestOnly: true, session: undefined }).allowed).toBe(true);
  });

  it('sends a signed-in browser navigation on to a safe next, else /', () => {
    const to = (query: Record<string, unknown>, method = 'GET') =>
      run({ guestOnly: true, session: signedIn, headers: browser, query, method });
    expect(to({ next: '/profile?tab=2' })).toMatchObject({
      code: 'already_authenticated_redirect',
      headers: { Location: '/profile?tab=2' },
    });
    expect(to({}).headers).toEqual({ Location: '/' });
    expect(to({ next: '//evil.example' }).headers).toEqual({ Location: '/' });
    expect(to({ next: '/x' }, 'HEAD').headers).toEqual({ Location: '/x' });
  });

  it('answers 409 to a signed-in API call, a POST, or a call with no response to redirect', () => {
    const signedInCall = (extra: Partial<FakeRequest>) =>
      run({ guestOnly: true, session: signedIn, ...extra }).code;
    expect(signedInCall({ headers: { Accept: 'application/json' } })).toBe('already_authenticated');
    expect(signedInCall({ headers: browser, method: 'POST' })).toBe('already_authenticated');
    expect(signedInCall({ headers: browser, type: 'graphql' })).toBe('already_authenticated');
  });

  it('wins over @Public() on the same route', () => {
    const { code } = run({ guestOnly: true, isPublic: true, session: signedIn });
    expect(code).toBe('already_authenticated');
  });
});

describe('SessionGuard with @RequireRecentLogin', () => {
  const signedInAgo = (seconds: number) => ({
    ...signedIn,
    createdAt: Date.now() - seconds * 1000,
  });

  it('lets a sign-in through up to the last millisecond of the window, not after', () => {
    const now = Date.now();
    jest.spyOn(Date, 'now').mockReturnValue(now);
    try {
      const at = (ms: number) => ({ ...signedIn, createdAt: now - ms });
      expect(run({ session: at(60_000), recentLogin: 60 }).allowed).toBe(true);
      expect(run({ session: at(60_001), recentLogin: 60 }).code).toBe('reauth_required');
    } finally {
      jest.restoreAllMocks();
    }
  });

  it('lets a sign-in within the window through', () => {
    expect(run({ session: signedInAgo(10), recentLogin: 60 }).allowed).toBe(true);
  });

  it('answers 401 reauth_required for an older sign-in', () => {
    const { body } = run({ session: signedInAgo(61), recentLogin: 60 });
    expect(body).toMatchObject({
      statusCode: 401,
      code: 'reauth_required',
    });
  });

  it('asks a session a remember-me cookie made for the password, however recent', () => {
    const restored = { ...signedInAgo(1), viaRememberMe: true };
    expect(run({ session: restored, recentLogin: 60 }).code).toBe('reauth_required');
    expect(run({ session: restored }).allowed).toBe(true);
  });

  it("uses the module's recentLoginSeconds (900) when the decorator names none", () => {
    expect(run({ session: signedInAgo(899), recentLogin: null }).allowed).toBe(true);
    expect(run({ session: signedInAgo(901), recentLogin: null }).code).toBe('reauth_required');
  });

  it('asks a session without a sign-in time to sign in again', () => {
    expect(run({ session: signedIn, recentLogin: 60 }).code).toBe('reauth_required');
  });

  it('refuses a window that is not a positive whole number at decoration time', () => {
    expect(() => RequireRecentLogin(0)).toThrow(/positive whole number/);
    expect(() => RequireRecentLogin(1.5)).toThrow(/positive whole number/);
  });
});

describe('SessionGuard outside HTTP routes', () => {
  it('lets a signed-in GraphQL resolver call through and answers an anonymous one 401, never 302', () => {
    expect(run({ type: 'graphql', session: signedIn }).allowed).toBe(true);
    const { code, headers } = run({
      type: 'graphql',
      session: {},
      headers: { Accept: BROWSER_ACCEPT },
    });
    expect(code).toBe('unauthenticated');
    expect(headers?.Location).toBeUndefined();
  });

  it('answers a GraphQL call 503 when the store could not load the session', () => {
    expect(run({ type: 'graphql', session: undefined }).code).toBe('session_store_unavailable');
  });

  it('refuses an anonymous socket message with a WsException carrying the error body', async () => {
    const { allowed } = run({ type: 'ws', session: {} });
    const error = await Promise.resolve(allowed).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WsException);
    expect((error as WsException).getError()).toMatchObject({ code: 'unauthenticated' });
  });

  it('passes on an error of a socket message that is no refusal, as it is', async () => {
    const { allowed } = run({ type: 'ws', session: {}, failWith: new Error('bug') });
    const error = await Promise.resolve(allowed).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(WsException);
    expect((error as Error).message).toBe('bug');
  });

  it('lets a signed-in socket message through', () => {
    expect(run({ type: 'ws', session: signedIn }).allowed).toBe(true);
  });
});
