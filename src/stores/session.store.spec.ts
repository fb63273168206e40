import { afterEach, describe, expect, it, jest } from '@jest/globals';
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
    destroy: (sid) => answer(`destroy ${sid}`, undefined),
  };
  return { backend, calls };
}

const serializer = { stringify: JSON.stringify, parse: JSON.parse as (raw: string) => SessionData };
const settings = {
  timeoutMs: 50,
  ttlSeconds: 60,
  absoluteTimeoutSeconds: 600,
  serializer,
};

/** What express-session hands `set`: the session, carrying its request as a hidden property. */
function sessionOf(req: Request, data: Partial<SessionData> = {}): SessionData {
  const session = { cookie: {}, ...data } as SessionData;
  Object.defineProperty(session, 'req', { value: req });
  return session;
}

const settle = (run: (cb: (err?: unknown) => void) => void) =>
  new Promise<unknown>((resolve) => run((err) => resolve(err)));

afterEach(() => {
  jest.restoreAllMocks();
});

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

  it('has no touch, so express-session writes nothing after a read that changed nothing', () => {
    // express-session touches only a store with a touch method; the session's expiry moves with
    // the update that SessionLifecycleMiddleware's lastSeenAt change causes once per interval.
    const store = new SessionStore(recordingBackend().backend, settings);
    expect('touch' in store).toBe(false);
  });

  it("moves a signed-in session's index entry to its idle deadline, capped by the absolute one", async () => {
    const { backend, calls } = recordingBackend();
    backend.update = (sid) => {
      calls.push(`update ${sid}`);
      return Promise.resolve(true);
    };
    const moved: Array<[string, string, number]> = [];
    backend.index.touch = (userId, sid, deadline) => {
      moved.push([userId, sid, deadline]);
      return Promise.resolve();
    };
    const store = new SessionStore(backend, settings);
    const now = Date.now();
    jest.spyOn(Date, 'now').mockReturnValue(now);
    const profile = { id: 'u1', email: 'a@b.c', displayName: 'A', roles: [] };
    // A save of a session loaded from the store: an update, which moves the index entry.
    const save = (sid: string, data: Partial<SessionData>) =>
      settle((cb) => store.set(sid, sessionOf({} as Request, data), cb));
    // Idle deadline (now + 60 s) first; then the absolute one (sign-in + 600 s) comes first.
    await save('idle', { profile, createdAt: now });
    await save('absolute', { profile, createdAt: now - 590_000 });
    // No sign-in time: counted from now, so the idle deadline.
    await save('no-created', { profile });
    // Anonymous: no index entry to move, and no error.
    expect(await save('anonymous', { createdAt: now })).toBeUndefined();
    expect(moved).toEqual([
      ['u1', 'idle', now + 60_000],
      ['u1', 'absolute', now + 10_000],
      ['u1', 'no-created', now + 60_000],
    ]);
    expect(calls).toEqual(['update idle', 'update absolute', 'update no-created', 'update anonymous']);
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
