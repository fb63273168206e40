import { describe, expect, it } from '@jest/globals';
import type { Request } from 'express';
import type { SessionData } from 'express-session';
import type { SessionBackend } from '../core/session-backend.interface.js';
import { SessionStore } from './session.store.js';

/** A backend that records its calls; `stall` makes every call hang. */
function recordingBackend(stall = false) {
  const calls: string[] = [];
  const answer = <T>(call: string, value: T): Promise<T> => {
    calls.push(call);
    return stall ? new Promise<T>(() => undefined) : Promise.resolve(value);
  };
  const backend: SessionBackend = {
    kind: 'recording',
    index: {
      add: () => answer('index.add', undefined),
      remove: () => answer('index.remove', undefined),
      members: () => answer('index.members', []),
    },
    get: () => answer('get', null),
    create: (sid) => answer(`create ${sid}`, undefined),
    update: (sid) => answer(`update ${sid}`, false),
    touch: (sid) => answer(`touch ${sid}`, undefined),
    destroy: (sid) => answer(`destroy ${sid}`, undefined),
  };
  return { backend, calls };
}

const serializer = { stringify: JSON.stringify, parse: JSON.parse as (raw: string) => SessionData };
const settings = { timeoutMs: 50, ttlSeconds: 60, touchIntervalMs: 1000, serializer };

/** What express-session hands `set`: the session, carrying its request as a hidden property. */
function sessionOf(req: Request, data: Partial<SessionData> = {}): SessionData {
  const session = { cookie: {}, ...data } as SessionData;
  Object.defineProperty(session, 'req', { value: req });
  return session;
}

const settle = (run: (cb: (err?: unknown) => void) => void) =>
  new Promise<unknown>((resolve) => run((err) => resolve(err)));

describe('SessionStore', () => {
  it('creates only the id it generated for this request, once; every other save is an update', async () => {
    const { backend, calls } = recordingBackend();
    const store = new SessionStore(backend, settings);
    const req = {} as Request;
    const sid = store.genid(req);
    req.sessionID = sid;
    expect(store.isNew(req)).toBe(true);

    await settle((cb) => store.set(sid, sessionOf(req), cb));
    await settle((cb) => store.set(sid, sessionOf(req), cb));
    // A session loaded from the store, or data without a request, never creates.
    await settle((cb) => store.set('loaded', sessionOf({} as Request), cb));
    await settle((cb) => store.set('plain', { cookie: {} } as SessionData, cb));
    expect(calls).toEqual([`create ${sid}`, `update ${sid}`, 'update loaded', 'update plain']);
    expect(store.isNew(req)).toBe(false);
  });

  it('skips touches within the touch interval of lastSeenAt', async () => {
    const { backend, calls } = recordingBackend();
    const store = new SessionStore(backend, settings);
    const now = Date.now();
    await settle((cb) => store.touch('recent', { lastSeenAt: now - 10 } as SessionData, cb));
    await settle((cb) => store.touch('due', { lastSeenAt: now - 5000 } as SessionData, cb));
    await settle((cb) => store.touch('unknown', {} as SessionData, cb));
    expect(calls).toEqual(['touch due', 'touch unknown']);
  });

  it('fails every call of a stalled backend within the store timeout', async () => {
    const { backend } = recordingBackend(true);
    const store = new SessionStore(backend, settings);
    const started = Date.now();
    const errors = await Promise.all([
      settle((cb) => store.get('sid', cb)),
      settle((cb) => store.destroy('sid', cb)),
      store.index.members('user').catch((err: unknown) => err),
    ]);
    expect(errors.map((e) => (e as Error).message)).toEqual(
      Array(3).fill('session store did not answer within 50 ms'),
    );
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await store.isReachable()).toBe(true); // no ping: always reachable
  });
});
