/**
 * The session ids of each user, so a user can list and revoke their sessions and an admin can end
 * them all (ASVS 5.0 V7.4.2, V7.4.5, V7.5.2). A store provides one through
 * `SessionStoreAdapter.index`; the module injects it under the `SESSION_INDEX` token.
 *
 * Entries may outlive their session (a session that expired in the store stays listed until the
 * next `members` call sees it is gone and removes it), so readers must check each id in the store.
 */
export interface SessionIndex {
  /** Records that `sessionId` belongs to `userId`. */
  add(userId: string, sessionId: string): Promise<void>;
  /** Forgets these session ids of `userId`; unknown ids are ignored. */
  remove(userId: string, ...sessionIds: string[]): Promise<void>;
  /** Every session id recorded for `userId`, live or not. */
  members(userId: string): Promise<string[]>;
}
