import type { NestApplicationOptions } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module.js';

/** Builds the demo app; main.ts listens on it, the e2e tests drive it through supertest. */
export async function createDemoApp(
  options: NestApplicationOptions = {},
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(await AppModule.forRoot(), {
    // Throw boot errors to the caller (main.ts prints them as one line) instead of exiting.
    abortOnError: false,
    logger: process.env.NODE_ENV === 'test' ? ['error', 'warn'] : undefined,
    ...options,
  });
  configureDemoApp(app);
  return app;
}

export function configureDemoApp(app: NestExpressApplication): void {
  // Bounded bodies: 100 kB of JSON or form data is far more than a login needs; more is 413.
  app.useBodyParser('json', { limit: '100kb' });
  app.useBodyParser('urlencoded', { limit: '100kb', extended: false });
  app.disable('x-powered-by');
  // No enableShutdownHooks: main.ts handles SIGTERM itself (see graceful-shutdown.ts).
}
