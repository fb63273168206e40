import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { Server } from 'node:http';
import request from 'supertest';
import { FIXTURE_USER, MinimalAppModule } from '../fixtures/minimal-app/app.module.js';
import { nestLogs } from '../support/runner/capture-logger.js';
import { csrfHeaders } from '../support/http/csrf.js';
import { sessionCookie, sessionIdOf, TEST_SECRET, withEnv } from '../support/apps/demo-app.js';
import { startTestRedis, type TestRedis } from '../support/servers/test-redis.js';

describe('a second app using only the public exports (forRootAsync + @UseGuards)', () => {
  let redis: TestRedis;
  let app: INestApplication;
  let server: Server;

  beforeAll(async () => {
    redis = await startTestRedis();
    app = await withEnv({ FIXTURE_SECRET: TEST_SECRET, FIXTURE_REDIS_URL: redis.url }, async () => {
      const moduleRef = await Test.createTestingModule({ imports: [MinimalAppModule] })
        .setLogger(nestLogs())
        .compile();
      const app = moduleRef.createNestApplication({ logger: ['error'] });
      await app.init();
      return app;
    });
    server = app.getHttpServer() as Server;
  });

  afterAll(async () => {
    await app?.close();
    await redis?.close();
  });

  it('guards its own controller: 401 without a session', async () => {
    const res = await request(server).get('/notes');
    expect(res.status).toBe(401);
  });

  it('leaves its unguarded controller open', async () => {
    expect((await request(server).get('/open')).status).toBe(200);
  });

  it('gets CSRF protection from the module alone, with nothing in main.ts', async () => {
    const forged = await request(server).post('/auth/login').send(FIXTURE_USER);
    expect(forged.status).toBe(403);
    expect(forged.body.code).toBe('csrf_token_missing');
  });

  it('logs in through the library controller and reaches the guarded route', async () => {
    const login = await request(server)
      .post('/auth/login')
      .set(await csrfHeaders(server))
      .send(FIXTURE_USER);
    expect(login.status).toBe(200);
    const cookie = sessionCookie(login.headers['set-cookie'], 'fixture_sid');
    expect(await redis.client.exists(`fixture:${sessionIdOf(cookie)}`)).toBe(1);
    const notes = await request(server).get('/notes').set('Cookie', cookie);
    expect(notes.status).toBe(200);
    expect(notes.body).toEqual({ owner: 'ada', notes: ['first note'] });
  });
});
