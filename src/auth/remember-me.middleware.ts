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

  use(req: Request, res: Response, next: NextFunction): void | Promise<void> {
    // Signed in: nothing to restore, and no promise on the path every guarded request takes.
    if (req.session?.profile) return next();
    return this.rememberMe.restore(req, res).then(() => next());
  }
}
