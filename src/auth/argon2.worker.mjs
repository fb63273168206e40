// Runs in PasswordHasher's worker threads (piscina): one argon2 computation per thread at a time,
// so no more run at once than there are cores. Plain JavaScript, so the same file runs from src/
// under the tests and from dist/ (copied by `npm run build`).
import argon2 from 'argon2';

/** @param {{ hash: string, password: string }} task */
export async function verify({ hash, password }) {
  try {
    return await argon2.verify(hash, password);
  } catch {
    // Not an argon2 string: a wrong password, not an error.
    return false;
  }
}

/** @param {{ password: string, options: import('argon2').Options }} task */
export function hash({ password, options }) {
  return argon2.hash(password, options);
}
