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
 * signs people in and offers no password change. A directory that also implements
 * `SecondFactorDirectory` turns on the TOTP second factor.
 */
export interface UserDirectory extends Partial<SecondFactorDirectory> {
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

/**
 * A user's TOTP second factor as the directory stores it. Nothing in it is usable as it is: the
 * secret is encrypted with a key derived from SESSION_SECRET, the recovery codes are hashes.
 */
export interface SecondFactorRecord {
  /** The TOTP secret, AES-256-GCM encrypted (an opaque string of at most 200 characters). */
  encryptedSecret: string;
  /** SHA-256 hashes (hex) of the recovery codes not yet used. */
  recoveryCodeHashes: string[];
  /** The last TOTP time step accepted: a code of this step or an earlier one is refused. */
  lastTimeStep: number;
}

/**
 * What a directory implements to offer a TOTP second factor. All four methods or none: with
 * them, every user who enrolled must give a code after the password; without them, sign-in is
 * by password alone. Two of them are atomic, as one SQL statement is, because two requests with
 * the same code or recovery code may arrive at once and only one may succeed.
 */
export interface SecondFactorDirectory {
  /** The user's second factor, or undefined when they have none. */
  findSecondFactor(userId: string): Promise<SecondFactorRecord | undefined>;
  /** Stores the user's second factor (enrolment, new recovery codes), or deletes it (`null`). */
  saveSecondFactor(userId: string, record: SecondFactorRecord | null): Promise<void>;
  /**
   * Records `timeStep` as the last one accepted only if it is later than the stored one, in one
   * atomic step, and resolves whether it did: `false` means the code was already used (or the
   * user has no second factor any more). In SQL:
   * `UPDATE second_factors SET last_time_step = $2 WHERE user_id = $1 AND last_time_step < $2`.
   */
  advanceTimeStep(userId: string, timeStep: number): Promise<boolean>;
  /**
   * Deletes `codeHash` from the user's recovery codes in one atomic step, and resolves whether it
   * was there: of two requests with the same recovery code, only one gets `true`. In SQL, a
   * `DELETE FROM recovery_codes WHERE user_id = $1 AND code_hash = $2` whose row count is the
   * answer.
   */
  consumeRecoveryCode(userId: string, codeHash: string): Promise<boolean>;
}
