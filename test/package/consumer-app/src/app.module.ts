// A brand-new app that installed the packed tarball: only the public entry points, no repo paths.
// test/package/consumer-apps.e2e-spec.ts copies this folder into an ESM app and a CommonJS app.
import { Controller, Get, Module, Post, Session } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ConfigModule, type ConfigType } from '@nestjs/config';
import type { SessionData } from 'express-session';
import {
  CurrentUser,
  Public,
  SessionGuard,
  SessionModule,
  sessionConfig,
  USER_DIRECTORY,
  type SessionProfile,
} from 'nest-session-auth';
import { InMemoryUserDirectory } from 'nest-session-auth/testing';
import { USER } from './users.js';
import './session-data.js';

@Controller()
class NotesController {
  @Get('notes')
  list(@CurrentUser() user: SessionProfile): { owner: string } {
    return { owner: user.email };
  }

  /** Unsafe, so it needs the CSRF token; writes the app's own, merged SessionData field. */
  @Post('notes')
  add(@Session() session: SessionData): { count: number } {
    session.notes = [...(session.notes ?? []), `note ${session.notes?.length ?? 0}`];
    return { count: session.notes.length };
  }

  @Public()
  @Get('about')
  about(): { open: boolean } {
    return { open: true };
  }
}

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, load: [sessionConfig] }),
    SessionModule.forRootAsync({
      inject: [sessionConfig.KEY],
      useFactory: (config: ConfigType<typeof sessionConfig>) => config,
    }),
  ],
  controllers: [NotesController],
  providers: [
    { provide: APP_GUARD, useClass: SessionGuard },
    { provide: USER_DIRECTORY, useValue: new InMemoryUserDirectory([USER]) },
  ],
})
export class AppModule {}
