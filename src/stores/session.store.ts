import { Logger } from '@nestjs/common';
import type { Request } from 'express';
import { Store, type SessionData } from 'express-session';
import { randomBytes } from 'node:crypto';
import {
  RateLimiterMemory,
  RLWrapperTimeouts,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import type {
  RateLimiterSpec,
  SessionBackend,
  SessionIndex,
  SessionIndexEntry,
} from '../core/session-backend.interface.js';
import type { SessionSerializer } from './compact-session.serializer.js';
import { KeyedLock } from './keyed-lock.js';
import { toCallback, withTimeout } from './store-timeout.js';

type Callback<T = unknown> = (err?: unknown, value?: T) => void;

/** express-session's Session carries its request as a hidden property. */
type SessionWithRequest = SessionData & { req?: Request };

/** An index entry; `writtenAt` is unknown when the backend's index cannot tell (see `entries`). */
export type IndexEntry = Pick<SessionIndexEntry, 'sessionId'> & { writtenAt?: number };

interface SessionStoreSettings {
  /** Bound on every backend call, so a stalled backend means a 503, not a hung request. */
  timeoutMs: number;
  /** The idle timeout: how long an untouched session lives in the backend. */
  ttlSeconds: number;
  /** The absolute timeout: no index entry is kept past sign-in + this. */
  absoluteTimeoutSeconds: number;
  serializer: SessionSerializer;
}

/**
 * The module's one express-session Store. Whatever the backend, it
 * - bounds every call with the store timeout (store-timeout.ts);
 * - never lets an update create a session: only an id generated during this request is created,
 *   every later save is a `backend.update`, which refuses a session that a logout or revoke
 *   deleted while the request was in flight (no resurrection);
 * - has no `touch`: express-session then writes nothing after a request that changed nothing
 *   (it would hash the session once more to find out), and the expiry moves with the update
 *   that SessionLifecycleMiddleware's `lastSeenAt` change causes once per touch interval;
 * - generates the session ids (see `genid`);
 * - waits for the backend at startup, one way for all (see `open`).
 */
export class SessionStore extends Store {
  readonly kind: string;
  /** The backend's index, each call bounded by the store timeout. */
  readonly index: SessionIndex;
  /** The id generated for each request's new session, until that session is first saved. */
  private readonly fresh = new WeakMap<Request, string>();
  /** Serializes `swapRecord` per key on backends without `swap`. */
  private readonly locks = new KeyedLock();

  constructor(
    private readonly backend: SessionBackend,
    private readonly settings: SessionStoreSettings,
  ) {
    super();
    this.kind = backend.kind;
    this.index = {
      add: (userId, sid) => this.bounded(backend.index.add(userId, sid)),
      remove: (userId, ...sids) => this.bounded(backend.index.remove(userId, ...sids)),
      members: (userId) => this.bounded(backend.index.members(userId)),
    };
  }

  /** The user's index entries, with their age where the backend keeps it. */
  async indexEntries(userId: string): Promise<IndexEntry[]> {
    const { index } = this.backend;
    if (index.entries) return this.bounded(index.entries(userId));
    const ids = await this.bounded(index.members(userId));
    return ids.map((sessionId) => ({ sessionId }));
  }

  /** True when the backend keeps credential versions (see `SessionBackend.credentialVersion`). */
  get keepsCredentialVersions(): boolean {
    return !!(this.backend.credentialVersion && this.backend.bumpCredentialVersion);
  }

  /** The user's credential version, read from the backend; undefined when it keeps none. */
  async credentialVersion(userId: string): Promise<number | undefined> {
    if (!this.keepsCredentialVersions) return undefined;
    return this.bounded(this.backend.credentialVersion!(userId));
  }

  /** Raises the user's credential version; undefined when the backend keeps none. */
  async bumpCredentialVersion(userId: string): Promise<number | undefined> {
    if (!this.keepsCredentialVersions) return undefined;
    return this.bounded(this.backend.bumpCredentialVersion!(userId));
  }

  /** Builds the store and gives its backend up to the store timeout to become ready. */
  static async open(
    backend: SessionBackend,
    settings: SessionStoreSettings,
  ): Promise<SessionStore> {
    const store = new SessionStore(backend, settings);
    if (backend.ready) {
      const ready = await withTimeout(backend.ready(), settings.timeoutMs).then(
        () => true,
        () => false,
      );
      // Keep booting: guarded routes answer 503 and readiness says not ready until the backend
      // answers. Exiting here would only make a crash loop.
      if (!ready) {
        new Logger('SessionModule').warn(
          `The ${backend.kind} session store is not reachable at startup; retrying in the background`,
        );
      }
    }
    return store;
  }

  /**
   * express-session's `genid` option (SessionMiddleware passes it). express-session calls it for
   * every new session (first visit, `regenerate`) and never for one loaded from the store, so
   * the id it returns is the one id this request may create. Passing it as an option is
   * express-session's documented hook; wrapping `store.generate`, which express-session assigns
   * at runtime, would be patching. The id is express-session's own: 24 random bytes, base64url.
   */
  genid(req: Request): string {
    const sid = randomBytes(24).toString('base64url');
    this.fresh.set(req, sid);
    return sid;
  }

  /** True while the request's session was made by this very request and is not saved yet. */
  isNew(req: Request): boolean {
    return req.sessionID !== undefined && this.fresh.get(req) === req.sessionID;
  }

  override get(sid: string, cb: Callback<SessionData | null>): void {
    void toCallback(this.read(sid), cb);
  }

  override set(sid: string, session: SessionData, cb?: Callback): void {
    void toCallback(
      this.write(sid, session).then(() => undefined),
      cb,
    );
  }

  override destroy(sid: string, cb?: Callback): void {
    void toCallback(this.remove(sid), cb);
  }

  /** The session stored under `sid`, or null; a plain read that does not extend its life. */
  async read(sid: string): Promise<SessionData | null> {
    const raw = await this.bounded(this.backend.get(sid));
    return raw === null ? null : this.settings.serializer.parse(raw);
  }

  /** The sessions stored under `sids`, in order, in one backend call where it can batch. */
  async readMany(sids: string[]): Promise<Array<SessionData | null>> {
    if (sids.length === 0) return [];
    const { backend } = this;
    const raws = backend.getMany
      ? await this.bounded(backend.getMany(sids))
      : await Promise.all(sids.map((sid) => this.bounded(backend.get(sid))));
    return raws.map((raw) => (raw === null ? null : this.settings.serializer.parse(raw)));
  }

  /**
   * Replaces the data of the session stored under `sid`, outside any request. Like every later
   * save, never creates: resolves false when the session is gone.
   */
  async rewrite(sid: string, data: SessionData): Promise<boolean> {
    return this.write(sid, data);
  }

  /** Deletes the session stored under `sid`, if any. */
  remove(sid: string): Promise<void> {
    return this.bounded(this.backend.destroy(sid));
  }

  /**
   * A record kept beside the sessions under a key of its own namespace (`remember:…`), as the
   * backend stores it. Session ids are signed in their cookie, so no request can name such a key
   * as its session.
   */
  readRecord(key: string): Promise<string | null> {
    return this.bounded(this.backend.get(key));
  }

  /**
   * Writes a record only if it still holds `expected` (null: only if there is none); resolves
   * whether it wrote. See `SessionBackend.swap`; without it, a lock in this process serializes
   * the read and the write, so the compare holds on this instance only.
   */
  swapRecord(key: string, expected: string | null, value: string, ttlSeconds: number) {
    const { backend } = this;
    if (backend.swap) return this.bounded(backend.swap(key, expected, value, ttlSeconds));
    return this.locks.run(key, async () => {
      const current = await this.bounded(backend.get(key));
      if (current !== expected) return false;
      if (expected === null) await this.bounded(backend.create(key, value, ttlSeconds));
      else return this.bounded(backend.update(key, value, ttlSeconds));
      return true;
    });
  }

  /**
   * A limiter whose counters live in the backend, bounded by the store timeout, or one in this
   * process when the backend keeps none.
   */
  rateLimiter(spec: RateLimiterSpec): RateLimiterAbstract {
    const shared = this.backend.createRateLimiter?.(spec);
    if (!shared) return new RateLimiterMemory(spec);
    return new RLWrapperTimeouts({ limiter: shared, timeoutMs: this.settings.timeoutMs });
  }

  /** True when the backend answers within the store timeout; never throws. */
  async isReachable(): Promise<boolean> {
    if (!this.backend.ping) return true;
    return this.bounded(this.backend.ping()).catch(() => false);
  }

  async close(): Promise<void> {
    await this.backend.close?.();
  }

  private async write(sid: string, session: SessionWithRequest): Promise<boolean> {
    const value = this.settings.serializer.stringify(session);
    const { ttlSeconds } = this.settings;
    const req = session.req;
    if (req && this.fresh.get(req) === sid) {
      await this.bounded(this.backend.create(sid, value, ttlSeconds));
      // Created once: any later save in this request is an update like any other.
      this.fresh.delete(req);
      return true;
    }
    // False when the session is gone: writing nothing is the point, so it is no error.
    const updated = await this.bounded(this.backend.update(sid, value, ttlSeconds));
    if (updated) await this.touchIndex(sid, session);
    return updated;
  }

  /**
   * Moves a signed-in session's index entry to its new idle deadline (capped by the absolute
   * one), so the entry of a session that idles out goes with it instead of 12 h later.
   */
  private async touchIndex(sid: string, session: SessionData): Promise<void> {
    const userId = session.profile?.id;
    const { index } = this.backend;
    if (!index.touch || userId === undefined) return;
    const { ttlSeconds, absoluteTimeoutSeconds } = this.settings;
    const now = Date.now();
    const idleDeadline = now + ttlSeconds * 1000;
    const absoluteDeadline = (session.createdAt ?? now) + absoluteTimeoutSeconds * 1000;
    await this.bounded(index.touch(userId, sid, Math.min(idleDeadline, absoluteDeadline)));
  }

  private bounded<T>(work: Promise<T>): Promise<T> {
    return withTimeout(work, this.settings.timeoutMs);
  }
}
