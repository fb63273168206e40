// An open-loop load at a fixed rate, for comparing GET /auth/me latency idle and during a login
// storm. autocannon reports whole milliseconds, too coarse for a sub-millisecond idle p99, and a
// saturating load would measure how the CPU is shared with argon2, not whether the event loop is
// blocked. Latency counts from when a request was due, so a stalled server cannot hide its
// stall by delaying the next send (coordinated omission).
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { percentile } from '../lib/stats.js';

export interface PacedLoadSpec {
  url: string;
  /** Requests per second. */
  rate: number;
  durationSeconds: number;
  /** Keep-alive sockets; requests due while all are busy wait for one (and that wait counts). */
  connections: number;
  headers: Record<string, string>;
}

export interface PacedLoadResult {
  requests: number;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  statusCounts: Record<string, number>;
  errors: number;
}

const spec = JSON.parse(process.argv[2] ?? '{}') as PacedLoadSpec;
const agent = new http.Agent({ keepAlive: true, maxSockets: spec.connections });
const latencies: number[] = [];
const statusCounts: Record<string, number> = {};
let errors = 0;

function send(dueAt: number): Promise<void> {
  return new Promise((resolve) => {
    const request = http.get(spec.url, { agent, headers: spec.headers, timeout: 10_000 }, (res) => {
      res.resume();
      res.once('end', () => {
        latencies.push(performance.now() - dueAt);
        const status = String(res.statusCode);
        statusCounts[status] = (statusCounts[status] ?? 0) + 1;
        resolve();
      });
    });
    request.once('timeout', () => request.destroy(new Error('timeout')));
    request.once('error', () => {
      errors++;
      resolve();
    });
  });
}

const total = Math.max(1, Math.round(spec.rate * spec.durationSeconds));
const intervalMs = 1000 / spec.rate;
const started = performance.now();
const pending: Promise<void>[] = [];
let sent = 0;
while (sent < total) {
  // Send everything due by now, then nap ~1 ms: timers are too coarse to wake per request.
  const due = Math.min(total, Math.floor((performance.now() - started) / intervalMs) + 1);
  for (; sent < due; sent++) pending.push(send(started + sent * intervalMs));
  await sleep(1);
}
await Promise.all(pending);
const elapsedSeconds = (performance.now() - started) / 1000;
agent.destroy();

const result: PacedLoadResult = {
  requests: latencies.length,
  reqPerSec: latencies.length / elapsedSeconds,
  p50Ms: percentile(latencies, 50),
  p99Ms: percentile(latencies, 99),
  maxMs: Math.max(0, ...latencies),
  statusCounts,
  errors,
};
console.log(JSON.stringify(result));
