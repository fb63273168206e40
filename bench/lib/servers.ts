import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { DIST_BENCH, REPO_ROOT } from '../config.js';
import type {
  CredentialCheckMode,
  CredentialReads,
  DemoReply,
  DemoRequest,
  EventLoopDelay,
} from './demo-ipc.js';
import { assertGuarded, loginForCookie, type Credentials } from './http.js';
import { freePort } from '../../test/support/servers/ports.js';
import { startProcess, waitForHttp, type ManagedProcess } from './processes.js';

/** The demo scenarios: which store each runs on and how it runs the credential-version check. */
const DEMO_SCENARIOS = {
  'guarded-redis': { store: 'redis', check: 'shipped' },
  'guarded-memory': { store: 'memory', check: 'shipped' },
  'guarded-redis-no-cv-check': { store: 'redis', check: 'off' },
  'guarded-redis-cv-uncached': { store: 'redis', check: 'uncached' },
} as const satisfies Record<string, { store: 'redis' | 'memory'; check: CredentialCheckMode }>;

type DemoScenario = keyof typeof DEMO_SCENARIOS;

export type ThroughputScenario = 'bare' | 'express-session-baseline' | 'naive-nest' | DemoScenario;

/**
 * The interleaving order (A B C D E F G, A B C D E F G, …) and the order of the table: the four
 * original scenarios keep their letters, then the naive Nest app and the two bench-only variants
 * of guarded-redis that price the credential-version check.
 */
export const THROUGHPUT_SCENARIOS: readonly ThroughputScenario[] = [
  'bare',
  'express-session-baseline',
  'guarded-redis',
  'guarded-memory',
  'naive-nest',
  'guarded-redis-no-cv-check',
  'guarded-redis-cv-uncached',
];

export interface ScenarioServer {
  readonly name: ThroughputScenario;
  readonly baseUrl: string;
  /** The route the throughput runs hit. */
  readonly benchPath: string;
  readonly loginPath: string | null;
  readonly process: ManagedProcess;
  /** Runs under instrumented-main.ts, which answers DemoRequests over IPC. */
  readonly instrumented: boolean;
  /** `name=value` of a live session, set after login; null for the bare route. */
  cookie: string | null;
}

export interface DemoUsers {
  /** The user whose session the GET runs read. */
  reader: Credentials;
  /**
   * The user the login storm logs in as, apart from the reader, so that a per-user session cap
   * in the demo can never evict the reader's session mid-run.
   */
  stormer: Credentials;
}

export function makeDemoUsers(): DemoUsers {
  const password = () => randomBytes(12).toString('hex');
  return {
    reader: { email: 'bench-reader@example.com', password: password() },
    stormer: { email: 'bench-storm@example.com', password: password() },
  };
}

export interface ServerContext {
  logDir: string;
  redisUrl: string;
  users: DemoUsers;
  /** Added to each server's environment (the profiler's NODE_OPTIONS). */
  env?: NodeJS.ProcessEnv;
}

export async function launchScenario(
  name: ThroughputScenario,
  context: ServerContext,
): Promise<ScenarioServer> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...context.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    NODE_ENV: 'development',
    // Random per run: a bench must never run with a secret anyone can read in the repository.
    SESSION_SECRET: randomBytes(24).toString('hex'),
  };
  const options = { logDir: context.logDir, env };
  const script = (file: string) => resolve(DIST_BENCH, 'servers', file);

  if (name === 'bare') {
    const managed = startProcess(name, process.execPath, [script('bare.js')], options);
    return whenReady(name, baseUrl, '/bare', null, managed, '/bare');
  }
  if (name === 'express-session-baseline') {
    // Database 1, so its keys never mix with the demo's in the memory phase.
    env.REDIS_URL = `${context.redisUrl}/1`;
    const managed = startProcess(
      name,
      process.execPath,
      [script('express-session-baseline.js')],
      options,
    );
    return whenReady(name, baseUrl, '/me', '/login', managed, '/health');
  }
  if (name === 'naive-nest') {
    // Database 2: connect-redis's default prefix is the demo's `sess:`.
    env.REDIS_URL = `${context.redisUrl}/2`;
    const managed = startProcess(name, process.execPath, [script('naive-nest.js')], options);
    // The app has no public route: it is up once its guard refuses an anonymous GET /me.
    return whenReady(name, baseUrl, '/me', '/login', managed, '/me', 401);
  }
  const { reader, stormer } = context.users;
  const demo = DEMO_SCENARIOS[name];
  env.SESSION_STORE = demo.store;
  env.BENCH_CV_CHECK = demo.check;
  env.REDIS_URL = context.redisUrl;
  env.DEMO_USERS = [reader, stormer].map((user) => `${user.email}:${user.password}`).join(',');
  env.BENCH_DEMO_ENTRY = context.env?.BENCH_DEMO_ENTRY ?? resolve(REPO_ROOT, 'dist', 'main.js');
  const managed = startProcess(name, process.execPath, [script('instrumented-main.js')], {
    ...options,
    ipc: true,
  });
  return whenReady(name, baseUrl, '/auth/me', '/auth/login', managed, '/health');
}

