import type { Server } from 'node:http';
import request from 'supertest';
import { csrfHeaders } from './csrf.js';
import { waitFor } from '../servers/redis-server.js';

export type UnsafeMethod = 'post' | 'put' | 'patch' | 'delete';

/**
 * Every state-changing request of the lifecycle suites is built here, so a defence that needs
 * more than the session cookie (a CSRF token, an Origin header) is added in one place.
 */
export function unsafeRequest(
  server: Server,
  method: UnsafeMethod,
  path: string,
  cookie?: string,
): request.Test {
  return withCsrf(request(server)[method](path), server, cookie);
}

/**
 * Sends `req` as an SPA would: just before it goes out, GET /auth/csrf for the session in
 * `cookie` (or for an anonymous visitor), then add the `Cookie` (session + XSRF-TOKEN) and
 * `X-XSRF-TOKEN` headers. Done when the request is sent, so callers keep chaining `.set()` and
 * `.send()` synchronously.
 */
function withCsrf(req: request.Test, server: Server, cookie?: string): request.Test {
  const send = req.end.bind(req);
  req.end = (callback) => {
    csrfHeaders(server, cookie).then(
      (headers) => {
        req.set(headers);
        send(callback);
      },
      (err: unknown) => callback?.(err, undefined as never),
    );
    return req;
  };
  return req;
}

/** POST with the session cookie and a JSON body. */
export function postAs(server: Server, cookie: string, path: string, body: object = {}) {
  return unsafeRequest(server, 'post', path, cookie).send(body);
}

/** DELETE with the session cookie. */
export function deleteAs(server: Server, cookie: string, path: string) {
  return unsafeRequest(server, 'delete', path, cookie);
}

/** POST /auth/login without a cookie. */
export function attemptLogin(server: Server, email: string, password: string) {
  return unsafeRequest(server, 'post', '/auth/login').send({ email, password });
}

/** POST /auth/password for the session in `cookie`. */
export function changePassword(
  server: Server,
  cookie: string,
  currentPassword: string,
  newPassword: string,
) {
  return postAs(server, cookie, '/auth/password', { currentPassword, newPassword });
}

/** GET with the session cookie (safe: no CSRF token needed). */
export function getAs(server: Server, cookie: string, path: string) {
  return request(server).get(path).set('Cookie', cookie);
}

/**
 * Sends `send()` once, then again every `intervalMs` until it answers anything but 200, and
 * returns that answer: for a window that closes on the server's clock, never the test's.
 */
export async function firstAnswerNot200(
  send: () => PromiseLike<request.Response>,
  what: string,
  timeoutMs: number,
  intervalMs: number,
): Promise<request.Response> {
  let last = await send();
  await waitFor(
    async () => {
      last = await send();
      return last.status !== 200;
    },
    what,
    timeoutMs,
    intervalMs,
  );
  return last;
}

/** A readable line for failed expectations: which request, which status, which body. */
export function describeAnswer(what: string, res: { status: number; body: unknown }): string {
  return `${what} → ${res.status} ${JSON.stringify(res.body)}`;
}

/** Fails with the request, the status and the body when the status is not the expected one. */
export function expectStatus(
  res: { status: number; body: unknown },
  expected: number,
  what: string,
): void {
  if (res.status !== expected) {
    throw new Error(`${what}: expected ${expected}, got ${describeAnswer('', res).slice(3)}`);
  }
}
