import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { DIST_BENCH, REPO_ROOT } from '../config.js';
import type { EventLoopDelay, EventLoopReply, EventLoopRequest } from './event-loop.js';
import { assertGuarded, loginForCookie, type Credentials } from './http.js';
import { freePort } from '../../test/support/servers/ports.js';
import { startProcess, waitForHttp, type ManagedProcess } from './processes.js';

export type ThroughputScenario =
  'bare' | 'express-session-baseline' | 'guarded-redis' | 'guarded-memory';

/** The interleaving order A B C D, and the order of the table. */
export const THROUGHPUT_SCENARIOS: readonly ThroughputScenario[] = [
  'bare',
  'express-session-baseline',
  'guarded-redis',
  'guarded-memory',
];

export interface ScenarioServer {
  readonly name: ThroughputScenario;
  readonly baseUrl: string;
  /** The route the throughput runs hit. */
  readonly benchPath: string;
  readonly loginPath: string | null;
  readonly process: ManagedProcess;
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

interface ServerContext {
  logDir: string;
  redisUrl: string;
  users: DemoUsers;
}

async function launch(name: ThroughputScenario, context: ServerContext): Promise<ScenarioServer> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
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
  const { reader, stormer } = context.users;
  env.SESSION_STORE = name === 'guarded-redis' ? 'redis' : 'memory';
  env.REDIS_URL = context.redisUrl;
  env.DEMO_USERS = [reader, stormer].map((user) => `${user.email}:${user.password}`).join(',');
  env.BENCH_DEMO_ENTRY = resolve(REPO_ROOT, 'dist', 'main.js');
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
): Promise<ScenarioServer> {
  await waitForHttp(managed, baseUrl + readyPath);
  return { name, baseUrl, benchPath, loginPath, process: managed, cookie: null };
}

/**
 * Starts every scenario's server at once (each its own process and port), logs in once on each
 * and checks that each guarded route really refuses a request without the cookie.
 */
export async function startScenarioServers(context: ServerContext): Promise<ScenarioServer[]> {
  const servers = await Promise.all(THROUGHPUT_SCENARIOS.map((name) => launch(name, context)));
  for (const server of servers) {
    if (server.loginPath === null) {
      await assertGuarded(server.baseUrl + server.benchPath, '', null);
      continue;
    }
    server.cookie = await loginForCookie(server.baseUrl + server.loginPath, context.users.reader);
    await assertGuarded(server.baseUrl + server.benchPath, server.cookie, 401);
  }
  return servers;
}

/** Asks the instrumented demo to start or stop its event-loop delay histogram. */
export function askEventLoop(server: ScenarioServer, request: { type: 'eld-start' }): Promise<void>;
export function askEventLoop(
  server: ScenarioServer,
  request: { type: 'eld-stop' },
): Promise<EventLoopDelay>;
export function askEventLoop(
  server: ScenarioServer,
  request: EventLoopRequest,
): Promise<EventLoopDelay | void> {
  const { child } = server.process;
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      child.off('message', onMessage);
      reject(new Error(`bench: ${server.name} did not answer ${request.type} over IPC`));
    }, 5000);
    function onMessage(message: EventLoopReply): void {
      clearTimeout(timer);
      child.off('message', onMessage);
      if (message.type === 'eld') {
        const { p50Ms, p99Ms, maxMs, meanMs } = message;
        resolvePromise({ p50Ms, p99Ms, maxMs, meanMs });
      } else {
        resolvePromise();
      }
    }
    child.on('message', onMessage);
    child.send(request);
  });
}
