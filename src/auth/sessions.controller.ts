import {
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { RequireRecentLogin } from '../access/require-recent-login.decorator.js';
import { SESSION_OPTIONS } from '../core/session.constants.js';
import { SessionAuthException } from '../core/errors/session-auth.exception.js';
import { SessionRoutesGuard } from '../access/session-routes.guard.js';
import type { ResolvedSessionOptions } from '../core/options/session-options.resolver.js';
import { clearSessionCookie, orStoreUnavailable } from '../session/session-persistence.js';
import type { SessionSummary } from '../session/session-summary.js';
import { SessionsService } from '../session/sessions.service.js';
import { type RememberedDevice, RememberTokens } from '../session/remember-tokens.js';
import { RememberMeService } from './remember-me.service.js';

/** Public ids are 16 random bytes in base64url. */
const PUBLIC_ID = /^[A-Za-z0-9_-]{22}$/;

export interface SessionListResponse {
  sessions: SessionSummary[];
  /** Browsers that a remember-me cookie signs in again; revoke one with its `id`. */
  rememberedDevices: RememberedDevice[];
}

export interface RevokeOthersResponse {
  revoked: number;
}

/**
 * `/auth/sessions`: the signed-in user sees their sessions and ends any of them (ASVS 5.0
 * V7.5.2). Ending sessions needs a recent sign-in, so a stolen session cannot lock the owner out.
 */
@Controller('auth')
@UseGuards(SessionRoutesGuard)
export class SessionsController {
  constructor(
    private readonly sessions: SessionsService,
    private readonly rememberTokens: RememberTokens,
    private readonly rememberMe: RememberMeService,
    @Inject(SESSION_OPTIONS) private readonly options: ResolvedSessionOptions,
  ) {}

  @Get('sessions')
  async list(@Req() req: Request): Promise<SessionListResponse> {
    const userId = req.session.profile!.id;
    const [sessions, rememberedDevices] = await orStoreUnavailable(
      Promise.all([this.sessions.list(req), this.rememberTokens.list(userId)]),
    );
    return { sessions, rememberedDevices };
  }

  @Post('sessions/revoke-others')
  @HttpCode(200)
  @RequireRecentLogin()
  async revokeOthers(@Req() req: Request): Promise<RevokeOthersResponse> {
    const revoked = await orStoreUnavailable(
      this.sessions.revokeAllSessions(req.session.profile!.id, {
        except: req.sessionID,
        reason: 'user',
        req,
      }),
    );
    return { revoked };
  }

  /**
   * Forgets a remembered device: its remember-me cookie signs nobody in any more. Declared before
   * `sessions/:id`, which would not match it anyway (one path segment).
   */
  @Delete('sessions/remembered/:id')
  @HttpCode(204)
  @RequireRecentLogin()
  async revokeDevice(
    @Param('id') id: string,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<void> {
    const found = PUBLIC_ID.test(id) && (await this.rememberMe.revokeDevice(req, res, id));
    if (!found) throw new SessionAuthException('remembered_device_not_found');
  }

  /** Revoking the current session signs out, like POST /auth/logout. */
  @Delete('sessions/:id')
  @HttpCode(204)
  @RequireRecentLogin()
  async revoke(
    @Param('id') id: string,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<void> {
    // An id that cannot exist gets the same answer as one that does not.
    if (!PUBLIC_ID.test(id)) throw new SessionAuthException('session_not_found');
    const wasCurrent = await orStoreUnavailable(this.sessions.revoke(req, id));
    if (wasCurrent) clearSessionCookie(res, this.options);
  }
}
