import type { BenchSettings } from '../config.js';
import { runLoad, type LoadRun, type LoadSpec } from '../lib/load.js';
import type { ScenarioServer, ThroughputScenario } from '../lib/servers.js';
import { median, round } from '../lib/stats.js';

export interface ThroughputResult {
  name: ThroughputScenario;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  ratioToBare: number;
  /** p99 over bare's p99: issue 7 targets ≤ 1.3 for the guarded route. */
  p99RatioToBare: number;
  rounds: LoadRun[];
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
 * A B C D, A B C D, …: interleaving spreads slow drifts of the machine (thermal, a noisy
 * neighbour, Redis growing) over every scenario instead of charging them to whichever ran last.
 * The median of the rounds is reported.
 */
export async function runThroughput(
  servers: readonly ScenarioServer[],
  settings: BenchSettings,
): Promise<ThroughputResult[]> {
  if (settings.warmupSeconds > 0) {
    console.log(`warm-up: ${settings.warmupSeconds} s per server (not recorded)`);
    for (const server of servers) {
      await runLoad(loadSpecFor(server, settings.connections, settings.warmupSeconds));
    }
  }

  const runs = new Map<ThroughputScenario, LoadRun[]>(servers.map((server) => [server.name, []]));
  for (let round = 1; round <= settings.rounds; round++) {
    for (const server of servers) {
      const spec = loadSpecFor(server, settings.connections, settings.durationSeconds);
      const run = await runLoad({ ...spec, label: `${server.name} round ${round}` });
      runs.get(server.name)?.push(run);
      console.log(
        `round ${round}/${settings.rounds} ${server.name.padEnd(26)} ` +
          `${Math.round(run.reqPerSec)} req/s  p50 ${run.p50Ms} ms  p99 ${run.p99Ms} ms`,
      );
    }
  }

  const summaries = servers.map((server) => {
    const rounds = runs.get(server.name) ?? [];
    return {
      name: server.name,
      reqPerSec: median(rounds.map((run) => run.reqPerSec)),
      p50Ms: median(rounds.map((run) => run.p50Ms)),
      p99Ms: median(rounds.map((run) => run.p99Ms)),
      rounds,
    };
  });
  const bare = summaries.find((summary) => summary.name === 'bare');
  if (!bare) throw new Error('bench: the bare scenario is missing');
  return summaries.map((summary) => ({
    name: summary.name,
    reqPerSec: round(summary.reqPerSec, 1),
    p50Ms: summary.p50Ms,
    p99Ms: summary.p99Ms,
    ratioToBare: round(summary.reqPerSec / bare.reqPerSec),
    // autocannon's latencies are whole milliseconds: a 0 ms p99 would divide by zero.
    p99RatioToBare: round(summary.p99Ms / Math.max(bare.p99Ms, 1)),
    rounds: summary.rounds,
  }));
}
