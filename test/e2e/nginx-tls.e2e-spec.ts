import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type RedisClientType } from 'redis';
import request from 'supertest';
import { connect, createServer, type ConnectionOptions, type SecureVersion } from 'node:tls';
import {
  AppProcess,
  productionEnv,
  SPAWN_TIMEOUT_MS,
  stopAllApps,
} from '../support/apps/app-process.js';
import { csrfHeaders } from '../support/http/csrf.js';
import { DEMO_EMAIL, DEMO_LOGIN, sessionCookie, sessionIdOf } from '../support/apps/demo-app.js';
import { freePort } from '../support/servers/ports.js';
import { Nginx } from '../support/servers/nginx.js';
import { RedisServer } from '../support/servers/redis-server.js';

// The shipped config/nginx.conf in front of the built app, as deployed (see docs/deploying.md).
describe('behind nginx terminating TLS with config/nginx.conf', () => {
  let redis: RedisServer;
  let keys: RedisClientType;
  let app: AppProcess;
  let nginx: Nginx;
  const prefix = 'e2e-nginx:';

  beforeAll(async () => {
    redis = await RedisServer.start();
    keys = await redis.client();
    app = await AppProcess.start({
      ...productionEnv(),
      TRUST_PROXY: 'loopback',
      REDIS_URL: redis.url,
      SESSION_KEY_PREFIX: prefix,
    });
    nginx = await Nginx.start({ upstreamPorts: [app.port] });
  }, SPAWN_TIMEOUT_MS);

  afterAll(async () => {
    keys?.destroy();
    await nginx?.stop();
    await stopAllApps();
    await redis?.stop();
  });

  const https = () => request(nginx.httpsUrl);
  const csrf = () => csrfHeaders(nginx.httpsUrl, undefined, { ca: nginx.ca });

  it('logs in over HTTPS with a Secure, HttpOnly __Host- cookie, and the session works', async () => {
    const login = await https()
      .post('/auth/login')
      .ca(nginx.ca)
      .set(await csrf())
      .send(DEMO_LOGIN);
    expect(`POST /auth/login through nginx: ${login.status}`).toBe(
      'POST /auth/login through nginx: 200',
    );
    const header = (login.headers['set-cookie'] as unknown as string[]).find((c) =>
      c.startsWith('__Host-sid='),
    );
    expect(header).toMatch(/^__Host-sid=s%3A/);
    expect(header).toMatch(/; Secure/);
    expect(header).toMatch(/; HttpOnly/);
    expect(header).toMatch(/; Path=\//);
    expect(header).not.toMatch(/; Domain=/);

    const cookie = sessionCookie(header, '__Host-sid');
    const me = await https().get('/auth/me').ca(nginx.ca).set('Cookie', cookie);
    expect(`GET /auth/me through nginx: ${me.status}`).toBe('GET /auth/me through nginx: 200');
    expect(me.body.profile.email).toBe(DEMO_EMAIL);
    expect(await keys.exists(prefix + sessionIdOf(cookie))).toBe(1);
  });

  it('sends HSTS on every answer, errors included', async () => {
    const anonymous = await https().get('/auth/me').ca(nginx.ca);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['strict-transport-security']).toBe('max-age=63072000');
  });

  it('sets X-Forwarded-Proto itself: a client claiming http over HTTPS still gets in', async () => {
    // Were the client's header passed on, the app would see http and refuse with 403.
    const login = await https()
      .post('/auth/login')
      .ca(nginx.ca)
      .set(await csrf())
      .set('X-Forwarded-Proto', 'http')
      .send(DEMO_LOGIN);
    expect(`POST /auth/login with X-Forwarded-Proto: http: ${login.status}`).toBe(
      'POST /auth/login with X-Forwarded-Proto: http: 200',
    );
  });

  it('redirects plain HTTP to HTTPS without passing the request to the app', async () => {
    const before = await keys.dbSize();
    const res = await request(nginx.httpUrl).post('/auth/login').send(DEMO_LOGIN);
    expect(res.status).toBe(301);
    expect(res.headers.location).toBe('https://127.0.0.1/auth/login');
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(await keys.dbSize()).toBe(before);
  });

  it('refuses a body over 100 kB itself with 413', async () => {
    const res = await https()
      .post('/auth/login')
      .ca(nginx.ca)
      .send({ ...DEMO_LOGIN, next: `/${'a'.repeat(150 * 1024)}` });
    expect(res.status).toBe(413);
    expect(res.text).toContain('nginx');
  });

  it('speaks TLS 1.3 and 1.2', async () => {
    expect(await handshake(nginx.httpsPort, nginx.ca, 'TLSv1.3')).toBe('TLSv1.3');
    expect(await handshake(nginx.httpsPort, nginx.ca, 'TLSv1.2')).toBe('TLSv1.2');
  });

  it('refuses TLS 1.1 and 1.0, which this client can speak', async () => {
    // Control: the client does complete a TLS 1.1 handshake with a server that allows it, so a
    // refusal below comes from nginx's ssl_protocols, not from the client.
    const legacy = createServer({ key: nginx.key, cert: nginx.ca, ...LEGACY_TLS });
    const legacyPort = await freePort();
    await new Promise<void>((resolve) => legacy.listen(legacyPort, '127.0.0.1', resolve));
    try {
      expect(await handshake(legacyPort, nginx.ca, 'TLSv1.1')).toBe('TLSv1.1');
    } finally {
      legacy.close();
    }
    await expect(handshake(nginx.httpsPort, nginx.ca, 'TLSv1.1')).rejects.toThrow();
    await expect(handshake(nginx.httpsPort, nginx.ca, 'TLSv1')).rejects.toThrow();
  });
});

