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
import { CsrfService, type CsrfTokenResponse } from '../security/csrf.service.js';
import { CurrentUser } from '../access/current-user.decorator.js';
import { Public } from '../access/public.decorator.js';
import { isFormPost } from '../core/http/request-kind.js';
import { safeRedirectTarget } from '../core/http/safe-redirect.js';
import { SESSION_OPTIONS } from '../core/session.constants.js';
import type { SessionProfile } from '../core/session-data.augmentation.js';
import { isSessionError } from '../core/errors/session-auth.exception.js';
import { SessionValidationPipe } from '../core/http/session-validation.pipe.js';
import { withQuery } from '../core/http/url-query.js';
import { SessionRoutesGuard } from '../access/session-routes.guard.js';
import { requireSession } from '../session/session-persistence.js';
import type { ResolvedSessionOptions } from '../core/options/session-options.resolver.js';
import { AuthService } from './auth.service.js';
import { LoginDto } from './login.dto.js';
import { RememberMeService } from './remember-me.service.js';

export interface ProfileResponse {
  profile: SessionProfile;
}

/** What `POST /auth/login` answers: the profile, and the new session's CSRF token. */
export interface LoginResponse extends ProfileResponse {
  /**
   * The token for the next unsafe request (sign-in replaced it), also sent in the CSRF header
   * and cookie; absent when CSRF protection is off.
   */
  csrfToken?: string;
}

/**
 * What `POST /auth/login` answers when the password checked out and the account has a second
 * factor: nobody is signed in yet; send the code to `POST /auth/second-factor`.
 */
export interface SecondFactorRequiredResponse {
  secondFactorRequired: true;
  state: 'pending_second_factor';
  /** The token for the code request (the session id changed); absent when CSRF is off. */
  csrfToken?: string;
}

/** `/auth`: JSON for SPAs and API clients, redirects for classic HTML form posts. */
@Controller('auth')
@UseGuards(SessionRoutesGuard)
@UsePipes(SessionValidationPipe)
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly csrf: CsrfService,
    private readonly rememberMe: RememberMeService,
    @Inject(SESSION_OPTIONS) private readonly options: ResolvedSessionOptions,
  ) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  async login(
    @Body() dto: LoginDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<LoginResponse | SecondFactorRequiredResponse | void> {
    const form = isFormPost(req);
    try {
      const profile = await this.auth.login(req, dto.email, dto.password);
      // Remember-me: only after the whole sign-in succeeded.
      await this.rememberMe.afterSignIn(req, res, dto.remember === true);
      if (!form) {
        if (!this.options.csrf.enabled) return { profile };
        return { profile, csrfToken: this.csrf.rotate(req, res) };
      }
      res.redirect(303, safeRedirectTarget(dto.next));
    } catch (err) {
      if (isSessionError(err, 'second_factor_required')) {
        const pending = req.session?.pendingSecondFactor;
        // Saved with the session at the end of this request; used by POST /auth/second-factor.
        if (pending && dto.remember === true) pending.remember = true;
        return this.secondFactorStep(req, res, form, dto.next);
      }
      const error = formLoginError(err);
      if (!form || !error) throw err;
      res.redirect(
        303,
        withQuery(this.options.loginUrl, { error, next: safeRedirectTarget(dto.next) }),
      );
    }
  }

  /**
   * The password checked out and the session waits for the second factor (the
   * `pending_second_factor` state): JSON says so with the new CSRF token, a form goes on to the
   * code page.
   */
  private secondFactorStep(
    req: Request,
    res: Response,
    form: boolean,
    next: string | undefined,
  ): SecondFactorRequiredResponse | void {
    if (form) {
      const page = withQuery(this.options.secondFactor.pageUrl, { next: safeRedirectTarget(next) });
      return res.redirect(303, page);
    }
    const answer: SecondFactorRequiredResponse = {
      secondFactorRequired: true,
      state: 'pending_second_factor',
    };
    if (this.options.csrf.enabled) answer.csrfToken = this.csrf.rotate(req, res);
    return answer;
  }

  /** POST only: a GET that logs out could be triggered by any <img> on another site. */
  @Public()
  @Post('logout')
  @HttpCode(204)
  async logout(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<void> {
    await this.auth.logout(req, res);
    await this.rememberMe.forget(req, res);
    if (isFormPost(req)) res.redirect(303, this.options.loginUrl);
  }

  /**
   * The CSRF token for this browser, also set as the readable XSRF-TOKEN cookie. A same-origin
   * SPA calls it once at start (axios then echoes the cookie); a cross-origin SPA, which cannot
   * read the API's cookie, sends this value in X-XSRF-TOKEN itself. Login and logout change it
   * and send the new one in the X-XSRF-TOKEN response header (login also as `csrfToken`).
   */
  @Public()
  @Get('csrf')
  csrfToken(@Req() req: Request, @Res({ passthrough: true }) res: Response): CsrfTokenResponse {
    requireSession(req);
    return { token: this.csrf.issue(req, res) };
  }

  @Get('me')
  me(@CurrentUser() profile: SessionProfile): ProfileResponse {
    return { profile };
  }
}

/** What the login page should say after a failed form post; undefined for other errors. */
function formLoginError(err: unknown): 'invalid' | 'throttled' | undefined {
  if (isSessionError(err, 'invalid_credentials')) return 'invalid';
  if (isSessionError(err, 'too_many_attempts')) return 'throttled';
  return undefined;
}
