import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Server } from 'node:http';
import request from 'supertest';
import {
  CUSTOM_USER,
  CustomStoreAppModule,
  MapSessionBackend,
} from '../fixtures/custom-store/app.module.js';
import { SessionStoreHealthIndicator, type SessionSummary } from '../../src/index.js';
import { csrfHeaders } from '../support/http/csrf.js';
import { type RunningApp, sessionIdOf, signIn, TEST_SECRET } from '../support/apps/demo-app.js';
import { startFixtureApp } from '../support/apps/fixture-app.js';

describe('an app-supplied session backend (store kind custom)', () => {
  const backend = new MapSessionBackend();
  let running: RunningApp;
  let server: Server;

  beforeAll(async () => {
    running = await startFixtureApp(CustomStoreAppModule.forRoot(backend, TEST_SECRET));
    server = running.server;
  });

  afterAll(async () => {
    await running?.close();
  });

  const login = () => signIn(server, CUSTOM_USER.email, CUSTOM_USER.password);
  const me = (cookie: string) => request(server).get('/auth/me').set('Cookie', cookie);
  const listed = async (cookie: string) => {
    const res = await request(server).get('/auth/sessions').set('Cookie', cookie);
    expect(res.status).toBe(200);
    return (res.body as { sessions: SessionSummary[] }).sessions;
  };

  it('keeps the session it signs in, and serves /auth/me and guarded routes from it', async () => {
    const { cookie } = await login();
    expect(backend.sessions.has(sessionIdOf(cookie))).toBe(true);
    const res = await me(cookie);
    expect(res.status).toBe(200);
    expect(res.body.profile).toMatchObject({ id: 'grace', email: CUSTOM_USER.email });
    const notes = await request(server).get('/notes').set('Cookie', cookie);
    expect(notes.body).toEqual({ owner: 'grace' });
  });

  it('lists the user’s sessions from its index and revokes another one', async () => {
    const first = await login();
    const second = await login();
    const firstId = (await listed(first.cookie)).find((s) => s.current)!.id;
    const seenBySecond = await listed(second.cookie);
    expect(seenBySecond.map((s) => s.id)).toContain(firstId);
    expect(seenBySecond.filter((s) => s.current)).toHaveLength(1);

    const revoke = await request(server).delete(`/auth/sessions/${firstId}`).set(second.headers);
    expect(revoke.status).toBe(204);
    expect(backend.sessions.has(sessionIdOf(first.cookie))).toBe(false);
    expect((await me(first.cookie)).status).toBe(401);
    expect((await me(second.cookie)).status).toBe(200);
  });

  it('deletes the session on logout', async () => {
    const { cookie } = await login();
    const logout = await request(server)
      .post('/auth/logout')
      .set(await csrfHeaders(server, cookie));
    expect(logout.status).toBe(204);
    expect(backend.sessions.has(sessionIdOf(cookie))).toBe(false);
    expect((await me(cookie)).status).toBe(401);
  });

  it('reports the backend’s kind in health output', async () => {
    const health = await running.app.get(SessionStoreHealthIndicator).isHealthy();
    expect(health).toEqual({
      session_store: expect.objectContaining({ status: 'up', store: 'map' }),
    });
  });
});
