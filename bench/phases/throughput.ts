import { createClient } from 'redis';
import type { BenchSettings } from '../config.js';
import { runLoad, type LoadRun, type LoadSpec } from '../lib/load.js';
import {
  addCommands,
  commandCounts,
  commandsBetween,
  totalCommands,
  type CommandCounts,
} from '../lib/redis-commands.js';
import { credentialReads, type ScenarioServer, type ThroughputScenario } from '../lib/servers.js';
import { median, round } from '../lib/stats.js';

type Redis = ReturnType<typeof createClient>;

/** One measured load run, with what the server asked of Redis meanwhile. */
export interface ThroughputRound extends LoadRun {
  /** Redis commands per name during the run (INFO commandstats), the bench's INFO left out. */
  redisCommands: CommandCounts;
  /** Instrumented demos only: credential versions read from the store during the run. */
  credentialVersionReads?: number;
}

export interface ThroughputResult {
  name: ThroughputScenario;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  ratioToBare: number;
  /** p99 over bare's p99: issue 7 targets ≤ 1.3 for the guarded route. */
  p99RatioToBare: number;
  /** req/s over naive-nest's: next to what a Nest user writes from the usual tutorials. */
  ratioToNaive: number;
  p99RatioToNaive: number;
  /** Redis commands over all measured rounds divided by the requests autocannon sent. */
  redisCommandsPerRequest: number;
  /** The same per command name (`get`, `set`, `expire`, …). */
  redisCommandsPerRequestByName: CommandCounts;
  /** Instrumented demos only: credential versions read from the store over all rounds. */
  credentialVersionReads?: number;
  rounds: ThroughputRound[];
}

export function loadSpecFor(
  server: ScenarioServer,
  connections: number,
  seconds: number,
): LoadSpec {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (server.cookie) headers.cookie = server.cookie;
  return {
    label: server.name,
    url: server.baseUrl + server.benchPath,
    connections,
    durationSeconds: seconds,
    headers,
  };
}

/**
 * A B C D E F G, A B C D E F G, …: interleaving spreads slow drifts of the machine (thermal, a
 * noisy neighbour, Redis growing) over every scenario instead of charging them to whichever ran
 * last. The median of the rounds is reported.
 */
export async function runThroughput(
  servers: readonly ScenarioServer[],
  settings: BenchSettings,
  redisUrl: string,
): Promise<ThroughputResult[]> {
  if (settings.warmupSeconds > 0) {
    console.log(`warm-up: ${settings.warmupSeconds} s per server (not recorded)`);
    for (const server of servers) {
      await runLoad(loadSpecFor(server, settings.connections, settings.warmupSeconds));
    }
  }

  const redis = createClient({ url: redisUrl });
  redis.on('error', (error: Error) => console.error('bench redis:', error.message));
  await redis.connect();
  const runs = new Map<ThroughputScenario, ThroughputRound[]>(
    servers.map((server) => [server.name, []]),
  );
  try {
    for (let n = 1; n <= settings.rounds; n++) {
      for (const server of servers) {
        const spec = loadSpecFor(server, settings.connections, settings.durationSeconds);
        const run = await measuredRun(
          server,
          { ...spec, label: `${server.name} round ${n}` },
          redis,
        );
        runs.get(server.name)?.push(run);
        const commands = totalCommands(run.redisCommands) / Math.max(run.sent, 1);
        console.log(
          `round ${n}/${settings.rounds} ${server.name.padEnd(26)} ` +
            `${Math.round(run.reqPerSec)} req/s  p50 ${run.p50Ms} ms  p99 ${run.p99Ms} ms  ` +
            `${commands.toFixed(2)} Redis commands/request`,
        );
      }
    }
  } finally {
    await redis.quit();
  }
  return summarize(servers.map((server) => [server.name, runs.get(server.name) ?? []]));
}

/** A load run between two readings of Redis's command counters (and the demo's version reads). */
async function measuredRun(
  server: ScenarioServer,
  spec: LoadSpec,
  redis: Redis,
): Promise<ThroughputRound> {
  const readsBefore = server.instrumented ? await credentialReads(server) : undefined;
  const commandsBefore = await commandCounts(redis);
  const run = await runLoad(spec);
  const redisCommands = commandsBetween(commandsBefore, await commandCounts(redis));
  if (!readsBefore) return { ...run, redisCommands };
  const readsAfter = await credentialReads(server);
  return { ...run, redisCommands, credentialVersionReads: readsAfter.reads - readsBefore.reads };
}

function summarize(
  runs: readonly (readonly [ThroughputScenario, ThroughputRound[]])[],
): ThroughputResult[] {
  const summaries = runs.map(([name, rounds]) => ({
    name,
    reqPerSec: median(rounds.map((run) => run.reqPerSec)),
    p50Ms: median(rounds.map((run) => run.p50Ms)),
    p99Ms: median(rounds.map((run) => run.p99Ms)),
    rounds,
  }));
  const reference = (name: ThroughputScenario) => {
    const found = summaries.find((summary) => summary.name === name);
    if (!found) throw new Error(`bench: the ${name} scenario is missing`);
    return found;
  };
  const bare = reference('bare');
  const naive = reference('naive-nest');
  return summaries.map((summary) => {
    const sent = summary.rounds.reduce((sum, run) => sum + run.sent, 0);
    const commands = summary.rounds.reduce<CommandCounts>(
      (sum, run) => addCommands(sum, run.redisCommands),
      {},
    );
    const byName = Object.fromEntries(
      Object.entries(commands).map(([name, calls]) => [name, round(calls / sent, 3)]),
    );
    const reads = summary.rounds.map((run) => run.credentialVersionReads);
    return {
      name: summary.name,
      reqPerSec: round(summary.reqPerSec, 1),
      p50Ms: summary.p50Ms,
      p99Ms: summary.p99Ms,
      ratioToBare: round(summary.reqPerSec / bare.reqPerSec),
      // autocannon's latencies are whole milliseconds: a 0 ms p99 would divide by zero.
      p99RatioToBare: round(summary.p99Ms / Math.max(bare.p99Ms, 1)),
      ratioToNaive: round(summary.reqPerSec / naive.reqPerSec),
      p99RatioToNaive: round(summary.p99Ms / Math.max(naive.p99Ms, 1)),
      redisCommandsPerRequest: round(totalCommands(commands) / sent, 3),
      redisCommandsPerRequestByName: byName,
      ...(reads.every((count): count is number => count !== undefined)
        ? { credentialVersionReads: reads.reduce((sum, count) => sum + count, 0) }
        : {}),
      rounds: summary.rounds,
    };
  });
}
