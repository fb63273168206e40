import { describe, expect, it } from '@jest/globals';
import type { Request, Response } from 'express';
import type { SessionData } from 'express-session';
import { resolveSessionOptions } from '../core/options/session-options.resolver.js';
import type { SessionStore } from '../stores/session.store.js';
import type { CredentialVersions } from './credential-versions.js';
import { sessionEndedBy, type SessionEndReason } from './session-expiry.js';
import { SessionLifecycleMiddleware } from './session-lifecycle.middleware.js';
import type { SessionsService } from './sessions.service.js';

// Idle 100 s, touch fraction 0.1: lastSeenAt moves at most every 10 s.
const options = resolveSessionOptions({
  secrets: ['s'],
  timeouts: { idleSeconds: 100, absoluteSeconds: 1000, touchFraction: 0.1 },
});
const profile = { id: 'u1', email: 'a@b.c', displayName: 'A', roles: [] };

interface Setup {
  /** What CredentialVersions.isCurrent answers: true, false, or an Error it rejects with. */
  current?: boolean | Error;
  /** The session was made by this very request (store.isNew). */
  isNew?: boolean;
  /** endOutdated fails (the store cannot regenerate the session). */
  endOutdatedFails?: boolean;
}

/** Runs the middleware once on a request carrying `session`; tells what it did. */
async function run(session: Partial<SessionData> | undefined, setup: Setup = {}) {
  const calls: string[] = [];
  const sessions = {
    expire: (_req: Request, reason: SessionEndReason) => {
      calls.push(`expire ${reason}`);
      return Promise.resolve();
    },
    endOutdated: () => {
      calls.push('endOutdated');
      return setup.endOutdatedFails ? Promise.reject(new Error('down')) : Promise.resolve();
    },
  } as unknown as SessionsService;
  const versions = {
    isCurrent: () => {
      calls.push('isCurrent');
      const current = setup.current ?? true;
      return current instanceof Error ? Promise.reject(current) : Promise.resolve(current);
    },
  } as unknown as CredentialVersions;
  const store = { isNew: () => setup.isNew === true } as unknown as SessionStore;
  const middleware = new SessionLifecycleMiddleware(options, sessions, versions, store);
  const req = { session } as unknown as Request;
  let nextCalls = 0;
  await middleware.use(req, {} as Response, () => {
    nextCalls += 1;
  });
  return { req, calls, nextCalls, ended: sessionEndedBy(req) };
}

describe('SessionLifecycleMiddleware', () => {
  it('ends a session past its idle timeout on the server, and says why', async () => {
    const now = Date.now();
    const session = { profile, createdAt: now - 200_000, lastSeenAt: now - 100_000 };
    const { calls, nextCalls, ended } = await run(session);
    expect(calls).toEqual(['expire idle']);
    expect(ended).toBe('idle');
    expect(nextCalls).toBe(1);
  });

  it('ends a session past its absolute timeout, however active', async () => {
    const now = Date.now();
    const { calls, ended } = await run({ profile, createdAt: now - 1_000_000, lastSeenAt: now });
    expect(calls).toEqual(['expire absolute']);
    expect(ended).toBe('absolute');
  });

  it('ends a signed-in session stored without timestamps', async () => {
    const { calls, ended } = await run({ profile });
    expect(calls).toEqual(['expire absolute']);
    expect(ended).toBe('absolute');
  });

  it('moves lastSeenAt to now once the touch interval has passed', async () => {
    const before = Date.now();
    const session = { profile, createdAt: before - 20_000, lastSeenAt: before - 10_000 };
    const { calls, nextCalls, ended } = await run(session);
    expect(calls).toEqual(['isCurrent']);
    expect(session.lastSeenAt).toBeGreaterThanOrEqual(before);
    expect(session.lastSeenAt).toBeLessThanOrEqual(Date.now());
    expect(ended).toBeUndefined();
    expect(nextCalls).toBe(1);
  });

  it('leaves lastSeenAt alone within the touch interval, so nothing is written', async () => {
    const lastSeenAt = Date.now() - 5_000;
    const session = { profile, createdAt: lastSeenAt, lastSeenAt };
    await run(session);
    expect(session.lastSeenAt).toBe(lastSeenAt);
  });

  it('does not move lastSeenAt of a session it ends for an outdated credential version', async () => {
    const lastSeenAt = Date.now() - 50_000;
    const session = { profile, createdAt: lastSeenAt, lastSeenAt };
    const { req, calls, nextCalls } = await run(session, { current: false });
    expect(calls).toEqual(['isCurrent', 'endOutdated']);
    expect(session.lastSeenAt).toBe(lastSeenAt);
    expect(req.session).toBe(session);
    expect(nextCalls).toBe(1);
  });

  it('goes on without a session (503 on guarded routes) when ending an outdated one fails', async () => {
    const now = Date.now();
    const { req, nextCalls } = await run(
      { profile, createdAt: now, lastSeenAt: now },
      { current: false, endOutdatedFails: true },
    );
    expect(req.session).toBeUndefined();
    expect(nextCalls).toBe(1);
  });

  it('goes on without a session when the credential version cannot be read (fail closed)', async () => {
    const lastSeenAt = Date.now() - 50_000;
    const session = { profile, createdAt: lastSeenAt, lastSeenAt };
    const { req, calls, nextCalls } = await run(session, { current: new Error('down') });
    expect(calls).toEqual(['isCurrent']);
    expect(req.session).toBeUndefined();
    expect(session.lastSeenAt).toBe(lastSeenAt);
    expect(nextCalls).toBe(1);
  });

  it('leaves alone a session made by this very request, and a request the store failed', async () => {
    const session = { profile };
    const fresh = await run(session, { isNew: true });
    expect(fresh.calls).toEqual([]);
    expect(fresh.req.session).toEqual({ profile });
    expect(fresh.nextCalls).toBe(1);

    const failed = await run(undefined);
    expect(failed.calls).toEqual([]);
    expect(failed.nextCalls).toBe(1);
  });
});
