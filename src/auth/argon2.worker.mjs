// Runs in PasswordHasher's worker threads (piscina): one whole argon2 computation per thread at a
// time, off the event loop. Plain JavaScript, so the same file runs from src/ under the tests and
// from dist/ (copied by `npm run build`).
import argon2 from '@node-rs/argon2';

/** @param {{ hash: string, password: string }} task */
export function verify({ hash, password }) {
  try {
    return argon2.verifySync(hash, password);
  } catch {
    // Not an argon2 string: a wrong password, not an error.
    return false;
  }
}

/** @param {{ password: string, options: import('@node-rs/argon2').Options }} task */
export function hash({ password, options }) {
  return argon2.hashSync(password, options);
}
