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
    /** Epoch ms of the last request, refreshed at most once per touch interval. */
    lastSeenAt?: number;
  }
}
