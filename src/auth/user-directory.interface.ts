/** A user as the library needs it to sign someone in. */
export interface UserRecord {
  id: string;
  email: string;
  displayName: string;
  roles: string[];
  /** An argon2 PHC string (`$argon2id$v=19$m=…`). Never leaves the server. */
  passwordHash: string;
}

/**
 * Where users live: the app provides it under the `USER_DIRECTORY` token, backed by its own
 * database, LDAP or anything else. Only `findByEmail` is required; a read-only directory (LDAP)
 * signs people in and offers no password change.
 */
export interface UserDirectory {
  /** The user with this email (already trimmed and lower-cased), or undefined. */
  findByEmail(email: string): Promise<UserRecord | undefined>;
  /**
   * Stores `passwordHash` only if the user's stored hash is still `expectedHash`, in one atomic
   * step, and resolves whether it stored: `false` when the hash had changed (or the user is
   * gone). In SQL, one statement whose row count is the answer:
   * `UPDATE users SET password_hash = $3 WHERE id = $1 AND password_hash = $2`.
   *
   * Needed to re-hash on sign-in: a sign-in with a hash weaker than the configured parameters
   * stores a stronger hash of the password it checked, expecting the hash it checked. Without
   * the compare, a password change saved in between would be overwritten by a hash of the old
   * password, which would then work again. Without this method, weak hashes stay as they are
   * (logged once). A password change uses it too when present, so of two changes racing from
   * the same current password only one answers 200; without it the change calls
   * `updatePasswordHash`, and the last write wins.
   */
  compareAndSetPasswordHash?(
    userId: string,
    expectedHash: string,
    passwordHash: string,
  ): Promise<boolean>;
  /**
   * Stores a new hash unconditionally: the password change's write when the directory has no
   * `compareAndSetPasswordHash`. Never used for re-hashing on sign-in (see above).
   */
  updatePasswordHash?(userId: string, passwordHash: string): Promise<void>;
}
