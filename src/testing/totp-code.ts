import { totpCodeAt } from '../auth/totp.js';

/**
 * The current TOTP code (or the one at `atMs`) for `secretOrUri`: the base32 secret, or the
 * `otpauth://` URI enrolment answers. For tests that sign in a user who has a second factor.
 */
export function totpCode(secretOrUri: string, atMs = Date.now()): Promise<string> {
  const secret = secretOrUri.startsWith('otpauth://')
    ? new URL(secretOrUri).searchParams.get('secret')
    : secretOrUri;
  if (!secret) throw new Error(`totpCode: no secret= in ${secretOrUri.split('?')[0]}`);
  return totpCodeAt(secret, atMs);
}
