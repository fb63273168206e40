import { describe, expect, it } from '@jest/globals';
import express, { type Request, type Response } from 'express';
import { resolveSessionOptions } from '../core/options/session-options.resolver.js';
import { SessionAuthException } from '../core/errors/session-auth.exception.js';
import { deriveSessionKeys } from '../core/session-keys.js';
import { anonymousCsrfToken, sessionCsrfToken } from './csrf-token.js';
import { CSRF_FORM_FIELD, CsrfMiddleware } from './csrf.middleware.js';
import { CsrfService, readCookie } from './csrf.service.js';
import { ApplicationConfig } from '@nestjs/core';
import { SessionRoutePaths } from '../core/http/session-routes.js';

const ROUTES = { mounted: true, path: 'auth' };

const app = express();
const keys = deriveSessionKeys(['new-secret', 'old-secret']);
const options = resolveSessionOptions({
  secrets: ['new-secret', 'old-secret'],
  cors: { origins: ['https://spa.example'] },
});
const COOKIE = options.csrf.cookieName;
const HEADER = options.csrf.headerName;
const profile = { id: 'u1', email: 'a@b.c', displayName: 'A', roles: [] };

interface Fake {
  method?: string;
  headers?: Record<string, string>;
  /** The loaded session; `null` when the store failed to load it. */
  session?: Record<string, unknown> | null;
  sessionID?: string;
  body?: unknown;
  enabled?: boolean;
}

/** Runs the middleware on a request to http://app.example; says what happened. */
function run(fake: Fake) {
  const headers = Object.fromEntries(
    Object.entries({ host: 'app.example', ...fake.headers }).map(([k, v]) => [k.toLowerCase(), v]),
  );
  const socket = { encrypted: false, remoteAddress: '127.0.0.1' };
  const req = Object.assign(Object.create(app.request), {
    method: fake.method ?? 'POST',
    headers,
    socket,
    connection: socket,
    session: fake.session === null ? undefined : (fake.session ?? {}),
    sessionID: fake.sessionID ?? 'sid-1',
    body: fake.body,
  }) as Request;
  const cookies: string[] = [];
  const res = {
    writeHead: () => res,
    getHeader: () => undefined,
    setHeader: () => res,
    cookie: (name: string, value: string) => cookies.push(`${name}=${value}`),
  } as unknown as Response;
  const resolved =
    fake.enabled === false ? { ...options, csrf: { ...options.csrf, enabled: false } } : options;
  const middleware = new CsrfMiddleware(
    resolved,
    new CsrfService(resolved, keys, new SessionRoutePaths(ROUTES, new ApplicationConfig())),
  );
  let passed = false;
  try {
    middleware.use(req, res, () => {
      passed = true;
    });
    return { passed, code: undefined, cookies, body: req.body as unknown };
  } catch (err) {
    if (!(err instanceof SessionAuthException)) throw err;
    return { passed, code: err.code, cookies, body: req.body as unknown };
  }
}

const anonymous = anonymousCsrfToken(keys.csrf[0]);
const anonymousHeaders = { Cookie: `${COOKIE}=${anonymous}`, [HEADER]: anonymous };
const signedIn = { session: { profile }, sessionID: 'sid-1' };
const sessionToken = sessionCsrfToken(keys.csrf[0], 'sid-1');

