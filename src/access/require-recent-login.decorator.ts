import { SetMetadata } from '@nestjs/common';
import { RECENT_LOGIN_KEY } from '../core/session.constants.js';

/**
 * Allows the route only when the session signed in at most `seconds` ago (default: the module's
 * `recentLoginSeconds`); older sessions get 401 `reauth_required` and must sign in again. For
 * actions a stolen session should not be able to take on its own: password change, session
 * revocation, email change (ASVS 5.0 V7.5.1, V7.5.2). Enforced by SessionGuard.
 */
export const RequireRecentLogin = (seconds?: number): MethodDecorator & ClassDecorator => {
  if (seconds !== undefined && (!Number.isInteger(seconds) || seconds <= 0)) {
    throw new Error(
      `@RequireRecentLogin(seconds): seconds must be a positive whole number, got ${seconds}`,
    );
  }
  return SetMetadata(RECENT_LOGIN_KEY, seconds ?? null);
};
