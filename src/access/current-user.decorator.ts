// access/ — who may reach a route: SessionGuard and the @Public, @CurrentUser and @RequireRecentLogin decorators.
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { SessionProfile } from '../core/session-data.augmentation.js';

/** The signed-in user's `SessionProfile` (undefined on a public route without a session). */
export const CurrentUser = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): SessionProfile | undefined =>
    ctx.switchToHttp().getRequest<Request>().session?.profile,
);
