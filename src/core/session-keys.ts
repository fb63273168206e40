import { hkdfSync } from 'node:crypto';

/**
 * One key per purpose, each derived from every SESSION_SECRET with HKDF-SHA256 (RFC 5869). One
 * raw secret used for several MACs lets a value made for one purpose pass for another: the
 * session cookie's signature is HMAC(key, sid), so with a shared key every pre-session CSRF token
 * (HMAC(key, "anonymous:" + id)) was also a valid cookie signature for the session id
 * "anonymous:<id>". With separate keys no MAC of one kind verifies as another.
 * As with the secrets, the first key of each list signs and every key verifies, so rotating
 * SESSION_SECRET (new value first, old one kept) keeps cookies and tokens working.
 */
export interface SessionKeys {
  /** Signs the session cookie (express-session's `secret`). */
  cookie: Buffer[];
  /** Signs CSRF tokens, session-bound and pre-session alike. */
  csrf: Buffer[];
  /** Names an attempted account in throttling counters and audit lines (the first secret only). */
  account: Buffer;
  /**
   * Encrypts TOTP secrets at rest (AES-256-GCM): the first key encrypts, every key decrypts, so
   * a rotated SESSION_SECRET still opens the secrets stored under the old one.
   */
  totp: Buffer[];
}

/** HKDF `info` labels: changing one changes that key, and so invalidates what it signed. */
const PURPOSES = {
  cookie: 'nest-session-auth/v1/session-cookie',
  csrf: 'nest-session-auth/v1/csrf-token',
  account: 'nest-session-auth/v1/account-name',
  totp: 'nest-session-auth/v1/totp-secret',
} as const;

/** Computed once at boot (SessionModule's SESSION_KEYS provider): HKDF is cheap but not free. */
export function deriveSessionKeys(secrets: readonly string[]): SessionKeys {
  if (secrets.length === 0) throw new Error('deriveSessionKeys needs at least one secret');
  const derive = (secret: string, info: string) =>
    Buffer.from(hkdfSync('sha256', secret, '', info, 32));
  return {
    cookie: secrets.map((secret) => derive(secret, PURPOSES.cookie)),
    csrf: secrets.map((secret) => derive(secret, PURPOSES.csrf)),
    account: derive(secrets[0], PURPOSES.account),
    totp: secrets.map((secret) => derive(secret, PURPOSES.totp)),
  };
}
