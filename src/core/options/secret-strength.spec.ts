import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { estimateSecretBits, MIN_SECRET_BITS, secretWeakness } from './secret-strength.js';

describe('secretWeakness', () => {
  it.each([
    // The three that passed the length-and-variety check before (issue #14, point 8).
    'abcdefghijabcdefghijabcdefghijab',
    'password1234567890password12345678',
    'replace-me-with-a-long-random-secret',
    'a'.repeat(64),
    '0123456789'.repeat(6),
    'Zz'.repeat(40),
    'changeme',
    'k3J9x-Qm2L', // random, but only about 60 bits
    'my-EXAMPLE-key-7f3a9c2e4b6d8f0a1c3e5b7d9f2a4c6e',
  ])('refuses %j', (secret) => {
    expect(secretWeakness(secret)).toBeDefined();
  });

  it.each([
    ['openssl rand -base64 32', () => randomBytes(32).toString('base64')],
    ['openssl rand -hex 32', () => randomBytes(32).toString('hex')],
    ['24 random base64url bytes', () => randomBytes(24).toString('base64url')],
  ])('accepts every secret from %s', (_name, generate) => {
    for (let i = 0; i < 2000; i++) expect(secretWeakness(generate())).toBeUndefined();
  });

  it('counts a run or a repeated sequence once, not per character', () => {
    const base = 'k3J9x-Qm2Lp8Zr4T';
    const bits = estimateSecretBits(base);
    expect(estimateSecretBits(base + base)).toBeLessThan(bits + 14);
    expect(estimateSecretBits(base + 'abcdefghijklmnop')).toBeLessThan(bits + 14);
    expect(estimateSecretBits('')).toBe(0);
  });

  it('says how much randomness it found, never the secret', () => {
    const secret = 'Zq7-rT2mK9vX';
    const reason = secretWeakness(secret)!;
    expect(reason).toMatch(new RegExp(`about \\d+ bits of randomness, not ${MIN_SECRET_BITS}`));
    expect(reason).not.toContain(secret);
    expect(secretWeakness('hunter-password-Zq7rT2mK9vXw4Lp1Bn8Hc5Jd0Fg3Sa6Ye')).toBe(
      'it contains a placeholder word (such as password, secret, example or replace)',
    );
  });
});
