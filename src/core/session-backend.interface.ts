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
  /**
   * @deprecated Never called: a session's expiry moves with the `update` its `lastSeenAt` change
   * causes once per touch interval, so a separate touch has nothing left to do. Kept optional so
   * that backends written for earlier versions still compile; remove it from yours.
   */
  touch?(sid: string, ttlSeconds: number): Promise<void>;
  /** Deletes the session; resolves too when there was none. */
  destroy(sid: string): Promise<void>;
  /**
   * Compare-and-set: stores `value` under `sid` (to expire in `ttlSeconds`) only if the value
   * there now is exactly `expected`, or, when `expected` is null, only if there is none. Resolves
   * whether it wrote. Remember-me tokens rotate through it, so two requests that present the same
   * token cannot both win (see session/remember-tokens.ts). Absent: the Store emulates it with a
   * `get` and a `create`/`update` under a lock in this process, which is atomic on one instance
   * only.
   */
  swap?(sid: string, expected: string | null, value: string, ttlSeconds: number): Promise<boolean>;
  /**
   * The values stored under each of `sids`, in order (null where there is none): one round trip
   * instead of one `get` per session when a user lists their sessions. Absent: one `get` each.
   */
  getMany?(sids: string[]): Promise<Array<string | null>>;
  /**
   * The user's credential version: a counter that a password change, `revokeAllSessions` and
   * `invalidateUser` raise. Each session records it at sign-in and ends at its next request once
   * they differ, so revocation also ends sessions that no sweep of the index could find (a
   * sign-in still in flight). 0 for a user whose version was never raised. It must outlive
   * every session (no TTL); a lost value ends the user's sessions, which fails safe.
   *
   * Absent (with `bumpCredentialVersion`): sessions are ended only by the sweep of the index,
   * so a sign-in that straddles a password change or a revocation can outlive it.
   */
  credentialVersion?(userId: string): Promise<number>;
  /** Raises the user's credential version by one, atomically, and resolves the new value. */
  bumpCredentialVersion?(userId: string): Promise<number>;
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
 * An entry is added before its session is first saved (so a saved session is never missing from
 * the index), and may outlive its session (one that expired in the store stays listed until a
 * listing sees it is gone), so readers check each id in the store. A listing removes an entry
 * whose session is missing only once the entry is older than twice the store timeout: a younger
 * one may belong to a sign-in whose save is still on its way.
 */
export interface SessionIndex {
  /** Records that `sessionId` belongs to `userId`. */
  add(userId: string, sessionId: string): Promise<void>;
  /** Forgets these session ids of `userId`; unknown ids are ignored. */
  remove(userId: string, ...sessionIds: string[]): Promise<void>;
  /** Every session id recorded for `userId`, live or not. */
  members(userId: string): Promise<string[]>;
  /**
   * Every entry of `userId` with the time it was last written (added or touched). Absent: the
   * entries' age is unknown, so a listing never removes an entry, and the backend must drop
   * stale entries itself (as the Redis index does by score).
   */
  entries?(userId: string): Promise<SessionIndexEntry[]>;
  /**
   * The session was used: keep its entry until `expiresAt` (epoch ms, the session's new idle
   * deadline, never past its absolute one), so entries of idle sessions can be dropped early.
   * Never adds an entry that is gone. Absent: entries live until the backend drops them.
   */
  touch?(userId: string, sessionId: string, expiresAt: number): Promise<void>;
}

/** One entry of a user's index. */
export interface SessionIndexEntry {
  sessionId: string;
  /** Epoch ms of the entry's last write: its sign-in, or the session's last extension. */
  writtenAt: number;
}

/** What a rate limiter counts: `points` per `duration` seconds, under its own key prefix. */
export interface RateLimiterSpec {
  keyPrefix: string;
  points: number;
  duration: number;
}
