import { Inject, Injectable } from '@nestjs/common';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { SESSION_KEYS } from '../core/session.constants.js';
import type { SessionKeys } from '../core/session-keys.js';

const VERSION = 'v1.';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A stored TOTP secret that no configured SESSION_SECRET opens. */
export const TOTP_SECRET_UNREADABLE =
  'SessionModule: a stored TOTP secret cannot be decrypted with any configured secret. It was ' +
  'encrypted under a SESSION_SECRET that is no longer listed: put the old secret back after the ' +
  'new one, or have the user sign in with a recovery code and enrol again.';

/**
 * Encrypts TOTP secrets for the user directory with AES-256-GCM, under a key derived with HKDF
 * from SESSION_SECRET (SessionKeys.totp): a copy of the user table alone does not give anyone
 * the codes. The user id is bound in as associated data, so a ciphertext copied onto another
 * account does not decrypt. The first key encrypts and every key is tried to decrypt, so a
 * rotated secret (new one first, old one kept) still opens what the old one sealed.
 *
 * Synchronous: a few dozen bytes take microseconds, less than a trip through the thread pool.
 */
@Injectable()
export class TotpSecretCipher {
  constructor(@Inject(SESSION_KEYS) private readonly keys: Pick<SessionKeys, 'totp'>) {}

  /** `v1.` and base64url of IV, tag and ciphertext. */
  encrypt(secret: string, userId: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys.totp[0], iv);
    cipher.setAAD(associatedData(userId));
    const sealed = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return VERSION + Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url');
  }

  /** The secret, or an Error (TOTP_SECRET_UNREADABLE) when no key opens it. */
  decrypt(encrypted: string, userId: string): string {
    const raw = encrypted.startsWith(VERSION)
      ? Buffer.from(encrypted.slice(VERSION.length), 'base64url')
      : Buffer.alloc(0);
    if (raw.length > IV_BYTES + TAG_BYTES) {
      const iv = raw.subarray(0, IV_BYTES);
      const tag = raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES);
      const sealed = raw.subarray(IV_BYTES + TAG_BYTES);
      for (const key of this.keys.totp) {
        try {
          const decipher = createDecipheriv('aes-256-gcm', key, iv);
          decipher.setAAD(associatedData(userId));
          decipher.setAuthTag(tag);
          return Buffer.concat([decipher.update(sealed), decipher.final()]).toString('utf8');
        } catch {
          // The tag did not verify under this key: try the next one.
        }
      }
    }
    throw new Error(TOTP_SECRET_UNREADABLE);
  }
}

function associatedData(userId: string): Buffer {
  return Buffer.from(`nest-session-auth/totp:${userId}`, 'utf8');
}
