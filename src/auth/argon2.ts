// The argon2 binding: the `argon2` package, the one the product's specification names. It ships
// prebuilt N-API binaries (glibc and musl) and runs each hash on libuv's thread pool. Hashes are
// PHC strings, so those written by @node-rs/argon2 (used before) keep verifying.
import argon2 from 'argon2';

export const ARGON2D = argon2.argon2d;
export const ARGON2I = argon2.argon2i;
export const ARGON2ID = argon2.argon2id;
export type Argon2Algorithm = typeof ARGON2D | typeof ARGON2I | typeof ARGON2ID;

/** Cost parameters of one hash; argon2id unless `algorithm` says otherwise. */
export interface Argon2HashParams {
  algorithm?: Argon2Algorithm;
  /** KiB. */
  memoryCost: number;
  timeCost: number;
  parallelism?: number;
}

export function argon2Hash(password: string, params: Argon2HashParams): Promise<string> {
  const { algorithm = ARGON2ID, ...cost } = params;
  return argon2.hash(password, { type: algorithm, ...cost });
}

/** False for a wrong password and for a string that is not an argon2 hash. */
export async function argon2Verify(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    // Not an argon2 string (a bcrypt hash, garbage): a wrong password, not an error.
    return false;
  }
}
