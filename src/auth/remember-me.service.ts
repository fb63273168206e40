import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AUTH_AUDIT_EVENTS } from '../audit/audit.constants.js';
import { AuditService } from '../audit/audit.service.js';
import { isSessionError } from '../core/errors/session-auth.exception.js';
import { requestClient } from '../core/http/request-client.js';
import {
  rememberCookieSettings,
  type RememberCookieSettings,
} from '../core/http/session-cookie.js';
import type { ResolvedSessionOptions } from '../core/options/session-options.resolver.js';
import { SESSION_LOGGER_CONTEXT, SESSION_OPTIONS } from '../core/session.constants.js';
import { readCookie } from '../security/csrf.service.js';
import {
  type IssuedRememberToken,
  parseRememberCookie,
  rememberCookieValue,
  type RememberTokenRecord,
  RememberTokens,
  type RememberTokenSecret,
} from '../session/remember-tokens.js';
import { orStoreUnavailable } from '../session/session-persistence.js';
import { SessionsService } from '../session/sessions.service.js';

/**
 * "Remember me" over HTTP: the cookie, and what each route does with it. The tokens themselves
 * (hash-only storage, rotation, the race and theft rules) are RememberTokens' business.
 *
 * Store errors fail closed: a failure while restoring leaves the request without a session
 * (guarded routes answer 503 `session_store_unavailable`), signs nobody in and keeps the cookie,
 * so the browser is signed in again once the store answers.
 */
@Injectable()
export class RememberMeService {
  private readonly cookie: RememberCookieSettings;
  private readonly logger = new Logger(SESSION_LOGGER_CONTEXT);

  constructor(
    private readonly tokens: RememberTokens,
    private readonly sessions: SessionsService,
    private readonly audit: AuditService,
    @Inject(SESSION_OPTIONS) private readonly options: ResolvedSessionOptions,
  ) {
    this.cookie = rememberCookieSettings(options);
  }

  /**
   * After a full sign-in: forgets the token this browser had (it may be another user's), and
   * issues a new one when the user asked to be remembered.
   */
  async afterSignIn(req: Request, res: Response, remember: boolean): Promise<void> {
    const previous = this.presented(req);
    if (previous) {
      await orStoreUnavailable(this.tokens.remove(previous.selector));
      this.clearCookie(res);
    }
    const { profile, publicId, credentialVersion } = req.session;
    if (!remember || !this.options.rememberMe.enabled || !profile) return;
    const issued = await orStoreUnavailable(
      this.tokens.issue(profile, credentialVersion, requestClient(req)),
    );
    this.setCookie(res, issued);
    this.audit.record(
      AUTH_AUDIT_EVENTS.rememberIssued,
      { userId: profile.id, sessionId: publicId, deviceId: issued.record.publicId },
      req,
    );
  }

  /**
   * Runs before the guard on a request that has no signed-in session: a valid remember cookie
   * signs the browser in again on a new session (`viaRememberMe`), with a new validator. A
   * signed-in request costs nothing here: no store read.
   */
  async restore(req: Request, res: Response): Promise<void> {
    const session = req.session;
    if (!session || session.profile || !this.options.rememberMe.enabled) return;
    const raw = readCookie(req.headers.cookie, this.cookie.name);
    if (raw === undefined) return;
    const secret = parseRememberCookie(raw);
    if (!secret) return this.clearCookie(res);
    try {
      await this.restoreWith(req, res, secret);
    } catch (err) {
      // Only the error's message: never the cookie, the selector or the validator.
      this.logger.warn(`Remember-me sign-in failed: ${(err as Error).message}`);
      req.session = undefined as never;
    }
  }

  /** Logout: deletes this browser's token and expires its cookie. */
  async forget(req: Request, res: Response): Promise<void> {
    const secret = this.presented(req);
    if (!secret) return;
    const record = await orStoreUnavailable(this.tokens.remove(secret.selector));
    this.clearCookie(res);
    if (record) this.recordRevoked(req, record, 'logout');
  }

