import type { SessionBackend, SessionIndex, SessionIndexEntry } from '../../../src/index.js';

/** Every backend call a test can count, fail or hold. */
export type BackendCall =
  | 'get'
  | 'getMany'
  | 'create'
  | 'update'
  | 'destroy'
  | 'credentialVersion'
  | 'bumpCredentialVersion'
  | 'index.add'
  | 'index.remove'
  | 'index.members'
  | 'index.entries'
  | 'index.touch';

/** A held call: `reached` resolves when the call arrives, `release()` lets it run. */
export interface Gate {
  reached: Promise<void>;
  release(): void;
}

interface Fault {
  call: BackendCall;
  /** Calls of this kind to let through first. */
  skip: number;
  gate?: Gate & { released: Promise<void>; arrive(): void };
}

/**
 * A session backend that wraps a real one (memory, Redis, a cluster, PostgreSQL) and lets a test
 * inject the interleaving it needs: fail the next call of a kind (a refused ZADD, a master that
 * went away), or hold it until the test releases it (a save still on its way while another
 * request runs). Nothing depends on timing: the test decides when each held call goes on.
 * Optional methods exist only when the wrapped backend has them, as the Store checks for them.
 */
export class FaultyBackend implements SessionBackend {
  readonly kind: string;
  readonly index: SessionIndex;
  /** How many times each call was made. */
  readonly counts = new Map<BackendCall, number>();
  getMany?: SessionBackend['getMany'];
  credentialVersion?: SessionBackend['credentialVersion'];
  bumpCredentialVersion?: SessionBackend['bumpCredentialVersion'];
  ready?: SessionBackend['ready'];
  ping?: SessionBackend['ping'];
  close?: SessionBackend['close'];
  createRateLimiter?: SessionBackend['createRateLimiter'];
  private faults: Fault[] = [];

  constructor(readonly inner: SessionBackend) {
    this.kind = inner.kind;
    const index = inner.index;
    this.index = {
      add: (userId, sid) => this.run('index.add', () => index.add(userId, sid)),
      remove: (userId, ...sids) => this.run('index.remove', () => index.remove(userId, ...sids)),
      members: (userId) => this.run('index.members', () => index.members(userId)),
    };
    if (index.entries) {
      const entries = index.entries.bind(index);
      this.index.entries = (userId): Promise<SessionIndexEntry[]> =>
        this.run('index.entries', () => entries(userId));
    }
    if (index.touch) {
      const touch = index.touch.bind(index);
      this.index.touch = (userId, sid, expiresAt) =>
        this.run('index.touch', () => touch(userId, sid, expiresAt));
    }
    if (inner.getMany) {
      const getMany = inner.getMany.bind(inner);
      this.getMany = (sids) => this.run('getMany', () => getMany(sids));
    }
    if (inner.credentialVersion && inner.bumpCredentialVersion) {
      const read = inner.credentialVersion.bind(inner);
      const bump = inner.bumpCredentialVersion.bind(inner);
      this.credentialVersion = (userId) => this.run('credentialVersion', () => read(userId));
      this.bumpCredentialVersion = (userId) =>
        this.run('bumpCredentialVersion', () => bump(userId));
    }
    this.ready = inner.ready?.bind(inner);
    this.ping = inner.ping?.bind(inner);
    this.close = inner.close?.bind(inner);
    this.createRateLimiter = inner.createRateLimiter?.bind(inner);
  }

  get(sid: string) {
    return this.run('get', () => this.inner.get(sid));
  }

  create(sid: string, value: string, ttlSeconds: number) {
    return this.run('create', () => this.inner.create(sid, value, ttlSeconds));
  }

  update(sid: string, value: string, ttlSeconds: number) {
    return this.run('update', () => this.inner.update(sid, value, ttlSeconds));
  }

  destroy(sid: string) {
    return this.run('destroy', () => this.inner.destroy(sid));
  }

  /** The next `call` (after `skip` others) rejects, as a refused command does. */
  failNext(call: BackendCall, skip = 0): void {
    this.faults.push({ call, skip });
  }

  /** The next `call` (after `skip` others) waits until the test releases it. */
  holdNext(call: BackendCall, skip = 0): Gate {
    let arrive!: () => void;
    let release!: () => void;
    const reached = new Promise<void>((resolve) => (arrive = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    const gate = { reached, release, released, arrive };
    this.faults.push({ call, skip, gate });
    return gate;
  }

  /** Forgets faults not yet triggered and zeroes the counts. */
  reset(): void {
    this.faults = [];
    this.counts.clear();
  }

  count(call: BackendCall): number {
    return this.counts.get(call) ?? 0;
  }

  private async run<T>(call: BackendCall, work: () => Promise<T>): Promise<T> {
    this.counts.set(call, this.count(call) + 1);
    const fault = this.takeFault(call);
    if (fault?.gate) {
      fault.gate.arrive();
      await fault.gate.released;
    } else if (fault) {
      throw new Error(`injected failure of ${call}`);
    }
    return work();
  }

  private takeFault(call: BackendCall): Fault | undefined {
    const at = this.faults.findIndex((f) => f.call === call);
    if (at < 0) return undefined;
    const fault = this.faults[at];
    if (fault.skip > 0) {
      fault.skip--;
      return undefined;
    }
    this.faults.splice(at, 1);
    return fault;
  }
}
