import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Request, Response } from 'express';
import { SESSION_OPTIONS, USER_DIRECTORY } from '../session/session.constants.js';
import type { SessionProfile } from '../session/session-data.augmentation.js';
import {
  HttpsRequiredException,
  InvalidCredentialsException,
} from '../session/session.exceptions.js';
import type { ResolvedSessionOptions } from '../session/session-options.resolver.js';
import {
  destroySession,
  regenerateSession,
  requireSession,
  saveSession,
} from '../session/session-persistence.js';
import { PasswordHasher } from './password.hasher.js';
import type { UserDirectory, UserRecord } from './user-directory.interface.js';

export const MISSING_USER_DIRECTORY =
  'SessionModule: no UserDirectory. Provide one in any module of your app: ' +
  '{ provide: USER_DIRECTORY, useClass: YourUserDirectory } (see README, "Use it in your app").';

@Injectable()
export class AuthService implements OnModuleInit {
  private directory!: UserDirectory;

  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly hasher: PasswordHasher,
    @Inject(SESSION_OPTIONS) private readonly options: ResolvedSessionOptions,
  ) {}

  onModuleInit(): void {
    // Looked up app-wide, so the app can provide USER_DIRECTORY in whichever module owns users.
    try {
      this.directory = this.moduleRef.get<UserDirectory>(USER_DIRECTORY, { strict: false });
    } catch {
      throw new Error(MISSING_USER_DIRECTORY);
    }
  }

  /**
   * Checks the credentials, then starts a new session: a fresh id on every login stops session
   * fixation (ASVS 5.0 V7.2.4), and the session is saved before the answer goes out.
   */
  async login(
    req: Request,
    res: Response,
    email: string,
    password: string,
  ): Promise<SessionProfile> {
    requireSession(req, res);
    if (this.options.cookieSecure && !req.secure) throw new HttpsRequiredException();

    const user = await this.verifyCredentials(email, password);
    await regenerateSession(req, res);
    const now = Date.now();
    const profile = toProfile(user);
    req.session.profile = profile;
    req.session.createdAt = now;
    req.session.lastSeenAt = now;
    await saveSession(req, res);
    return profile;
  }

  /** Deletes the session in the store and expires the cookie with the attributes it was set with. */
  async logout(req: Request, res: Response): Promise<void> {
    requireSession(req, res);
    await destroySession(req, res);
    res.clearCookie(this.options.cookieName, {
      path: '/',
      httpOnly: true,
      secure: this.options.cookieSecure,
      sameSite: this.options.cookieSameSite,
      domain: this.options.cookieDomain,
    });
  }

  private async verifyCredentials(email: string, password: string): Promise<UserRecord> {
    const user = await this.directory.findByEmail(normalizeEmail(email));
    if (!user) {
      await this.hasher.verifyDummy(password);
      throw new InvalidCredentialsException();
    }
    if (!(await this.hasher.verify(user.passwordHash, password))) {
      throw new InvalidCredentialsException();
    }
    await this.rehashIfWeak(user, password);
    return user;
  }

  /** Upgrades hashes made with weaker parameters while the plain password is at hand. */
  private async rehashIfWeak(user: UserRecord, password: string): Promise<void> {
    if (!this.directory.updatePasswordHash || !this.hasher.needsRehash(user.passwordHash)) return;
    await this.directory.updatePasswordHash(user.id, await this.hasher.hash(password));
  }
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

function toProfile(user: UserRecord): SessionProfile {
  return { id: user.id, email: user.email, displayName: user.displayName, roles: [...user.roles] };
}
