import { Inject, Injectable } from '@nestjs/common';
import type { SessionData } from 'express-session';
import { LRUCache } from 'lru-cache';
import { SESSION_OPTIONS, SESSION_STORE } from '../core/session.constants.js';
import type { ResolvedSessionOptions } from '../core/options/session-options.resolver.js';
import type { SessionStore } from '../stores/session.store.js';

/** Users whose version this process remembers; beyond that the least recently used go. */
const CACHED_USERS = 10_000;

/**
 * Each user's credential version (see `SessionBackend.credentialVersion`): a session recorded
 * the version at sign-in and is valid only while it is still the current one. A password change,
 * `revokeAllSessions` and `invalidateUser` raise it first, so every session made from an older
 * version ends at its next request, however late its sign-in saved it.
 *
 * Checking costs one read per request at most: the current version is cached in this process
 * for no longer than the touch interval and dropped here when this process raises it. Another
 * instance's raise is seen within that interval; the revocations also delete every session the
 * index lists, which ends those at once everywhere. A session that carries a newer version than
 * the cache holds (raised on another instance) triggers a fresh read, never an end. Checks of
 * one user that miss the cache together share one read, so a user with many requests in flight
 * costs one read per interval, not one per request.
 */
@Injectable()
export class CredentialVersions {
  private readonly cache?: LRUCache<string, number>;
  /** Reads under way for checks, by user; a raise drops its user's, so no later check joins it. */
  private readonly reading = new Map<string, Promise<number | undefined>>();

  constructor(
    @Inject(SESSION_STORE) private readonly store: SessionStore,
    @Inject(SESSION_OPTIONS) options: ResolvedSessionOptions,
  ) {
    if (options.timeouts.touchIntervalMs > 0) {
      this.cache = new LRUCache({ max: CACHED_USERS, ttl: options.timeouts.touchIntervalMs });
    }
  }

  /** False when the backend keeps no versions: then sessions are ended by the index sweep only. */
  get enabled(): boolean {
    return this.store.keepsCredentialVersions;
  }

  /** The current version, read from the store now (sign-in, checks after a change). */
  async fresh(userId: string): Promise<number | undefined> {
    const version = await this.store.credentialVersion(userId);
    if (version !== undefined) this.cache?.set(userId, version);
    return version;
  }

  /** Raises the user's version, so every session made before it ends at its next request. */
  async bump(userId: string): Promise<number | undefined> {
    this.cache?.delete(userId);
    this.reading.delete(userId);
    const version = await this.store.bumpCredentialVersion(userId);
    // A read that started before the raise may have cached the old value meanwhile.
    this.cache?.delete(userId);
    this.reading.delete(userId);
    return version;
  }

  /** True while `session` was made from the user's current version; rejects on store failure. */
  async isCurrent(session: Partial<SessionData>): Promise<boolean> {
    const userId = session.profile?.id;
    if (userId === undefined || !this.enabled) return true;
    const recorded = session.credentialVersion ?? 0;
    if (this.cache?.get(userId) === recorded) return true;
    return (await this.sharedRead(userId)) === recorded;
  }

  /** `fresh(userId)`, joined by every check of that user that comes while it is under way. */
  private sharedRead(userId: string): Promise<number | undefined> {
    let read = this.reading.get(userId);
    if (!read) {
      read = this.fresh(userId).finally(() => {
        if (this.reading.get(userId) === read) this.reading.delete(userId);
      });
      this.reading.set(userId, read);
    }
    return read;
  }
}
