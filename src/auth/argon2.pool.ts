import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { Options } from '@node-rs/argon2';

/**
 * argon2 on a pool of worker threads, one per core, each running whole synchronous verifies.
 * Measured here (2 cores, m=19456 t=2 p=1, 4 in flight): 198 verifies/s against 155/s for the
 * binding's own async calls, which also hold the event loop ~1.1 ms per verify (0.37 ms here),
 * and run four 19 MiB computations at once on two cores.
 * The queue is bounded: past `maxQueued` waiting tasks a call fails at once with
 * `Argon2QueueFullError`, so a burst of logins costs the others a bounded wait (a full queue is
 * ~0.3 s of work per thread here) instead of an ever longer one.
 */
export class Argon2Pool {
  private readonly pool: Piscina;
  /** Tasks handed to the pool and not settled yet: running ones plus waiting ones. */
  private pending = 0;

  constructor(
    private readonly threads = availableParallelism(),
    private readonly maxQueued = threads * 32,
  ) {
    this.pool = new Piscina({
      filename: new URL('./argon2.worker.mjs', import.meta.url).href,
      minThreads: threads,
      maxThreads: threads,
    });
  }

  verify(hash: string, password: string): Promise<boolean> {
    return this.run({ hash, password }, 'verify') as Promise<boolean>;
  }

  hash(password: string, options: Options): Promise<string> {
    return this.run({ password, options }, 'hash') as Promise<string>;
  }

  private async run(task: object, name: string): Promise<unknown> {
    if (this.pending >= this.threads + this.maxQueued) throw new Argon2QueueFullError();
    this.pending += 1;
    try {
      return await this.pool.run(task, { name });
    } finally {
      this.pending -= 1;
    }
  }

  close(): Promise<void> {
    return this.pool.destroy();
  }
}

/** The pool's queue is full: retry later (PasswordHasher answers 503 `login_busy`). */
export class Argon2QueueFullError extends Error {
  constructor() {
    super('The argon2 queue is full');
    this.name = 'Argon2QueueFullError';
  }
}
