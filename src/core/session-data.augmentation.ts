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

/**
 * A sign-in whose password checked out and that waits for its second factor: the
 * `pending_second_factor` state. Kept apart from `profile`, so nothing that looks for a signed-in
 * user finds one until the code is checked.
 */
export interface PendingSecondFactor {
  /** Who signs in once the code checks out (copied at the password step, as `profile` would be). */
  profile: SessionProfile;
  /** Epoch ms of the password step: the pending state ends `secondFactor.pendingSeconds` later. */
  startedAt: number;
  /** The credential version read before the password was checked, recorded at completion. */
  credentialVersion?: number;
  /** The throttling and audit name of the account (AccountHasher) the password step used. */
  accountHash: string;
  /**
   * The password step asked to be remembered (`remember: true`): the remember-me token is
   * issued once the code checks out, never before, so it stands for both factors.
   */
  remember?: boolean;
}

/** A TOTP enrolment started and not yet confirmed with a first code. */
export interface UnconfirmedSecondFactor {
  /** The new secret, encrypted as it will be stored (never in clear in the session store). */
  encryptedSecret: string;
  /** Epoch ms the enrolment started. */
  startedAt: number;
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
    /** Set between the password step and the second factor; `profile` is unset meanwhile. */
    pendingSecondFactor?: PendingSecondFactor;
    /** A TOTP secret shown for enrolment and waiting for its first code. */
    secondFactorEnrolment?: UnconfirmedSecondFactor;
  }
}
