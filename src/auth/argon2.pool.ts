import { Logger } from '@nestjs/common';
import { access } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { ARGON2ID, type Argon2HashParams } from './argon2.js';

/** The worker script, next to this file in src/ and in dist/ (the build copies it). */
export const ARGON2_WORKER_URL = new URL('./argon2.worker.mjs', import.meta.url);

/** Fails with one line when the worker script is missing (a build that forgot to copy it). */
export async function assertArgon2WorkerExists(url: URL = ARGON2_WORKER_URL): Promise<void> {
  const path = fileURLToPath(url);
  try {
    await access(path);
  } catch {
    throw new Error(
      `SessionModule: the argon2 worker script ${path} is missing; reinstall nest-session-auth ` +
        '(or, in a clone, run npm run build, which copies src/auth/argon2.worker.mjs to dist/).',
    );
  }
}

/**
 * argon2 on a pool of worker threads, one per core, each running one hash at a time. The
 * `argon2` package already hashes on libuv's thread pool, whose four threads would run four
 * 19 MiB computations at once on two cores; one per core keeps every verify as short as the CPU
 * allows. Measured on 2 cores under load, 4 verifies in flight (verifies/s, event-loop p99):
 * pool 19.6-23.8/s, 9.7-12.8 ms; the binding's async calls alone 7.8-19.2/s, 20-35 ms.
 * The queue is bounded: past `maxQueued` waiting tasks a call fails at once with
 * `Argon2QueueFullError`, so a burst of logins costs the others a bounded wait instead of an
 * ever longer one (a 100-failure burst from one IP had pushed a login from 35 ms to 221 ms).
 */
export class Argon2Pool {
  private piscina?: Piscina;
  /** Tasks handed to the pool and not settled yet: running ones plus waiting ones. */
  private pending = 0;

  constructor(
    private readonly filename: URL = ARGON2_WORKER_URL,
    private readonly threads = availableParallelism(),
    private readonly maxQueued = threads * 32,
  ) {}

  verify(hash: string, password: string): Promise<boolean> {
    return this.run({ hash, password }, 'verify') as Promise<boolean>;
  }

  hash(password: string, params: Argon2HashParams): Promise<string> {
    const { algorithm = ARGON2ID, ...cost } = params;
    const options = { type: algorithm, ...cost };
    return this.run({ password, options }, 'hash') as Promise<string>;
  }

  async close(): Promise<void> {
    const piscina = this.piscina;
    this.piscina = undefined;
    await piscina?.destroy();
  }

  private async run(task: object, name: string): Promise<unknown> {
    if (this.pending >= this.threads + this.maxQueued) throw new Argon2QueueFullError();
    this.pending += 1;
    try {
      return await this.current().run(task, { name });
    } finally {
      this.pending -= 1;
    }
  }

  private current(): Piscina {
    return (this.piscina ??= this.start());
  }

  /**
   * A worker that fails (a script that cannot load, a crash) makes piscina emit 'error' on the
   * pool, which kills the process when nobody listens, and leaves the tasks queued behind it
   * waiting forever. So the pool is dropped: destroying it rejects those tasks (each caller
   * answers 503), and the next task starts a fresh pool.
   */
  private start(): Piscina {
    const piscina = new Piscina({
      filename: this.filename.href,
      minThreads: this.threads,
      maxThreads: this.threads,
    });
    piscina.on('error', (error: Error) => {
      new Logger('SessionModule').error(`argon2 worker failed: ${error.message}`);
      if (this.piscina === piscina) this.piscina = undefined;
      piscina.destroy().catch(() => undefined);
    });
    return piscina;
  }
}

/** The pool's queue is full: retry later (PasswordHasher answers 503 `login_busy`). */
export class Argon2QueueFullError extends Error {
  constructor() {
    super('The argon2 queue is full');
    this.name = 'Argon2QueueFullError';
  }
}
