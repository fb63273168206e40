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
 * database, LDAP or anything else.
 */
export interface UserDirectory {
  /** The user with this email (already trimmed and lower-cased), or undefined. */
  findByEmail(email: string): Promise<UserRecord | undefined>;
  /** Stores a new hash: after a password change, or a re-hash with stronger parameters. */
  updatePasswordHash?(userId: string, passwordHash: string): Promise<void>;
}