  /**
   * The user revoked one of their remembered devices; expires the cookie too when it was this
   * browser's. Resolves false when the user has no device with this id.
   */
  async revokeDevice(req: Request, res: Response, publicId: string): Promise<boolean> {
    const userId = req.session.profile!.id;
    const revoked = await orStoreUnavailable(this.tokens.revoke(userId, publicId));
    if (!revoked) return false;
    if (this.presented(req)?.selector === revoked.selector) this.clearCookie(res);
    this.audit.record(
      AUTH_AUDIT_EVENTS.rememberRevoked,
      { userId, deviceId: publicId, reason: 'user' },
      req,
    );
    return true;
  }

  private async restoreWith(req: Request, res: Response, secret: RememberTokenSecret) {
    const use = await this.tokens.use(secret);
    switch (use.outcome) {
      case 'unknown':
        return this.clearCookie(res);
      case 'raced':
        // Another request of this browser used the token a moment ago and carries the new
        // cookie: leave every cookie alone, so this answer cannot overwrite it.
        return;
      case 'outdated':
        this.clearCookie(res);
        return this.recordRevoked(req, use.record, 'credentials_changed');
      case 'stolen':
        return this.onTheft(req, res, use.record);
      case 'rotated':
        return this.signInAgain(req, res, use.issued);
    }
  }

  private async signInAgain(req: Request, res: Response, issued: IssuedRememberToken) {
    const { record } = issued;
    // Set first: the old validator is dead from now on, whatever fails next.
    this.setCookie(res, issued);
    try {
      await this.sessions.start(req, record.user, {
        credentialVersion: record.credentialVersion,
        viaRememberMe: true,
      });
    } catch (err) {
      if (!isSessionError(err, 'invalid_credentials')) throw err;
      // A password change or revocation raised the version while this ran.
      await this.tokens.remove(issued.selector, record.userId);
      this.clearCookie(res);
      return this.recordRevoked(req, record, 'credentials_changed');
    }
    this.audit.record(
      AUTH_AUDIT_EVENTS.rememberUsed,
      { userId: record.userId, sessionId: req.session.publicId, deviceId: record.publicId },
      req,
    );
  }

  /**
   * A validator the token no longer has: whoever holds the current one and whoever holds this
   * one both had the cookie, so one of them stole it. Neither can tell which, so both lose:
   * every session and token of the user ends (a raised credential version), and the owner
   * signs in again with their password.
   */
  private async onTheft(req: Request, res: Response, record: RememberTokenRecord) {
    this.clearCookie(res);
    this.audit.record(
      AUTH_AUDIT_EVENTS.rememberTokenTheft,
      { userId: record.userId, deviceId: record.publicId, reason: 'validator_reused' },
      req,
    );
    await this.sessions.revokeAllSessions(record.userId, {
      reason: 'remember_token_theft',
      req,
    });
  }

  private recordRevoked(req: Request, record: RememberTokenRecord, reason: string): void {
    this.audit.record(
      AUTH_AUDIT_EVENTS.rememberRevoked,
      { userId: record.userId, deviceId: record.publicId, reason },
      req,
    );
  }

  private presented(req: Request): RememberTokenSecret | undefined {
    return parseRememberCookie(readCookie(req.headers.cookie, this.cookie.name));
  }

  private setCookie(res: Response, issued: IssuedRememberToken): void {
    res.cookie(this.cookie.name, rememberCookieValue(issued), {
      ...this.cookie.attributes,
      maxAge: Math.max(0, issued.record.expiresAt - Date.now()),
    });
    // Whatever the route: no cache may keep an answer that carries a token.
    res.setHeader('Cache-Control', 'no-store');
  }

  private clearCookie(res: Response): void {
    res.clearCookie(this.cookie.name, this.cookie.attributes);
  }
}
