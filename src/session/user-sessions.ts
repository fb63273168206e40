import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import type { SessionData } from 'express-session';
import { AUTH_AUDIT_EVENTS } from '../audit/audit.constants.js';
import { AuditService } from '../audit/audit.service.js';
import { SESSION_OPTIONS, SESSION_STORE } from '../core/session.constants.js';
import type { ResolvedSessionOptions } from '../core/options/session-options.resolver.js';
import type { SessionStore } from '../stores/session.store.js';

/** A session of the user that still exists in the store. */
export type LiveSession = { sid: string; data: SessionData };

/**
 * One user's sessions as the per-user index and the store see them together: which are live
 * (pruning entries whose session is gone), and room under `maxSessionsPerUser`. SessionsService
 * builds listing and revocation on it.
 */
@Injectable()
export class UserSessions {
  constructor(
    @Inject(SESSION_STORE) private readonly store: SessionStore,
    @Inject(SESSION_OPTIONS) private readonly options: ResolvedSessionOptions,
    private readonly audit: AuditService,
  ) {}

  /**
   * With `maxSessionsPerUser`, ends the user's oldest sessions until one more fits, before a
   * sign-in makes it. Sign-ins of one user that run at the same time may each find room, so the
   * cap can be passed by as many as run together, until the next sign-in.
   */
  async makeRoomFor(userId: string, version: number | undefined, req: Request): Promise<void> {
    const max = this.options.maxSessionsPerUser;
    if (max === undefined) return;
    const live = await this.live(userId);
    // Sessions of an older credential version have ended already: they take no room.
    const isCurrent = (s: LiveSession) =>
      version === undefined || (s.data.credentialVersion ?? 0) === version;
    const current = live.filter(isCurrent);
    if (current.length < max) return;
    const oldest = current
      .sort((a, b) => (a.data.createdAt ?? 0) - (b.data.createdAt ?? 0))
      .slice(0, current.length - max + 1);
    await Promise.all(oldest.map((s) => this.store.remove(s.sid)));
    await this.store.index.remove(userId, ...oldest.map((s) => s.sid));
    for (const { data } of oldest) this.recordRevoked(userId, data.publicId, 'session_limit', req);
  }

  /**
   * The user's sessions that still exist in the store, read in one batch where the backend can.
   * Entries whose session expired or was deleted are removed from the index on the way (lazy
   * cleanup: stores drop sessions on their own timers and cannot say whose they were), but only
   * once they are older than twice the store timeout: a younger entry may belong to a sign-in
   * whose save is still on its way, and removing it would hide that session from revocation.
   */
  async live(userId: string): Promise<LiveSession[]> {
    const entries = await this.store.indexEntries(userId);
    const loaded = await this.store.readMany(entries.map((e) => e.sessionId));
    const live: LiveSession[] = [];
    const gone: string[] = [];
    const settled = Date.now() - 2 * this.options.store.timeoutMs;
    entries.forEach(({ sessionId, writtenAt }, i) => {
      const data = loaded[i];
      if (data?.profile?.id === userId) live.push({ sid: sessionId, data });
      else if (writtenAt !== undefined && writtenAt < settled) gone.push(sessionId);
    });
    if (gone.length > 0) await this.store.index.remove(userId, ...gone);
    return live;
  }

  /** Records one ended session of `userId` as an `auth.session.revoked` event. */
  recordRevoked(userId: string, publicId: string | undefined, why: string, req?: Request): void {
    this.audit.record(
      AUTH_AUDIT_EVENTS.sessionRevoked,
      { userId, sessionId: publicId, reason: why },
      req,
    );
  }
}
