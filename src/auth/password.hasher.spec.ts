import { describe, expect, it } from '@jest/globals';
import argon2 from 'argon2';
import { resolveSessionOptions } from '../session/session-options.resolver.js';
import { PasswordHasher } from './password.hasher.js';

const hasher = new PasswordHasher(resolveSessionOptions({ secrets: ['unit-test-secret'] }));
const hashWith = (type: 0 | 1 | 2, memoryCost: number, timeCost: number) =>
  argon2.hash('a password', { type, memoryCost, timeCost, parallelism: 1 });

describe('PasswordHasher.needsRehash (configured: argon2id m=19456 t=2)', () => {
  it('is false for a hash made with the configured parameters', async () => {
    expect(hasher.needsRehash(await hasher.hash('a password'))).toBe(false);
  });

  it('is true for less memory or fewer iterations', async () => {
    expect(hasher.needsRehash(await hashWith(argon2.argon2id, 4096, 2))).toBe(true);
    expect(hasher.needsRehash(await hashWith(argon2.argon2id, 19456, 1))).toBe(true);
  });

  it('is true for argon2i and argon2d hashes, whatever their cost', async () => {
    expect(hasher.needsRehash(await hashWith(argon2.argon2i, 19456, 2))).toBe(true);
    expect(hasher.needsRehash(await hashWith(argon2.argon2d, 65536, 3))).toBe(true);
  });

  it('keeps a stronger argon2id hash as it is', async () => {
    expect(hasher.needsRehash(await hashWith(argon2.argon2id, 65536, 3))).toBe(false);
  });

  it('is false for something that is not an argon2 hash', () => {
    expect(hasher.needsRehash('$2b$10$abcdefghijklmnopqrstuv')).toBe(false);
    expect(hasher.needsRehash('')).toBe(false);
  });
});
