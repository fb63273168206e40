import { Controller, Get, Injectable, Module, UseGuards } from '@nestjs/common';
import { ConfigModule, type ConfigType } from '@nestjs/config';
import {
  SessionModule, sessionConfig, SessionGuard, Public, CurrentUser,
  USER_DIRECTORY, type UserDirectory, type UserRecord, type SessionProfile,
} from 'nest-session-auth';

@Injectable()
class UsersDirectory implements UserDirectory {
  // Your database goes here. passwordHash is an argon2id string: npx nest-session-auth hash-password
  private readonly users: UserRecord[] = [
    { id: '1', email: 'ada@example.com', displayName: 'Ada', roles: [],
      passwordHash: process.env.ADA_PASSWORD_HASH ?? '' },
  ];

  async findByEmail(email: string): Promise<UserRecord | undefined> {
    return this.users.find((user) => user.email === email);
  }

  // Optional: store `hash` only if the stored one is still `expected`, true when stored (in SQL:
  // UPDATE … WHERE id = $1 AND password_hash = $2). Stronger hashes on login, password changes.
  async compareAndSetPasswordHash(userId: string, expected: string, hash: string): Promise<boolean> {
    const user = this.users.find((u) => u.id === userId && u.passwordHash === expected);
    if (user) user.passwordHash = hash;
    return user !== undefined;
  }
}

@Controller('notes')
@UseGuards(SessionGuard)            // or make it global with { provide: APP_GUARD, useClass: SessionGuard }
class NotesController {
  @Get() list(@CurrentUser() user: SessionProfile) { return { owner: user.id }; }
  @Public() @Get('about') about() { return { open: true }; }   // open even under a global guard
}

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, load: [sessionConfig] }),
    // Reads the environment (docs/configuration.md); or SessionModule.forRoot({ secrets: [...],
    //   store: { kind: 'redis', url: 'redis://127.0.0.1:6379' }, loginUrl: '/sign-in' }).
    SessionModule.forRootAsync({
      inject: [sessionConfig.KEY],
      // loginUrl (or LOGIN_URL): your sign-in page, where browsers without a session are sent.
      useFactory: (config: ConfigType<typeof sessionConfig>) => ({ ...config, loginUrl: '/sign-in' }),
      // routes: { path: 'account' },  // the module's routes at /account/... instead of /auth/...
    }),
  ],
  controllers: [NotesController],
  providers: [{ provide: USER_DIRECTORY, useClass: UsersDirectory }],
})
export class AppModule {}
