import type { ThroughputScenario } from '../lib/servers.js';
import { round } from '../lib/stats.js';
import type { ThroughputResult } from './throughput.js';

/** What each of the three guarded-redis scenarios does in `CredentialVersions.isCurrent`. */
const VARIANTS: readonly { name: ThroughputScenario; check: string }[] = [
  {
    name: 'guarded-redis',
    check: 'shipped: the version is cached per user for the touch interval',
  },
  { name: 'guarded-redis-no-cv-check', check: 'bench-only: no check at all (always current)' },
  { name: 'guarded-redis-cv-uncached', check: 'bench-only: reads the store on every request' },
];

export interface CredentialCheckVariant {
  name: ThroughputScenario;
  check: string;
  reqPerSec: number;
  p99Ms: number;
  /** req/s over guarded-redis's: above 1 for no-check is what the shipped check costs. */
  ratioToGuardedRedis: number;
  p99RatioToGuardedRedis: number;
  redisCommandsPerRequest: number;
  /** GETs per request: the session itself is one, a credential-version read another. */
  redisGetsPerRequest: number;
  /** Versions read from the store over all measured rounds, counted inside the demo. */
  credentialVersionReads: number;
  credentialVersionReadsPerRequest: number;
  /** Version reads in each round: a burst shows when the cached entry expired. */
  credentialVersionReadsPerRound: number[];
  /** Requests autocannon sent over all measured rounds. */
  requests: number;
}

/** `credentialVersionCheck` in latest.json (issue 14): the per-request check, priced. */
export interface CredentialCheckReport {
  /** How long a version stays cached in each demo process: the demo's touch interval. */
  touchIntervalMs: number;
  /** Every GET run carries the same signed-in reader's cookie: one user under load. */
  usersUnderLoad: number;
  variants: CredentialCheckVariant[];
}

export function credentialCheckReport(
  results: readonly ThroughputResult[],
  touchIntervalMs: number,
): CredentialCheckReport {
  const find = (name: ThroughputScenario) => {
    const found = results.find((result) => result.name === name);
    if (!found) throw new Error(`bench: the ${name} scenario is missing`);
    return found;
  };
  const shipped = find('guarded-redis');
  const variants = VARIANTS.map(({ name, check }) => {
    const result = find(name);
    const requests = result.rounds.reduce((sum, run) => sum + run.sent, 0);
    const reads = result.credentialVersionReads ?? 0;
    return {
      name,
      check,
      reqPerSec: result.reqPerSec,
      p99Ms: result.p99Ms,
      ratioToGuardedRedis: round(result.reqPerSec / shipped.reqPerSec),
      p99RatioToGuardedRedis: round(result.p99Ms / Math.max(shipped.p99Ms, 1)),
      redisCommandsPerRequest: result.redisCommandsPerRequest,
      redisGetsPerRequest: result.redisCommandsPerRequestByName.get ?? 0,
      credentialVersionReads: reads,
      credentialVersionReadsPerRequest: round(reads / Math.max(requests, 1), 4),
      credentialVersionReadsPerRound: result.rounds.map((run) => run.credentialVersionReads ?? 0),
      requests,
    };
  });
  return { touchIntervalMs, usersUnderLoad: 1, variants };
}
