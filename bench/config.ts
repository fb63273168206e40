import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Redis key formats of the demo's store. The memory phase first looks for the real keys a login
 * wrote and only falls back to these when the store writes no per-user index yet.
 * Adjust them here if the store's format changes.
 */
export const SESSION_KEY_PREFIX = 'sess:';
export const userIndexKey = (userId: string): string => `sess:user:{${userId}}`;

/** The demo's session cookie in development (no `__Host-` prefix without Secure). */
export const SESSION_COOKIE_NAME = process.env.BENCH_COOKIE_NAME ?? 'sid';

/** OWASP's argon2id minimum, the demo's default: the ceiling must use the same cost. */
export const ARGON2_PARAMS = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

/** Concurrency of the login storm and of the argon2 ceiling (issue 7, point 2). */
export const LOGIN_CONCURRENCY = 4;

/** This file runs compiled as dist-bench/bench/config.js: the repository is two folders up. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DIST_BENCH = resolve(REPO_ROOT, 'dist-bench', 'bench');

function intFromEnv(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`bench: ${name}=${raw} is not an integer >= ${min}`);
  }
  return value;
}

export interface BenchSettings {
  /** Seconds per autocannon run (BENCH_DURATION, default 10). */
  durationSeconds: number;
  /** Interleaved rounds A B C D (BENCH_ROUNDS, default 3). */
  rounds: number;
  /** autocannon connections for the throughput scenarios (BENCH_CONNECTIONS, default 50). */
  connections: number;
  /** Seconds of unrecorded load per server before the rounds, for the JIT (BENCH_WARMUP, 3). */
  warmupSeconds: number;
  /** Connections of the GET /auth/me load during the idle/storm comparison (default 10). */
  stormConnections: number;
  /** Requests/s of that load (BENCH_STORM_RATE, default 500): well under saturation. */
  stormRate: number;
  /** Sessions written for the memory phase (BENCH_MEMORY_SESSIONS, default 100000). */
  memorySessions: number;
  /** Sessions per user in the memory phase; 1 is the worst case for the index (default 1). */
  memorySessionsPerUser: number;
  /** Comma-separated phases to run: throughput,login,memory (BENCH_PHASES, default all). */
  phases: ReadonlySet<BenchPhase>;
  /** Keep the servers' logs even when the run succeeds (BENCH_KEEP_LOGS=1). */
  keepLogs: boolean;
}

export type BenchPhase = 'throughput' | 'login' | 'memory';
const ALL_PHASES: readonly BenchPhase[] = ['throughput', 'login', 'memory'];

function phasesFromEnv(): ReadonlySet<BenchPhase> {
  const raw = process.env.BENCH_PHASES;
  if (!raw) return new Set(ALL_PHASES);
  const phases = raw.split(',').map((phase) => phase.trim());
  for (const phase of phases) {
    if (!ALL_PHASES.includes(phase as BenchPhase)) {
      throw new Error(`bench: BENCH_PHASES has "${phase}"; use ${ALL_PHASES.join(',')}`);
    }
  }
  return new Set(phases as BenchPhase[]);
}

export function readSettings(): BenchSettings {
  return {
    durationSeconds: intFromEnv('BENCH_DURATION', 10, 1),
    rounds: intFromEnv('BENCH_ROUNDS', 3, 1),
    connections: intFromEnv('BENCH_CONNECTIONS', 50, 1),
    warmupSeconds: intFromEnv('BENCH_WARMUP', 3, 0),
    stormConnections: intFromEnv('BENCH_STORM_CONNECTIONS', 10, 1),
    stormRate: intFromEnv('BENCH_STORM_RATE', 500, 1),
    memorySessions: intFromEnv('BENCH_MEMORY_SESSIONS', 100_000, 1),
    memorySessionsPerUser: intFromEnv('BENCH_MEMORY_SESSIONS_PER_USER', 1, 1),
    phases: phasesFromEnv(),
    keepLogs: process.env.BENCH_KEEP_LOGS === '1',
  };
}
