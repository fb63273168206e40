import type {
  SecondFactorDirectory,
  SecondFactorRecord,
} from '../auth/user-directory.interface.js';

/**
 * The second-factor half of a user directory, in memory, as a database would keep it: each
 * compare-and-write runs with no `await` between the read and the write, so it is atomic like
 * one `UPDATE … WHERE`. Extend it to give a test (or demo) directory a TOTP second factor.
 */
export class InMemorySecondFactors implements SecondFactorDirectory {
  private readonly records = new Map<string, SecondFactorRecord>();

  findSecondFactor(userId: string): Promise<SecondFactorRecord | undefined> {
    const record = this.records.get(userId);
    // A copy, as a row read from a database is: the caller cannot change what is stored.
    return Promise.resolve(
      record && { ...record, recoveryCodeHashes: [...record.recoveryCodeHashes] },
    );
  }

  saveSecondFactor(userId: string, record: SecondFactorRecord | null): Promise<void> {
    if (record)
      this.records.set(userId, { ...record, recoveryCodeHashes: [...record.recoveryCodeHashes] });
    else this.records.delete(userId);
    return Promise.resolve();
  }

  advanceTimeStep(userId: string, timeStep: number): Promise<boolean> {
    const record = this.records.get(userId);
    if (!record || record.lastTimeStep >= timeStep) return Promise.resolve(false);
    record.lastTimeStep = timeStep;
    return Promise.resolve(true);
  }

  consumeRecoveryCode(userId: string, codeHash: string): Promise<boolean> {
    const record = this.records.get(userId);
    const at = record?.recoveryCodeHashes.indexOf(codeHash) ?? -1;
    if (!record || at < 0) return Promise.resolve(false);
    record.recoveryCodeHashes.splice(at, 1);
    return Promise.resolve(true);
  }
}
