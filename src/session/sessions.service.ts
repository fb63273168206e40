import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import type { SessionData } from 'express-session';
import { randomBytes } from 'node:crypto';
import { AUTH_AUDIT_EVENTS } from '../audit/audit.constants.js';
import { AuditService } from '../audit/audit.service.js';
import { requestClient } from '../core/http/request-client.js';
import { SESSION_OPTIONS, SESSION_STORE } from '../core/session.constants.js';
import type { SessionProfile } from '../core/session-data.augmentation.js';
import type { ResolvedSessionOptions } from '../core/options/session-options.resolver.js';
import type { SessionEndReason } from './session-expiry.js';
import { SessionAuthException } from '../core/errors/session-auth.exception.js';
import { CredentialVersions } from './credential-versions.js';
import {
  destroySession,
  orStoreUnavailable,
  regenerateSession,
  saveSession,
  storeUnavailable,
} from './session-persistence.js';
import { type SessionSummary, summarize } from './session-summary.js';
import { UserSessions } from './user-sessions.js';
import { RememberTokens } from './remember-tokens.js';
import type { SessionStore } from '../stores/session.store.js';

export interface RevokeOptions {
  /** A session id to keep (the caller's own, for "sign out everywhere else"). */
  except?: string;
  /** Recorded in each `auth.session.revoked` event. Default `admin`. */
  reason?: string;
  /** The request asking, so events carry its IP and user agent. */
  req?: Request;
}

/** Options of `SessionsService.start`. */
export interface StartOptions {
  /**
   * The user's credential version, read before the password was checked (AuthService does).
   * When a password change or a revocation raised it meanwhile, the new session is ended at once
   * and `start` throws 401 `invalid_credentials`. Default: read when the session is made.
   */
  credentialVersion?: number;
  /** Made by a remember-me token, not a password: marks it `viaRememberMe`. */
  viaRememberMe?: boolean;
}

/** A user's signed-in sessions: starting, rotating, ending, listing and revoking them. */
@Injectable()
export class SessionsService {
  constructor(
    @Inject(SESSION_STORE) private readonly store: SessionStore,
    @Inject(SESSION_OPTIONS) private readonly options: ResolvedSessionOptions,
    private readonly versions: CredentialVersions,
    private readonly audit: AuditService,
    private readonly userSessions: UserSessions,
    private readonly rememberTokens: RememberTokens,
  ) {}

  /**
   * Signs `profile` in on a brand-new session id, which stops session fixation (ASVS 5.0 V7.2.4).
   * Either the session is saved, listed in the user's index and current, or this throws and the
   * request carries no session (so no cookie either).
   */
  async start(req: Request, profile: SessionProfile, options: StartOptions = {}): Promise<void> {
    const userId = profile.id;
    const credentialVersion =
      options.credentialVersion ?? (await orStoreUnavailable(this.versions.fresh(userId)));
    await orStoreUnavailable(this.userSessions.makeRoomFor(userId, credentialVersion, req));
    await regenerateSession(req);
    const now = Date.now();
    // Synchronous: 16 bytes take microseconds, and the async form would queue on libuv's thread
    // pool behind the argon2 verifies of the logins in flight.
    const publicId = randomBytes(16).toString('base64url');
    // No lastSeenAt (it counts from createdAt until the first extension) and no credential
    // version 0 (absent means 0): 48 bytes less keep the stored JSON in a smaller allocation
    // class of Redis's allocator, which is most of the bytes per session (docs/performance.md).
    Object.assign(req.session, { profile, createdAt: now, publicId });
    Object.assign(req.session, requestClient(req), {
      credentialVersion: credentialVersion || undefined,
    });
    if (options.viaRememberMe) req.session.viaRememberMe = true;
    await this.indexAndSave(req, userId);
    if (options.credentialVersion === undefined) return;
    // A password change or revocation that raised the version while this sign-in was checking
    // the password may have swept the index before this session was saved: end it here. A raise
    // after this read finds the session saved and indexed, and its sweep ends it.
    const current = await this.versions.fresh(userId).catch((err: unknown) => err);
    if (current === credentialVersion) return;
    const sid = req.sessionID;
    await destroySession(req).catch((err: unknown) => {
      // Still stored, but outdated, and its cookie never leaves: nobody can use it.
      req.session = undefined as never;
      throw err;
    });
    await this.forget(userId, sid);
    if (current instanceof Error) throw storeUnavailable(current);
    throw new SessionAuthException('invalid_credentials');
  }

  /** Moves the current session to a new id and keeps its data (after a password change). */
  async rotate(req: Request): Promise<void> {
    const oldSid = req.sessionID;
    const data: Partial<SessionData> = { ...req.session };
    delete data.cookie;
    delete data.passwordChangePending;
    await regenerateSession(req);
    Object.assign(req.session, data, { lastSeenAt: Date.now() });
    if (data.profile) await this.indexAndSave(req, data.profile.id);
    else await saveSession(req);
    if (data.profile) await this.forget(data.profile.id, oldSid);
  }

