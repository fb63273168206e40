import type { Request } from 'express';
import type { Session, Store } from 'express-session';

/** express-session adds `generate` to the store at runtime; its types leave it out. */
type GeneratingStore = Store & { generate(req: Request): void };

/**
 * Sessions created during the current request (first visit, login's regenerate). Only these may
 * create a key in the store; every other save is an update that must not bring back a session
 * that a logout or revoke deleted while the request was in flight (no resurrection).
 */
const fresh = new WeakSet<object>();

export function isFreshSession(session: object): boolean {
  return fresh.has(session);
}

export function forgetFreshSession(session: object): void {
  fresh.delete(session);
}

/**
 * express-session assigns `store.generate` when its middleware is created; every new session
 * (including `regenerate`) goes through it, while sessions loaded from the store do not.
 */
export function trackFreshSessions(store: Store): void {
  const target = store as GeneratingStore;
  const generate = target.generate.bind(store);
  target.generate = (req: Request) => {
    generate(req);
    fresh.add(req.session as Session);
  };
}
