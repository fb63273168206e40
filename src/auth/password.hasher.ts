import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { ARGON2ID } from './argon2.js';
import {
  ARGON2_WORKER_URL,
  Argon2Pool,
  Argon2QueueFullError,
  assertArgon2WorkerExists,
} from './argon2.pool.js';
import { SessionAuthException } from '../core/errors/session-auth.exception.js';
import { SESSION_LOGGER_CONTEXT } from '../core/session.constants.js';
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
export class PasswordHasher implements OnModuleInit, OnApplicationShutdown {
  private dummyHash?: Promise<string>;
  // Started on first use: an app that never hashes (a worker importing the module) starts no
  // threads.
  private workers?: Argon2Pool;
  /** The worker script; a test points it elsewhere to see a broken install fail safely. */
  protected readonly workerUrl: URL = ARGON2_WORKER_URL;

  constructor(@Inject(SESSION_OPTIONS) private readonly options: ResolvedSessionOptions) {}

  /** A missing worker script fails the boot, not the first sign-in. */
  onModuleInit(): Promise<void> {
    return assertArgon2WorkerExists(this.workerUrl);
  }

  hash(password: string): Promise<string> {
    return this.unavailableOnFailure(
      this.pool().hash(password, { algorithm: ARGON2ID, ...this.options.passwordHash }),
    );
  }

  /**
   * False for a wrong password and for a hash that is not a valid argon2 string; a
   * 503 `password_hasher_unavailable` when the worker pool fails, `login_busy` when it is full.
   */
  verify(hash: string, password: string): Promise<boolean> {
    return this.unavailableOnFailure(this.pool().verify(hash, password));
  }

  /** Stops the worker threads, so the process can exit. */
  async onApplicationShutdown(): Promise<void> {
    await this.workers?.close();
  }

  private pool(): Argon2Pool {
    return (this.workers ??= new Argon2Pool(this.workerUrl));
  }

  /**
   * The worker's own error stays in the log; the client gets a 503 it can retry. A full queue is
   * no failure: 503 `login_busy` at once, rather than a wait behind everyone else's logins.
   */
  private async unavailableOnFailure<T>(work: Promise<T>): Promise<T> {
    try {
      return await work;
    } catch (error) {
      if (error instanceof Argon2QueueFullError) {
        throw new SessionAuthException('login_busy', { cause: error });
      }
      new Logger(SESSION_LOGGER_CONTEXT).error(`argon2 failed: ${(error as Error).message}`);
      throw new SessionAuthException('password_hasher_unavailable', { cause: error });
    }
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