  /**
   * Indexes the request's new session, then saves it: a stray entry (the save failed) is pruned
   * by a later listing, while a saved session missing from the index could not be listed or
   * swept. When the index write fails, the session is dropped from the request, so express-session
   * neither saves it at the end of the response nor sends its cookie: the 503 leaves no session
   * behind that nobody could revoke.
   */
  private async indexAndSave(req: Request, userId: string): Promise<void> {
    try {
      await this.store.index.add(userId, req.sessionID);
    } catch (err) {
      req.session = undefined as never;
      throw storeUnavailable(err);
    }
    await saveSession(req);
  }

  /**
   * Ends the current session because its credential version is outdated (SessionLifecycle
   * middleware); the request goes on signed out.
   */
  async endOutdated(req: Request): Promise<void> {
    const { profile, publicId } = req.session;
    const sid = req.sessionID;
    await regenerateSession(req);
    if (!profile) return;
    await this.forget(profile.id, sid);
    this.userSessions.recordRevoked(profile.id, publicId, 'credentials_changed', req);
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
    const sessions = await this.userSessions.live(req.session.profile!.id);
    // The caller's own session passed the credential check on this request: any other with
    // another version has ended, though it was not deleted yet.
    const version = req.session.credentialVersion ?? 0;
    return sessions
      .filter(({ data }) => (data.credentialVersion ?? 0) === version)
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
    const target = (await this.userSessions.live(userId)).find((s) => s.data.publicId === publicId);
    if (!target) throw new SessionAuthException('session_not_found');
    const current = target.sid === req.sessionID;
    if (current) await destroySession(req);
    else await this.store.remove(target.sid);
    await this.store.index.remove(userId, target.sid);
    this.userSessions.recordRevoked(userId, target.data.publicId, 'user', req);
    return current;
  }

  /**
   * Ends every session of a user, e.g. when an admin disables the account (ASVS 5.0 V7.4.2,
   * V7.4.5). Each cookie is refused from its next request on. Returns how many were ended.
   *
   * The user's credential version is raised first, so a session whose sign-in is still under
   * way ends too, whenever it is saved; then every session the index lists is deleted. The
   * session `except` names moves to the new version and lives on.
   */
  async revokeAllSessions(userId: string, options: RevokeOptions = {}): Promise<number> {
    const version = await this.versions.bump(userId);
    if (version !== undefined && options.except !== undefined) {
      await this.adoptVersion(userId, options.except, version, options.req);
    }
    const targets = (await this.userSessions.live(userId)).filter((s) => s.sid !== options.except);
    await Promise.all(targets.map((s) => this.store.remove(s.sid)));
    await this.store.index.remove(userId, ...targets.map((s) => s.sid));
    for (const { data } of targets) {
      this.userSessions.recordRevoked(
        userId,
        data.publicId,
        options.reason ?? 'admin',
        options.req,
      );
    }
    // Remember-me tokens end with the sessions: the raised version refuses them anyway, and
    // deleting them keeps them from lingering in the user's list.
    for (const token of await this.rememberTokens.removeAll(userId)) {
      this.audit.record(
        AUTH_AUDIT_EVENTS.rememberRevoked,
        { userId, deviceId: token.publicId, reason: options.reason ?? 'admin' },
        options.req,
      );
    }
    return targets.length;
  }

  /**
   * Ends every session of the user at its next request, without deleting any: one counter
   * raise, e.g. after their roles changed (the sessions hold the roles copied at sign-in), or
   * to sign a user out everywhere cheaply. A backend that keeps no credential versions gets
   * `revokeAllSessions` instead.
   */
  async invalidateUser(userId: string): Promise<void> {
    const version = await this.versions.bump(userId);
    if (version === undefined) await this.revokeAllSessions(userId, { reason: 'invalidated' });
  }

  /**
   * Writes `profile` (e.g. new roles) into every live session of its user, which stay signed
   * in. The credential version is raised first and each rewritten session moves to it, so any
   * session this misses (a sign-in under way, a request that saves an older copy meanwhile) ends
   * at its next request instead of keeping the old profile. Returns how many were rewritten.
   */
  async refreshProfile(userId: string, profile: SessionProfile): Promise<number> {
    if (profile.id !== userId) {
      throw new Error('SessionsService.refreshProfile: profile.id must be the userId');
    }
    const version = await this.versions.bump(userId);
    const sessions = await this.userSessions.live(userId);
    await Promise.all(
      sessions.map(({ sid, data }) =>
        this.store.rewrite(sid, { ...data, profile, credentialVersion: version }),
      ),
    );
    return sessions.length;
  }

  /** Moves one session (the request's own when it is that one) to `version`. */
  private async adoptVersion(
    userId: string,
    sid: string,
    version: number,
    req?: Request,
  ): Promise<void> {
    if (req?.sessionID === sid && req.session?.profile?.id === userId) {
      req.session.credentialVersion = version;
      await saveSession(req);
      return;
    }
    const data = await this.store.read(sid);
    if (data?.profile?.id === userId) {
      await this.store.rewrite(sid, { ...data, credentialVersion: version });
    }
  }
}
