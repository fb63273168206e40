import type { Store } from 'express-session';

/**
 * express-session calls `store.touch` after every request that left the session unchanged, and
 * connect-redis answers each with an EXPIRE: one write per read. `lastSeenAt` says when the expiry
 * was last extended (SessionLifecycleMiddleware refreshes it once per interval, and the save that
 * change causes resets the store TTL), so a touch within `intervalMs` of it is skipped. Sessions
 * without `lastSeenAt` are touched as before. Wrapping the store keeps this the same for every
 * backend, including those that touch with an UPDATE.
 */
export function throttleTouch(store: Store, intervalMs: number): void {
  const touch = store.touch?.bind(store);
  if (!touch || intervalMs <= 0) return;
  store.touch = (sid, session, callback) => {
    const last = session.lastSeenAt;
    if (last !== undefined && Date.now() - last < intervalMs) {
      callback?.();
      return;
    }
    touch(sid, session, callback);
  };
}
