// stores/memory/ — the bounded in-process backend, the embedded default for development.
import type { SessionIndex, SessionIndexEntry } from '../../core/session-backend.interface.js';

/**
 * The embedded store's index: user id → session id → when the entry was last written, in this
 * process. The backend removes an entry as soon as its session leaves the cache (idle timeout,
 * eviction, destroy), so no deadline is kept here.
 */
export class MemorySessionIndex implements SessionIndex {
  private readonly byUser = new Map<string, Map<string, number>>();

  add(userId: string, sessionId: string): Promise<void> {
    const ids = this.byUser.get(userId) ?? new Map<string, number>();
    ids.set(sessionId, Date.now());
    this.byUser.set(userId, ids);
    return Promise.resolve();
  }

  remove(userId: string, ...sessionIds: string[]): Promise<void> {
    const ids = this.byUser.get(userId);
    if (ids) {
      for (const id of sessionIds) ids.delete(id);
      // Drop empty entries so users who signed out leave nothing behind.
      if (ids.size === 0) this.byUser.delete(userId);
    }
    return Promise.resolve();
  }

  members(userId: string): Promise<string[]> {
    return Promise.resolve([...(this.byUser.get(userId)?.keys() ?? [])]);
  }

  entries(userId: string): Promise<SessionIndexEntry[]> {
    const ids = this.byUser.get(userId) ?? new Map<string, number>();
    return Promise.resolve([...ids].map(([sessionId, writtenAt]) => ({ sessionId, writtenAt })));
  }

  touch(userId: string, sessionId: string): Promise<void> {
    const ids = this.byUser.get(userId);
    if (ids?.has(sessionId)) ids.set(sessionId, Date.now());
    return Promise.resolve();
  }
}
