import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem, type as osType } from 'node:os';
import { dirname } from 'node:path';
import type { BenchSettings } from '../config.js';
import type { CredentialCheckReport } from '../phases/credential-check.js';
import type { ExtraScenario } from '../phases/login.js';
import type { MemoryResult } from '../phases/memory.js';
import type { ThroughputResult } from '../phases/throughput.js';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  os: string;
  redis: string;
  /**
   * 1-minute load average when the measuring started, right after `npm run bench` built src and
   * bench (that build alone leaves ~0.5–1): well above 1, something else was using the CPU.
   */
  loadAverageAtStart: number;
  /**
   * 1-minute load average when the run ended. The bench itself keeps it near 2 under load, so
   * the figure only flags contention together with a start above ~0.5 or rounds far apart.
   */
  loadAverageAtEnd?: number;
}

export interface BenchReport {
  machine: Machine;
  date: string;
  settings: Omit<BenchSettings, 'phases' | 'keepLogs'> & { phases: string[] };
  scenarios: (ThroughputResult | ExtraScenario)[];
  memory?: MemoryResult;
  /** Issue 14: guarded-redis next to its two bench-only variants of the version check. */
  credentialVersionCheck?: CredentialCheckReport;
}

export function describeMachine(): Machine {
  let redis = 'unknown';
  try {
    redis = /v=(\S+)/.exec(execFileSync('redis-server', ['--version']).toString())?.[1] ?? redis;
  } catch {
    // Reported as unknown: the private redis-server start fails later with a clearer error.
  }
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: `${osType()} ${release()} ${process.arch}`,
    redis,
    loadAverageAtStart: loadAverage(),
  };
}

export function loadAverage(): number {
  return Math.round(loadavg()[0] * 100) / 100;
}

export function writeReport(path: string, report: BenchReport): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
}

/** A number with at most `decimals` decimals, or an empty cell for a figure that does not apply. */
function cell(value: unknown, decimals: number, width: number): string {
  const text = typeof value === 'number' ? String(Number(value.toFixed(decimals))) : '';
  return text.padStart(width);
}

/** Counts per request keep their decimals: 1.00 next to 1.02 is the point. */
function fixedCell(value: unknown, width: number): string {
  return (typeof value === 'number' ? value.toFixed(2) : '').padStart(width);
}

function ratioCell(value: unknown): string {
  return (typeof value === 'number' ? `${value.toFixed(2)}×` : '').padStart(6);
}

/** The Markdown tables docs/performance.md copies: one row per scenario, ratios to bare and naive. */
export function formatTable(report: BenchReport): string {
  const header =
    '| scenario | req/s | p50 ms | p99 ms | ratio to bare | p99 / bare p99 | ratio to naive | ' +
    'p99 / naive p99 | Redis cmds/req | notes |';
  const rule = '|---|--:|--:|--:|--:|--:|--:|--:|--:|---|';
  const rows = report.scenarios.map((scenario) => {
    const extra = scenario as ExtraScenario & Partial<ThroughputResult>;
    return [
      `| ${scenario.name.padEnd(25)}`,
      cell(scenario.reqPerSec, 0, 6),
      cell(scenario.p50Ms, 1, 6),
      cell(scenario.p99Ms, 1, 6),
      ratioCell(scenario.ratioToBare),
      ratioCell(extra.p99RatioToBare),
      ratioCell(scenario.ratioToNaive),
      ratioCell(extra.p99RatioToNaive),
      fixedCell(extra.redisCommandsPerRequest, 5),
      ` ${notesFor(extra)} |`,
    ].join(' |');
  });
  const lines = [header, rule, ...rows];
  if (report.credentialVersionCheck) lines.push('', ...credentialCheckTable(report));
  if (report.memory) {
    const memory = report.memory;
    lines.push(
      '',
      `Redis memory: ${memory.bytesPerSession} bytes per session for ${memory.sessions} ` +
        `sessions (${memory.bytesPerSessionKey} session key + ${memory.bytesPerIndexEntry} ` +
        `per-user index, ${memory.sessionsPerUser} session(s) per user, index format ` +
        `${memory.index}; session JSON ${memory.sessionValueBytes} bytes)`,
    );
  }
  return lines.join('\n');
}

function credentialCheckTable(report: BenchReport): string[] {
  const check = report.credentialVersionCheck!;
  const rows = check.variants.map((variant) =>
    [
      `| ${variant.name.padEnd(25)}`,
      cell(variant.reqPerSec, 0, 6),
      cell(variant.p99Ms, 1, 6),
      ratioCell(variant.ratioToGuardedRedis),
      ratioCell(variant.p99RatioToGuardedRedis),
      fixedCell(variant.redisCommandsPerRequest, 5),
      fixedCell(variant.redisGetsPerRequest, 5),
      ` ${variant.credentialVersionReads} in ${variant.requests} requests ` +
        `(per round: ${variant.credentialVersionReadsPerRound.join(', ')}) |`,
    ].join(' |'),
  );
  return [
    `Credential-version check (version cached ${check.touchIntervalMs / 1000} s = the touch ` +
      `interval, ${check.usersUnderLoad} user under load):`,
    '',
    '| variant | req/s | p99 ms | ratio to guarded-redis | p99 / guarded-redis p99 | ' +
      'Redis cmds/req | GETs/req | version reads from the store |',
    '|---|--:|--:|--:|--:|--:|--:|---|',
    ...rows,
  ];
}

function notesFor(scenario: ExtraScenario): string {
  const notes: string[] = [];
  if (typeof scenario.ratioToArgon2Ceiling === 'number') {
    notes.push(`${scenario.ratioToArgon2Ceiling}× argon2 ceiling`);
  }
  if (typeof scenario.p99RatioToIdle === 'number')
    notes.push(`p99 ${scenario.p99RatioToIdle}× idle`);
  if (typeof scenario.targetRate === 'number') notes.push(`fixed ${scenario.targetRate} req/s`);
  if (typeof scenario.eventLoopDelayP99Ms === 'number') {
    notes.push(`event-loop delay p99 ${scenario.eventLoopDelayP99Ms} ms`);
  }
  if (scenario.name === 'argon2-ceiling') notes.push('verifies/s, no HTTP');
  if (scenario.name === 'login') notes.push('logins/s');
  return notes.join(', ');
}
