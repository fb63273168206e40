import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { PasswordHasher } from '../auth/password.hasher.js';
import type { UserDirectory, UserRecord } from '../auth/user-directory.interface.js';
import { InMemorySecondFactors } from '../testing/in-memory-second-factors.js';
import { demoConfig } from './demo.config.js';

/**
 * Users seeded from DEMO_USERS and hashed at boot, with TOTP second factors kept in memory
 * (InMemorySecondFactors); a real app backs this with its database.
 */
@Injectable()
export class DemoUserDirectory
  extends InMemorySecondFactors
  implements UserDirectory, OnModuleInit
{
  private readonly users = new Map<string, UserRecord>();

  constructor(
    @Inject(demoConfig.KEY) private readonly config: ConfigType<typeof demoConfig>,
    private readonly hasher: PasswordHasher,
  ) {
    super();
  }

  async onModuleInit(): Promise<void> {
    if (this.config.defaultUsers) {
      // Its password is in the README: anyone who can reach this server can sign in with it.
      new Logger('Demo').warn(
        `DEMO_USERS is not set: the public demo account ${this.config.users[0].email} can sign ` +
          'in with the password from the README. Set DEMO_USERS, or NODE_ENV=production for none.',
      );
    }
    await Promise.all(
      this.config.users.map(async ({ email, password }, i) => {
        const name = email.split('@')[0];
        this.users.set(email, {
          id: `user-${i + 1}`,
          email,
          displayName: name.charAt(0).toUpperCase() + name.slice(1),
          roles: i === 0 ? ['admin', 'user'] : ['user'],
          passwordHash: await this.hasher.hash(password),
        });
      }),
    );
  }

  findByEmail(email: string): Promise<UserRecord | undefined> {
    return Promise.resolve(this.users.get(email));
  }

  /** As `UPDATE … SET password_hash = $3 WHERE id = $1 AND password_hash = $2` would. */
  compareAndSetPasswordHash(
    userId: string,
    expectedHash: string,
    passwordHash: string,
  ): Promise<boolean> {
    const user = this.findById(userId);
    if (user?.passwordHash !== expectedHash) return Promise.resolve(false);
    user.passwordHash = passwordHash;
    return Promise.resolve(true);
  }

  updatePasswordHash(userId: string, passwordHash: string): Promise<void> {
    const user = this.findById(userId);
    if (user) user.passwordHash = passwordHash;
    return Promise.resolve();
  }

  private findById(id: string): UserRecord | undefined {
    return [...this.users.values()].find((user) => user.id === id);
  }
}
