// auth/ — the routes the module owns (login, logout, password, sessions) and the services behind them.
import { Inject, Injectable } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import { SESSION_OPTIONS } from '../core/session.constants.js';
import type { ResolvedSessionOptions } from '../core/options/session-options.resolver.js';

/**
 * Names an attempted account without its email: HMAC-SHA256 keyed with the first session secret,
 * so the names in Redis keys and audit logs cannot be reversed with a list of known addresses.
 * Unknown emails get a name too, so limits and logs treat them exactly like real accounts.
 * Rotating the first secret renames every account, which resets their failure counters once.
 *
 * Synchronous on purpose: one HMAC of an email takes microseconds, while WebCrypto's async
 * `subtle.sign` is queued on libuv's thread pool behind the argon2 verifies of every login in
 * flight, which cost each login a wait of up to a whole verify.
 */
@Injectable()
export class AccountHasher {
  constructor(@Inject(SESSION_OPTIONS) private readonly options: ResolvedSessionOptions) {}

  /** 32 hex characters (128 bits) for an email already trimmed and lower-cased. */
  hash(email: string): string {
    return createHmac('sha256', this.options.secrets[0]).update(email).digest('hex').slice(0, 32);
  }
}
