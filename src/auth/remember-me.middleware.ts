import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { RememberMeService } from './remember-me.service.js';

/**
 * The pipeline's last step, after the timeouts and credential checks: a request left without a
 * signed-in session but with a valid remember-me cookie is signed in again here, before any guard
 * decides (see RememberMeService.restore).
 */
@Injectable()
export class RememberMeMiddleware implements NestMiddleware {
  constructor(private readonly rememberMe: RememberMeService) {}

  async use(req: Request, res: Response, next: NextFunction): Promise<void> {
    await this.rememberMe.restore(req, res);
    next();
  }
}
