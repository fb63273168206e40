import { createHmac } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Server } from 'node:http';
import request from 'supertest';
import { deriveSessionKeys } from '../../../src/core/session-keys.js';
import { createDemoApp } from '../../../src/demo/bootstrap.js';
import { type CsrfHeaders, csrfHeaders, csrfHeadersFromLogin } from '../http/csrf.js';

export const DEMO_EMAIL = 'demo@example.com';
export const DEMO_PASSWORD = 'correct horse battery staple';
/** The JSON body of a demo login. */
export const DEMO_LOGIN = { email: DEMO_EMAIL, password: DEMO_PASSWORD };
export const TEST_SECRET = '9Fc9vnHCQQRBtpNHFhOG2IN0KufxgnpRHJvh0ZPBf3k=';

export interface RunningApp {
  app: NestExpressApplication;
  server: Server;
  close(): Promise<void>;
}

/**
 * Boots the demo app (the real AppModule, SessionModule and stores) with `env` applied on top of
 * a test baseline. The environment is restored once the app is built: config is read at boot.
 */
export async function startDemoApp(
  env: Record<string, string | undefined> = {},
): Promise<RunningApp> {
  const app = await withEnv({ NODE_ENV: 'test', SESSION_SECRET: TEST_SECRET, ...env }, async () => {
    const app = await createDemoApp();
    await app.init();
    return app;
  });
  return { app, server: app.getHttpServer() as Server, close: () => app.close() };
}

/** Runs `fn` with `env` set (undefined deletes a variable), then restores process.env. */
export async function withEnv<T>(
  env: Record<string, string | undefined>,
  fn: () => Promise<T>,
): Promise<T> {
  const saved = { ...process.env };
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  try {
    return await fn();
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
}

/** A signed-in session: its cookie pair, and the headers that let it send unsafe requests. */
export interface SignedIn {
  cookie: string;
  /** `Cookie` (session + XSRF-TOKEN) and `X-XSRF-TOKEN`: `.set(session.headers)`. */
  headers: CsrfHeaders;
}

/** Logs in with JSON (fetching a pre-session CSRF token first, as an SPA does). */
export async function signIn(
  server: Server | string,
  email = DEMO_EMAIL,
  password = DEMO_PASSWORD,
  cookieName = 'sid',
): Promise<SignedIn> {
  const res = await request(server)
    .post('/auth/login')
    .set(await csrfHeaders(server))
    .send({ email, password });
  if (res.status !== 200) {
    throw new Error(
      `POST /auth/login answered ${res.status}, expected 200: ${JSON.stringify(res.body)}`,
    );
  }
  const cookie = sessionCookie(res.headers['set-cookie'], cookieName);
  return { cookie, headers: csrfHeadersFromLogin(res.headers['set-cookie'], cookie) };
}

/** Logs in with JSON and returns the session cookie pair (`sid=s%3A…`). */
export async function loginCookie(
  server: Server | string,
  email = DEMO_EMAIL,
  password = DEMO_PASSWORD,
  cookieName = 'sid',
): Promise<string> {
  return (await signIn(server, email, password, cookieName)).cookie;
}

import { sessionCookie } from '../http/cookies.js';

export { sessionCookie, sessionIdOf } from '../http/cookies.js';

/**
 * A cookie pair express-session accepts as signed for session id `sid` by an app whose first
 * secret is `secret` (with the cookie key derived from it, as SessionModule does).
 */
export function signedSessionCookie(sid: string, secret = TEST_SECRET, name = 'sid'): string {
  const key = deriveSessionKeys([secret]).cookie[0];
  const signature = createHmac('sha256', key).update(sid).digest('base64').replace(/=+$/, '');
  return `${name}=${encodeURIComponent(`s:${sid}.${signature}`)}`;
}
