import {
  Body,
  Controller,
  HttpCode,
  Post,
  Req,
  Res,
  UseGuards,
  UsePipes,
  ValidationPipe,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { RequireRecentLogin } from '../access/require-recent-login.decorator.js';
import { SessionGuard } from '../access/session.guard.js';
import { PasswordChangeDto } from './password-change.dto.js';
import { PasswordService } from './password.service.js';

export interface PasswordChangeResponse {
  /** How many other sessions of the user were ended. */
  revokedSessions: number;
}

/** `POST /auth/password`: change the signed-in user's password. */
@Controller('auth')
@UseGuards(SessionGuard)
@UsePipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }))
export class PasswordController {
  constructor(private readonly passwords: PasswordService) {}

  /** Answers with a new session cookie: the session id changes with the password. */
  @Post('password')
  @HttpCode(200)
  @RequireRecentLogin()
  async change(
    @Body() dto: PasswordChangeDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<PasswordChangeResponse> {
    return { revokedSessions: await this.passwords.change(req, res, dto) };
  }
}
