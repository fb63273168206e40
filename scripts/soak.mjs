// npm run soak: mixed login / me / logout for SOAK_DURATION seconds (default 300) against the
// built demo on a private Redis, from autocannon in this (separate) process. Reports errors,
// latency percentiles and the server's RSS before and after. Not part of npm test.
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeFile, mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';

const DURATION = Number(process.env.SOAK_DURATION ?? 300);
const CONNECTIONS = Number(process.env.SOAK_CONNECTIONS ?? 8);
const PASSWORD = 'soak password with some length';
// One account per connection, as real traffic has: logins to one account are capped in flight
// (the brute-force throttle counts an attempt before its password check).
const EMAILS = Array.from({ length: CONNECTIONS }, (_, n) => `soak${n}@example.com`);
const children = [];

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function start(cmd, args, env, ready) {
  const child = spawn(cmd, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${cmd} did not start: ${out}`)), 20_000);
    const onData = (d) => {
      out += d;
      if (ready.test(out)) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`${cmd} exited ${code}: ${out}`)));
  });
}

const rssMiB = (pid) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;

function cleanup() {
  for (const c of children) c.kill('SIGKILL');
}
process.on('exit', cleanup);
process.on('SIGINT', () => process.exit(130));

const redisPort = await freePort();
await start(
  'redis-server',
  ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
  {},
  /Ready to accept/,
);
const appPort = await freePort();
const app = await start(
  process.execPath,
  ['dist/main.js'],
  {
    NODE_ENV: 'development',
    PORT: String(appPort),
    HOST: '127.0.0.1',
    SESSION_SECRET: 'soak-secret-0123456789-abcdefghijklmnopqrstuvwxyz',
    REDIS_URL: `redis://127.0.0.1:${redisPort}`,
    DEMO_USERS: EMAILS.map((email) => `${email}:${PASSWORD}`).join(','),
  },
  /Open http/,
);
const url = `http://127.0.0.1:${appPort}`;

// The pre-session CSRF pair (GET /auth/csrf): its XSRF-TOKEN cookie and the same token as the
// X-XSRF-TOKEN header, which every login must carry. The token is stateless, so one pair serves
// every connection's logins.
const csrfResponse = await fetch(`${url}/auth/csrf`, { headers: { accept: 'application/json' } });
if (csrfResponse.status !== 200) throw new Error(`GET /auth/csrf answered ${csrfResponse.status}`);
const { token: anonymousToken } = await csrfResponse.json();
const anonymousCookie = csrfResponse.headers
  .getSetCookie()
  .map((header) => header.split(';')[0])
  .find((pair) => pair.startsWith('XSRF-TOKEN='));

/** The `name=value` pairs of a response's Set-Cookie headers (autocannon keeps the case). */
function setCookies(headers) {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === 'set-cookie');
  const list = key ? headers[key] : [];
  return (Array.isArray(list) ? list : [list]).map((header) => header.split(';')[0]);
}

// Non-2xx answers per request of the cycle, so a failing soak says which step broke and how.
const failures = {};
function tally(step) {
  return (status) => {
    if (status >= 200 && status < 300) return;
    const key = `${step} -> ${status}`;
    failures[key] = (failures[key] ?? 0) + 1;
  };
}

let nextAccount = 0;

const withSession = (req, context) => ({
  ...req,
  headers: { ...req.headers, cookie: context.cookie },
});

// One connection's cycle: log in, read /auth/me three times with the new cookie, log out with
// the session's CSRF token (login rotated it and sent it back as the XSRF-TOKEN cookie).
const requests = [
  {
    method: 'POST',
    path: '/auth/login',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json',
      'x-xsrf-token': anonymousToken,
      cookie: anonymousCookie,
    },
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
  ...Array.from({ length: 3 }, () => ({
    method: 'GET',
    path: '/auth/me',
    headers: { accept: 'application/json' },
    setupRequest: withSession,
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

const run = (duration) =>
  new Promise((resolve, reject) =>
    autocannon({ url, connections: CONNECTIONS, duration, requests }, (err, result) =>
      err ? reject(err) : resolve(result),
    ),
  );

console.log(`soak: warming up 10 s, then ${DURATION} s with ${CONNECTIONS} connections`);
await run(10);
for (const key of Object.keys(failures)) delete failures[key];
const rssBefore = rssMiB(app.pid);
// RSS every 10 s, so a leak shows as a trend rather than one noisy difference.
const rssSamples = [];
const sampler = setInterval(() => rssSamples.push(Number(rssMiB(app.pid).toFixed(1))), 10_000);
const result = await run(DURATION);
clearInterval(sampler);
const rssAfter = rssMiB(app.pid);

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
await mkdir('bench/results', { recursive: true });
await writeFile('bench/results/soak-latest.json', JSON.stringify(report, null, 2) + '\n');
const ok = errors === 0 && growth < 0.1;
console.log(ok ? 'soak: PASS (0 errors, RSS growth under 10%)' : 'soak: FAIL');
cleanup();
process.exit(ok ? 0 : 1);
