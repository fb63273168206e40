import { Inject, Injectable } from '@nestjs/common';
import { webcrypto } from 'node:crypto';
import { SESSION_OPTIONS } from '../session/session.constants.js';
import type { ResolvedSessionOptions } from '../session/session-options.resolver.js';

const encoder = new TextEncoder();

/**
 * Names an attempted account without its email: HMAC-SHA256 keyed with the first session secret,
 * so the names in Redis keys and audit logs cannot be reversed with a list of known addresses.
 * Unknown emails get a name too, so limits and logs treat them exactly like real accounts.
 * Rotating the first secret renames every account, which resets their failure counters once.
 */
@Injectable()
export class AccountHasher {
  private key?: Promise<webcrypto.CryptoKey>;

  constructor(@Inject(SESSION_OPTIONS) private readonly options: ResolvedSessionOptions) {}

  /** 32 hex characters (128 bits) for an email already trimmed and lower-cased. */
  async hash(email: string): Promise<string> {
    this.key ??= webcrypto.subtle.importKey(
      'raw',
      encoder.encode(this.options.secrets[0]),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign'],
    );
    const mac = await webcrypto.subtle.sign('HMAC', await this.key, encoder.encode(email));
    return Buffer.from(mac).toString('hex').slice(0, 32);
  }
}
