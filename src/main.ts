import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { createDemoApp } from './demo/bootstrap.js';
import type { DemoConfig } from './demo/demo.config.js';
import { exitGracefullyOn } from './demo/graceful-shutdown.js';

const app = await createDemoApp();
const { port, host, shutdownDrainMs } = app.get(ConfigService).getOrThrow<DemoConfig>('demo');
exitGracefullyOn(app, ['SIGTERM', 'SIGINT'], shutdownDrainMs);
await app.listen(port, host);
const url = (await app.getUrl()).replace('[::1]', 'localhost').replace('127.0.0.1', 'localhost');
new Logger('Demo').log(`Open ${url}/ (sign in as the DEMO_USERS; see README)`);
