// stores/memory/ — the bounded in-process backend, the embedded default for development.
import type { SessionIndex } from '../../core/session-backend.interface.js';

/** The embedded store's index: user id → session ids, in this process. */
export class MemorySessionIndex implements SessionIndex {
  private readonly byUser = new Map<string, Set<string>>();

  add(userId: string, sessionId: string): Promise<void> {
    const ids = this.byUser.get(userId) ?? new Set<string>();
    ids.add(sessionId);
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
    return Promise.resolve([...(this.byUser.get(userId) ?? [])]);
  }
}