describe('CsrfMiddleware', () => {
  it('lets safe methods through without a token, from anywhere', () => {
    for (const method of ['GET', 'HEAD', 'OPTIONS']) {
      expect(run({ method, headers: { Origin: 'https://evil.example' } }).passed).toBe(true);
    }
  });

  it('checks every other method', () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      expect(run({ method }).code).toBe('csrf_token_missing');
    }
  });

  it('lets everything through when CSRF is disabled', () => {
    expect(run({ enabled: false, headers: { Origin: 'https://evil.example' } }).passed).toBe(true);
  });

  it('refuses a foreign origin before looking at the token', () => {
    const res = run({ headers: { ...anonymousHeaders, Origin: 'https://evil.example' } });
    expect(res).toMatchObject({ passed: false, code: 'csrf_origin_refused' });
    expect(run({ headers: { ...anonymousHeaders, Referer: 'garbage' } }).code).toBe(
      'csrf_origin_refused',
    );
  });

  it('accepts this origin and the CORS origins with a valid token', () => {
    expect(run({ headers: { ...anonymousHeaders, Origin: 'http://app.example' } }).passed).toBe(
      true,
    );
    expect(run({ headers: { ...anonymousHeaders, Origin: 'https://spa.example' } }).passed).toBe(
      true,
    );
  });

  it('answers 503 when the store could not load the session, whatever the token', () => {
    expect(run({ session: null, headers: anonymousHeaders }).code).toBe(
      'session_store_unavailable',
    );
  });

  it('answers a missing token 403 csrf_token_missing and hands out a fresh one', () => {
    const res = run({ headers: { [HEADER]: '' } });
    expect(res.code).toBe('csrf_token_missing');
    expect(res.cookies).toHaveLength(1);
    expect(res.cookies[0].startsWith(`${COOKIE}=`)).toBe(true);
  });

  it('answers a wrong token 403 csrf_token_invalid and hands out the right one', () => {
    const res = run({ ...signedIn, headers: { [HEADER]: 'wrong' } });
    expect(res.code).toBe('csrf_token_invalid');
    expect(res.cookies).toEqual([`${COOKIE}=${sessionToken}`]);
  });

  describe('signed in', () => {
    it("accepts the session's token, under the current or a rotated-out secret", () => {
      expect(run({ ...signedIn, headers: { [HEADER]: sessionToken } }).passed).toBe(true);
      const old = sessionCsrfToken(keys.csrf[1], 'sid-1');
      expect(run({ ...signedIn, headers: { [HEADER]: old } }).passed).toBe(true);
    });

    it("refuses another session's token and a pre-session token", () => {
      const other = sessionCsrfToken(keys.csrf[0], 'sid-2');
      expect(run({ ...signedIn, headers: { [HEADER]: other } }).code).toBe('csrf_token_invalid');
      expect(run({ ...signedIn, headers: anonymousHeaders }).code).toBe('csrf_token_invalid');
    });
  });

  describe('before sign-in', () => {
    it('accepts a signed pre-session token that matches its own cookie', () => {
      expect(run({ headers: anonymousHeaders }).passed).toBe(true);
    });

    it("refuses a token that is not the browser's own cookie, or that we did not sign", () => {
      const other = anonymousCsrfToken(keys.csrf[0]);
      const mismatch = { Cookie: `${COOKIE}=${anonymous}`, [HEADER]: other };
      expect(run({ headers: mismatch }).code).toBe('csrf_token_invalid');
      // A token with no cookie at all: refused too, saying the browser sent no cookies.
      expect(run({ headers: { [HEADER]: anonymous } })).toMatchObject({
        passed: false,
        code: 'csrf_cookie_missing',
      });
      const forged = 'abc.forged';
      expect(run({ headers: { Cookie: `${COOKIE}=${forged}`, [HEADER]: forged } }).code).toBe(
        'csrf_token_invalid',
      );
      // A session token is no pre-session token, even echoed in the cookie.
      const echoed = { Cookie: `${COOKIE}=${sessionToken}`, [HEADER]: sessionToken };
      expect(run({ headers: echoed }).code).toBe('csrf_token_invalid');
    });
  });

  describe('form posts', () => {
    const form = { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': '9' };

    it('reads the _csrf field and removes it, so DTO whitelists pass', () => {
      // The field's name is what the demo's forms and docs use, so it is spelled out here.
      expect(CSRF_FORM_FIELD).toBe('_csrf');
      const body = { _csrf: anonymous, email: 'a@b.c' };
      const res = run({ headers: { ...form, Cookie: `${COOKIE}=${anonymous}` }, body });
      expect(res.passed).toBe(true);
      expect(res.body).toEqual({ email: 'a@b.c' });
    });

    it('prefers the header to the field, and removes the field all the same', () => {
      const body = { [CSRF_FORM_FIELD]: 'stale', note: 'x' };
      const res = run({ headers: { ...form, ...anonymousHeaders }, body });
      expect(res.passed).toBe(true);
      expect(res.body).toEqual({ note: 'x' });
    });

    it('counts an empty or non-text field as no token', () => {
      const cookie = { ...form, Cookie: `${COOKIE}=${anonymous}` };
      expect(run({ headers: cookie, body: { [CSRF_FORM_FIELD]: '' } }).code).toBe(
        'csrf_token_missing',
      );
      expect(run({ headers: cookie, body: { [CSRF_FORM_FIELD]: [anonymous] } }).code).toBe(
        'csrf_token_missing',
      );
      expect(run({ headers: cookie, body: null }).code).toBe('csrf_token_missing');
    });

    it('reads no _csrf field from a JSON body, and leaves it there', () => {
      const json = { 'Content-Type': 'application/json', 'Content-Length': '9' };
      const body = { [CSRF_FORM_FIELD]: anonymous };
      const res = run({ headers: { ...json, Cookie: `${COOKIE}=${anonymous}` }, body });
      expect(res.code).toBe('csrf_token_missing');
      expect(res.body).toEqual(body);
    });
  });
});

describe('readCookie', () => {
  it('finds the first cookie of that exact name, trimmed and decoded', () => {
    expect(readCookie('a=1; XSRF-TOKEN=x%2By; b=2', 'XSRF-TOKEN')).toBe('x+y');
    expect(readCookie('XSRF-TOKEN=first; XSRF-TOKEN=second', 'XSRF-TOKEN')).toBe('first');
    expect(readCookie(' XSRF-TOKEN = v ', 'XSRF-TOKEN')).toBe('v');
    expect(readCookie('MY-XSRF-TOKEN=no; XSRF-TOKEN-2=no', 'XSRF-TOKEN')).toBeUndefined();
    // A part without '=' names no cookie, even when it starts with the name.
    expect(readCookie('XSRF-TOKENx; a=1', 'XSRF-TOKEN')).toBeUndefined();
  });

  it('keeps a value that is not valid percent-encoding as it is', () => {
    expect(readCookie('XSRF-TOKEN=%E0%A4%A', 'XSRF-TOKEN')).toBe('%E0%A4%A');
  });

  it('finds nothing in an empty or missing header, or in parts without a name', () => {
    expect(readCookie(undefined, 'XSRF-TOKEN')).toBeUndefined();
    expect(readCookie('', 'XSRF-TOKEN')).toBeUndefined();
    expect(readCookie('=XSRF-TOKEN; XSRF-TOKEN', 'XSRF-TOKEN')).toBeUndefined();
    expect(readCookie('a=b=c', 'a')).toBe('b=c');
  });
});
