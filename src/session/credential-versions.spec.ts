import { describe, expect, it } from '@jest/globals';
import type { SessionData } from 'express-session';
import type { SessionBackend } from '../core/session-backend.interface.js';
import type { ResolvedSessionOptions } from '../core/options/session-options.resolver.js';
import { SessionStore } from '../stores/session.store.js';
import { CredentialVersions } from './credential-versions.js';

/** A backend whose versions live in `versions`; `reads` counts the version reads. */
function versionedStore(keepsVersions = true, touchIntervalMs = 60_000) {
  const versions = new Map<string, number>();
  const counter = { reads: 0 };
  const backend: SessionBackend = {
    kind: 'versions',
    index: {
      add: () => Promise.resolve(),
      remove: () => Promise.resolve(),
      members: () => Promise.resolve([]),
    },
    get: () => Promise.resolve(null),
    create: () => Promise.resolve(),
    update: () => Promise.resolve(false),
    destroy: () => Promise.resolve(),
    ...(keepsVersions && {
      credentialVersion: (userId: string) => {
        counter.reads++;
        return Promise.resolve(versions.get(userId) ?? 0);
      },
      bumpCredentialVersion: (userId: string) => {
        versions.set(userId, (versions.get(userId) ?? 0) + 1);
        return Promise.resolve(versions.get(userId)!);
      },
    }),
  };
  const store = new SessionStore(backend, {
    timeoutMs: 100,
    ttlSeconds: 60,
    absoluteTimeoutSeconds: 600,
    serializer: { stringify: JSON.stringify, parse: JSON.parse as (raw: string) => SessionData },
  });
  const options = { timeouts: { touchIntervalMs } } as ResolvedSessionOptions;
  return { store, backend, versions, counter, credentials: new CredentialVersions(store, options) };
}

const session = (credentialVersion?: number): Partial<SessionData> => ({
  profile: { id: 'u1', email: 'u1@example.com', displayName: 'U1', roles: [] },
  credentialVersion,
});

describe('CredentialVersions', () => {
  it('lets the checks of one user that miss the cache together share one read', async () => {
    const { credentials, counter } = versionedStore();
    const checks = Array.from({ length: 50 }, () => credentials.isCurrent(session(0)));
    expect(await Promise.all(checks)).toEqual(Array(50).fill(true));
    expect(counter.reads).toBe(1);
  });

  it('never lets a check that starts after a raise join a read begun before it', async () => {
    const { credentials, versions, store } = versionedStore();
    // Hold the first read until the raise is done, so it answers the old version late.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const read = store.credentialVersion.bind(store);
    let first = true;
    store.credentialVersion = async (userId: string) => {
      const version = await read(userId);
      if (first) {
        first = false;
        await held;
      }
      return version;
    };
    const before = credentials.isCurrent(session(0));
    await new Promise((resolve) => setImmediate(resolve));
    await credentials.bump('u1');
    const after = credentials.isCurrent(session(0));
    release();
    // The check begun before the raise saw version 0; the one after it must see 1.
    expect([await before, await after]).toEqual([true, false]);
    expect(versions.get('u1')).toBe(1);
  });

  it('reads the version once per touch interval for the requests of one user', async () => {
    const { credentials, counter } = versionedStore();
    for (let i = 0; i < 5; i++) expect(await credentials.isCurrent(session(0))).toBe(true);
    expect(counter.reads).toBe(1);
  });

  it('ends sessions of an older version as soon as this process raised it', async () => {
    const { credentials } = versionedStore();
    expect(await credentials.isCurrent(session(0))).toBe(true);
    const version = await credentials.bump('u1');
    expect(await credentials.isCurrent(session(0))).toBe(false);
    expect(await credentials.isCurrent(session(version))).toBe(true);
  });

  it('reads again, and lets through, a session newer than the cached version (raised elsewhere)', async () => {
    const { credentials, versions, counter } = versionedStore();
    expect(await credentials.isCurrent(session(0))).toBe(true);
    versions.set('u1', 1);
    expect(await credentials.isCurrent(session(1))).toBe(true);
    expect(counter.reads).toBe(2);
  });

  it('treats a session from before versions existed as version 0', async () => {
    const { credentials } = versionedStore();
    expect(await credentials.isCurrent(session(undefined))).toBe(true);
    await credentials.bump('u1');
    expect(await credentials.isCurrent(session(undefined))).toBe(false);
  });

  it('lets every session through when the backend keeps no versions', async () => {
    const { credentials } = versionedStore(false);
    expect(credentials.enabled).toBe(false);
    expect(await credentials.bump('u1')).toBeUndefined();
    expect(await credentials.isCurrent(session(7))).toBe(true);
  });
  it('reads on every request when the touch interval is 0 (nothing cached)', async () => {
    const { credentials, counter } = versionedStore(true, 0);
    for (let i = 0; i < 3; i++) expect(await credentials.isCurrent(session(0))).toBe(true);
    expect(counter.reads).toBe(3);
    expect(await credentials.bump('u1')).toBe(1);
    expect(await credentials.fresh('u1')).toBe(1);
    expect(await credentials.isCurrent(session(0))).toBe(false);
  });

  it('lets an anonymous session through without a read', async () => {
    const { credentials, counter } = versionedStore();
    expect(await credentials.isCurrent({})).toBe(true);
    expect(counter.reads).toBe(0);
  });

  it('forgets a version read while a raise was on its way, so the raise is never missed', async () => {
    const { credentials, backend } = versionedStore();
    let stored = 0;
    let finishRead!: () => void;
    let finishBump!: () => void;
    const readGate = new Promise<void>((resolve) => (finishRead = resolve));
    const bumpGate = new Promise<void>((resolve) => (finishBump = resolve));
    backend.credentialVersion = async () => {
      const value = stored;
      await readGate;
      return value;
    };
    backend.bumpCredentialVersion = async () => {
      stored += 1;
      await bumpGate;
      return stored;
    };
    const read = credentials.fresh('u1'); // reads 0 before the raise
    const bump = credentials.bump('u1');
    finishRead();
    expect(await read).toBe(0); // and caches it, while the raise is still on its way
    finishBump();
    expect(await bump).toBe(1);
    backend.credentialVersion = () => Promise.resolve(stored);
    expect(await credentials.isCurrent(session(0))).toBe(false);
  });
});
