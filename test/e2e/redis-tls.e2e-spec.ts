import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'redis';
import request from 'supertest';
import {
  AppProcess,
  SPAWN_TIMEOUT_MS,
  statusOf,
  stopAllApps,
} from '../support/apps/app-process.js';
import { selfSignedCertificate } from '../support/servers/certificate.js';
import { DEMO_EMAIL, DEMO_PASSWORD, loginCookie, TEST_SECRET } from '../support/apps/demo-app.js';
import { freePort } from '../support/servers/ports.js';
import { assertRedisInstalled, waitFor } from '../support/servers/redis-server.js';

const PASSWORD = 'single-redis-tls-password';

// A single Redis reached with REDIS_URL=rediss://:password@host:port: TLS only (no plain port),
// a password, and a certificate from a CA the app trusts through NODE_EXTRA_CA_CERTS.
describe('one Redis over TLS with a password (REDIS_URL=rediss://…)', () => {
  let dir: string;
  let certPath: string;
  let port: number;
  let redis: ChildProcess;

  beforeAll(async () => {
    assertRedisInstalled();
    dir = await mkdtemp(join(tmpdir(), 'nsa-redis-tls-'));
    const certificate = await selfSignedCertificate(dir);
    certPath = certificate.certPath;
    port = await freePort();
    redis = spawn(
      'redis-server',
      [
        ...['--port', '0', '--tls-port', String(port), '--bind', '127.0.0.1'],
        ...['--tls-cert-file', certPath, '--tls-key-file', certificate.keyPath],
        ...['--tls-ca-cert-file', certPath, '--tls-auth-clients', 'no'],
        ...['--requirepass', PASSWORD, '--save', '', '--appendonly', 'no'],
      ],
      { stdio: 'ignore' },
    );
    await waitFor(async () => {
      const client = createClient({
        url: `rediss://:${PASSWORD}@127.0.0.1:${port}`,
        socket: { tls: true, ca: readFileSync(certPath), reconnectStrategy: false },
      });
      client.on('error', () => undefined);
      try {
        await client.connect();
        return (await client.ping()) === 'PONG';
      } catch {
        return false;
      } finally {
        // A client whose connect failed is closed already; destroy() would throw.
        if (client.isOpen) client.destroy();
      }
    }, 'the TLS redis-server did not start');
  }, SPAWN_TIMEOUT_MS);

  afterAll(async () => {
    await stopAllApps();
    redis?.kill('SIGKILL');
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it(
    'signs in and reads the session over TLS',
    async () => {
      const app = await AppProcess.start({
        NODE_ENV: 'development',
        SESSION_SECRET: TEST_SECRET,
        DEMO_USERS: `${DEMO_EMAIL}:${DEMO_PASSWORD}`,
        HOST: '127.0.0.1',
        REDIS_URL: `rediss://:${PASSWORD}@127.0.0.1:${port}`,
        NODE_EXTRA_CA_CERTS: certPath,
      });
      expect(await statusOf(`${app.url}/health`)).toBe(200);
      const cookie = await loginCookie(app.url);
      const me = await request(app.url).get('/auth/me').set('Cookie', cookie);
      expect(me.status).toBe(200);
      expect(app.logs()).not.toContain(PASSWORD);
      await app.stop();
    },
    SPAWN_TIMEOUT_MS,
  );
});
