import {
  Body,
  Controller,
  Get,
  Header,
  HttpCode,
  Post,
  Query,
  Req,
  Res,
  UsePipes,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { CurrentUser } from '../access/current-user.decorator.js';
import { Public } from '../access/public.decorator.js';
import { RequireRecentLogin } from '../access/require-recent-login.decorator.js';
import { SecondFactorCodeDto, SecondFactorConfirmDto } from '../auth/second-factor.dto.js';
import { SecondFactorService } from '../auth/second-factor.service.js';
import { isSessionError } from '../core/errors/session-auth.exception.js';
import { safeRedirectTarget } from '../core/http/safe-redirect.js';
import { SessionValidationPipe } from '../core/http/session-validation.pipe.js';
import type { SessionProfile } from '../core/session-data.augmentation.js';
import { CsrfService } from '../security/csrf.service.js';
import {
  type CodePageError,
  enrolmentPage,
  recoveryCodesPage,
  secondFactorCodePage,
  secondFactorSettingsPage,
} from './second-factor.views.js';

const SETTINGS = '/account/second-factor';

/**
 * The demo's pages for the TOTP second factor: the code step after the password (its form posts
 * to the library's `POST /auth/second-factor`), and the settings page, whose forms call
 * SecondFactorService here so they can render the QR code and the recovery codes as HTML.
 */
@Controller()
@UsePipes(SessionValidationPipe)
export class SecondFactorPagesController {
  constructor(
    private readonly secondFactor: SecondFactorService,
    private readonly csrf: CsrfService,
  ) {}

  /** Where the login form goes (`secondFactor.pageUrl`) when the account has a second factor. */
  @Public()
  @Get('login/second-factor')
  @Header('Cache-Control', 'no-store')
  codePage(
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @Query('next') next?: unknown,
    @Query('error') error?: unknown,
  ): string | void {
    if (!req.session?.pendingSecondFactor) return res.redirect(303, '/login');
    res.type('html');
    return secondFactorCodePage(
      safeRedirectTarget(next),
      codeError(error),
      this.csrf.issue(req, res),
    );
  }

  @Get('account/second-factor')
  @Header('Cache-Control', 'no-store')
  async settings(
    @CurrentUser() profile: SessionProfile,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @Query('error') error?: unknown,
  ): Promise<string> {
    const status = await this.secondFactor.status(profile);
    res.type('html');
    return secondFactorSettingsPage(status, codeError(error), this.csrf.issue(req, res));
  }

  @RequireRecentLogin()
  @Post('account/second-factor/enrol')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  async enrol(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<string> {
    const enrolment = await this.secondFactor.startEnrolment(req);
    res.type('html');
    return enrolmentPage(enrolment, this.csrf.issue(req, res));
  }

  @Post('account/second-factor/confirm')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  async confirm(
    @Body() dto: SecondFactorConfirmDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string | void> {
    try {
      const { recoveryCodes } = await this.secondFactor.confirmEnrolment(req, dto.code);
      res.type('html');
      return recoveryCodesPage(recoveryCodes);
    } catch (err) {
      return this.backToSettings(err, res);
    }
  }

  @RequireRecentLogin()
  @Post('account/second-factor/disable')
  async disable(
    @Body() dto: SecondFactorCodeDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<void> {
    try {
      await this.secondFactor.disable(req, dto.code);
      res.redirect(303, SETTINGS);
    } catch (err) {
      this.backToSettings(err, res);
    }
  }

  /** A wrong code or a lockout goes back to the settings page with a message; the rest throws. */
  private backToSettings(err: unknown, res: Response): void {
    if (isSessionError(err, 'invalid_second_factor_code')) {
      return res.redirect(303, `${SETTINGS}?error=invalid`);
    }
    if (isSessionError(err, 'too_many_attempts')) {
      return res.redirect(303, `${SETTINGS}?error=throttled`);
    }
    throw err;
  }
}

function codeError(error: unknown): CodePageError | undefined {
  if (error === undefined) return undefined;
  return error === 'throttled' ? 'throttled' : 'invalid';
}
