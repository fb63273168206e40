import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { CSRF_COOKIE, CSRF_HEADER, csrfHeaders, HOST_CSRF_COOKIE } from '../support/http/csrf.js';
import { DEMO_EMAIL, DEMO_PASSWORD, type RunningApp, startDemoApp } from '../support/apps/demo-app.js';

const credentials = { email: DEMO_EMAIL, password: DEMO_PASSWORD };

function setCookie(list: unknown, name: string): string {
  const header = (list as string[] | undefined)?.find((c) => c.startsWith(`${name}=`));
  if (!header) throw new Error(`no ${name} cookie in ${JSON.stringify(list)}`);
  return header;
}

describe('the same-site default: SameSite=Lax over plain HTTP', () => {
  let running: RunningApp;

  beforeAll(async () => {
    running = await startDemoApp({ SESSION_STORE: 'memory' });
  });

  afterAll(async () => {
    await running?.close();
  });

  it('sets sid and a readable XSRF-TOKEN, both Lax, Path=/, neither Secure', async () => {
    const res = await request(running.server)
      .post('/auth/login')
      .set(await csrfHeaders(running.server))
      .send(credentials);
    expect(res.status).toBe(200);
    const sid = setCookie(res.headers['set-cookie'], 'sid');
    const xsrf = setCookie(res.headers['set-cookie'], CSRF_COOKIE);
    expect(sid).toMatch(/; HttpOnly/);
    for (const cookie of [sid, xsrf]) {
      expect(cookie).toMatch(/; SameSite=Lax/);
      expect(cookie).toMatch(/; Path=\//);
      expect(cookie).not.toMatch(/; Secure/);
    }
    // axios must be able to read it: that is how the header gets filled.
    expect(xsrf).not.toMatch(/HttpOnly/i);
  });

  it('sends helmet’s headers with a policy that fits the API and its pages, and no HSTS', async () => {
    for (const path of ['/auth/me', '/login', '/spa/']) {
      const res = await request(running.server).get(path);
      const csp = res.headers['content-security-policy'];
      expect(`${path}: ${csp}`).toMatch(/default-src 'self'/);
      expect(csp).toMatch(/script-src 'self'(;|$)/);
      expect(csp).toMatch(/frame-ancestors 'none'/);
      expect(csp).toMatch(/form-action 'self'/);
      expect(csp).not.toMatch(/upgrade-insecure-requests/);
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      // Not no-referrer: with it browsers send Origin: null on POST and the CSRF check refuses.
      expect(res.headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
      expect(res.headers['strict-transport-security']).toBeUndefined();
    }
  });
});

describe('the cross-site mode: COOKIE_SAMESITE=none with Secure', () => {
  let running: RunningApp;
  const https = { 'X-Forwarded-Proto': 'https' };

  beforeAll(async () => {
    running = await startDemoApp({
      SESSION_STORE: 'memory',
      COOKIE_SECURE: 'true',
      COOKIE_SAMESITE: 'none',
      // supertest speaks plain HTTP from loopback, as nginx would after terminating TLS.
      TRUST_PROXY: 'loopback',
    });
  });

  afterAll(async () => {
    await running?.close();
  });

  it('refuses to boot with SameSite=None but no Secure, and says how to fix it', async () => {
    await expect(
      startDemoApp({ SESSION_STORE: 'memory', COOKIE_SAMESITE: 'none' }),
    ).rejects.toThrow(/COOKIE_SAMESITE=none requires a Secure cookie: set COOKIE_SECURE=true/);
  });

  it('names the cookies __Host-sid and __Host-XSRF-TOKEN, both Secure; SameSite=None', async () => {
    const res = await request(running.server)
      .post('/auth/login')
      .set(await csrfHeaders(running.server, undefined, { headers: https }))
      .set(https)
      .send(credentials);
    expect(res.status).toBe(200);
    const sid = setCookie(res.headers['set-cookie'], '__Host-sid');
    const xsrf = setCookie(res.headers['set-cookie'], HOST_CSRF_COOKIE);
    for (const cookie of [sid, xsrf]) {
      expect(cookie).toMatch(/; Secure/);
      expect(cookie).toMatch(/; SameSite=None/);
      expect(cookie).toMatch(/; Path=\//);
      expect(cookie).not.toMatch(/; Domain=/);
    }
  });

  it('ignores an unprefixed XSRF-TOKEN cookie, as a sibling subdomain could plant one', async () => {
    // A token this server signed, planted under the name any host of the site may set.
    const { token } = (await request(running.server).get('/auth/csrf').set(https)).body as {
      token: string;
    };
    const res = await request(running.server)
      .post('/auth/login')
      .set(https)
      .set({ Cookie: `${CSRF_COOKIE}=${token}`, [CSRF_HEADER]: token })
      .send(credentials);
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('csrf_token_invalid');
    // The same token in the __Host- cookie, which only this host can set, passes.
    const ok = await request(running.server)
      .post('/auth/login')
      .set(https)
      .set({ Cookie: `${HOST_CSRF_COOKIE}=${token}`, [CSRF_HEADER]: token })
      .send(credentials);
    expect(ok.status).toBe(200);
  });

  it('sends Strict-Transport-Security and upgrade-insecure-requests', async () => {
    const res = await request(running.server).get('/health').set(https);
    expect(res.headers['strict-transport-security']).toBe('max-age=63072000');
    expect(res.headers['content-security-policy']).toMatch(/upgrade-insecure-requests/);
  });

  it('refuses a login over plain HTTP rather than set a Secure cookie there', async () => {
    const res = await request(running.server)
      .post('/auth/login')
      .set(await csrfHeaders(running.server))
      .send(credentials);
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('https_required');
  });
});

describe('switches', () => {
  it('SECURITY_HEADERS=false leaves the headers to the app', async () => {
    const running = await startDemoApp({ SESSION_STORE: 'memory', SECURITY_HEADERS: 'false' });
    try {
      const res = await request(running.server).get('/health');
      expect(res.headers['content-security-policy']).toBeUndefined();
      expect(res.headers['x-frame-options']).toBeUndefined();
    } finally {
      await running.close();
    }
  });

  it('CSRF_ENABLED=false lets an unsafe request through without a token', async () => {
    const running = await startDemoApp({ SESSION_STORE: 'memory', CSRF_ENABLED: 'false' });
    try {
      const res = await request(running.server).post('/auth/login').send(credentials);
      expect(res.status).toBe(200);
    } finally {
      await running.close();
    }
  });
});
