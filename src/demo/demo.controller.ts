import { Controller, Get, Header, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { CsrfService } from '../security/csrf.service.js';
import { CurrentUser } from '../access/current-user.decorator.js';
import { GuestOnly } from '../access/guest-only.decorator.js';
import { Public } from '../access/public.decorator.js';
import { safeRedirectTarget } from '../core/http/safe-redirect.js';
import type { SessionProfile } from '../core/session-data.augmentation.js';
import type { PageVisit } from './demo-session.augmentation.js';
import { homePage, loginPage, type LoginPageError, profilePage } from './views.js';

const MAX_HISTORY = 20;

/** The demo's pages. SessionGuard is global here (APP_GUARD), so public pages say so. */
@Controller()
export class DemoController {
  constructor(private readonly csrf: CsrfService) {}

  @Public()
  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  // It names whoever is signed in: no shared or browser cache may keep it.
  @Header('Cache-Control', 'no-store')
  home(@Req() req: Request): string {
    recordVisit(req);
    return homePage(req.session?.profile);
  }

  // A signed-in browser goes on to ?next= (or /) instead of seeing the form again.
  @GuestOnly()
  @Get('login')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  login(
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @Query('next') next?: unknown,
    @Query('error') error?: unknown,
  ): string {
    // The form carries a pre-session token: a forged login (login CSRF) has none.
    return loginPage(safeRedirectTarget(next), loginError(error), this.csrf.issue(req, res));
  }

  @Get('profile')
  @Header('Cache-Control', 'no-store')
  profile(
    @CurrentUser() profile: SessionProfile,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): string | { profile: SessionProfile; history: PageVisit[] } {
    recordVisit(req);
    const history = req.session.history ?? [];
    if (req.accepts(['text/html', 'application/json']) === 'application/json') {
      return { profile, history };
    }
    res.type('html');
    return profilePage(profile, history, this.csrf.issue(req, res));
  }
}

function loginError(error: unknown): LoginPageError | undefined {
  if (error === undefined) return undefined;
  return error === 'throttled' || error === 'expired' ? error : 'invalid';
}

/** Appends this page to the signed-in session's history (the demo's own session data). */
function recordVisit(req: Request): void {
  if (!req.session?.profile) return;
  const history = req.session.history ?? [];
  history.push({ path: req.path, at: Date.now() });
  req.session.history = history.slice(-MAX_HISTORY);
}
