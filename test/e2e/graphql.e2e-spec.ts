import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Server } from 'node:http';
import request from 'supertest';
import { GraphqlAppModule } from '../fixtures/graphql-app/app.module.js';
import { FIXTURE_USER } from '../fixtures/fixture-users.js';
import { csrfHeaders, type CsrfHeaders } from '../support/http/csrf.js';
import { signIn, type RunningApp } from '../support/apps/demo-app.js';
import { startFixtureApp } from '../support/apps/fixture-app.js';

const ME = '{ me { id email displayName } }';

describe('SessionGuard and @CurrentUser() in a GraphQL resolver (Apollo on Express)', () => {
  let running: RunningApp;
  let server: Server;

  /** POST /graphql as an SPA sends it: JSON, with the CSRF cookie and header. */
  const graphql = (query: string, headers: CsrfHeaders | Record<string, string>) =>
    request(server).post('/graphql').set(headers).send({ query });

  const anonymous = () => csrfHeaders(server);
  const signedIn = () => signIn(server, FIXTURE_USER.email, FIXTURE_USER.password);

  beforeAll(async () => {
    running = await startFixtureApp({ module: GraphqlAppModule });
    server = running.server;
  });

  afterAll(async () => {
    await running?.close();
  });

  it('answers a guarded query with the signed-in user', async () => {
    const { headers } = await signedIn();
    const res = await graphql(ME, headers);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      data: { me: { id: 'ada', email: FIXTURE_USER.email, displayName: 'Ada' } },
    });
  });

  it('answers an anonymous guarded query with an UNAUTHENTICATED error, never a redirect', async () => {
    const res = await graphql(ME, {
      ...(await anonymous()),
      // A browser's Accept: HTTP routes would redirect it to the login page.
      Accept: 'text/html,application/xhtml+xml,application/json;q=0.9,*/*;q=0.8',
    });
    expect(res.headers.location).toBeUndefined();
    expect(res.body.data).toBeNull();
    expect(res.body.errors).toHaveLength(1);
    expect(res.body.errors[0]).toMatchObject({
      path: ['me'],
      extensions: {
        code: 'UNAUTHENTICATED',
        originalError: { statusCode: 401, code: 'unauthenticated' },
      },
    });
  });

  it('lets a @Public() query through without a session, and with one', async () => {
    const open = await graphql('{ status }', await anonymous());
    expect(open.body).toEqual({ data: { status: 'open' } });
    const { headers } = await signedIn();
    const mine = await graphql('{ status }', headers);
    expect(mine.body).toEqual({ data: { status: 'open, signed in as ada' } });
  });

  it('refuses the old cookie after logout', async () => {
    const { cookie, headers } = await signedIn();
    const logout = await request(server).post('/auth/logout').set(headers);
    expect(logout.status).toBeLessThan(300);
    const res = await graphql(ME, await csrfHeaders(server, cookie));
    expect(res.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('refuses a POST /graphql without the CSRF token, like any unsafe request', async () => {
    const { cookie } = await signedIn();
    const res = await request(server).post('/graphql').set('Cookie', cookie).send({ query: ME });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('csrf_token_missing');
  });
});
