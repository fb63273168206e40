import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { SESSION_GUARD } from '../core/session.constants.js';
import { SessionGuard } from './session.guard.js';

/**
 * The guard on the routes SessionModule owns (`/auth/...`): the app's `SESSION_GUARD` when it
 * provides one (typically a `SessionGuard` subclass), else the module's `SessionGuard`, so an
 * app's override applies to every route alike. The token is looked up app-wide, as
 * USER_DIRECTORY is, so the app provides it in whichever module its guard's dependencies live.
 */
@Injectable()
export class SessionRoutesGuard implements CanActivate {
  private guard?: CanActivate;

  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly sessionGuard: SessionGuard,
  ) {}

  canActivate(context: ExecutionContext): ReturnType<CanActivate['canActivate']> {
    // Looked up on first use: by then every module of the app has its providers.
    this.guard ??= this.appGuard() ?? this.sessionGuard;
    return this.guard.canActivate(context);
  }

  private appGuard(): CanActivate | undefined {
    try {
      return this.moduleRef.get<CanActivate>(SESSION_GUARD, { strict: false });
    } catch {
      return undefined;
    }
  }
}
