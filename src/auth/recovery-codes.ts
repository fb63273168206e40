import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Recovery codes handed out at once: enough for a long while, few enough to print. */
export const RECOVERY_CODE_COUNT = 10;

/** 10 random bytes (80 bits): far beyond guessing under the sign-in limits, so a plain hash will do. */
const CODE_BYTES = 10;
const NORMALIZED = /^[0-9a-f]{20}$/;

/** New recovery codes, as shown once to the user: `a1b2c-3d4e5-f6a7b-8c9d0`. */
export function newRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  return Array.from({ length: count }, () =>
    randomBytes(CODE_BYTES)
      .toString('hex')
      .replace(/(.{5})(?=.)/g, '$1-'),
  );
}

/**
 * The code as typed, without dashes, spaces and case, or undefined when it cannot be a recovery
 * code.
 */
export function normalizeRecoveryCode(typed: string): string | undefined {
  const code = typed.replace(/[\s-]/g, '').toLowerCase();
  return NORMALIZED.test(code) ? code : undefined;
}

/**
 * What is stored for a code: SHA-256, hex. No salt or slow hash is needed: 80 random bits cannot
 * be found from the hash by trying, unlike a password.
 */
export function hashRecoveryCode(normalized: string): string {
  return createHash('sha256').update(normalized).digest('hex');
}

/**
 * The stored hash `typed` matches, if any. Every hash is compared, each in constant time, so
 * how long it takes says nothing about which stored hash came close.
 */
export function matchRecoveryCode(hashes: readonly string[], typed: string): string | undefined {
  const code = normalizeRecoveryCode(typed);
  if (code === undefined) return undefined;
  const candidate = Buffer.from(hashRecoveryCode(code), 'hex');
  let match: string | undefined;
  for (const hash of hashes) {
    const stored = Buffer.from(hash, 'hex');
    if (stored.length === candidate.length && timingSafeEqual(stored, candidate)) match = hash;
  }
  return match;
}
