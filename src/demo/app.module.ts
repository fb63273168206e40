import { type DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, type ConfigType } from '@nestjs/config';
import { APP_GUARD } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { sessionConfig } from '../core/options/session.config.js';
import { SESSION_ASYNC_OPTIONS_TYPE } from '../session.module-definition.js';
import { SessionModule } from '../session.module.js';
import { SessionGuard } from '../access/session.guard.js';
import { USER_DIRECTORY } from '../core/session.constants.js';
import { demoConfig } from './demo.config.js';
import { DemoController } from './demo.controller.js';
import { DemoUserDirectory } from './demo-user.directory.js';
import { HealthController } from './health.controller.js';
import { SecondFactorPagesController } from './second-factor-pages.controller.js';
import { SpaController } from './spa.controller.js';

@Module({})
export class AppModule {
  /** Built on call, so the environment is read when the app boots, not when this file loads. */
  static async forRoot(): Promise<DynamicModule> {
    return {
      module: AppModule,
      imports: [
        await ConfigModule.forRoot({
          isGlobal: true,
          cache: true,
          load: [sessionConfig, demoConfig],
          // Tests set their environment explicitly; a developer's .env must not leak into them.
          ignoreEnvFile: process.env.NODE_ENV === 'test',
        }),
        SessionModule.forRootAsync({
          inject: [sessionConfig.KEY],
          useFactory: (config: ConfigType<typeof sessionConfig>) => config,
        } satisfies typeof SESSION_ASYNC_OPTIONS_TYPE),
        // Terminus would log every failing probe, each second of an outage; SessionModule
        // already logs one line when the store goes down and one when it is back.
        TerminusModule.forRoot({ logger: false }),
      ],
      controllers: [DemoController, SecondFactorPagesController, HealthController, SpaController],
      providers: [
        { provide: USER_DIRECTORY, useClass: DemoUserDirectory },
        // Every route needs a session unless marked @Public().
        { provide: APP_GUARD, useClass: SessionGuard },
      ],
    };
  }
}
