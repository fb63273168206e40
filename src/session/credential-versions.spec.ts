import { describe, expect, it } from '@jest/globals';
import type { SessionData } from 'express-session';
import type { SessionBackend } from '../core/session-backend.interface.js';
import type { ResolvedSessionOptions } from '../core/options/session-options.resolver.js';
import { SessionStore } from '../stores/session.store.js';
import { CredentialVersions } from './credential-versions.js';

/** A backend whose versions live in `versions`; `reads` counts the version reads. */
function versionedStore(keepsVersions = true) {
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
    touch: () => Promise.resolve(),
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
    touchIntervalMs: 60_000,
    serializer: { stringify: JSON.stringify, parse: JSON.parse as (raw: string) => SessionData },
  });
  const options = { timeouts: { touchIntervalMs: 60_000 } } as ResolvedSessionOptions;
  return { store, versions, counter, credentials: new CredentialVersions(store, options) };
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
});
