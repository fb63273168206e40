import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { type ClientRequest, request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import type { RedisClientType } from 'redis';
import {
  AppProcess,
  productionEnv,
  SPAWN_TIMEOUT_MS,
  stopAllApps,
} from '../support/apps/app-process.js';
import { fetchCsrfHeaders } from '../support/http/csrf.js';
import { DEMO_EMAIL, DEMO_PASSWORD, sessionCookie, sessionIdOf } from '../support/apps/demo-app.js';
import { RedisServer, waitFor } from '../support/servers/redis-server.js';

const prefix = 'e2e-shutdown:';

// Run as deployed: the built app as a child process, stopped with a real SIGTERM.
describe('graceful shutdown on SIGTERM', () => {
  let redis: RedisServer;
  let keys: RedisClientType;

  beforeAll(async () => {
    redis = await RedisServer.start();
    keys = await redis.client();
  });

  afterEach(() => stopAllApps());

  afterAll(async () => {
    keys?.destroy();
    await redis?.stop();
  });

  const start = (env: Record<string, string> = {}) =>
    AppProcess.start({
      ...productionEnv(),
      TRUST_PROXY: 'loopback',
      REDIS_URL: redis.url,
      SESSION_KEY_PREFIX: prefix,
      ...env,
    });

  it(
    'finishes the request in flight, refuses new connections, closes Redis, exits 0 within 10 s',
    async () => {
      const app = await start();
      const slow = startSlowLogin(app.port, await fetchCsrfHeaders(app.url));
      await slow.received;

      const signalled = Date.now();
      app.kill('SIGTERM');
      await waitFor(
        async () => (await connectOutcome(app.port)) === 'ECONNREFUSED',
        'new connections were still accepted after SIGTERM',
      );
      expect(slow.done).toBe(false);

      slow.finish();
      const res = await slow.response;
      expect(`in-flight POST /auth/login after SIGTERM: ${res.status}`).toBe(
        'in-flight POST /auth/login after SIGTERM: 200',
      );
      // The session was saved after the signal: the store client was still open for it.
      const cookie = sessionCookie(res.setCookie, '__Host-sid');
      expect(await keys.exists(prefix + sessionIdOf(cookie))).toBe(1);

      const exit = await app.exited;
      const elapsed = Date.now() - signalled;
      // Exiting by itself with 0 (no process.exit) also shows nothing was left open, the Redis
      // client included: an open client would keep the process alive until the forced exit 1.
      expect({ ...exit, within10s: elapsed < 10_000 }).toEqual({
        code: 0,
        signal: null,
        within10s: true,
      });
      expect(app.logs()).toContain('Closed; exiting');
    },
    SPAWN_TIMEOUT_MS,
  );

  it(
    'cuts a request that never finishes after SHUTDOWN_DRAIN_MS and still exits 0',
    async () => {
      const app = await start({ SHUTDOWN_DRAIN_MS: '500' });
      const stuck = startSlowLogin(app.port, await fetchCsrfHeaders(app.url));
      await stuck.received;

      const signalled = Date.now();
      app.kill('SIGTERM');
      // The client never sends its body; the app must not wait for it forever.
      await expect(stuck.response).rejects.toThrow(/socket hang up|ECONNRESET/);
      const exit = await app.exited;
      expect(exit).toEqual({ code: 0, signal: null });
      expect(Date.now() - signalled).toBeLessThan(5_000);
    },
    SPAWN_TIMEOUT_MS,
  );
});

interface SlowLogin {
  /** Resolves once the app has read the request head and is waiting for the body. */
  received: Promise<void>;
  /** Sends the body, completing the request. */
  finish(): void;
  response: Promise<{ status: number; setCookie: string[] }>;
  done: boolean;
}

/**
 * A login whose body has not been sent yet: a request in flight, with no test-only route.
 * `Expect: 100-continue` makes the app answer "100 Continue" once it has the request, so the
 * test knows it is in flight before it sends SIGTERM.
 */
function startSlowLogin(port: number, csrf: Record<string, string>): SlowLogin {
  const body = JSON.stringify({ email: DEMO_EMAIL, password: DEMO_PASSWORD });
  const req: ClientRequest = httpRequest({
    host: '127.0.0.1',
    port,
    method: 'POST',
    path: '/auth/login',
    agent: false,
    headers: {
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(body),
      Expect: '100-continue',
      // The app trusts loopback proxies (TRUST_PROXY=loopback), as behind nginx.
      'X-Forwarded-Proto': 'https',
      ...csrf,
    },
  });
  const slow: SlowLogin = {
    received: new Promise((resolve) => req.once('continue', () => resolve())),
    finish: () => req.end(body),
    response: new Promise((resolve, reject) => {
      req.once('error', reject);
      req.once('response', (res) => {
        res.resume();
        res.once('end', () => {
          slow.done = true;
          resolve({ status: res.statusCode ?? 0, setCookie: res.headers['set-cookie'] ?? [] });
        });
      });
    }),
    done: false,
  };
  req.flushHeaders();
  return slow;
}

/** 'connected', or the error code of a failed connection attempt. */
function connectOutcome(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}
