// auth/ — the routes the module owns (login, logout, password, sessions, second factor) and the services behind them.
import { Inject, Injectable } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import { SESSION_KEYS } from '../core/session.constants.js';
import type { SessionKeys } from '../core/session-keys.js';

/**
 * Names an attempted account without its email: HMAC-SHA256 under the account-name key derived
 * from the first session secret, so the names in Redis keys and audit logs cannot be reversed
 * with a list of known addresses. An account the directory found is named by its id, so every
 * spelling of an email that the directory folds into one account shares one lockout budget;
 * an unknown email is named by the email itself, so limits and logs treat it exactly like a
 * real account. Rotating the first secret renames every account, which resets their failure
 * counters once.
 *
 * Synchronous on purpose: one HMAC takes microseconds, while WebCrypto's async `subtle.sign` is
 * queued on libuv's thread pool behind the argon2 work of every login in flight.
 */
@Injectable()
export class AccountHasher {
  constructor(@Inject(SESSION_KEYS) private readonly keys: SessionKeys) {}

  /** The name of the account with this id (as the UserDirectory returned it). */
  forUser(id: string): string {
    return this.name(`user:${id}`);
  }

  /** The name of an email no account answers to, already trimmed and lower-cased. */
  forEmail(email: string): string {
    return this.name(`email:${email}`);
  }

  /**
   * The name second-factor codes of this user are counted under: apart from the password's, so a
   * right password (which clears its own counter) does not clear the failed codes.
   */
  forSecondFactor(id: string): string {
    return this.name(`second-factor:${id}`);
  }

  /** 32 hex characters (128 bits). The prefixes keep an id from ever naming an email. */
  private name(subject: string): string {
    return createHmac('sha256', this.keys.account).update(subject).digest('hex').slice(0, 32);
  }
}
