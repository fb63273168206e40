import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type INestApplication, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { Server } from 'node:http';
import request from 'supertest';
import { SessionModule, type SessionModuleOptions, USER_DIRECTORY } from '../../src/index.js';
import { InMemoryUserDirectory, signIn } from '../../src/testing/index.js';
import { nestLogs } from '../support/runner/capture-logger.js';
import { TEST_SECRET } from '../support/apps/demo-app.js';
import { NotesController } from '../fixtures/notes.controller.js';

const USER = { email: 'ada@example.com', password: 'analytical engine 1843' };
const SPA = 'http://localhost:5173';
const directory = new InMemoryUserDirectory([USER]);

/** An app with the module's routes at `routes`, under the global prefix `api`. */
async function startApp(routes: SessionModuleOptions['routes']): Promise<INestApplication> {
  @Module({
    imports: [
      SessionModule.forRoot({
        secrets: [TEST_SECRET],
        store: { kind: 'memory' },
        loginUrl: '/sign-in',
        cors: { origins: [SPA] },
        routes,
      }),
    ],
    controllers: [NotesController],
    providers: [{ provide: USER_DIRECTORY, useValue: directory }],
  })
  class AppModule {}
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
    .setLogger(nestLogs())
    .compile();
  const app = moduleRef.createNestApplication({ logger: false });
  app.setGlobalPrefix('api');
  return app.init();
}

function cookiesOf(res: request.Response): string[] {
  return (res.headers['set-cookie'] as unknown as string[] | undefined) ?? [];
}

function cookieValue(res: request.Response, name: string): string | undefined {
  const cookie = cookiesOf(res).find((c) => c.startsWith(`${name}=`));
  return cookie && decodeURIComponent(cookie.slice(name.length + 1).split(';')[0]);
}

describe('the module routes at routes.path under a global prefix', () => {
  let app: INestApplication;
  let server: Server;
  beforeAll(async () => {
    app = await startApp({ path: 'account' });
    server = app.getHttpServer() as Server;
  });
  afterAll(() => app?.close());

  it('mounts every route there, and nothing at /auth', async () => {
    const agent = await signIn(app, USER, { authPath: '/api/account' });
    await agent.get('/api/account/me').expect(200);
    await agent.get('/api/notes').expect(200, { owner: USER.email });
    const sessions = await agent.get('/api/account/sessions').expect(200);
    expect(sessions.body.sessions).toHaveLength(1);
    await agent.post('/api/account/sessions/revoke-others').expect(200, { revoked: 0 });
    const secondFactor = await agent.get('/api/account/second-factor').expect(200);
    expect(secondFactor.body).toEqual({ available: true, enabled: false, recoveryCodesLeft: 0 });
    expect(secondFactor.headers['cache-control']).toBe('no-store');
    expect((await request(server).get('/api/auth/second-factor')).status).toBe(404);
    expect((await request(server).get('/api/auth/csrf')).status).toBe(404);
    expect((await request(server).get('/api/auth/me')).status).toBe(404);
  });

  it('returns the new CSRF token from login and logout, so no extra GET is needed', async () => {
    const agent = request.agent(server);
    const first = await agent.get('/api/account/csrf').expect(200);
    const login = await agent
      .post('/api/account/login')
      .set('X-XSRF-TOKEN', first.body.token)
      .send(USER)
      .expect(200);
    const token = login.body.csrfToken as string;
    expect(token).toEqual(expect.any(String));
    expect(token).not.toBe(first.body.token);
    expect(login.headers['x-xsrf-token']).toBe(token);
    expect(cookieValue(login, 'XSRF-TOKEN')).toBe(token);
    // One XSRF-TOKEN cookie only: two would leave the browser with whichever it read last.
    expect(cookiesOf(login).filter((c) => c.startsWith('XSRF-TOKEN='))).toHaveLength(1);

    const logout = await agent.post('/api/account/logout').set('X-XSRF-TOKEN', token).expect(204);
    const anonymous = logout.headers['x-xsrf-token'] as string;
    expect(anonymous).toEqual(expect.any(String));
    expect(anonymous).not.toBe(token);
    // The token from the logout answer is good for the next sign-in, straight away.
    const again = await agent.post('/api/account/login').set('X-XSRF-TOKEN', anonymous).send(USER);
    expect(again.status).toBe(200);
  });

  it('lets an allowed cross-origin SPA read the token header', async () => {
    const res = await request(server).get('/api/account/csrf').set('Origin', SPA).expect(200);
    expect(res.headers['access-control-expose-headers']).toBe('Retry-After, X-XSRF-TOKEN');
    expect(res.headers['x-xsrf-token']).toBe(res.body.token);
  });

  it('says when the browser sent no cookies at all, naming the real CSRF route', async () => {
    const { body: csrf } = await request(server).get('/api/account/csrf');
    const res = await request(server)
      .post('/api/account/login')
      .set('X-XSRF-TOKEN', csrf.token)
      .send(USER)
      .expect(403);
    expect(res.body.code).toBe('csrf_cookie_missing');
    expect(res.body.message).toMatch(/did not send this site's cookies/);
    expect(res.body.hint).toMatch(/no cookies at all \(no XSRF-TOKEN\)/);
    expect(res.body.hint).toMatch(/GET \/api\/account\/csrf with credentials/);
    expect(res.body.hint).toMatch(/docs\/spa\.md#when-the-browser-sends-no-cookies/);
    expect(res.body.hint).not.toContain(csrf.token);
  });

  it('still calls a wrong token with its cookie invalid', async () => {
    const agent = request.agent(server);
    await agent.get('/api/account/csrf').expect(200);
    const res = await agent.post('/api/account/login').set('X-XSRF-TOKEN', 'forged').send(USER);
    expect([res.status, res.body.code, res.body.hint]).toEqual([
      403,
      'csrf_token_invalid',
      undefined,
    ]);
  });

  it('redirects a browser navigation to loginUrl with no JSON body', async () => {
    const res = await request(server)
      .get('/api/notes?page=2')
      .set('Accept', 'text/html')
      .set('Sec-Fetch-Mode', 'navigate')
      .expect(302);
    expect(res.headers.location).toBe(`/sign-in?next=${encodeURIComponent('/api/notes?page=2')}`);
    expect(res.headers['content-type']).toBeUndefined();
    expect(res.text ?? '').toBe('');
    // An API call to the same route still gets its 401 JSON.
    const api = await request(server).get('/api/notes').set('Accept', 'application/json');
    expect([api.status, api.body.code]).toEqual([401, 'unauthenticated']);
  });
});

describe('routes.path beside the default in one process', () => {
  it('keeps another app at /auth', async () => {
    const app = await startApp(true);
    try {
      const agent = await signIn(app, USER, { authPath: '/api/auth' });
      await agent.get('/api/auth/me').expect(200);
      expect((await request(app.getHttpServer()).get('/api/account/csrf')).status).toBe(404);
    } finally {
      await app.close();
    }
  });

  it.each(['', 'bad path', '../up', 'a//b'])('refuses routes.path %j at forRoot', (path) => {
    expect(() => SessionModule.forRoot({ secrets: [TEST_SECRET], routes: { path } })).toThrow(
      /^SessionModule: routes\.path must be a path such as 'auth'/,
    );
  });
});
