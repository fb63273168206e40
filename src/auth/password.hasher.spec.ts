import { afterAll, describe, expect, it } from '@jest/globals';
import { ARGON2D, ARGON2I, ARGON2ID, argon2Hash, type Argon2Algorithm } from './argon2.js';
import { resolveSessionOptions } from '../core/options/session-options.resolver.js';
import { SessionAuthException } from '../core/errors/session-auth.exception.js';
import { PasswordHasher } from './password.hasher.js';

const hasher = new PasswordHasher(resolveSessionOptions({ secrets: ['s'] }));
afterAll(() => hasher.onApplicationShutdown());

describe('PasswordHasher', () => {
  it('hashes with argon2id and OWASP parameters (m=19456, t=2, p=1)', async () => {
    const hash = await hasher.hash('correct horse battery staple');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const hash = await hasher.hash('correct horse battery staple');
    expect(await hasher.verify(hash, 'correct horse battery staple')).toBe(true);
    expect(await hasher.verify(hash, 'Correct horse battery staple')).toBe(false);
  });

  it('verifies hashes written by @node-rs/argon2, the binding used before (same PHC format)', async () => {
    // '$argon2id$v=19$m=19456,t=2,p=1$…' for 'correct horse battery staple', made by @node-rs/argon2.
    const nodeRs =
      '$argon2id$v=19$m=19456,t=2,p=1$/n9Rq0NRmI1zYEQg7SIBFQ$jkZW9IqhBlFZ1dcuSOoaWkZYxu0KFLkxj40+rxS9nmM';
    expect(await hasher.verify(nodeRs, 'correct horse battery staple')).toBe(true);
    expect(await hasher.verify(nodeRs, 'correct horse battery stapler')).toBe(false);
  });

  it('answers false, not an exception, for a hash that is not argon2', async () => {
    expect(await hasher.verify('not-a-hash', 'x')).toBe(false);
    expect(await hasher.verify('$2b$10$abcdefghijklmnopqrstuv', 'x')).toBe(false);
  });

  it('says a hash made with weaker parameters needs a rehash, and ours does not', async () => {
    const weak = await argon2Hash('pw', { algorithm: ARGON2ID, memoryCost: 4096, timeCost: 1 });
    expect(hasher.needsRehash(weak)).toBe(true);
    expect(hasher.needsRehash(await hasher.hash('pw'))).toBe(false);
  });

  it('takes the configured parameters', async () => {
    const custom = new PasswordHasher(
      resolveSessionOptions({ secrets: ['s'], passwordHash: { memoryCost: 8192, timeCost: 3 } }),
    );
    try {
      expect(await custom.hash('pw')).toMatch(/m=8192,p=1,t=3/);
    } finally {
      await custom.onApplicationShutdown();
    }
  });

  it('keeps the event loop free while verifying (the work runs on worker threads)', async () => {
    const hash = await hasher.hash('correct horse battery staple');
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    await Promise.all(
      Array.from({ length: 4 }, () => hasher.verify(hash, 'correct horse battery staple')),
    );
    clearInterval(timer);
    // Four verifies take tens of milliseconds; a blocked loop would not have ticked in between.
    expect(ticks).toBeGreaterThan(5);
  });

  it('spends a verify on unknown users without throwing', async () => {
    await expect(hasher.verifyDummy('anything')).resolves.toBeUndefined();
  });
});

const hashWith = (algorithm: Argon2Algorithm, memoryCost: number, timeCost: number) =>
  argon2Hash('a password', { algorithm, memoryCost, timeCost, parallelism: 1 });

describe('PasswordHasher.needsRehash (configured: argon2id m=19456 t=2)', () => {
  it('is true for less memory or fewer iterations', async () => {
    expect(hasher.needsRehash(await hashWith(ARGON2ID, 4096, 2))).toBe(true);
    expect(hasher.needsRehash(await hashWith(ARGON2ID, 19456, 1))).toBe(true);
  });

  it('is true for argon2i and argon2d hashes, whatever their cost', async () => {
    expect(hasher.needsRehash(await hashWith(ARGON2I, 19456, 2))).toBe(true);
    expect(hasher.needsRehash(await hashWith(ARGON2D, 65536, 3))).toBe(true);
  });

  it('keeps a stronger argon2id hash as it is', async () => {
    expect(hasher.needsRehash(await hashWith(ARGON2ID, 65536, 3))).toBe(false);
  });

  it('is false for something that is not an argon2 hash', () => {
    expect(hasher.needsRehash('$2b$10$abcdefghijklmnopqrstuv')).toBe(false);
    expect(hasher.needsRehash('')).toBe(false);
  });
});

/** An install whose worker script is gone: a build that forgot to copy it. */
class MissingWorkerHasher extends PasswordHasher {
  protected override readonly workerUrl = new URL('./no-such-argon2.worker.mjs', import.meta.url);
}

describe('PasswordHasher with a broken worker pool', () => {
  it('fails the boot with one line that names the missing script and the fix', async () => {
    const broken = new MissingWorkerHasher(resolveSessionOptions({ secrets: ['s'] }));
    const boot = broken.onModuleInit();
    await expect(boot).rejects.toThrow(
      /^SessionModule: the argon2 worker script .*no-such-argon2\.worker\.mjs is missing; reinstall nest-session-auth/,
    );
    await expect(boot).rejects.toThrow(/^[^\n]+$/);
  });

  it('answers 503 for every request, never crashing the process or leaving one hanging', async () => {
    const broken = new MissingWorkerHasher(resolveSessionOptions({ secrets: ['s'] }));
    try {
      // The first batch meets the failing pool; the next call starts a fresh one that fails too.
      const first = Array.from({ length: 3 }, () => broken.verify('$argon2id$x', 'pw'));
      for (const attempt of [...first, broken.hash('pw')]) {
        await expect(attempt).rejects.toBeInstanceOf(SessionAuthException);
      }
      const error = await broken.verify('$argon2id$x', 'pw').catch((e: unknown) => e);
      expect((error as SessionAuthException).getStatus()).toBe(503);
      expect((error as SessionAuthException).getResponse()).toMatchObject({
        code: 'password_hasher_unavailable',
      });
    } finally {
      await broken.onApplicationShutdown();
    }
  });
});
