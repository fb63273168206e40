import type { Server } from 'node:http';
import { totpCode } from '../../../src/testing/index.js';
import { sessionCookie } from './cookies.js';
import { expectStatus, postAs, unsafeRequest } from './requests.js';

const STEP_MS = 30_000;

/** A user's TOTP app, as the tests hold it. */
export interface Authenticator {
  secret: string;
  otpauthUri: string;
  /** The recovery codes enrolment answered. */
  recoveryCodes: string[];
  /**
   * The code `steps` after the step that confirmed enrolment. The server accepts one step of
   * drift, and a test takes far less than a step, so `code(1)` is accepted whenever it is sent,
   * while `code(0)` is already used.
   */
  code(steps: number): Promise<string>;
}

/**
 * Enrols the signed-in session's user: `POST /auth/second-factor/enrol`, then confirms with the
 * code of the current step.
 */
export async function enrol(server: Server, cookie: string): Promise<Authenticator> {
  const started = await postAs(server, cookie, '/auth/second-factor/enrol');
  expectStatus(started, 200, 'POST /auth/second-factor/enrol');
  const { secret, otpauthUri } = started.body as { secret: string; otpauthUri: string };
  const base = Date.now();
  const confirmed = await postAs(server, cookie, '/auth/second-factor/enrol/confirm', {
    code: await totpCode(secret, base),
  });
  expectStatus(confirmed, 200, 'POST /auth/second-factor/enrol/confirm');
  return {
    secret,
    otpauthUri,
    recoveryCodes: confirmed.body.recoveryCodes as string[],
    code: (steps) => totpCode(secret, base + steps * STEP_MS),
  };
}

/** `POST /auth/login` of a user with a second factor: the cookie of the pending session. */
export async function passwordStep(server: Server, email: string, password: string) {
  const res = await unsafeRequest(server, 'post', '/auth/login').send({ email, password });
  expectStatus(res, 200, 'POST /auth/login (password step)');
  if (res.body.secondFactorRequired !== true) {
    throw new Error(
      `POST /auth/login signed in without a second factor: ${JSON.stringify(res.body)}`,
    );
  }
  return { cookie: sessionCookie(res.headers['set-cookie']), res };
}

/** `POST /auth/second-factor` for the pending session in `cookie`. */
export function sendCode(server: Server, cookie: string, code: string) {
  return postAs(server, cookie, '/auth/second-factor', { code });
}
