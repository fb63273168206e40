import type { SessionData, Store } from 'express-session';

/** Promise forms of a store's callbacks, for work on sessions other than the request's own. */
export function loadFromStore(store: Store, sid: string): Promise<SessionData | null> {
  return new Promise((resolve, reject) => {
    store.get(sid, (err, session) => (err ? reject(err) : resolve(session ?? null)));
  });
}

export function destroyInStore(store: Store, sid: string): Promise<void> {
  return new Promise((resolve, reject) => {
    store.destroy(sid, (err) => (err ? reject(err) : resolve()));
  });
}
