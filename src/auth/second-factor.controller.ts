import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  Post,
  Req,
  Res,
  UseGuards,
  UsePipes,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { CurrentUser } from '../access/current-user.decorator.js';
import { Public } from '../access/public.decorator.js';
import { RequireRecentLogin } from '../access/require-recent-login.decorator.js';
import { SessionRoutesGuard } from '../access/session-routes.guard.js';
import { isSessionError } from '../core/errors/session-auth.exception.js';
import type { ResolvedSessionOptions } from '../core/options/session-options.resolver.js';
import { isFormPost } from '../core/http/request-kind.js';
import { safeRedirectTarget } from '../core/http/safe-redirect.js';
import { SessionValidationPipe } from '../core/http/session-validation.pipe.js';
import { withQuery } from '../core/http/url-query.js';
import type { SessionProfile } from '../core/session-data.augmentation.js';
import { SESSION_OPTIONS } from '../core/session.constants.js';
import { CsrfService } from '../security/csrf.service.js';
import type { LoginResponse } from './auth.controller.js';
import { RememberMeService } from './remember-me.service.js';
import {
  RecoveryCodesDto,
  SecondFactorCodeDto,
  SecondFactorConfirmDto,
} from './second-factor.dto.js';
import {
  type RecoveryCodesResponse,
  type SecondFactorEnrolment,
  SecondFactorService,
  type SecondFactorStatus,
} from './second-factor.service.js';

/**
 * `/auth/second-factor`: the code step of sign-in (public: the session is not signed in yet),
 * and, for the signed-in user, enrolment, disabling and new recovery codes. Every POST needs the
 * CSRF token, and every answer is `Cache-Control: no-store` (NoStoreMiddleware), since some carry
 * a secret or recovery codes.
 */
@Controller('auth')
@UseGuards(SessionRoutesGuard)
@UsePipes(SessionValidationPipe)
export class SecondFactorController {
  constructor(
    private readonly secondFactor: SecondFactorService,
    private readonly csrf: CsrfService,
    private readonly rememberMe: RememberMeService,
    @Inject(SESSION_OPTIONS) private readonly options: ResolvedSessionOptions,
  ) {}

  /** Answers like `POST /auth/login`: the profile and the new session's CSRF token, or a redirect. */
  @Public()
  @Post('second-factor')
  @HttpCode(200)
  async complete(
    @Body() dto: SecondFactorCodeDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<LoginResponse | void> {
    const form = isFormPost(req);
    const next = safeRedirectTarget(dto.next);
    try {
      // Read before completing: the sign-in moves to a new session without the pending state.
      const remember = req.session?.pendingSecondFactor?.remember === true;
      const profile = await this.secondFactor.complete(req, dto.code);
      // Remember-me, as after a password-only sign-in: only once the whole sign-in succeeded.
      await this.rememberMe.afterSignIn(req, res, remember);
      if (!form) {
        if (!this.options.csrf.enabled) return { profile };
        return { profile, csrfToken: this.csrf.rotate(req, res) };
      }
      res.redirect(303, next);
    } catch (err) {
      const error = formCodeError(err);
      if (!form || !error) throw err;
      // An ended wait starts over at the password; a wrong code gets the code page again.
      const page = error === 'expired' ? this.options.loginUrl : this.options.secondFactor.pageUrl;
      res.redirect(303, withQuery(page, { error, next }));
    }
  }

  @Get('second-factor')
  status(@CurrentUser() profile: SessionProfile): Promise<SecondFactorStatus> {
    return this.secondFactor.status(profile);
  }

  /** A stolen session alone must not be able to put its own authenticator on the account. */
  @RequireRecentLogin()
  @Post('second-factor/enrol')
  @HttpCode(200)
  enrol(@Req() req: Request): Promise<SecondFactorEnrolment> {
    return this.secondFactor.startEnrolment(req);
  }

  @Post('second-factor/enrol/confirm')
  @HttpCode(200)
  confirm(
    @Body() dto: SecondFactorConfirmDto,
    @Req() req: Request,
  ): Promise<RecoveryCodesResponse> {
    return this.secondFactor.confirmEnrolment(req, dto.code);
  }

  /** Both a recent sign-in and a code: a stolen session, or a stolen phone, alone is not enough. */
  @RequireRecentLogin()
  @Post('second-factor/disable')
  @HttpCode(204)
  async disable(@Body() dto: SecondFactorCodeDto, @Req() req: Request): Promise<void> {
    await this.secondFactor.disable(req, dto.code);
  }

  @Post('second-factor/recovery-codes')
  @HttpCode(200)
  recoveryCodes(
    @Body() dto: RecoveryCodesDto,
    @Req() req: Request,
  ): Promise<RecoveryCodesResponse> {
    return this.secondFactor.regenerateRecoveryCodes(req, dto.code);
  }
}

/** What the code page should say after a failed form post; undefined for other errors. */
function formCodeError(err: unknown): 'invalid' | 'throttled' | 'expired' | undefined {
  if (isSessionError(err, 'invalid_second_factor_code')) return 'invalid';
  if (isSessionError(err, 'too_many_attempts')) return 'throttled';
  if (isSessionError(err, 'second_factor_expired')) return 'expired';
  if (isSessionError(err, 'second_factor_not_pending')) return 'expired';
  return undefined;
}
