import type { INestApplication } from '@nestjs/common';
import type { Server } from 'node:http';
import type request from 'supertest';

export interface SignInOptions {
  /** Where the module's routes are mounted, global prefix included. Default `/auth`. */
  authPath?: string;
  /** The CSRF header the module checks (`csrfHeaderName`). Default `X-XSRF-TOKEN`. */
  csrfHeader?: string;
}

/** A supertest agent that holds the session cookie and sends the session's CSRF token. */
export type SignedInAgent = ReturnType<typeof request.agent> & { csrfToken: string };

/**
 * Signs a user in through the module's real routes, as an SPA does: fetch a CSRF token, post the
 * credentials with it, and keep the session's own token from the answer (login replaces it). The
 * agent keeps the cookies and sends the token on every request, so `await agent.post('/notes')`
 * just works. After logout or a password change, the new token is in the answer's CSRF header.
 */
export async function signIn(
  app: INestApplication | Server | string,
  credentials: { email: string; password: string },
  options: SignInOptions = {},
): Promise<SignedInAgent> {
  const authPath = options.authPath ?? '/auth';
  const header = options.csrfHeader ?? 'X-XSRF-TOKEN';
  const target = typeof app === 'string' || !('getHttpServer' in app) ? app : app.getHttpServer();
  // Loaded here, not at the top: InMemoryUserDirectory works in apps without supertest.
  const { default: supertest } = await import('supertest');
  const agent = supertest.agent(target);

  const anonymous = await csrfToken(agent, authPath);
  const login = await agent.post(`${authPath}/login`).set(header, anonymous).send(credentials);
  if (login.status !== 200) {
    throw new Error(
      `signIn: POST ${authPath}/login answered ${login.status} (${String(login.body?.code)}) ` +
        `for ${credentials.email}`,
    );
  }
  // Without CSRF protection there is no token; the agent then sends none.
  const token = typeof login.body?.csrfToken === 'string' ? login.body.csrfToken : '';
  if (token) agent.set(header, token);
  return Object.assign(agent, { csrfToken: token });
}

async function csrfToken(agent: ReturnType<typeof request.agent>, authPath: string) {
  const res = await agent.get(`${authPath}/csrf`);
  if (res.status !== 200 || typeof res.body?.token !== 'string') {
    throw new Error(`signIn: GET ${authPath}/csrf answered ${res.status}, expected { token }`);
  }
  return res.body.token as string;
}
