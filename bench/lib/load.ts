import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { DIST_BENCH, REPO_ROOT } from '../config.js';
import { trackTransient } from './processes.js';
import type { PacedLoadResult, PacedLoadSpec } from '../workers/paced-load.js';

export interface LoadSpec {
  /** What the run is, for error messages. */
  label: string;
  url: string;
  connections: number;
  durationSeconds: number;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Requests/s over all connections; unset = as fast as the server answers. */
  overallRate?: number;
}

/** The part of autocannon's `--json` result the bench reads. Latencies are whole milliseconds. */
export interface AutocannonResult {
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  resets: number;
  mismatches: number;
  '2xx': number;
  statusCodeStats: Record<string, { count: number }>;
  latency: { p50: number; p99: number; average: number; max: number };
  /** `total` counts completed requests; `sent` also those still in flight when the run ended. */
  requests: { average: number; total: number; sent: number };
}

export interface LoadRun {
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** Requests answered. */
  requests: number;
  /** Requests made, answered or not by the end of the run (a server may have handled them). */
  sent: number;
}

const AUTOCANNON_CLI = join(REPO_ROOT, 'node_modules', 'autocannon', 'autocannon.js');

/**
 * Runs autocannon's CLI in its own process, so the load generator never shares an event loop
 * with the bench's bookkeeping or with a server under test.
 */
export async function runLoad(spec: LoadSpec): Promise<LoadRun> {
  const result = await runAutocannon(spec);
  assertAllOk(spec.label, result);
  return {
    reqPerSec: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    sent: result.requests.sent,
  };
}

function autocannonArgs(spec: LoadSpec): string[] {
  const args = [
    AUTOCANNON_CLI,
    '--json',
    ...['-c', String(spec.connections), '-d', String(spec.durationSeconds)],
    ...['-m', spec.method ?? 'GET'],
  ];
  for (const [name, value] of Object.entries(spec.headers ?? {}))
    args.push('-H', `${name}=${value}`);
  if (spec.body !== undefined) args.push('-b', spec.body);
  if (spec.overallRate) args.push('-R', String(spec.overallRate));
  args.push(spec.url);
  return args;
}

function runAutocannon(spec: LoadSpec): Promise<AutocannonResult> {
  return runJsonProcess(`autocannon (${spec.label})`, autocannonArgs(spec), process.env);
}

/** Runs `node <args>` and parses the JSON line it prints last. */
function runJsonProcess<T>(label: string, args: string[], env: NodeJS.ProcessEnv): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    trackTransient(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      const lastLine = stdout.trim().split('\n').at(-1) ?? '';
      if (code !== 0 || !lastLine.startsWith('{')) {
        reject(new Error(`bench: ${label} exited ${code}:\n${stderr}${stdout}`));
        return;
      }
      resolve(JSON.parse(lastLine) as T);
    });
  });
}

/**
 * A run with failed requests measures the error path (a 401 is cheaper than a session lookup),
 * so any response but 200 makes the whole bench fail instead of reporting a flattering number.
 */
function assertAllOk(label: string, result: AutocannonResult): void {
  const statuses = Object.keys(result.statusCodeStats ?? {});
  const problems: string[] = [];
  if (result['2xx'] === 0) problems.push('no successful response');
  if (result.non2xx !== 0) problems.push(`${result.non2xx} non-2xx`);
  if (result.errors !== 0) problems.push(`${result.errors} errors`);
  if (result.timeouts !== 0) problems.push(`${result.timeouts} timeouts`);
  if (result.mismatches !== 0) problems.push(`${result.mismatches} body mismatches`);
  if (statuses.some((status) => status !== '200')) problems.push(`statuses ${statuses.join(',')}`);
  if (problems.length > 0) {
    throw new Error(
      `bench: ${label}: not every response was 200 (${problems.join('; ')}); ` +
        `status counts ${JSON.stringify(result.statusCodeStats)}`,
    );
  }
}

/**
 * Runs one of bench/workers/ in its own process and returns the JSON it prints last: each
 * measurer gets the whole event loop of its process, like autocannon does.
 */
export function runJsonWorker<T>(
  worker: string,
  args: string[] = [],
  env: NodeJS.ProcessEnv = process.env,
): Promise<T> {
  const script = join(DIST_BENCH, 'workers', worker);
  return runJsonProcess(`worker ${worker}`, [script, ...args], env);
}

/** A fixed-rate GET load (workers/paced-load.ts); fails unless every response was 200. */
export async function runPacedLoad(label: string, spec: PacedLoadSpec): Promise<PacedLoadResult> {
  const result = await runJsonWorker<PacedLoadResult>('paced-load.js', [JSON.stringify(spec)]);
  const statuses = Object.keys(result.statusCounts);
  if (result.errors > 0 || result.requests === 0 || statuses.some((status) => status !== '200')) {
    throw new Error(
      `bench: ${label}: not every response was 200 (${result.errors} errors, ` +
        `status counts ${JSON.stringify(result.statusCounts)})`,
    );
  }
  return result;
}
