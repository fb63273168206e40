import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { ARGON2ID } from './argon2.js';
import { Argon2Pool, Argon2QueueFullError } from './argon2.pool.js';
import { SessionAuthException } from '../core/errors/session-auth.exception.js';
import { SESSION_OPTIONS } from '../core/session.constants.js';
import type { ResolvedSessionOptions } from '../core/options/session-options.resolver.js';

/** `$argon2id$v=19$m=19456,t=2,p=1$…`: variant, version, parameters (in any order). */
const PHC_ARGON2 = /^\$(argon2id|argon2i|argon2d)\$v=(\d+)\$([a-z]=\d+(?:,[a-z]=\d+)*)\$/;
/** Argon2 1.3 (0x13), the version every current library writes. */
const ARGON2_VERSION = 19;

/**
 * argon2id with OWASP's parameters by default (m=19456 KiB, t=2, p=1; ASVS 5.0 V11.4.2).
 * The work runs on worker threads, one per core (see argon2.pool.ts), so the event loop keeps
 * serving other requests during a login storm.
 */
@Injectable()
export class PasswordHasher implements OnApplicationShutdown {
  private dummyHash?: Promise<string>;
  // Started on first use: an app that never hashes (a worker importing the module) starts no
  // threads.
  private workers?: Argon2Pool;

  constructor(@Inject(SESSION_OPTIONS) private readonly options: ResolvedSessionOptions) {}

  /** Rejects with 503 `login_busy` when the worker queue is full, as `verify` does. */
  hash(password: string): Promise<string> {
    return whenNotBusy(
      this.pool().hash(password, { algorithm: ARGON2ID, ...this.options.passwordHash }),
    );
  }

  /** False for a wrong password and for a hash that is not a valid argon2 string. */
  verify(hash: string, password: string): Promise<boolean> {
    return whenNotBusy(this.pool().verify(hash, password));
  }

  /** Stops the worker threads, so the process can exit. */
  async onApplicationShutdown(): Promise<void> {
    await this.workers?.close();
  }

  private pool(): Argon2Pool {
    return (this.workers ??= new Argon2Pool());
  }

  /**
   * True when `hash` is weaker than what `hash()` makes now: another argon2 variant, an older
   * version, or less memory or fewer iterations. A stronger hash is kept as it is (argon2's own
   * `needsRehash` would also rewrite it, since it only checks for equal parameters).
   */
  needsRehash(hash: string): boolean {
    const phc = PHC_ARGON2.exec(hash);
    if (!phc) return false;
    const [, variant, version, list] = phc;
    const params = Object.fromEntries(list.split(',').map((kv) => kv.split('=')));
    const { memoryCost, timeCost } = this.options.passwordHash;
    return (
      variant !== 'argon2id' ||
      Number(version) < ARGON2_VERSION ||
      !(Number(params.m) >= memoryCost) ||
      !(Number(params.t) >= timeCost)
    );
  }

  /**
   * Spends one verify's worth of time on a hash nobody owns, so an unknown email costs as much
   * as a wrong password and response times do not reveal which accounts exist (ASVS 5.0 V6.3.8).
   */
  async verifyDummy(password: string): Promise<void> {
    this.dummyHash ??= this.hash('nest-session-auth dummy password');
    await this.verify(await this.dummyHash, password);
  }
}

/** The pool's "queue full" as the module's 503 `login_busy`, with its Retry-After. */
async function whenNotBusy<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof Argon2QueueFullError) {
      throw new SessionAuthException('login_busy', { cause: err });
    }
    throw err;
  }
}
