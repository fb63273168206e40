import type { Store } from 'express-session';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { SessionIndex } from './session-index.interface.js';

/** What a rate limiter counts: `points` per `duration` seconds, under its own key prefix. */
export interface RateLimiterSpec {
  keyPrefix: string;
  points: number;
  duration: number;
}

/** One session backend: the express-session store plus what the module needs to run it. */
export interface SessionStoreAdapter {
  /** Short name for logs and health output: `redis`, `redis-cluster`, `memory`, `postgres`. */
  readonly kind: string;
  /** The express-session store. */
  readonly store: Store;
  /**
   * The sessions of each user, for listing and revocation. Absent: the `/auth/sessions` routes
   * answer 501 and `SessionsService.revokeAllSessions` throws.
   */
  readonly index?: SessionIndex;
  /**
   * A rate limiter whose counters live in this backend, so login limits hold across instances.
   * Absent: counters live in this process only.
   */
  createRateLimiter?(options: RateLimiterSpec): RateLimiterAbstract;
  /** Resolves true when the backend answers now; never throws. */
  isReady(): Promise<boolean>;
  /** Closes connections; called on application shutdown. */
  close(): Promise<void>;
}
