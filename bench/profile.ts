// `npm run bench:profile`: issue 15's cost table. Each scenario's server runs alone under the same
// autocannon load as `npm run bench`, with V8's sampling profiler on for the measured seconds only
// (bench/servers/cpu-profiler.ts), and its CPU per request is split by component
// (bench/profile/cost-breakdown.ts). Writes bench/results/profile-latest.json (BENCH_OUTPUT).
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DIST_BENCH, readSettings, REPO_ROOT } from './config.js';
import { runLoad } from './lib/load.js';
import { installEmergencyCleanup, stopAll } from './lib/processes.js';
import { startPrivateRedis } from './lib/redis-server.js';
import { describeMachine } from './lib/report.js';
import {
  launchScenario,
  makeDemoUsers,
  signInReader,
  type ScenarioServer,
  type ThroughputScenario,
} from './lib/servers.js';
import { round } from './lib/stats.js';
import { loadSpecFor } from './phases/throughput.js';
import {
  COMPONENTS,
  costBreakdown,
  type CostBreakdown,
  type CpuProfile,
} from './profile/cost-breakdown.js';

interface ProfiledScenario extends CostBreakdown {
  /** The scenario, or `scenario@label` for another build of the demo (see `scenariosFromEnv`). */
  name: string;
  reqPerSec: number;
  requests: number;
  /** The whole process's CPU (all threads) over the measured run, per request. */
  processMicrosPerRequest: number;
}

interface ProfileTarget {
  label: string;
  scenario: ThroughputScenario;
  /** Another build's dist/main.js for a demo scenario (a before/after comparison in one run). */
  demoEntry?: string;
}

const DEFAULT_SCENARIOS = 'bare,naive-nest,guarded-redis';

/**
 * BENCH_PROFILE_SCENARIOS: comma-separated scenario names; `guarded-redis@before=/path/dist/main.js`
 * profiles the demo scenario on another build, labelled `guarded-redis@before`.
 */
function scenariosFromEnv(): ProfileTarget[] {
  const raw = process.env.BENCH_PROFILE_SCENARIOS || DEFAULT_SCENARIOS;
  return raw.split(',').map((item) => {
    const [label, demoEntry] = item.trim().split('=');
    const scenario = label.split('@')[0] as ThroughputScenario;
    return { label, scenario, demoEntry: demoEntry ? resolve(demoEntry) : undefined };
  });
}

async function waitForFile(path: string, server: ScenarioServer): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!existsSync(path)) {
    if (Date.now() > deadline || server.process.child.exitCode !== null) {
      throw new Error(`bench: ${server.name} wrote no CPU profile (see ${server.process.logPath})`);
    }
    await sleep(100);
  }
}

async function profileScenario(
  target: ProfileTarget,
  context: Parameters<typeof launchScenario>[1],
  users: ReturnType<typeof makeDemoUsers>,
  settings: ReturnType<typeof readSettings>,
): Promise<ProfiledScenario> {
  const file = `${target.label.replace(/\W+/g, '-')}-${Date.now()}.cpuprofile`;
  const profilePath = join(context.logDir, file);
  const hook = resolve(DIST_BENCH, 'servers', 'cpu-profiler.js');
  const env: NodeJS.ProcessEnv = {
    NODE_OPTIONS: `--import ${hook}`,
    BENCH_CPU_PROFILE: profilePath,
  };
  if (target.demoEntry) env.BENCH_DEMO_ENTRY = target.demoEntry;
  const server = await launchScenario(target.scenario, { ...context, env });
  try {
    await signInReader(server, users);
    const spec = (seconds: number) => loadSpecFor(server, settings.connections, seconds);
    if (settings.warmupSeconds > 0) await runLoad(spec(settings.warmupSeconds));
    server.process.child.kill('SIGWINCH');
    await sleep(200); // the profiler starts on the server's next turn
    const run = await runLoad(spec(settings.durationSeconds));
    server.process.child.kill('SIGWINCH');
    await waitForFile(`${profilePath}.done`, server);
    const profile = JSON.parse(readFileSync(profilePath, 'utf8')) as CpuProfile;
    const { cpuMicros } = JSON.parse(readFileSync(`${profilePath}.done`, 'utf8')) as {
      cpuMicros: number;
    };
    // autocannon's `sent` counts requests the server may have handled after the last answer.
    return {
      name: target.label,
      reqPerSec: run.reqPerSec,
      requests: run.sent,
      processMicrosPerRequest: cpuMicros / run.sent,
      ...costBreakdown(profile, run.sent),
    };
  } finally {
    await server.process.stop();
  }
}

