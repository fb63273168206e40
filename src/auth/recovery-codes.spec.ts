import { describe, expect, it } from '@jest/globals';
import { InMemorySecondFactors } from '../testing/in-memory-second-factors.js';
import {
  hashRecoveryCode,
  matchRecoveryCode,
  newRecoveryCodes,
  normalizeRecoveryCode,
} from './recovery-codes.js';

const hashes = (codes: string[]) => codes.map((c) => hashRecoveryCode(normalizeRecoveryCode(c)!));

describe('recovery codes', () => {
  it('hands out ten different 80-bit codes in groups of five', () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[0-9a-f]{5}(-[0-9a-f]{5}){3}$/);
  });

  it('matches a code however it is typed (case, dashes, spaces), and only a stored one', () => {
    const codes = newRecoveryCodes(3);
    const stored = hashes(codes);
    const typed = ` ${codes[1].toUpperCase().replace(/-/g, ' ')} `;
    expect(matchRecoveryCode(stored, typed)).toBe(stored[1]);
    expect(matchRecoveryCode(stored, newRecoveryCodes(1)[0])).toBeUndefined();
    expect(matchRecoveryCode(stored, '123456')).toBeUndefined();
    expect(matchRecoveryCode(stored, '')).toBeUndefined();
  });

  it('stores hashes only: no code can be read back from what is kept', () => {
    const codes = newRecoveryCodes(2);
    const stored = hashes(codes).join(' ');
    for (const code of codes) {
      expect(stored).not.toContain(code);
      expect(stored).not.toContain(normalizeRecoveryCode(code));
    }
  });

  it('works once: of two consumptions of the same code, only the first succeeds', async () => {
    const directory = new InMemorySecondFactors();
    const codes = newRecoveryCodes(2);
    await directory.saveSecondFactor('ada', {
      encryptedSecret: 'sealed',
      recoveryCodeHashes: hashes(codes),
      lastTimeStep: 0,
    });
    const hash = matchRecoveryCode(
      (await directory.findSecondFactor('ada'))!.recoveryCodeHashes,
      codes[0],
    )!;
    const both = await Promise.all([
      directory.consumeRecoveryCode('ada', hash),
      directory.consumeRecoveryCode('ada', hash),
    ]);
    expect(both.sort()).toEqual([false, true]);
    const left = (await directory.findSecondFactor('ada'))!.recoveryCodeHashes;
    expect(matchRecoveryCode(left, codes[0])).toBeUndefined();
    expect(matchRecoveryCode(left, codes[1])).toBeDefined();
  });

  it('records a time step only when it is later than the last one', async () => {
    const directory = new InMemorySecondFactors();
    expect(await directory.advanceTimeStep('ada', 5)).toBe(false);
    await directory.saveSecondFactor('ada', {
      encryptedSecret: 'sealed',
      recoveryCodeHashes: [],
      lastTimeStep: 10,
    });
    expect(await directory.advanceTimeStep('ada', 10)).toBe(false);
    expect(await directory.advanceTimeStep('ada', 9)).toBe(false);
    const both = await Promise.all([
      directory.advanceTimeStep('ada', 11),
      directory.advanceTimeStep('ada', 11),
    ]);
    expect(both.sort()).toEqual([false, true]);
  });
});
