import { setTimeout as sleep } from 'node:timers/promises';
import { ARGON2_PARAMS, LOGIN_CONCURRENCY, type BenchSettings } from '../config.js';
import { anonymousCsrfHeaders, type Credentials } from '../lib/http.js';
import { runJsonWorker, runLoad, runPacedLoad, type LoadRun, type LoadSpec } from '../lib/load.js';
import { askEventLoop, type ScenarioServer } from '../lib/servers.js';
import { median, round } from '../lib/stats.js';
import type { Argon2CeilingResult } from '../workers/argon2-ceiling.js';
import type { PacedLoadSpec } from '../workers/paced-load.js';

/** A row of the report besides the throughput scenarios. */
export interface ExtraScenario {
  name: string;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** Only meaningful for saturating GET runs; null here. */
  ratioToBare: number | null;
  /** Likewise null. */
  ratioToNaive: number | null;
  [detail: string]: unknown;
}

function loginSpec(
  server: ScenarioServer,
  user: Credentials,
  seconds: number,
  csrf: Record<string, string>,
): LoadSpec {
  if (!server.loginPath) throw new Error(`bench: ${server.name} has no login route`);
  return {
    label: 'login',
    url: server.baseUrl + server.loginPath,
    connections: LOGIN_CONCURRENCY,
    durationSeconds: seconds,
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...csrf },
    body: JSON.stringify(user),
  };
}

function meSpec(server: ScenarioServer, settings: BenchSettings): PacedLoadSpec {
  return {
    url: server.baseUrl + server.benchPath,
    rate: settings.stormRate,
    durationSeconds: settings.durationSeconds,
    connections: settings.stormConnections,
    headers: { accept: 'application/json', cookie: server.cookie ?? '' },
  };
}

/**
 * Issue 7 point 2, against the demo with the Redis store:
 * - the argon2 verify ceiling (no HTTP) and logins/s at the same concurrency, alternating;
 * - GET /auth/me at a fixed rate, idle and then during a login storm, with the demo's
 *   event-loop delay over each window.
 */
export async function runLoginPhase(
  server: ScenarioServer,
  stormer: Credentials,
  settings: BenchSettings,
): Promise<ExtraScenario[]> {
  const seconds = settings.durationSeconds;
  const csrf = await anonymousCsrfHeaders(server.baseUrl);

  // Ceiling and login alternate for BENCH_ROUNDS rounds, medians reported: a ratio of two
  // figures taken apart in time is at the mercy of whatever else the CPU did in between.
  const ceilingRounds: Argon2CeilingResult[] = [];
  const loginRounds: LoadRun[] = [];
  for (let n = 1; n <= settings.rounds; n++) {
    const ceiling = await runJsonWorker<Argon2CeilingResult>('argon2-ceiling.js', [], {
      ...process.env,
      BENCH_DURATION: String(seconds),
    });
    ceilingRounds.push(ceiling);
    const login = await runLoad({
      ...loginSpec(server, stormer, seconds, csrf),
      label: `login round ${n}`,
    });
    loginRounds.push(login);
    console.log(
      `round ${n}/${settings.rounds} argon2-ceiling ${ceiling.verifiesPerSec.toFixed(1)} ` +
        `verifies/s, login ${login.reqPerSec.toFixed(1)} logins/s`,
    );
  }
  const ceiling = {
    verifiesPerSec: median(ceilingRounds.map((run) => run.verifiesPerSec)),
    p50Ms: median(ceilingRounds.map((run) => run.p50Ms)),
    p99Ms: median(ceilingRounds.map((run) => run.p99Ms)),
  };
  const login = {
    reqPerSec: median(loginRounds.map((run) => run.reqPerSec)),
    p50Ms: median(loginRounds.map((run) => run.p50Ms)),
    p99Ms: median(loginRounds.map((run) => run.p99Ms)),
  };

  await askEventLoop(server, { type: 'eld-start' });
  const idle = await runPacedLoad('me-idle', meSpec(server, settings));
  const idleLoop = await askEventLoop(server, { type: 'eld-stop' });
  console.log(
    `me-idle: p99 ${idle.p99Ms.toFixed(2)} ms, event-loop p99 ${idleLoop.p99Ms.toFixed(1)} ms`,
  );

  // The storm starts a second early and ends a second late, so the whole measured window of
  // GET /auth/me falls inside it.
  const storm = runLoad({ ...loginSpec(server, stormer, seconds + 2, csrf), label: 'login storm' });
  await sleep(1000);
  await askEventLoop(server, { type: 'eld-start' });
  const during = await runPacedLoad('me-during-login-storm', meSpec(server, settings));
  const stormLoop = await askEventLoop(server, { type: 'eld-stop' });
  const stormLogins = await storm;
  console.log(
    `me-during-login-storm: p99 ${during.p99Ms.toFixed(2)} ms, ` +
      `event-loop p99 ${stormLoop.p99Ms.toFixed(1)} ms, ${stormLogins.reqPerSec.toFixed(1)} logins/s`,
  );

  const paced = { connections: settings.stormConnections, targetRate: settings.stormRate };
  return [
    {
      name: 'argon2-ceiling',
      reqPerSec: round(ceiling.verifiesPerSec, 1),
      p50Ms: round(ceiling.p50Ms),
      p99Ms: round(ceiling.p99Ms),
      ratioToBare: null,
      ratioToNaive: null,
      concurrency: LOGIN_CONCURRENCY,
      argon2: { type: 'argon2id', ...ARGON2_PARAMS },
      rounds: ceilingRounds.map(({ verifiesPerSec, p50Ms, p99Ms }) => ({
        reqPerSec: round(verifiesPerSec, 1),
        p50Ms: round(p50Ms),
        p99Ms: round(p99Ms),
      })),
    },
    {
      name: 'login',
      reqPerSec: round(login.reqPerSec, 1),
      p50Ms: login.p50Ms,
      p99Ms: login.p99Ms,
      ratioToBare: null,
      ratioToNaive: null,
      concurrency: LOGIN_CONCURRENCY,
      ratioToArgon2Ceiling: round(login.reqPerSec / ceiling.verifiesPerSec),
      rounds: loginRounds,
    },
    {
      name: 'me-idle',
      reqPerSec: round(idle.reqPerSec, 1),
      p50Ms: round(idle.p50Ms),
      p99Ms: round(idle.p99Ms),
      ratioToBare: null,
      ratioToNaive: null,
      ...paced,
      eventLoopDelayP99Ms: round(idleLoop.p99Ms),
      eventLoopDelayMaxMs: round(idleLoop.maxMs),
    },
    {
      name: 'me-during-login-storm',
      reqPerSec: round(during.reqPerSec, 1),
      p50Ms: round(during.p50Ms),
      p99Ms: round(during.p99Ms),
      ratioToBare: null,
      ratioToNaive: null,
      ...paced,
      p99RatioToIdle: round(during.p99Ms / idle.p99Ms),
      loginsPerSecDuringStorm: round(stormLogins.reqPerSec, 1),
      eventLoopDelayP99Ms: round(stormLoop.p99Ms),
      eventLoopDelayMaxMs: round(stormLoop.maxMs),
    },
  ];
}
