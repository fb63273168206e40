import type { DynamicModule, LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Server } from 'node:http';
import { nestLogs } from '../runner/capture-logger.js';
import type { RunningApp } from './demo-app.js';

/** Boots a fixture app module (test/fixtures/…), logging to `logger` (the file's by default). */
export async function startFixtureApp(
  module: DynamicModule,
  logger: LoggerService = nestLogs(),
): Promise<RunningApp> {
  const app = await NestFactory.create<NestExpressApplication>(module, { logger });
  await app.init();
  return { app, server: app.getHttpServer() as Server, close: () => app.close() };
}
