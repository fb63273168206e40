// access/ — who may reach a route: SessionGuard and the @Public, @CurrentUser and @RequireRecentLogin decorators.
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { SessionProfile } from '../core/session-data.augmentation.js';
import { requestOf } from './execution-request.js';

/**
 * The signed-in user's `SessionProfile` (undefined on a public route without a session), in an
 * HTTP route, a GraphQL resolver or a socket.io message handler.
 */
export const CurrentUser = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): SessionProfile | undefined =>
    requestOf(ctx).session?.profile,
);