async function whenReady(
  name: ThroughputScenario,
  baseUrl: string,
  benchPath: string,
  loginPath: string | null,
  managed: ManagedProcess,
  readyPath: string,
  readyStatus = 200,
): Promise<ScenarioServer> {
  await waitForHttp(managed, baseUrl + readyPath, readyStatus);
  const instrumented = name in DEMO_SCENARIOS;
  return { name, baseUrl, benchPath, loginPath, process: managed, instrumented, cookie: null };
}

/**
 * Starts every scenario's server at once (each its own process and port), logs in once on each
 * and checks that each guarded route really refuses a request without the cookie.
 */
export async function startScenarioServers(context: ServerContext): Promise<ScenarioServer[]> {
  const servers = await Promise.all(
    THROUGHPUT_SCENARIOS.map((name) => launchScenario(name, context)),
  );
  for (const server of servers) await signInReader(server, context.users);
  return servers;
}

/** Logs the reader in (sets `server.cookie`) and checks the route refuses a request without it. */
export async function signInReader(server: ScenarioServer, users: DemoUsers): Promise<void> {
  if (server.loginPath === null) {
    await assertGuarded(server.baseUrl + server.benchPath, '', null);
    return;
  }
  server.cookie = await loginForCookie(server.baseUrl + server.loginPath, users.reader);
  await assertGuarded(server.baseUrl + server.benchPath, server.cookie, 401);
}

/** Asks the instrumented demo to start or stop its event-loop delay histogram. */
export function askEventLoop(server: ScenarioServer, request: { type: 'eld-start' }): Promise<void>;
export function askEventLoop(
  server: ScenarioServer,
  request: { type: 'eld-stop' },
): Promise<EventLoopDelay>;
export async function askEventLoop(
  server: ScenarioServer,
  request: { type: 'eld-start' } | { type: 'eld-stop' },
): Promise<EventLoopDelay | void> {
  const message = await askDemo(server, request);
  if (message.type !== 'eld') return;
  const { p50Ms, p99Ms, maxMs, meanMs } = message;
  return { p50Ms, p99Ms, maxMs, meanMs };
}

/** How many credential versions the instrumented demo has read from its store so far. */
export async function credentialReads(server: ScenarioServer): Promise<CredentialReads> {
  const message = await askDemo(server, { type: 'cv-reads' });
  if (message.type !== 'cv-reads')
    throw new Error(`bench: ${server.name} answered ${message.type}`);
  return { reads: message.reads, touchIntervalMs: message.touchIntervalMs };
}

/** One question to the instrumented demo and its answer; the bench asks one at a time. */
function askDemo(server: ScenarioServer, request: DemoRequest): Promise<DemoReply> {
  if (!server.instrumented) throw new Error(`bench: ${server.name} is not instrumented`);
  const { child } = server.process;
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      child.off('message', onMessage);
      reject(new Error(`bench: ${server.name} did not answer ${request.type} over IPC`));
    }, 5000);
    function onMessage(message: DemoReply): void {
      clearTimeout(timer);
      child.off('message', onMessage);
      resolvePromise(message);
    }
    child.on('message', onMessage);
    child.send(request);
  });
}