describe('straight to the app over plain HTTP with TRUST_PROXY unset', () => {
  let redis: RedisServer;
  let keys: RedisClientType;
  let untrusting: AppProcess;
  let trusting: AppProcess;
  const prefix = 'e2e-forged:';

  beforeAll(async () => {
    redis = await RedisServer.start();
    keys = await redis.client();
    const env = { ...productionEnv(), REDIS_URL: redis.url, SESSION_KEY_PREFIX: prefix };
    [untrusting, trusting] = await Promise.all([
      AppProcess.start(env),
      AppProcess.start({ ...env, TRUST_PROXY: 'loopback' }),
    ]);
  }, SPAWN_TIMEOUT_MS);

  afterAll(async () => {
    keys?.destroy();
    await stopAllApps();
    await redis?.stop();
  });

  const forgedLogin = async (app: AppProcess) =>
    request(app.url)
      .post('/auth/login')
      .set(await csrfHeaders(app.url))
      .set('X-Forwarded-Proto', 'https')
      .set('X-Forwarded-For', '203.0.113.7')
      .send(DEMO_LOGIN);

  it('ignores a forged X-Forwarded-Proto: 403 https_required, no cookie, no session', async () => {
    const res = await forgedLogin(untrusting);
    expect(`forged POST /auth/login: ${res.status} ${res.body.code}`).toBe(
      'forged POST /auth/login: 403 https_required',
    );
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(await keys.keys(`${prefix}*`)).toEqual([]);
  });

  it('believes the header only from a proxy TRUST_PROXY names (control)', async () => {
    // The same request to an instance that trusts loopback proxies is a login: what stops the
    // forgery above is TRUST_PROXY being unset, which is why it must name only the real proxy.
    const res = await forgedLogin(trusting);
    expect(res.status).toBe(200);
    const cookies = res.headers['set-cookie'] as unknown as string[];
    expect(cookies.find((c) => c.startsWith('__Host-sid='))).toMatch(/; Secure/);
  });
});

// OpenSSL 3 refuses TLS 1.0/1.1 at its default security level; level 0 lets the client try.
const LEGACY_TLS = {
  minVersion: 'TLSv1',
  maxVersion: 'TLSv1.1',
  ciphers: 'DEFAULT@SECLEVEL=0',
} as const;

/** Completes a handshake offering only `version`; resolves the protocol agreed on. */
function handshake(port: number, ca: string, version: SecureVersion): Promise<string> {
  const legacy = version === 'TLSv1' || version === 'TLSv1.1';
  const options: ConnectionOptions = {
    host: '127.0.0.1',
    port,
    ca,
    servername: 'localhost',
    minVersion: version,
    maxVersion: version,
    ...(legacy ? { ciphers: LEGACY_TLS.ciphers } : {}),
  };
  return new Promise((resolve, reject) => {
    const socket = connect(options, () => {
      resolve(socket.getProtocol() ?? 'unknown');
      socket.destroy();
    });
    socket.once('error', reject);
  });
}
