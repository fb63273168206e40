import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { SessionStoreHealthIndicator } from './session-store.health.js';

/**
 * Provides `SessionStoreHealthIndicator` for the app's own health controller. The library adds
 * no route: apps already own a health endpoint that checks their database and the rest, and
 * choose its path; the session store is one more indicator in it (see the README, "Health").
 * Needs `SessionModule` registered as global, its default.
 */
@Module({
  imports: [TerminusModule],
  providers: [SessionStoreHealthIndicator],
  exports: [SessionStoreHealthIndicator],
})
export class SessionHealthModule {}
