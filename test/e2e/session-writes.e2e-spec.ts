import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Test } from '@nestjs/testing';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Server } from 'node:http';
import request from 'supertest';
import { configureDemoApp } from '../../src/demo/bootstrap.js';
import { Gate, gates, SlowRouteAppModule } from '../fixtures/slow-route/app.module.js';
import { nestLogs } from '../support/runner/capture-logger.js';
import { sessionIdOf, signIn, TEST_SECRET, withEnv } from '../support/apps/demo-app.js';
import { type SessionBackend, startSessionBackend } from '../support/servers/session-backends.js';
import { isStored, storedSession } from '../support/apps/stored-sessions.js';

describe.each(['redis', 'memory', 'postgres', 'redis-cluster'] as const)(
  'session writes racing a logout (%s store)',
  (store) => {
    let backend: SessionBackend | undefined;
    let app: NestExpressApplication;
    let server: Server;
    const prefix = `e2e-writes-${store}:`;

    beforeAll(async () => {
      backend = await startSessionBackend(store);
      app = await withEnv(
        {
          NODE_ENV: 'test',
          SESSION_SECRET: TEST_SECRET,
          ...backend.env,
          SESSION_KEY_PREFIX: prefix,
        },
        async () => {
          const moduleRef = await Test.createTestingModule({
            imports: [await SlowRouteAppModule.forRoot()],
          })
            .setLogger(nestLogs())
            .compile();
          const app = moduleRef.createNestApplication<NestExpressApplication>({
            logger: ['error'],
          });
          configureDemoApp(app);
          await app.init();
          return app;
        },
      );
      server = app.getHttpServer() as Server;
    });

    afterAll(async () => {
      await app?.close();
      await backend?.close();
    });

    it('does not write back a session that a logout destroyed while the request was in flight', async () => {
      const { cookie, headers } = await signIn(server);
      gates.current = new Gate();
      const inFlight = request(server)
        .post('/test/slow-write')
        .set(headers)
        .then((r) => r);
      await gates.current.arrived; // the slow route has loaded the session and is now waiting

      const logout = await request(server).post('/auth/logout').set(headers);
      expect(logout.status).toBe(204);
      gates.current.release();
      const slow = await inFlight;
      expect(slow.status).toBe(200); // the route ran; its session write must not land

      expect((await request(server).get('/auth/me').set('Cookie', cookie)).status).toBe(401);
      expect(await isStored(app, sessionIdOf(cookie))).toBe(false);
    });

    it('survives 50 parallel writes to one session: no crash, valid data, last writer wins', async () => {
      const { cookie, headers } = await signIn(server);
      const answers = await Promise.all(
        Array.from({ length: 50 }, () => request(server).post('/test/append').set(headers)),
      );
      expect(answers.map((a) => a.status).filter((s) => s !== 200)).toEqual([]);

      const profile = await request(server)
        .get('/profile')
        .set('Cookie', cookie)
        .set('Accept', 'application/json');
      expect(profile.status).toBe(200);
      const history = profile.body.history as { path: string; at: number }[];
      // Each request saved the whole session it loaded plus its own entry, so the stored history is
      // one request's view: between 1 and 50 appends (plus this /profile visit), never a mix.
      const appends = history.filter((v) => v.path.startsWith('/test/append/'));
      expect(appends.length).toBeGreaterThanOrEqual(1);
      expect(appends.length).toBeLessThanOrEqual(50);
      // One request's view means a contiguous run (the demo's /profile keeps the last 20 visits).
      const indices = appends.map((v) => Number(v.path.split('/').pop()));
      expect(indices).toEqual(indices.map((_, i) => indices[0] + i));
      // What the store holds reads back as one whole session, on every store.
      expect(await storedSession(app, sessionIdOf(cookie))).toMatchObject({
        profile: { id: 'user-1' },
      });
    });
  },
);
