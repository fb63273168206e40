import type { RateLimiterAbstract } from 'rate-limiter-flexible';

/**
 * Where sessions live, behind one small contract. The module's one express-session Store
 * (stores/session.store.ts) sits on top and owns every rule: timeouts, touch throttling, "an
 * update never creates", id generation and the startup wait. A backend only talks to its driver.
 * The built-in ones are memory, Redis, Redis Cluster and PostgreSQL; an app passes its own
 * through `store: { kind: 'custom', backend }`, as @nestjs/throttler takes a `storage`.
 *
 * It lives in core/, not stores/, because the module options name it.
 *
 * Values are opaque strings (the Store serializes sessions), so a backend keeps a copy and never
 * holds on to a live `req.session`. Every call is bounded by the store timeout in the Store; a
 * backend needs no timeout of its own.
 */
export interface SessionBackend {
  /** Short name for logs and health output, e.g. `redis`, `postgres`, `my-dynamo`. */
  readonly kind: string;
  /** The value stored under `sid`, or null when there is none or it expired. */
  get(sid: string): Promise<string | null>;
  /** Stores a new session, replacing any value under `sid`, to expire in `ttlSeconds`. */
  create(sid: string, value: string, ttlSeconds: number): Promise<void>;
  /**
   * Replaces the value of a session that still exists and moves its expiry to `ttlSeconds` from
   * now. Never creates one: resolves false when `sid` is gone (a logout or revoke deleted it while
   * the request was in flight), so a late write cannot bring a session back.
   */
  update(sid: string, value: string, ttlSeconds: number): Promise<boolean>;
  /** Moves the expiry of an existing session to `ttlSeconds` from now; does nothing if it is gone. */
  touch(sid: string, ttlSeconds: number): Promise<void>;
  /** Deletes the session; resolves too when there was none. */
  destroy(sid: string): Promise<void>;
  /** The session ids of each user, for listing and revoking sessions. */
  readonly index: SessionIndex;
  /**
   * Resolves once the backend can serve (connected, tables made). At boot the Store waits for it
   * up to the store timeout, then boots anyway while the backend keeps trying: exiting would only
   * make a crash loop. Absent: ready at once.
   */
  ready?(): Promise<void>;
  /** True when the backend answers now (health checks); may reject. Absent: always true. */
  ping?(): Promise<boolean>;
  /** Closes connections and timers on application shutdown. */
  close?(): Promise<void>;
  /**
   * A rate limiter whose counters live in this backend, so login limits hold across instances.
   * Absent: the login throttler counts in this process only.
   */
  createRateLimiter?(spec: RateLimiterSpec): RateLimiterAbstract;
}

/**
 * The session ids of each user, so a user can list and revoke their sessions and an admin can end
 * them all (ASVS 5.0 V7.4.2, V7.4.5, V7.5.2).
 *
 * Entries may outlive their session (a session that expired in the store stays listed until the
 * next `members` call sees it is gone and removes it), so readers must check each id in the store.
 */
export interface SessionIndex {
  /** Records that `sessionId` belongs to `userId`. */
  add(userId: string, sessionId: string): Promise<void>;
  /** Forgets these session ids of `userId`; unknown ids are ignored. */
  remove(userId: string, ...sessionIds: string[]): Promise<void>;
  /** Every session id recorded for `userId`, live or not. */
  members(userId: string): Promise<string[]>;
}

/** What a rate limiter counts: `points` per `duration` seconds, under its own key prefix. */
export interface RateLimiterSpec {
  keyPrefix: string;
  points: number;
  duration: number;
}
