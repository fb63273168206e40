import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Server } from 'node:http';
import type { RedisClusterType } from 'redis';
import request from 'supertest';
import {
  DEMO_EMAIL,
  DEMO_LOGIN,
  DEMO_PASSWORD,
  loginCookie,
  type RunningApp,
  sessionIdOf,
  startDemoApp,
  TEST_SECRET,
} from '../support/apps/demo-app.js';
import {
  AppProcess,
  SPAWN_TIMEOUT_MS,
  statusOf,
  stopAllApps,
} from '../support/apps/app-process.js';
import { csrfHeaders } from '../support/http/csrf.js';
import { freePort } from '../support/servers/ports.js';
import { RedisCluster } from '../support/servers/redis-cluster.js';
import { waitFor } from '../support/servers/redis-server.js';

// The flows themselves run on the cluster in auth.e2e-spec.ts and session-writes.e2e-spec.ts;
// this file checks what is particular to a cluster, reading back through the nodes the keys the
// app wrote.
describe('sessions on a 3-master Redis Cluster (REDIS_CLUSTER_NODES)', () => {
  let cluster: RedisCluster;
  let client: RedisClusterType;
  let running: RunningApp;
  const prefix = 'e2e-cluster:';

  beforeAll(async () => {
    cluster = await RedisCluster.start(3);
    client = await cluster.client();
    running = await startDemoApp({
      SESSION_STORE: 'redis',
      REDIS_CLUSTER_NODES: cluster.nodes,
      SESSION_KEY_PREFIX: prefix,
    });
  });

  afterAll(async () => {
    await running?.close();
    client?.destroy();
    await cluster?.stop();
  });

  const http = () => request(running.server);

  it('spreads sessions over more than one master', async () => {
    for (let i = 0; i < 12; i++) await loginCookie(running.server);
    const perMaster = await cluster.keysPerMaster(`${prefix}*`);
    const counts = [...perMaster.values()];
    expect(counts.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(12);
    // All 12 on one master would happen with probability 3 × (1/3)^12, about 1 in 177 000.
    expect(`masters holding sessions: ${counts.filter((n) => n > 0).length} (${counts})`).toMatch(
      /^masters holding sessions: [23] /,
    );
  });

  it('keeps a session under its key with the idle timeout, and deletes it on logout', async () => {
    const cookie = await loginCookie(running.server);
    const key = prefix + sessionIdOf(cookie);
    expect(await client.ttl(key)).toBeGreaterThan(1700);
    expect((await http().get('/auth/me').set('Cookie', cookie)).status).toBe(200);
    const logout = await http()
      .post('/auth/logout')
      .set(await csrfHeaders(running.server, cookie));
    expect(logout.status).toBe(204);
    expect(await client.exists(key)).toBe(0);
    expect((await http().get('/auth/me').set('Cookie', cookie)).status).toBe(401);
  });

  it('reports the cluster as the session store in GET /health', async () => {
    const res = await http().get('/health');
    expect(res.status).toBe(200);
    expect(res.body.details.session_store).toMatchObject({ status: 'up', store: 'redis-cluster' });
  });
});

describe('an app started before its Redis Cluster', () => {
  it('boots, answers 503 while the cluster is missing, then serves sessions once it is up', async () => {
    const ports = [await freePort(), await freePort(), await freePort()];
    const running = await startDemoApp({
      SESSION_STORE: 'redis',
      REDIS_CLUSTER_NODES: ports.map((port) => `127.0.0.1:${port}`).join(','),
      SESSION_STORE_TIMEOUT_MS: '300',
    });
    let cluster: RedisCluster | undefined;
    try {
      const login = () => demoLogin(running.server);
      expect((await login()).status).toBe(503);
      expect((await request(running.server).get('/health')).status).toBe(503);

      cluster = await RedisCluster.start(3, ports);
      await waitFor(
        async () => (await request(running.server).get('/health')).status === 200,
        'GET /health did not turn 200 once the cluster was up',
      );
      // Every session lands on its own slot: a few logins reach every master.
      for (let i = 0; i < 6; i++) expect((await login()).status).toBe(200);
    } finally {
      await running.close();
      await cluster?.stop();
    }
  });
});

describe('a Redis Cluster that requires a password (REDIS_CLUSTER_PASSWORD)', () => {
  const password = 'cluster-password-for-e2e';
  let cluster: RedisCluster;
  let running: RunningApp | undefined;

  beforeAll(async () => {
    cluster = await RedisCluster.start(3, undefined, { password });
  });

  afterAll(async () => {
    await running?.close();
    await cluster?.stop();
  });

  it('signs in and reads sessions on every master, the password sent to every node', async () => {
    running = await startDemoApp({
      SESSION_STORE: 'redis',
      REDIS_CLUSTER_NODES: cluster.nodes,
      REDIS_CLUSTER_PASSWORD: password,
      SESSION_KEY_PREFIX: 'e2e-cluster-auth:',
    });
    expect((await request(running.server).get('/health')).status).toBe(200);
    // Sessions land on every master, so every node client must have authenticated.
    await expectSessionsOnSeveralMasters(running.server, cluster, 'e2e-cluster-auth:');
    await running.close();
    running = undefined;
  });

  it('without the password, boots and answers 503 rather than crashing or letting anyone in', async () => {
    running = await startDemoApp({
      SESSION_STORE: 'redis',
      REDIS_CLUSTER_NODES: cluster.nodes,
      SESSION_STORE_TIMEOUT_MS: '300',
    });
    expect((await request(running.server).get('/health')).status).toBe(503);
    const login = await demoLogin(running.server);
    expect(login.status).toBe(503);
    await running.close();
    running = undefined;
  });
});

describe('a Redis Cluster over TLS (REDIS_CLUSTER_TLS)', () => {
  let cluster: RedisCluster;

  beforeAll(async () => {
    cluster = await RedisCluster.start(3, undefined, {
      password: 'tls-cluster-password',
      tls: true,
    });
  }, SPAWN_TIMEOUT_MS);

  afterAll(async () => {
    await stopAllApps();
    await cluster?.stop();
  });

  // The built app as deployed, so that NODE_EXTRA_CA_CERTS is read at process start as in production.
  const appEnv = (extra: Record<string, string>) => ({
    NODE_ENV: 'development',
    SESSION_SECRET: TEST_SECRET,
    DEMO_USERS: `${DEMO_EMAIL}:${DEMO_PASSWORD}`,
    HOST: '127.0.0.1',
    SESSION_STORE: 'redis',
    REDIS_CLUSTER_NODES: cluster.nodes,
    REDIS_CLUSTER_PASSWORD: 'tls-cluster-password',
    REDIS_CLUSTER_TLS: 'true',
    SESSION_KEY_PREFIX: 'e2e-cluster-tls:',
    ...extra,
  });

  it(
    'signs in and reads sessions on every master when the nodes’ certificate is trusted',
    async () => {
      const app = await AppProcess.start(appEnv({ NODE_EXTRA_CA_CERTS: cluster.caFile! }));
      expect(await statusOf(`${app.url}/health`)).toBe(200);
      await expectSessionsOnSeveralMasters(app.url, cluster, 'e2e-cluster-tls:');
      await app.stop();
    },
    SPAWN_TIMEOUT_MS,
  );

  it(
    'refuses nodes whose certificate it cannot verify: 503, never an unverified connection',
    async () => {
      const app = await AppProcess.start(appEnv({ SESSION_STORE_TIMEOUT_MS: '300' }));
      expect(await statusOf(`${app.url}/health`)).toBe(503);
      const login = await demoLogin(app.url);
      expect(login.status).toBe(503);
      await app.stop();
    },
    SPAWN_TIMEOUT_MS,
  );
});

/** POST /auth/login as the demo user, with a pre-session CSRF token as an SPA fetches it. */
async function demoLogin(server: Server | string) {
  return request(server)
    .post('/auth/login')
    .set(await csrfHeaders(server))
    .send(DEMO_LOGIN);
}

/** Six sign-ins land on more than one master, and each session then reads back as signed in. */
async function expectSessionsOnSeveralMasters(
  server: Server | string,
  cluster: RedisCluster,
  prefix: string,
): Promise<void> {
  const cookies: string[] = [];
  for (let i = 0; i < 6; i++) cookies.push(await loginCookie(server));
  const perMaster = await cluster.keysPerMaster(`${prefix}*`);
  expect([...perMaster.values()].filter((count) => count > 0).length).toBeGreaterThan(1);
  for (const cookie of cookies) {
    const me = await request(server).get('/auth/me').set('Cookie', cookie);
    expect(me.status).toBe(200);
  }
}
