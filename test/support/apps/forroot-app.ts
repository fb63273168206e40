import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Server } from 'node:http';
import type { SessionModuleOptions } from '../../../src/index.js';
import { configureDemoApp } from '../../../src/demo/bootstrap.js';
import type { DemoUserSeed } from '../../../src/demo/demo.config.js';
import { ForRootAppModule } from '../../fixtures/forroot-app/app.module.js';
import { nestLogs } from '../runner/capture-logger.js';
import { DEMO_EMAIL, DEMO_PASSWORD, type RunningApp, TEST_SECRET } from './demo-app.js';

export interface ForRootAppSettings {
  /** Who can sign in. Default: the demo user (DEMO_EMAIL, DEMO_PASSWORD), as admin. */
  users?: DemoUserSeed[];
}

/**
 * Boots the forRoot fixture (the demo's pages, health routes and users on
 * `SessionModule.forRoot(options)`) in this process, configured as the demo's bootstrap does
 * (body limits, no X-Powered-By). `secrets` defaults to TEST_SECRET and the store to memory; no
 * environment variable is read. A boot that fails closes what it had started and throws.
 */
export async function startForRootApp(
  options: Partial<SessionModuleOptions> = {},
  { users = [{ email: DEMO_EMAIL, password: DEMO_PASSWORD }] }: ForRootAppSettings = {},
): Promise<RunningApp> {
  const module = ForRootAppModule.forRoot({
    session: { secrets: [TEST_SECRET], ...options },
    users,
  });
  // abortOnError false: a boot error reaches the test as a rejection, not a process exit.
  const app = await NestFactory.create<NestExpressApplication>(module, {
    logger: nestLogs(),
    abortOnError: false,
  });
  configureDemoApp(app);
  try {
    await app.init();
  } catch (err) {
    await app.close().catch(() => undefined);
    throw err;
  }
  return { app, server: app.getHttpServer() as Server, close: () => app.close() };
}
