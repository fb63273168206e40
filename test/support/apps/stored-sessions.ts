import type { INestApplication } from '@nestjs/common';
import type { SessionData } from 'express-session';
import { SESSION_STORE, type SessionStore } from '../../../src/index.js';
import type { RunningApp } from './demo-app.js';

/** A demo app from startDemoApp, or any Nest app that imports SessionModule. */
export type AppWithStore = RunningApp | Pick<INestApplication, 'get'>;

/** The app's session store, to look at sessions without a request (which would touch them). */
export function storeOf(target: AppWithStore): SessionStore {
  const app = 'server' in target ? target.app : target;
  return app.get<SessionStore>(SESSION_STORE);
}

/** The session as the store holds it now, or null. A plain GET: it does not extend the TTL. */
export function storedSession(target: AppWithStore, sid: string): Promise<SessionData | null> {
  return storeOf(target).read(sid);
}

/**
 * True while the store holds a session under `sid`, whatever the backend (Redis, Redis Cluster,
 * PostgreSQL or the embedded store), so a "deleted from the store" check runs on every one.
 */
export async function isStored(target: AppWithStore, sid: string): Promise<boolean> {
  return (await storedSession(target, sid)) !== null;
}
