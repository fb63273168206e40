import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { createDemoApp } from './demo/bootstrap.js';
import { demoConfig, type DemoConfig } from './demo/demo.config.js';
import { exitGracefullyOn } from './demo/graceful-shutdown.js';
import { sessionOptionsFromEnv } from './core/options/session.config.js';
import {
  resolveSessionOptions,
  SessionSetupError,
} from './core/options/session-options.resolver.js';

const logger = new Logger('Demo');

// Check the configuration before Nest starts, so a mistake is one line, not a stack trace.
if (existsSync('.env')) process.loadEnvFile('.env');
try {
  resolveSessionOptions(sessionOptionsFromEnv(process.env));
  demoConfig();
} catch (err) {
  if (!(err instanceof SessionSetupError)) throw err;
  logger.error(err.message);
  process.exit(1);
}

const app = await createDemoApp();
const { port, host, shutdownDrainMs } = app.get(ConfigService).getOrThrow<DemoConfig>('demo');
exitGracefullyOn(app, ['SIGTERM', 'SIGINT'], shutdownDrainMs);
await app.listen(port, host);
const url = (await app.getUrl()).replace('[::1]', 'localhost').replace('127.0.0.1', 'localhost');
logger.log(`Open ${url}/ (sign in as the DEMO_USERS; see README)`);
