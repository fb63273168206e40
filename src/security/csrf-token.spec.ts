import { describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { deriveSessionKeys } from '../core/session-keys.js';
import {
  anonymousCsrfToken,
  isAnonymousCsrfToken,
  isSessionCsrfToken,
  sameToken,
  sessionCsrfToken,
} from './csrf-token.js';

const NEW = 'new-secret-0123456789abcdefghijklmnop';
const OLD = 'old-secret-0123456789abcdefghijklmnop';

describe('session-bound CSRF tokens', () => {
  it('is the same for the same session and differs for another session', () => {
    expect(sessionCsrfToken(NEW, 'sid-a')).toBe(sessionCsrfToken(NEW, 'sid-a'));
    expect(sessionCsrfToken(NEW, 'sid-a')).not.toBe(sessionCsrfToken(NEW, 'sid-b'));
    expect(isSessionCsrfToken(sessionCsrfToken(NEW, 'sid-a'), 'sid-b', [NEW])).toBe(false);
  });

  it('still accepts a token made under a rotated-out secret while that secret is listed', () => {
    const issuedBefore = sessionCsrfToken(OLD, 'sid-a');
    expect(isSessionCsrfToken(issuedBefore, 'sid-a', [NEW, OLD])).toBe(true);
    expect(isSessionCsrfToken(issuedBefore, 'sid-a', [NEW])).toBe(false);
  });

  it('refuses empty, truncated and extended tokens', () => {
    const token = sessionCsrfToken(NEW, 'sid-a');
    for (const bad of ['', token.slice(0, -1), `${token}A`, token.toUpperCase()]) {
      expect(isSessionCsrfToken(bad, 'sid-a', [NEW])).toBe(false);
    }
  });
});

describe('pre-session CSRF tokens', () => {
  it('are random, and verify only with our signature', () => {
    const a = anonymousCsrfToken(NEW);
    expect(a).not.toBe(anonymousCsrfToken(NEW));
    expect(isAnonymousCsrfToken(a, [NEW])).toBe(true);
    expect(isAnonymousCsrfToken(a, [OLD, NEW])).toBe(true);
    expect(isAnonymousCsrfToken(a, [OLD])).toBe(false);
    const [id, signature] = a.split('.');
    expect(isAnonymousCsrfToken(`${id}x.${signature}`, [NEW])).toBe(false);
    for (const bad of ['', '.', 'x', `.${signature}`, `${id}.`]) {
      expect(isAnonymousCsrfToken(bad, [NEW])).toBe(false);
    }
  });

  it('refuses a token with an empty id even when its signature is right for it', () => {
    const emptyId = createHmac('sha256', NEW).update('anonymous:').digest('base64url');
    expect(isAnonymousCsrfToken(`.${emptyId}`, [NEW])).toBe(false);
  });

  it('can never stand in for a session token, nor the other way round', () => {
    const anonymous = anonymousCsrfToken(NEW);
    const [id] = anonymous.split('.');
    expect(isSessionCsrfToken(anonymous.split('.')[1], id, [NEW])).toBe(false);
    expect(isAnonymousCsrfToken(`sid-a.${sessionCsrfToken(NEW, 'sid-a')}`, [NEW])).toBe(false);
  });
});

describe('sameToken', () => {
  it('compares whole strings, of any length, without throwing', () => {
    expect(sameToken('abc', 'abc')).toBe(true);
    expect(sameToken('abc', 'abd')).toBe(false);
    expect(sameToken('abc', 'abcd')).toBe(false);
    expect(sameToken('', '')).toBe(true);
    expect(sameToken('é', 'e')).toBe(false);
  });
});

/** express-session's cookie signature (cookie-signature): base64 HMAC-SHA256, no padding. */
const cookieSignature = (key: Buffer | string, sid: string) =>
  createHmac('sha256', key).update(sid).digest('base64').replace(/=+$/, '');

describe('CSRF tokens under the keys derived from the secrets', () => {
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
