import { describe, expect, it } from '@jest/globals';
import { ARGON2_WORKER_URL, Argon2Pool, Argon2QueueFullError } from './argon2.pool.js';
import { resolveSessionOptions } from '../core/options/session-options.resolver.js';
import { isSessionError } from '../core/errors/session-auth.exception.js';
import { PasswordHasher } from './password.hasher.js';

/** Settles every promise and says how each ended, so none is left unhandled. */
function outcomes(calls: Promise<unknown>[]): Promise<unknown[]> {
  return Promise.all(
    calls.map((call) =>
      call.then(
        (value) => value,
        (err: unknown) => err,
      ),
    ),
  );
}

describe('Argon2Pool', () => {
  it('refuses at once what would wait past the bounded queue, and takes work again once it drains', async () => {
    const pool = new Argon2Pool(ARGON2_WORKER_URL, 1, 2);
    try {
      // One running and two waiting fit; the other three are refused without being queued.
      const results = await outcomes(
        Array.from({ length: 6 }, () => pool.verify('not-an-argon2-hash', 'pw')),
      );
      expect(results.slice(0, 3)).toEqual([false, false, false]);
      for (const refused of results.slice(3)) expect(refused).toBeInstanceOf(Argon2QueueFullError);
      expect(await pool.verify('not-an-argon2-hash', 'pw')).toBe(false);
    } finally {
      await pool.close();
    }
  });
});

describe('PasswordHasher with a full queue', () => {
  it('answers 503 login_busy with a Retry-After, not a wait', async () => {
    const hasher = new PasswordHasher(resolveSessionOptions({ secrets: ['s'] }));
    // A pool of one thread and no waiting room: the second verify finds it full.
    Object.assign(hasher, { workers: new Argon2Pool(ARGON2_WORKER_URL, 1, 0) });
    try {
      const [first, second] = await outcomes([
        hasher.verify('not-an-argon2-hash', 'pw'),
        hasher.verify('not-an-argon2-hash', 'pw'),
      ]);
      expect(first).toBe(false);
      expect(isSessionError(second, 'login_busy')).toBe(true);
      expect((second as { headers: Record<string, string> }).headers).toEqual({
        'Retry-After': '2',
      });
    } finally {
      await hasher.onApplicationShutdown();
    }
  });
});
