import { SetMetadata } from '@nestjs/common';
import { GUEST_ONLY_KEY } from '../core/session.constants.js';

/**
 * For pages only signed-out visitors need, such as sign-in and sign-up: open without a session
 * (like `@Public()`), while a signed-in browser is redirected to a safe `?next=` or `/`, and an
 * API call gets 409 `already_authenticated`. Django's `redirect_authenticated_user`, Laravel's
 * `RedirectIfAuthenticated`. Needs `SessionGuard` on the route, or globally.
 */
export const GuestOnly = (): MethodDecorator & ClassDecorator => SetMetadata(GUEST_ONLY_KEY, true);
