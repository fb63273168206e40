import { describe, expect, it } from '@jest/globals';
import type { ModuleRef } from '@nestjs/core';
import type { AuditService } from '../audit/audit.service.js';
import type { ResolvedSessionOptions } from '../core/options/session-options.resolver.js';
import { deriveSessionKeys } from '../core/session-keys.js';
import { InMemoryUserDirectory } from '../testing/in-memory-user.directory.js';
import { SecondFactors } from './second-factors.js';
import { TotpSecretCipher } from './totp-secret.cipher.js';
import type { UserDirectory } from './user-directory.interface.js';

function secondFactorsOver(directory: UserDirectory): SecondFactors {
  const factors = new SecondFactors(
    { get: () => directory } as unknown as ModuleRef,
    new TotpSecretCipher(deriveSessionKeys(['a secret for the second factor spec'])),
    { record: () => undefined } as unknown as AuditService,
    {} as ResolvedSessionOptions,
  );
  factors.onModuleInit();
  return factors;
}

const findOnly: UserDirectory = { findByEmail: () => Promise.resolve(undefined) };

describe('SecondFactors', () => {
  it('is off for a directory without the methods: nobody is asked for a code', async () => {
    const factors = secondFactorsOver(findOnly);
    expect(factors.available).toBe(false);
    expect(await factors.find('ada')).toBeUndefined();
    await expect(factors.advanceTimeStep('ada', 1)).rejects.toMatchObject({
      response: { code: 'second_factor_unsupported' },
    });
  });

  it('is on for a directory with all four methods', () => {
    expect(secondFactorsOver(new InMemoryUserDirectory([])).available).toBe(true);
  });

  it('stops the boot when only some methods are there, naming the missing ones', () => {
    const partial = { ...findOnly, findSecondFactor: () => Promise.resolve(undefined) };
    expect(() => secondFactorsOver(partial)).toThrow(
      /implements findSecondFactor but not saveSecondFactor, advanceTimeStep, consumeRecoveryCode/,
    );
  });

  it('answers 503 second_factor_unavailable when the directory fails, never a sign-in', async () => {
    const failing = new InMemoryUserDirectory([]);
    failing.findSecondFactor = () => Promise.reject(new Error('database down'));
    await expect(secondFactorsOver(failing).find('ada')).rejects.toMatchObject({
      response: { code: 'second_factor_unavailable' },
      status: 503,
    });
  });

  it('answers 503 for a secret no configured SESSION_SECRET opens, without the ciphertext', () => {
    const factors = secondFactorsOver(new InMemoryUserDirectory([]));
    const sealed = new TotpSecretCipher(deriveSessionKeys(['another secret'])).encrypt('S', 'ada');
    let thrown: unknown;
    try {
      factors.open(sealed, 'ada');
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toMatchObject({ status: 503, response: { code: 'second_factor_unavailable' } });
    expect(JSON.stringify((thrown as { response: unknown }).response)).not.toContain(sealed);
  });
});
