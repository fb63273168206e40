// core/ — the lowest layer: injection tokens, the session data type, resolved options, errors and request helpers. It imports no other layer.
// Types `req.session` for the library and for every app that imports it. This is a .ts file
// (not a hand-written .d.ts) so that tsc carries the augmentation into the published build.
import 'express-session';

/** What the library keeps about the signed-in user. Never the password hash. */
export interface SessionProfile {
  id: string;
  email: string;
  displayName: string;
  roles: string[];
}

declare module 'express-session' {
  interface SessionData {
    profile?: SessionProfile;
    /** Epoch ms of login: the absolute timeout and recent-login checks count from here. */
    createdAt?: number;
    /**
     * Epoch ms of the last request, refreshed at most once per touch interval. Absent until the
     * first refresh after sign-in: then it is `createdAt`.
     */
    lastSeenAt?: number;
    /**
     * Random id that names this session in `GET /auth/sessions`, revocation and audit events.
     * The session id itself is a bearer secret and never leaves the cookie (ASVS 5.0 V16.2.5).
     */
    publicId?: string;
    /** Client IP at sign-in, as Express's `trust proxy` setting reads it. */
    ip?: string;
    /** User-Agent at sign-in (cut to 256 characters). */
    userAgent?: string;
    /**
     * The user's credential version read before the password was checked at sign-in; the session
     * ends once the user's current version differs (password change, revocation). Absent: 0.
     */
    credentialVersion?: number;
    /**
     * Set while a password change of this session is under way: a retry of a change whose new
     * hash was saved before a store failure is accepted with the new password.
     */
    passwordChangePending?: boolean;
    /**
     * True for a session a remember-me cookie made, without a password: `@RequireRecentLogin()`
     * routes refuse it (401 `reauth_required`) until the user signs in with their password.
     */
    viaRememberMe?: boolean;
  }
}
