import type { Server } from 'node:http';
import request from 'supertest';

export const CSRF_COOKIE = 'XSRF-TOKEN';
/** The CSRF cookie's name beside a `__Host-` session cookie (COOKIE_SECURE, production). */
export const HOST_CSRF_COOKIE = '__Host-XSRF-TOKEN';
export const CSRF_HEADER = 'X-XSRF-TOKEN';

/** Headers that make a supertest request pass the CSRF check, as axios would send them. */
export interface CsrfHeaders {
  Cookie: string;
  'X-XSRF-TOKEN': string;
  [header: string]: string;
}

export interface CsrfHeaderOptions {
  /** Extra headers for the GET /auth/csrf request (e.g. X-Forwarded-Proto behind TRUST_PROXY). */
  headers?: Record<string, string>;
  /** Default: the name the server set the cookie under, as a browser would keep it. */
  cookieName?: string;
  /** The CA to trust when `server` is an https:// URL with a test certificate (nginx). */
  ca?: string | Buffer;
}

/**
 * The `Cookie` (session cookie plus XSRF-TOKEN) and `X-XSRF-TOKEN` headers for an unsafe request,
 * fetched from GET /auth/csrf the way an SPA does. With `sessionCookie` the token is that
 * session's; without it, a pre-session token for an anonymous login. Use it as
 * `request(server).post('/auth/logout').set(await csrfHeaders(server, cookie))`. `server` may
 * also be a URL (an app process, nginx).
 */
export async function csrfHeaders(
  server: Server | string,
  sessionCookie?: string,
  options: CsrfHeaderOptions = {},
): Promise<CsrfHeaders> {
  const get = request(server)
    .get('/auth/csrf')
    .set(options.headers ?? {});
  if (options.ca) get.ca(options.ca);
  if (sessionCookie) get.set('Cookie', sessionCookie);
  const res = await get;
  if (res.status !== 200 || typeof res.body?.token !== 'string') {
    throw new Error(
      `GET /auth/csrf answered ${res.status}, expected 200 with { token }: ${JSON.stringify(res.body)}`,
    );
  }
  const token = res.body.token as string;
  const cookieName = options.cookieName ?? csrfCookieNameIn(res.headers['set-cookie']);
  // The cookie is re-set only when the browser's copy is stale; either way it carries `token`.
  const cookies = [sessionCookie, `${cookieName}=${token}`].filter(Boolean).join('; ');
  return { Cookie: cookies, [CSRF_HEADER]: token } as CsrfHeaders;
}

/**
 * The CSRF headers for the session a login answer just started, read from its Set-Cookie (login
 * rotates the token), so no extra request is needed.
 */
export function csrfHeadersFromLogin(
  setCookie: string | string[] | undefined,
  sessionCookie: string,
  cookieName = csrfCookieNameIn(setCookie),
): CsrfHeaders {
  const token = cookieValue(setCookie, cookieName);
  if (!token) throw new Error(`the login answer set no ${cookieName} cookie`);
  return {
    Cookie: `${sessionCookie}; ${cookieName}=${token}`,
    [CSRF_HEADER]: token,
  } as CsrfHeaders;
}

/**
 * Which CSRF cookie name a Set-Cookie list uses: `__Host-XSRF-TOKEN` when the server set that one
 * (beside a `__Host-` session cookie), else `XSRF-TOKEN`.
 */
export function csrfCookieNameIn(setCookie: string | string[] | undefined): string {
  const list = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  return list.some((c) => c.startsWith(`${HOST_CSRF_COOKIE}=`)) ? HOST_CSRF_COOKIE : CSRF_COOKIE;
}

/** The decoded value of cookie `name` in a Set-Cookie list, if it is set (not cleared). */
export function cookieValue(
  setCookie: string | string[] | undefined,
  name: string,
): string | undefined {
  const list = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  const header = list.filter((c) => c.startsWith(`${name}=`)).at(-1);
  const value = header?.slice(name.length + 1).split(';')[0];
  return value ? decodeURIComponent(value) : undefined;
}

/** What a plain HTML form post needs: the cookie, and the hidden `_csrf` field for the body. */
export interface FormCsrf {
  cookie: string;
  field: { _csrf: string };
}

/**
 * The CSRF cookie and `_csrf` field a server-rendered form carries, as the demo's login and
 * profile pages render them: `.set('Cookie', f.cookie).type('form').send({ ...f.field, … })`.
 */
export async function formCsrf(
  server: Server | string,
  sessionCookie?: string,
  options: CsrfHeaderOptions = {},
): Promise<FormCsrf> {
  const headers = await csrfHeaders(server, sessionCookie, options);
  return { cookie: headers.Cookie, field: { _csrf: headers[CSRF_HEADER] } };
}

/**
 * CSRF headers for `fetch` against a listening server (a spawned app, for instance): GET
 * /auth/csrf, then the same cookie and header an SPA would send.
 */
export async function fetchCsrfHeaders(baseUrl: string): Promise<Record<string, string>> {
  const res = await fetch(`${baseUrl}/auth/csrf`);
  if (!res.ok) throw new Error(`GET ${baseUrl}/auth/csrf answered ${res.status}, expected 200`);
  const { token } = (await res.json()) as { token: string };
  const cookieName = csrfCookieNameIn(res.headers.getSetCookie());
  return { Cookie: `${cookieName}=${token}`, [CSRF_HEADER]: token };
}
