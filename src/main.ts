import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createDemoApp } from './demo/bootstrap.js';
import type { DemoConfig } from './demo/demo.config.js';
import { exitGracefullyOn } from './demo/graceful-shutdown.js';
import { SessionSetupError } from './core/errors/session-setup.error.js';

const logger = new Logger('Demo');

if (existsSync('.env')) process.loadEnvFile('.env');
// Nest checks the configuration while it builds the app (SessionModule resolves its options
// once). Its boot logs are held back until then, so a setup mistake prints as one line that
// says what to fix, not as Nest's stack trace.
let app: NestExpressApplication;
try {
  app = await createDemoApp({ bufferLogs: true, autoFlushLogs: false });
} catch (err) {
  if (!(err instanceof SessionSetupError)) {
    Logger.flush();
    throw err;
  }
  Logger.detachBuffer();
  logger.error(err.message);
  process.exit(1);
}
app.flushLogs();
const { port, host, shutdownDrainMs } = app.get(ConfigService).getOrThrow<DemoConfig>('demo');
exitGracefullyOn(app, ['SIGTERM', 'SIGINT'], shutdownDrainMs);
await app.listen(port, host);
const url = (await app.getUrl()).replace('[::1]', 'localhost').replace('127.0.0.1', 'localhost');
logger.log(`Open ${url}/ (sign in as the DEMO_USERS; see README)`);
