// The argon2 verify ceiling: how many argon2id verifications per second this machine does at the
// demo's cost with LOGIN_CONCURRENCY in flight, with no HTTP, no Nest and no Redis. The login
// bench is read against it. It verifies exactly as the demo does: through PasswordHasher's pool of
// worker threads (one per core, each running one `argon2` verify at a time), the fastest way
// found to verify on this machine, so login can be read against the best the CPU allows.
import { ARGON2ID, argon2Hash } from '../../src/auth/argon2.js';
import { Argon2Pool } from '../../src/auth/argon2.pool.js';
import { performance } from 'node:perf_hooks';
import { ARGON2_PARAMS, LOGIN_CONCURRENCY } from '../config.js';
import { percentile } from '../lib/stats.js';

export interface Argon2CeilingResult {
  verifiesPerSec: number;
  p50Ms: number;
  p99Ms: number;
  verifies: number;
  concurrency: number;
}

const durationMs = Number(process.env.BENCH_DURATION ?? 10) * 1000;
const password = 'correct horse battery staple';
const hash = await argon2Hash(password, { algorithm: ARGON2ID, ...ARGON2_PARAMS });

const pool = new Argon2Pool();
const argon2Verify = (hashed: string, plain: string) => pool.verify(hashed, plain);
// One verification first: the first call pays for loading and allocating, not for hashing.
await argon2Verify(hash, password);

const latencies: number[] = [];
const started = performance.now();
const deadline = started + durationMs;

async function verifyUntilDeadline(): Promise<void> {
  while (performance.now() < deadline) {
    const begin = performance.now();
    if (!(await argon2Verify(hash, password))) throw new Error('argon2 verify returned false');
    latencies.push(performance.now() - begin);
  }
}

await Promise.all(Array.from({ length: LOGIN_CONCURRENCY }, verifyUntilDeadline));
const elapsedSeconds = (performance.now() - started) / 1000;

const result: Argon2CeilingResult = {
  verifiesPerSec: latencies.length / elapsedSeconds,
  p50Ms: percentile(latencies, 50),
  p99Ms: percentile(latencies, 99),
  verifies: latencies.length,
  concurrency: LOGIN_CONCURRENCY,
};
console.log(JSON.stringify(result));
await pool.close();
