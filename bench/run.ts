// `npm run bench`: issue 7's benchmark in one run. See bench/README.md for what each scenario
// measures and how to read the ratios.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readSettings, REPO_ROOT, type BenchSettings } from './config.js';
import { writeChart } from './lib/chart.js';
import { installEmergencyCleanup, stopAll } from './lib/processes.js';
import { startPrivateRedis } from './lib/redis-server.js';
import {
  describeMachine,
  formatTable,
  loadAverage,
  writeReport,
  type BenchReport,
} from './lib/report.js';
import { credentialReads, makeDemoUsers, startScenarioServers } from './lib/servers.js';
import { credentialCheckReport } from './phases/credential-check.js';
import { runLoginPhase } from './phases/login.js';
import { runMemoryPhase } from './phases/memory.js';
import { runThroughput } from './phases/throughput.js';

async function runBench(settings: BenchSettings, logDir: string): Promise<BenchReport> {
  const machine = describeMachine();
  const { phases } = settings;
  const report: BenchReport = {
    machine,
    date: new Date().toISOString(),
    settings: {
      durationSeconds: settings.durationSeconds,
      rounds: settings.rounds,
      connections: settings.connections,
      warmupSeconds: settings.warmupSeconds,
      stormConnections: settings.stormConnections,
      stormRate: settings.stormRate,
      memorySessions: settings.memorySessions,
      memorySessionsPerUser: settings.memorySessionsPerUser,
      phases: [...phases],
    },
    scenarios: [],
  };
  console.log(`${machine.cpu}, ${machine.cores} cores, Node ${machine.node}`);
  console.log(`settings: ${JSON.stringify(report.settings)}`);

  const redis = await startPrivateRedis(logDir);
  const users = makeDemoUsers();
  const servers = await startScenarioServers({ logDir, redisUrl: redis.url, users });
  console.log(
    `servers up: ${servers.map((server) => `${server.name} ${server.baseUrl}`).join(', ')}`,
  );
  const guardedRedis = servers.find((server) => server.name === 'guarded-redis');
  if (!guardedRedis) throw new Error('bench: the guarded-redis server is missing');

  if (phases.has('throughput')) {
    const throughput = await runThroughput(servers, settings, redis.url);
    report.scenarios.push(...throughput);
    const { touchIntervalMs } = await credentialReads(guardedRedis);
    report.credentialVersionCheck = credentialCheckReport(throughput, touchIntervalMs);
  }
  if (phases.has('login')) {
    report.scenarios.push(...(await runLoginPhase(guardedRedis, users.stormer, settings)));
  }
  if (phases.has('memory')) {
    const stopServers = async () => {
      await Promise.all(servers.map((server) => server.process.stop()));
    };
    report.memory = await runMemoryPhase(
      guardedRedis,
      users.reader,
      redis.url,
      settings,
      stopServers,
    );
  }
  return report;
}

installEmergencyCleanup();
const settings = readSettings();
// BENCH_OUTPUT lets a smoke run write elsewhere than the committed results.
const output = resolve(REPO_ROOT, process.env.BENCH_OUTPUT ?? 'bench/results/latest.json');
const logDir = mkdtempSync(join(tmpdir(), 'nest-session-auth-bench-'));
let succeeded = false;
try {
  const report = await runBench(settings, logDir);
  report.machine.loadAverageAtEnd = loadAverage();
  writeReport(output, report);
  const chart = output.replace(/\.json$/, '') + '.svg';
  const charted = await writeChart(chart, report);
  console.log(
    `\n${formatTable(report)}\n\nwritten to ${output}` +
      (charted ? ` and ${chart}` : ' (no throughput phase, so no chart)'),
  );
  succeeded = true;
} catch (error) {
  console.error(`\n${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await stopAll();
  if (succeeded && !settings.keepLogs) rmSync(logDir, { recursive: true, force: true });
  else console.error(`server logs kept in ${logDir}`);
}
