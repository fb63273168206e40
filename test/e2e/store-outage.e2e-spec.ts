import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Server } from 'node:http';
import request from 'supertest';
import {
  DEMO_EMAIL,
  DEMO_PASSWORD,
  loginCookie,
  type RunningApp,
  signedSessionCookie,
  startDemoApp,
} from '../support/apps/demo-app.js';
import { type CsrfHeaders, csrfHeaders } from '../support/http/csrf.js';
import { freePort } from '../support/servers/ports.js';
import { RedisServer, waitFor } from '../support/servers/redis-server.js';

const STORE_TIMEOUT_MS = 500;
/** What a user may wait at most for an answer while the store is in trouble. */
const ANSWER_WITHIN_MS = 2000;

interface Answer {
  status: number;
  ms: number;
  retryAfter?: string;
  setCookie?: unknown;
  code?: string;
}

async function timed(server: Server, cookie: string, path = '/auth/me'): Promise<Answer> {
  const started = performance.now();
  const res = await request(server)
    .get(path)
    .set('Cookie', cookie)
    .set('Accept', 'application/json');
  return {
    status: res.status,
    ms: performance.now() - started,
    retryAfter: res.headers['retry-after'],
    setCookie: res.headers['set-cookie'],
    code: res.body?.code,
  };
}

function describeAnswers(answers: Answer[]): string {
  return JSON.stringify(answers.map((a) => `${a.status}@${Math.round(a.ms)}ms`));
}

/** Every 503 is the documented one: Retry-After, a code, and the user's cookie left alone. */
function expectFailClosed(answers: Answer[]): void {
  for (const a of answers.filter((x) => x.status === 503)) {
    expect(a).toMatchObject({ retryAfter: '5', code: 'session_store_unavailable' });
    expect(a.setCookie).toBeUndefined();
  }
}

describe('Redis outages: fail closed, recover without a restart', () => {
  let redis: RedisServer;
  let running: RunningApp;
  let cookies: string[];
  /** CSRF headers of the first session and of an anonymous visitor, fetched while Redis is up. */
  let firstSessionCsrf: CsrfHeaders;
  let anonymousCsrf: CsrfHeaders;

  beforeAll(async () => {
    redis = await RedisServer.startPersistent();
    running = await startDemoApp({
      SESSION_STORE: 'redis',
      REDIS_URL: redis.url,
      SESSION_STORE_TIMEOUT_MS: String(STORE_TIMEOUT_MS),
    });
    cookies = [];
    for (let i = 0; i < 4; i++) cookies.push(await loginCookie(running.server));
    firstSessionCsrf = await csrfHeaders(running.server, cookies[0]);
    anonymousCsrf = await csrfHeaders(running.server);
  });

  afterAll(async () => {
    await running?.close();
    await redis?.stop();
  });

  const cookieFor = (i: number) => cookies[i % cookies.length];
  const allSignedIn = async () => {
    const answers = await Promise.all(cookies.map((c) => timed(running.server, c)));
    return answers.every((a) => a.status === 200);
  };

  it('answers 503 within 2 s, never 401 or 500, when Redis is killed under load; then 200 again with the same cookies', async () => {
    const seen: Answer[] = [];
    let killed = false;
    const afterKill: Answer[] = [];
    // 20 concurrent requests per round; Redis dies after the first round.
    for (let round = 0; round < 6; round++) {
      const batch = Promise.all(
        Array.from({ length: 20 }, (_, i) => timed(running.server, cookieFor(i))),
      );
      if (round === 1) {
        await redis.kill();
        killed = true;
      }
      const answers = await batch;
      seen.push(...answers);
      if (killed && round > 1) afterKill.push(...answers);
    }
    const statuses = new Set(seen.map((a) => a.status));
    expect([...statuses].filter((s) => s !== 200 && s !== 503)).toEqual([]);
    expect(afterKill.length).toBeGreaterThan(0);
    expect(`after the kill: ${describeAnswers(afterKill.filter((a) => a.status !== 503))}`).toBe(
      'after the kill: []',
    );
    expect(`slow answers: ${describeAnswers(seen.filter((a) => a.ms >= ANSWER_WITHIN_MS))}`).toBe(
      'slow answers: []',
    );
    expectFailClosed(seen);

    // Public pages do not need the store.
    expect((await request(running.server).get('/')).status).toBe(200);
    expect((await request(running.server).get('/login')).status).toBe(200);

    // Login and logout never report success while the store cannot record it.
    const login = await request(running.server)
      .post('/auth/login')
      .set(anonymousCsrf)
      .send({ email: DEMO_EMAIL, password: DEMO_PASSWORD });
    expect(login.status).toBe(503);
    expect(login.headers['set-cookie']).toBeUndefined();
    const logout = await request(running.server).post('/auth/logout').set(firstSessionCsrf);
    expect(logout.status).toBe(503);
    expect(logout.headers['set-cookie']).toBeUndefined();

    await redis.restart();
    // The client reconnects by itself; the sessions are still in Redis (append-only file).
    await waitFor(allSignedIn, 'the same cookies did not get 200 again after Redis came back');
  });

  it('answers 503 within the store timeout while Redis is paused, not a hang', async () => {
    expect(await allSignedIn()).toBe(true);
    redis.pause();
    try {
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) => timed(running.server, cookieFor(i))),
      );
      expect(`not 503: ${describeAnswers(answers.filter((a) => a.status !== 503))}`).toBe(
        'not 503: []',
      );
      expect(`slow: ${describeAnswers(answers.filter((a) => a.ms >= ANSWER_WITHIN_MS))}`).toBe(
        'slow: []',
      );
      expectFailClosed(answers);
    } finally {
      redis.resume();
    }
    await waitFor(allSignedIn, 'sessions did not come back after Redis resumed');
  });
});

describe('booting while Redis is down', () => {
  let running: RunningApp | undefined;
  let redis: RedisServer | undefined;

  afterAll(async () => {
    await running?.close();
    await redis?.stop();
  });

  it('boots, answers guarded routes 503 until Redis is up, then serves normally', async () => {
    const port = await freePort();
    const started = Date.now();
    running = await startDemoApp({
      SESSION_STORE: 'redis',
      REDIS_URL: `redis://127.0.0.1:${port}`,
      SESSION_STORE_TIMEOUT_MS: String(STORE_TIMEOUT_MS),
    });
    expect(Date.now() - started).toBeLessThan(5000);
    const someone = signedSessionCookie('a-session-that-may-exist');
    const down = await timed(running.server, someone);
    expect(down.status).toBe(503);
    expect((await request(running.server).get('/')).status).toBe(200);

    redis = await RedisServer.start([], port);
    const app = running;
    await waitFor(
      async () => (await request(app.server).get('/auth/me').set('Cookie', someone)).status === 401,
      'the app did not reach Redis once it came up',
    );
    const cookie = await loginCookie(app.server);
    expect((await timed(app.server, cookie)).status).toBe(200);
  });
});
