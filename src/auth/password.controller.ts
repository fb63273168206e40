import { Body, Controller, HttpCode, Post, Req, UseGuards, UsePipes } from '@nestjs/common';
import type { Request } from 'express';
import { RequireRecentLogin } from '../access/require-recent-login.decorator.js';
import { SessionRoutesGuard } from '../access/session-routes.guard.js';
import { SessionValidationPipe } from '../core/http/session-validation.pipe.js';
import { PasswordChangeDto } from './password-change.dto.js';
import { PasswordService } from './password.service.js';

export interface PasswordChangeResponse {
  /** How many other sessions of the user were ended. */
  revokedSessions: number;
}

/** `POST /auth/password`: change the signed-in user's password. */
@Controller('auth')
@UseGuards(SessionRoutesGuard)
@UsePipes(SessionValidationPipe)
export class PasswordController {
  constructor(private readonly passwords: PasswordService) {}

  /** Answers with a new session cookie: the session id changes with the password. */
  @Post('password')
  @HttpCode(200)
  @RequireRecentLogin()
  async change(
    @Body() dto: PasswordChangeDto,
    @Req() req: Request,
  ): Promise<PasswordChangeResponse> {
    return { revokedSessions: await this.passwords.change(req, dto) };
  }
}
