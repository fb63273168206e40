import type { Store } from 'express-session';

export type StoredSession = Parameters<Store['set']>[1];

/** store.get as express-session calls it, as a promise; rejects when there is no session. */
export function getSession(store: Store, sid: string): Promise<StoredSession> {
  return new Promise((resolve, reject) =>
    store.get(sid, (err, session) =>
      err || !session
        ? reject(err ?? new Error(`no session ${sid} in the store`))
        : resolve(session),
    ),
  );
}

/** store.set as express-session calls it at the end of a request, as a promise. */
export function setSession(store: Store, sid: string, session: StoredSession): Promise<void> {
  return new Promise((resolve, reject) =>
    store.set(sid, session, (err) => (err ? reject(err) : resolve())),
  );
}
