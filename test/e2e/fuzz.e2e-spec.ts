import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { isSafeRedirect } from '../../src/core/http/safe-redirect.js';
import { loginCookie, type RunningApp, sessionIdOf, startDemoApp } from '../support/apps/demo-app.js';
import { type CsrfHeaders, csrfHeaders } from '../support/http/csrf.js';
import { freePort } from '../support/servers/ports.js';
import { httpRequest, rawRequest } from '../support/http/raw-http.js';
import { startTestRedis, type TestRedis } from '../support/servers/test-redis.js';

// At least 1000 cases per category in CI; FUZZ_RUNS can raise it locally.
const RUNS = Math.max(1000, Number(process.env.FUZZ_RUNS ?? 1000));
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,*/*;q=0.8';
// Inputs that pass validation cost an argon2 verify each, so a category can take a minute on 2 cores.
const CATEGORY_TIMEOUT_MS = 240_000;

describe('bad input never gets a 5xx, a crash, or a store write', () => {
  let redis: TestRedis;
  let running: RunningApp;
  let port: number;
  let validCookie: string;
  /** Valid CSRF headers, so fuzzed requests get past the CSRF check to the code under test. */
  let anonymousCsrf: CsrfHeaders;
  let signedInCsrf: CsrfHeaders;
  const prefix = `fuzz-${process.pid}:`;

  beforeAll(async () => {
    redis = await startTestRedis();
    running = await startDemoApp({
      SESSION_STORE: 'redis',
      REDIS_URL: redis.url,
      SESSION_KEY_PREFIX: prefix,
      // Fuzzed logins that pass validation must reach the password check, not a 429.
      LOGIN_IP_MAX_FAILURES: '1000000',
      LOGIN_ACCOUNT_MAX_FAILURES: '1000',
    });
    port = await freePort();
    await running.app.listen(port, '127.0.0.1');
    validCookie = await loginCookie(running.server);
    anonymousCsrf = await csrfHeaders(running.server);
    signedInCsrf = await csrfHeaders(running.server, validCookie);
  });

  afterAll(async () => {
    await running?.close();
    await redis?.close();
  });

  // Brute-force counters (`<prefix>login-…`) are the one write a failed login is meant to make.
  const storedKeys = async () =>
    (await redis.client.keys(`${prefix}*`)).filter((k) => !k.startsWith(`${prefix}login-`)).sort();

  /** Runs a property and then checks the store holds exactly what it held before. */
  async function fuzz<T>(
    arbitrary: fc.Arbitrary<T>,
    send: (input: T) => Promise<void>,
  ): Promise<void> {
    const before = await storedKeys();
    await fc.assert(fc.asyncProperty(arbitrary, send), { numRuns: RUNS });
    expect(await storedKeys()).toEqual(before);
  }

  function expect4xxOrNormal(status: number, request: string, allowed: number[] = []): void {
    const ok = (status >= 400 && status < 500) || allowed.includes(status);
    if (!ok)
      throw new Error(
        `${request} answered ${status}, expected a 4xx${allowed.length ? ` or ${allowed}` : ''}`,
      );
  }

  it(
    `cookies: random bytes, bad signatures, 8 KB values, repeated names, non-UTF-8 (${RUNS} cases)`,
    async () => {
      const sid = sessionIdOf(validCookie);
      const cookieBytes = fc.oneof(
        fc
          .uint8Array({ maxLength: 300 })
          .map((b) => Buffer.from(b.filter((x) => x !== 13 && x !== 10))),
        fc
          .string({ maxLength: 60 })
          .map((sig) => Buffer.from(`sid=s%3A${sid}.${encodeURIComponent(sig)}`)),
        fc
          .string({ maxLength: 40 })
          .map((id) => Buffer.from(`sid=s%3A${encodeURIComponent(id)}.x`)),
        fc.nat({ max: 8192 }).map((n) => Buffer.from(`sid=${'A'.repeat(n)}`)),
        fc
          .array(fc.string({ maxLength: 20 }), { minLength: 2, maxLength: 60 })
          .map((vs) => Buffer.from(vs.map((v) => `sid=${encodeURIComponent(v)}`).join('; '))),
        fc
          .uint8Array({ minLength: 1, maxLength: 100 })
          .map((b) => Buffer.concat([Buffer.from('sid='), Buffer.from(b.map((x) => 0x80 | x))])),
      );
      await fuzz(cookieBytes, async (cookie) => {
        const { status } = await rawRequest(
          port,
          httpRequest('GET', '/auth/me', {
            Host: 'localhost',
            Accept: 'application/json',
            Cookie: cookie,
          }),
        );
        expect4xxOrNormal(
          status,
          `GET /auth/me with Cookie ${JSON.stringify(cookie.toString('latin1').slice(0, 80))}`,
        );
      });
    },
    CATEGORY_TIMEOUT_MS,
  );

  it(
    `login bodies: wrong types, nesting, arrays, __proto__/constructor, huge strings, unicode, NUL (${RUNS} cases)`,
    async () => {
      const pollution = fc.constantFrom(
        '__proto__',
        'constructor',
        'prototype',
        'toString',
        'hasOwnProperty',
      );
      const weird = fc.oneof(
        fc.jsonValue(),
        fc.string({ unit: 'binary', maxLength: 200 }),
        fc.nat({ max: 200_000 }).map((n) => 'x'.repeat(n)),
        fc.constant('\u0000'),
      );
      const body = fc.oneof(
        fc.jsonValue().map((v) => JSON.stringify(v)),
        fc
          .record({ email: weird, password: weird }, { requiredKeys: [] })
          .map((v) => JSON.stringify(v)),
        fc
          .tuple(pollution, weird)
          .map(
            ([k, v]) =>
              `{"email":"demo@example.com","password":"x","${k}":${JSON.stringify(v) ?? 'null'}}`,
          ),
        fc.tuple(pollution, pollution).map(([a, b]) => `{"${a}":{"${b}":{"polluted":true}}}`),
        fc.array(fc.record({ email: weird, password: weird })).map((v) => JSON.stringify(v)),
        fc.string({ unit: 'binary', maxLength: 300 }),
      );
      await fuzz(body, async (payload) => {
        const { status } = await rawRequest(
          port,
          httpRequest(
            'POST',
            '/auth/login',
            { Host: 'localhost', 'Content-Type': 'application/json', ...anonymousCsrf },
            payload,
          ),
        );
        expect4xxOrNormal(status, `POST /auth/login ${JSON.stringify(payload.slice(0, 120))}`);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      });
    },
    CATEGORY_TIMEOUT_MS,
  );

  it(
    `headers: bad Content-Type, bad Accept, no Host, huge X-Forwarded-For (${RUNS} cases)`,
    async () => {
      const token = fc
        .string({ unit: 'binary-ascii', maxLength: 120 })
        .map((s) => s.replace(/[\r\n]/g, ''));
      const request = fc.record({
        method: fc.constantFrom('GET', 'POST'),
        path: fc.constantFrom('/auth/me', '/auth/login', '/profile', '/', '/auth/logout'),
        contentType: fc.option(token),
        accept: fc.option(token),
        host: fc.boolean(),
        xff: fc.option(
          fc
            .nat({ max: 9000 })
            .map((n) =>
              Array.from({ length: Math.ceil(n / 8) }, (_, i) => `10.0.${i % 250}.1`).join(', '),
            ),
        ),
        signedIn: fc.boolean(),
      });
      await fuzz(request, async (r) => {
        const headers: Record<string, string> = {};
        if (r.host) headers.Host = 'localhost';
        if (r.contentType !== null) headers['Content-Type'] = r.contentType;
        if (r.accept !== null) headers.Accept = r.accept;
        if (r.xff !== null) headers['X-Forwarded-For'] = r.xff;
        // A signed-in logout is a legitimate write (it destroys the session), not rejected input.
        if (r.signedIn && r.path !== '/auth/logout') headers.Cookie = validCookie;
        if (r.method === 'POST') {
          Object.assign(headers, headers.Cookie ? signedInCsrf : anonymousCsrf);
        }
        const body = r.method === 'POST' ? '{"email":"nobody@example.com","password":"x"}' : '';
        const { status } = await rawRequest(port, httpRequest(r.method, r.path, headers, body));
        const described = `${r.method} ${r.path} ${JSON.stringify(headers).slice(0, 200)}`;
        // A signed-in GET of a page, or the home page, is a normal answer; redirects and 204 too.
        expect4xxOrNormal(status, described, [200, 204, 302, 303]);
      });
    },
    CATEGORY_TIMEOUT_MS,
  );

  it(
    `URLs: next with encoded tricks is never followed off-site (${RUNS} cases)`,
    async () => {
      const piece = fc.constantFrom(
        '/',
        '//',
        '\\',
        '%2F',
        '%2f',
        '%5C',
        '%09',
        '%0A',
        '%0D',
        '%00',
        '%20',
        'evil.com',
        'javascript:',
        'JaVaScRiPt:',
        'data:',
        'http:',
        'https:',
        '@',
        ':',
        '.',
        '..',
        '?',
        '#',
        '&',
        '%252F',
        '\u3002',
        '\uFF0F',
        'profile',
        '%E2%80%AE',
        '%C0%AF',
      );
      const next = fc.array(piece, { minLength: 1, maxLength: 8 }).map((parts) => parts.join(''));
      await fuzz(next, async (raw) => {
        // 1. The login page carries next into its form: only a safe one.
        const login = await rawRequest(
          port,
          httpRequest('GET', `/login?next=${encodeURIComponent(raw)}`, { Host: 'localhost' }),
        );
        expect4xxOrNormal(login.status, `GET /login?next=${raw}`, [200]);
        // 2. A form login (wrong password: nothing is stored) goes back to the login page with a safe next.
        const token = encodeURIComponent(anonymousCsrf['X-XSRF-TOKEN']);
        const form = `email=nobody%40example.com&password=x&next=${encodeURIComponent(raw)}&_csrf=${token}`;
        const post = await rawRequest(
          port,
          httpRequest(
            'POST',
            '/auth/login',
            {
              Host: 'localhost',
              'Content-Type': 'application/x-www-form-urlencoded',
              Cookie: anonymousCsrf.Cookie,
            },
            form,
          ),
        );
        expect4xxOrNormal(post.status, `form login next=${raw}`, [303]);
        if (post.status === 303) {
          const location = /\r\nLocation: ([^\r]*)/i.exec(post.head)?.[1] ?? '';
          const carried = new URL(location, 'http://x').searchParams.get('next') ?? '/';
          if (!isSafeRedirect(carried))
            throw new Error(`form login next=${raw} carried unsafe ${carried}`);
        }
        // 3. A guarded navigation with that path in its query redirects to /login, never elsewhere.
        const nav = await rawRequest(
          port,
          httpRequest('GET', `/profile?${encodeURIComponent(raw)}`, {
            Host: 'localhost',
            Accept: BROWSER_ACCEPT,
          }),
        );
        expect4xxOrNormal(nav.status, `GET /profile?${raw}`, [302]);
        const location = /\r\nLocation: ([^\r]*)/i.exec(nav.head)?.[1] ?? '';
        if (nav.status === 302 && !location.startsWith('/login?next=')) {
          throw new Error(`GET /profile?${raw} redirected to ${location}`);
        }
      });
    },
    CATEGORY_TIMEOUT_MS,
  );

  it('still serves the signed-in user after all of it', async () => {
    const { status } = await rawRequest(
      port,
      httpRequest('GET', '/auth/me', { Host: 'localhost', Cookie: validCookie }),
    );
    expect(status).toBe(200);
  });
});
