import type { DynamicModule, LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Server } from 'node:http';
import type { RunningApp } from './demo-app.js';

/** Boots a fixture app module (test/fixtures/…), logging to `logger` when one is given. */
export async function startFixtureApp(
  module: DynamicModule,
  logger: LoggerService | false = false,
): Promise<RunningApp> {
  const app = await NestFactory.create<NestExpressApplication>(module, {
    logger: logger === false ? ['error', 'warn'] : logger,
  });
  await app.init();
  return { app, server: app.getHttpServer() as Server, close: () => app.close() };
}
