import { describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { anonymousCsrfToken, isAnonymousCsrfToken } from '../security/csrf-token.js';
import { deriveSessionKeys } from './session-keys.js';

const NEW = 'new-secret-0123456789abcdefghijklmnop';
const OLD = 'old-secret-0123456789abcdefghijklmnop';

/** express-session's cookie signature (cookie-signature): base64 HMAC-SHA256, no padding. */
const cookieSignature = (key: Buffer | string, sid: string) =>
  createHmac('sha256', key).update(sid).digest('base64').replace(/=+$/, '');

describe('deriveSessionKeys', () => {
  it('derives a different key for each purpose, none of them the secret', () => {
    const keys = deriveSessionKeys([NEW]);
    const all = [keys.cookie[0], keys.csrf[0], keys.account].map((k) => k.toString('hex'));
    expect(new Set([...all, Buffer.from(NEW).toString('hex')]).size).toBe(4);
    expect(deriveSessionKeys([NEW])).toEqual(keys);
  });

  it('makes no pre-session CSRF token a valid session-cookie signature', () => {
    const keys = deriveSessionKeys([NEW, OLD]);
    for (let i = 0; i < 50; i += 1) {
      const token = anonymousCsrfToken(keys.csrf[0]);
      const [id, mac] = token.split('.');
      // With one shared key this was `s:anonymous:<id>.<mac>`'s valid signature.
      const forged = mac.replace(/-/g, '+').replace(/_/g, '/');
      for (const key of keys.cookie) {
        expect(cookieSignature(key, `anonymous:${id}`)).not.toBe(forged);
      }
    }
  });

  it('keeps rotation working: the first secret signs, every one verifies', () => {
    const before = deriveSessionKeys([OLD]);
    const after = deriveSessionKeys([NEW, OLD]);
    expect(after.cookie[1]).toEqual(before.cookie[0]);
    expect(after.csrf[1]).toEqual(before.csrf[0]);
    expect(isAnonymousCsrfToken(anonymousCsrfToken(before.csrf[0]), after.csrf)).toBe(true);
    expect(isAnonymousCsrfToken(anonymousCsrfToken(before.csrf[0]), [after.csrf[0]])).toBe(false);
    // Account names follow the first secret.
    expect(after.account).not.toEqual(before.account);
  });
});