function meanOf(runs: ProfiledScenario[]): ProfiledScenario {
  const mean = (pick: (run: ProfiledScenario) => number) =>
    runs.reduce((sum, run) => sum + pick(run), 0) / runs.length;
  return {
    ...runs[0],
    reqPerSec: mean((run) => run.reqPerSec),
    requests: mean((run) => run.requests),
    processMicrosPerRequest: mean((run) => run.processMicrosPerRequest),
    mainThreadMicrosPerRequest: mean((run) => run.mainThreadMicrosPerRequest),
    samples: mean((run) => run.samples),
    profiledMs: mean((run) => run.profiledMs),
    micros: Object.fromEntries(
      COMPONENTS.map((component) => [component, mean((run) => run.micros[component])]),
    ) as ProfiledScenario['micros'],
  };
}

function formatCostTable(results: readonly ProfiledScenario[]): string {
  const header = ['µs of CPU per request', ...results.map((result) => result.name)];
  const rows: string[][] = [];
  for (const component of COMPONENTS) {
    const cells = results.map((result) => result.micros[component]);
    if (cells.every((value) => value < 0.5)) continue;
    rows.push([component, ...cells.map((value) => value.toFixed(0))]);
  }
  rows.push([
    'main thread, total',
    ...results.map((result) => result.mainThreadMicrosPerRequest.toFixed(0)),
  ]);
  rows.push([
    'process CPU (all threads)',
    ...results.map((result) => result.processMicrosPerRequest.toFixed(0)),
  ]);
  rows.push(['req/s while profiled', ...results.map((result) => result.reqPerSec.toFixed(0))]);
  const widths = header.map((cell, column) =>
    Math.max(cell.length, ...rows.map((row) => row[column].length)),
  );
  const line = (cells: string[]) =>
    `| ${cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join(' | ')} |`;
  const rule = `| ${widths.map((width, column) => (column === 0 ? '-'.repeat(width) : '-'.repeat(width - 1) + ':')).join(' | ')} |`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

installEmergencyCleanup();
const settings = readSettings();
const output = resolve(REPO_ROOT, process.env.BENCH_OUTPUT ?? 'bench/results/profile-latest.json');
const logDir = mkdtempSync(join(tmpdir(), 'nest-session-auth-profile-'));
let succeeded = false;
try {
  const machine = describeMachine();
  console.log(`${machine.cpu}, ${machine.cores} cores, Node ${machine.node}`);
  const redis = await startPrivateRedis(logDir);
  const users = makeDemoUsers();
  const context = { logDir, redisUrl: redis.url, users };
  // Rounds interleave the targets (A B C, A B C, …) as the throughput phase does; each figure
  // is the mean over the rounds.
  const targets = scenariosFromEnv();
  const perTarget = new Map<string, ProfiledScenario[]>();
  for (let round = 1; round <= settings.rounds; round++) {
    for (const target of targets) {
      const result = await profileScenario(target, context, users, settings);
      perTarget.set(target.label, [...(perTarget.get(target.label) ?? []), result]);
      console.log(
        `round ${round}/${settings.rounds} ${target.label}: ` +
          `${result.mainThreadMicrosPerRequest.toFixed(0)} µs per request, ${result.reqPerSec.toFixed(0)} req/s`,
      );
    }
  }
  const results = [...perTarget.values()].map(meanOf);
  const rounded = results.map((result) => ({
    ...result,
    mainThreadMicrosPerRequest: round(result.mainThreadMicrosPerRequest, 1),
    processMicrosPerRequest: round(result.processMicrosPerRequest, 1),
    micros: Object.fromEntries(
      Object.entries(result.micros).map(([component, value]) => [component, round(value, 1)]),
    ),
  }));
  writeFileSync(
    output,
    JSON.stringify(
      {
        machine,
        date: new Date().toISOString(),
        settings: {
          durationSeconds: settings.durationSeconds,
          connections: settings.connections,
          warmupSeconds: settings.warmupSeconds,
          rounds: settings.rounds,
        },
        scenarios: rounded,
      },
      null,
      2,
    ) + '\n',
  );
  console.log(`\n${formatCostTable(results)}\n\nwritten to ${output}`);
  succeeded = true;
} catch (error) {
  console.error(`\n${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await stopAll();
  if (succeeded && !settings.keepLogs) rmSync(logDir, { recursive: true, force: true });
  else console.error(`server logs and profiles kept in ${logDir}`);
}
