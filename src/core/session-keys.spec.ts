import { describe, expect, it } from '@jest/globals';
import { deriveSessionKeys } from './session-keys.js';

const NEW = 'new-secret-0123456789abcdefghijklmnop';

describe('deriveSessionKeys', () => {
  it('derives a different key for each purpose, none of them the secret', () => {
    const keys = deriveSessionKeys([NEW]);
    const all = [keys.cookie[0], keys.csrf[0], keys.account].map((k) => k.toString('hex'));
    expect(new Set([...all, Buffer.from(NEW).toString('hex')]).size).toBe(4);
    expect(deriveSessionKeys([NEW])).toEqual(keys);
  });

  it('derives the same key from a secret whatever its place in the list', () => {
    const other = 'other-secret-0123456789abcdefghijklm';
    expect(deriveSessionKeys([other, NEW]).cookie[1]).toEqual(deriveSessionKeys([NEW]).cookie[0]);
  });
});
