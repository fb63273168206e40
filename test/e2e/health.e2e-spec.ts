import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { Server } from 'node:http';
import request from 'supertest';
import { HealthAppModule } from '../fixtures/health-app/app.module.js';
import { nestLogs } from '../support/runner/capture-logger.js';
import { type RunningApp, startDemoApp } from '../support/apps/demo-app.js';
import { RedisServer, waitFor } from '../support/servers/redis-server.js';

describe('GET /health with the Redis store', () => {
  let redis: RedisServer;
  let running: RunningApp;

  beforeAll(async () => {
    redis = await RedisServer.start();
    running = await startDemoApp({ SESSION_STORE: 'redis', REDIS_URL: redis.url });
  });

  afterAll(async () => {
    await running?.close();
    await redis?.stop();
  });

  const health = () => request(running.server).get('/health');
  const live = () => request(running.server).get('/health/live');

  it('answers 200 to anonymous callers, with liveness and the session store up', async () => {
    const res = await health();
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'ok',
      details: { process: { status: 'up' }, session_store: { status: 'up', store: 'redis' } },
    });
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('answers 503 while Redis is down, keeps /health/live at 200, and recovers', async () => {
    await redis.kill();
    try {
      await waitFor(async () => (await health()).status === 503, 'GET /health did not turn 503');
      const down = await health();
      expect(down.body).toMatchObject({
        status: 'error',
        error: { session_store: { status: 'down', store: 'redis' } },
      });
      expect((await live()).status).toBe(200);
    } finally {
      await redis.restart();
    }
    await waitFor(async () => (await health()).status === 200, 'GET /health did not recover');
  });

  it('answers 503 within the store timeout when Redis stalls', async () => {
    redis.pause();
    try {
      const started = Date.now();
      const res = await health();
      expect(res.status).toBe(503);
      // store.timeoutMs is 1500 by default; a stalled store must not hang the probe.
      expect(Date.now() - started).toBeLessThan(2500);
    } finally {
      redis.resume();
    }
    await waitFor(async () => (await health()).status === 200, 'GET /health did not recover');
  });
});

describe("an app's own health route with SessionStoreHealthIndicator (public exports)", () => {
  let app: INestApplication;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [HealthAppModule] })
      .setLogger(nestLogs())
      .compile();
    app = moduleRef.createNestApplication({ logger: ['error'] });
    await app.init();
  });

  afterAll(() => app?.close());

  it('reports the session store under the key the app chose', async () => {
    const res = await request(app.getHttpServer() as Server).get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body.details).toEqual({
      sessions: { status: 'up', store: 'memory', responseTime: expect.any(Number) },
    });
  });
});
