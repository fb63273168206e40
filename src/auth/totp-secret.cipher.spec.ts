import { describe, expect, it } from '@jest/globals';
import { deriveSessionKeys } from '../core/session-keys.js';
import { TOTP_SECRET_UNREADABLE, TotpSecretCipher } from './totp-secret.cipher.js';
import { newTotpSecret } from './totp.js';

const OLD = 'an old session secret, long and random enough';
const NEW = 'a new session secret, also long and random';
const cipherFor = (...secrets: string[]) => new TotpSecretCipher(deriveSessionKeys(secrets));

describe('TotpSecretCipher', () => {
  const secret = newTotpSecret();

  it('decrypts what it encrypted, for the same user', () => {
    const cipher = cipherFor(NEW);
    expect(cipher.decrypt(cipher.encrypt(secret, 'ada'), 'ada')).toBe(secret);
  });

  it('never stores the secret in clear, and seals it differently each time', () => {
    const cipher = cipherFor(NEW);
    const sealed = cipher.encrypt(secret, 'ada');
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain(secret);
    expect(sealed.toLowerCase()).not.toContain(secret.toLowerCase());
    expect(Buffer.from(sealed.slice(3), 'base64url').toString('latin1')).not.toContain(secret);
    expect(cipher.encrypt(secret, 'ada')).not.toBe(sealed);
  });

  it("refuses another user's ciphertext (the user id is bound in)", () => {
    const cipher = cipherFor(NEW);
    expect(() => cipher.decrypt(cipher.encrypt(secret, 'ada'), 'eve')).toThrow(
      TOTP_SECRET_UNREADABLE,
    );
  });

  it('opens a secret sealed under a rotated-out SESSION_SECRET while it is still listed', () => {
    const sealedByOld = cipherFor(OLD).encrypt(secret, 'ada');
    expect(cipherFor(NEW, OLD).decrypt(sealedByOld, 'ada')).toBe(secret);
    // The first secret seals: the old one alone cannot open what the rotated list sealed.
    const sealedByNew = cipherFor(NEW, OLD).encrypt(secret, 'ada');
    expect(() => cipherFor(OLD).decrypt(sealedByNew, 'ada')).toThrow(TOTP_SECRET_UNREADABLE);
    expect(() => cipherFor(NEW).decrypt(sealedByOld, 'ada')).toThrow(TOTP_SECRET_UNREADABLE);
  });

  it('refuses a tampered or malformed ciphertext', () => {
    const cipher = cipherFor(NEW);
    const sealed = cipher.encrypt(secret, 'ada');
    const raw = Buffer.from(sealed.slice(3), 'base64url');
    raw[raw.length - 1] ^= 1;
    for (const bad of [`v1.${raw.toString('base64url')}`, '', 'v1.', 'v2.abc', secret]) {
      expect(() => cipher.decrypt(bad, 'ada')).toThrow(TOTP_SECRET_UNREADABLE);
    }
  });

  it('derives its key with HKDF: one per SESSION_SECRET, apart from every other purpose', () => {
    const a = deriveSessionKeys([OLD]);
    const b = deriveSessionKeys([NEW]);
    expect(a.totp[0]).toHaveLength(32);
    expect(a.totp[0].equals(b.totp[0])).toBe(false);
    expect(a.totp[0].equals(deriveSessionKeys([OLD]).totp[0])).toBe(true);
    for (const other of [a.cookie[0], a.csrf[0], a.account]) {
      expect(a.totp[0].equals(other)).toBe(false);
    }
    expect(a.totp[0].equals(Buffer.from(OLD).subarray(0, 32))).toBe(false);
  });
});
