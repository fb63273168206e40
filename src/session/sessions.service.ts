import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import type { SessionData } from 'express-session';
import { randomBytes } from 'node:crypto';
import { AUTH_AUDIT_EVENTS } from '../audit/audit.constants.js';
import { AuditService } from '../audit/audit.service.js';
import { requestClient } from '../core/http/request-client.js';
import { SESSION_STORE } from '../core/session.constants.js';
import type { SessionProfile } from '../core/session-data.augmentation.js';
import type { SessionEndReason } from './session-expiry.js';
import { SessionAuthException } from '../core/errors/session-auth.exception.js';
import {
  destroySession,
  orStoreUnavailable,
  regenerateSession,
  saveSession,
} from './session-persistence.js';
import { type SessionSummary, summarize } from './session-summary.js';
import type { SessionStore } from '../stores/session.store.js';

export interface RevokeOptions {
  /** A session id to keep (the caller's own, for "sign out everywhere else"). */
  except?: string;
  /** Recorded in each `auth.session.revoked` event. Default `admin`. */
  reason?: string;
  /** The request asking, so events carry its IP and user agent. */
  req?: Request;
}

type LiveSession = { sid: string; data: SessionData };

/** A user's signed-in sessions: starting, rotating, ending, listing and revoking them. */
@Injectable()
export class SessionsService {
  constructor(
    @Inject(SESSION_STORE) private readonly store: SessionStore,
    private readonly audit: AuditService,
  ) {}

  /** Signs `profile` in on a brand-new session id, which stops session fixation (ASVS 5.0 V7.2.4). */
  async start(req: Request, profile: SessionProfile): Promise<void> {
    await regenerateSession(req);
    const now = Date.now();
    // Synchronous: 16 bytes take microseconds, and the async form would queue on libuv's thread
    // pool behind the argon2 verifies of the logins in flight.
    const publicId = randomBytes(16).toString('base64url');
    Object.assign(req.session, { profile, createdAt: now, lastSeenAt: now, publicId });
    Object.assign(req.session, requestClient(req));
    // Indexed before it is saved: a stray index entry is cleaned up on the next listing, while
    // a saved session missing from the index could not be listed or revoked.
    await this.track(profile.id, req.sessionID);
    await saveSession(req);
  }

  /** Moves the current session to a new id and keeps its data (after a password change). */
  async rotate(req: Request): Promise<void> {
    const oldSid = req.sessionID;
    const data: Partial<SessionData> = { ...req.session };
    delete data.cookie;
    await regenerateSession(req);
    Object.assign(req.session, data, { lastSeenAt: Date.now() });
    if (data.profile) await this.track(data.profile.id, req.sessionID);
    await saveSession(req);
    if (data.profile) await this.forget(data.profile.id, oldSid);
  }

  /** Ends the current session on a timeout; the request goes on without a signed-in user. */
  async expire(req: Request, reason: SessionEndReason): Promise<void> {
    const { profile, publicId } = req.session;
    const sid = req.sessionID;
    await regenerateSession(req);
    if (profile) await this.forget(profile.id, sid);
    this.audit.record(
      AUTH_AUDIT_EVENTS.sessionExpired,
      { userId: profile?.id, sessionId: publicId, reason },
      req,
    );
  }

  /**
   * Drops a destroyed session from its user's index. Best effort: the session is already gone,
   * and an id left behind is removed by the next listing.
   */
  async forget(userId: string, sid: string): Promise<void> {
    await this.store.index.remove(userId, sid).catch(() => undefined);
  }

  /** The signed-in caller's live sessions, most recently used first. */
  async list(req: Request): Promise<SessionSummary[]> {
    const sessions = await this.liveSessions(req.session.profile!.id);
    return sessions
      .map(({ sid, data }) =>
        // The request's own copy may hold a fresher lastSeenAt than the store's.
        sid === req.sessionID ? summarize(req.session, true) : summarize(data, false),
      )
      .sort((a, b) => (b.lastSeenAt ?? '').localeCompare(a.lastSeenAt ?? ''));
  }

  /**
   * Revokes the caller's session with this public id. Returns true when it was the caller's own
   * session, whose cookie the caller should then clear.
   */
  async revoke(req: Request, publicId: string): Promise<boolean> {
    const userId = req.session.profile!.id;
    const target = (await this.liveSessions(userId)).find((s) => s.data.publicId === publicId);
    if (!target) throw new SessionAuthException('session_not_found');
    const current = target.sid === req.sessionID;
    if (current) await destroySession(req);
    else await this.store.remove(target.sid);
    await this.store.index.remove(userId, target.sid);
    this.recordRevoked(userId, target.data.publicId, 'user', req);
    return current;
  }

  /**
   * Ends every session of a user, e.g. when an admin disables the account (ASVS 5.0 V7.4.2,
   * V7.4.5). Each cookie is refused from its next request on. Returns how many were ended.
   */
  async revokeAllSessions(userId: string, options: RevokeOptions = {}): Promise<number> {
    const targets = (await this.liveSessions(userId)).filter((s) => s.sid !== options.except);
    await Promise.all(targets.map((s) => this.store.remove(s.sid)));
    await this.store.index.remove(userId, ...targets.map((s) => s.sid));
    for (const { data } of targets) {
      this.recordRevoked(userId, data.publicId, options.reason ?? 'admin', options.req);
    }
    return targets.length;
  }

  /**
   * The user's sessions that still exist in the store. Ids whose session expired or was deleted
   * are removed from the index on the way (lazy cleanup): stores drop sessions on their own
   * timers and cannot say whose they were.
   */
  private async liveSessions(userId: string): Promise<LiveSession[]> {
    const { index } = this.store;
    const ids = await index.members(userId);
    const loaded = await Promise.all(
      ids.map(async (sid) => ({ sid, data: await this.store.read(sid) })),
    );
    const live = loaded.filter((s): s is LiveSession => s.data?.profile?.id === userId);
    const gone = loaded.filter((s) => s.data?.profile?.id !== userId).map((s) => s.sid);
    if (gone.length > 0) await index.remove(userId, ...gone);
    return live;
  }

  private async track(userId: string, sid: string): Promise<void> {
    await orStoreUnavailable(this.store.index.add(userId, sid));
  }

  private recordRevoked(
    userId: string,
    publicId: string | undefined,
    why: string,
    req?: Request,
  ): void {
    this.audit.record(
      AUTH_AUDIT_EVENTS.sessionRevoked,
      { userId, sessionId: publicId, reason: why },
      req,
    );
  }
}
