import type { SessionData } from 'express-session';
import { SESSION_STORE, type SessionStore } from '../../../src/index.js';
import type { RunningApp } from './demo-app.js';

/** The app's session store, to look at sessions without a request (which would touch them). */
export function storeOf(running: RunningApp): SessionStore {
  return running.app.get<SessionStore>(SESSION_STORE);
}

/** The session as the store holds it now, or null. A plain GET: it does not extend the TTL. */
export function storedSession(running: RunningApp, sid: string): Promise<SessionData | null> {
  return storeOf(running).read(sid);
}
