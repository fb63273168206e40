// `npm run soak` (issue 6): mixed login / me / logout for SOAK_DURATION seconds (default 300)
// against the built demo on a private Redis, with autocannon in this process (the server is a
// child). Reports errors, latency percentiles and the server's RSS before, during and after, and
// fails on any error or on RSS growth of 10% or more. Not part of npm test.
import autocannon, { type Request, type Result } from 'autocannon';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { REPO_ROOT } from './config.js';
import { anonymousCsrfHeaders } from './lib/http.js';
import { freePort } from '../test/support/servers/ports.js';
import { installEmergencyCleanup, startProcess, stopAll, waitForHttp } from './lib/processes.js';
import { startPrivateRedis } from './lib/redis-server.js';

const DURATION = Number(process.env.SOAK_DURATION ?? 300);
const CONNECTIONS = Number(process.env.SOAK_CONNECTIONS ?? 8);
const PASSWORD = 'soak password with some length';
// One account per connection, as real traffic has: logins to one account are capped in flight
// (the brute-force throttle counts an attempt before its password check).
const EMAILS = Array.from({ length: CONNECTIONS }, (_, n) => `soak${n}@example.com`);
const OUTPUT = resolve(REPO_ROOT, 'bench', 'results', 'soak-latest.json');

const rssMiB = (pid: number) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

/** The `name=value` pairs of a response's Set-Cookie headers (autocannon keeps the case). */
function setCookies(headers: Record<string, string | string[]>): string[] {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === 'set-cookie');
  const list = key ? headers[key] : [];
  return (Array.isArray(list) ? list : [list]).map((header) => header.split(';')[0]);
}

// Non-2xx answers per request of the cycle, so a failing soak says which step broke and how.
const failures: Record<string, number> = {};
function tally(step: string) {
  return (status: number) => {
    if (status >= 200 && status < 300) return;
    const key = `${step} -> ${status}`;
    failures[key] = (failures[key] ?? 0) + 1;
  };
}

/**
 * One connection's cycle: log in with the pre-session CSRF pair, read /auth/me three times with
 * the new cookie, log out with the session's CSRF token (login rotated it and sent it back as the
 * XSRF-TOKEN cookie).
 */
function cycle(loginCsrf: Record<string, string>): Request[] {
  let nextAccount = 0;
  return [
    {
      method: 'POST',
      path: '/auth/login',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...loginCsrf },
      setupRequest: (req, context) => {
        context.email ??= EMAILS[nextAccount++ % EMAILS.length];
        return { ...req, body: JSON.stringify({ email: context.email, password: PASSWORD }) };
      },
      onResponse: (status, _body, context, headers) => {
        tally('POST /auth/login')(status);
        const cookies = setCookies(headers);
        context.cookie = cookies.find((pair) => pair.startsWith('sid=')) ?? '';
        const csrf = cookies.find((pair) => pair.startsWith('XSRF-TOKEN='));
        context.csrf = csrf ? decodeURIComponent(csrf.slice('XSRF-TOKEN='.length)) : '';
      },
    },
    ...Array.from({ length: 3 }, (): Request => ({
      method: 'GET',
      path: '/auth/me',
      headers: { accept: 'application/json' },
      setupRequest: (req, context) => ({
        ...req,
        headers: { ...req.headers, cookie: context.cookie },
      }),
      onResponse: tally('GET /auth/me'),
    })),
    {
      method: 'POST',
      path: '/auth/logout',
      headers: { accept: 'application/json' },
      setupRequest: (req, context) => ({
        ...req,
        headers: { ...req.headers, cookie: context.cookie, 'x-xsrf-token': context.csrf },
      }),
      onResponse: tally('POST /auth/logout'),
    },
  ];
}

async function soak(logDir: string): Promise<boolean> {
  const redis = await startPrivateRedis(logDir);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const app = startProcess('demo', process.execPath, [resolve(REPO_ROOT, 'dist', 'main.js')], {
    logDir,
    env: {
      ...process.env,
      NODE_ENV: 'development',
      PORT: String(port),
      HOST: '127.0.0.1',
      // Random per run: never a secret anyone can read in the repository.
      SESSION_SECRET: randomBytes(24).toString('hex'),
      REDIS_URL: redis.url,
      DEMO_USERS: EMAILS.map((email) => `${email}:${PASSWORD}`).join(','),
    },
  });
  await waitForHttp(app, `${url}/health`);
  const pid = app.child.pid!;
  // The pre-session token is stateless, so one pair serves every connection's logins.
  const requests = cycle(await anonymousCsrfHeaders(url));
  const run = (duration: number) =>
    new Promise<Result>((done, fail) =>
      autocannon({ url, connections: CONNECTIONS, duration, requests }, (err, result) =>
        err ? fail(err) : done(result),
      ),
    );

  console.log(`soak: warming up 10 s, then ${DURATION} s with ${CONNECTIONS} connections`);
  await run(10);
  for (const key of Object.keys(failures)) delete failures[key];
  const rssBefore = rssMiB(pid);
  // RSS every 10 s, so a leak shows as a trend rather than one noisy difference.
  const rssSamples: number[] = [];
  const sampler = setInterval(() => rssSamples.push(Number(rssMiB(pid).toFixed(1))), 10_000);
  const result = await run(DURATION);
  clearInterval(sampler);
  const rssAfter = rssMiB(pid);

  const errors = result.errors + result.timeouts + result.non2xx;
  const growth = (rssAfter - rssBefore) / rssBefore;
  const report = {
    date: new Date().toISOString(),
    durationSeconds: DURATION,
    connections: CONNECTIONS,
    requests: result.requests.total,
    reqPerSec: result.requests.average,
    errors: {
      errors: result.errors,
      timeouts: result.timeouts,
      non2xx: result.non2xx,
      byRequest: failures,
    },
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
    rssMiB: {
      before: Number(rssBefore.toFixed(1)),
      after: Number(rssAfter.toFixed(1)),
      growthPercent: Number((growth * 100).toFixed(1)),
      every10s: rssSamples,
    },
  };
  console.log(JSON.stringify(report, null, 2));
  mkdirSync(resolve(OUTPUT, '..'), { recursive: true });
  writeFileSync(OUTPUT, JSON.stringify(report, null, 2) + '\n');
  return errors === 0 && growth < 0.1;
}

installEmergencyCleanup();
const logDir = mkdtempSync(join(tmpdir(), 'nsa-soak-'));
let ok: boolean;
try {
  ok = await soak(logDir);
  console.log(ok ? 'soak: PASS (0 errors, RSS growth under 10%)' : 'soak: FAIL');
} finally {
  await stopAll();
}
if (!ok) console.error(`soak: server logs in ${logDir}`);
process.exit(ok ? 0 : 1);
