import {
  type DynamicModule,
  Inject,
  Logger,
  type MiddlewareConsumer,
  Module,
  type NestModule,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { APP_FILTER, HttpAdapterHost } from '@nestjs/core';
import { HealthIndicatorService } from '@nestjs/terminus';
import { AccountHasher } from './auth/account.hasher.js';
import { AuditService } from './audit/audit.service.js';
import { authControllers } from './auth/auth-routes.js';
import { AuthService } from './auth/auth.service.js';
import { LoginThrottler } from './auth/login.throttler.js';
import { NoStoreMiddleware } from './auth/no-store.middleware.js';
import { PasswordHasher } from './auth/password.hasher.js';
import { PasswordService } from './auth/password.service.js';
import { RememberMeMiddleware } from './auth/remember-me.middleware.js';
import { RememberMeService } from './auth/remember-me.service.js';
import { SecondFactorService } from './auth/second-factor.service.js';
import { SecondFactors } from './auth/second-factors.js';
import { TotpSecretCipher } from './auth/totp-secret.cipher.js';
import { CorsMiddleware } from './security/cors.middleware.js';
import { CsrfMiddleware } from './security/csrf.middleware.js';
import { CsrfService } from './security/csrf.service.js';
import { SecurityHeadersMiddleware } from './security/security-headers.middleware.js';
import { SessionStoreHealthIndicator } from './session/session-store.health.js';
import {
  SESSION_KEYS,
  SESSION_LOGGER_CONTEXT,
  SESSION_OPTIONS,
  SESSION_ROUTES,
  SESSION_STORE,
} from './core/session.constants.js';
import {
  resolveRoutesSetting,
  SessionRoutePaths,
  type SessionRoutesSetting,
} from './core/http/session-routes.js';
import { BodyDepthMiddleware } from './core/http/body-depth.js';
import { SessionExceptionFilter } from './core/errors/session-exception.filter.js';
import { SessionGuard } from './access/session.guard.js';
import { SessionLifecycleMiddleware } from './session/session-lifecycle.middleware.js';
import { SessionMiddleware } from './session/session.middleware.js';
import { SessionPipelineMiddleware, sessionPipelineSteps } from './session-pipeline.middleware.js';
import { SessionsService } from './session/sessions.service.js';
import { UserSessions } from './session/user-sessions.js';
import { RememberTokens } from './session/remember-tokens.js';
import { CredentialVersions } from './session/credential-versions.js';
import {
  SESSION_ASYNC_OPTIONS_TYPE,
  SESSION_MODULE_OPTIONS,
  SESSION_OPTIONS_TYPE,
  SessionConfigurableModuleClass,
} from './session.module-definition.js';
import type { SessionModuleOptions } from './core/options/session-options.interface.js';
import {
  resolveSessionOptions,
  type ResolvedSessionOptions,
} from './core/options/session-options.resolver.js';
import { deriveSessionKeys, type SessionKeys } from './core/session-keys.js';
import { createSessionStore } from './stores/session-store.factory.js';
import type { SessionStore } from './stores/session.store.js';

const logger = new Logger(SESSION_LOGGER_CONTEXT);

/** What forRoot and forRootAsync read before any options factory runs. */
type StaticFlags = Pick<SessionModuleOptions, 'isGlobal' | 'routes'>;

@Module({
  providers: [
    {
      provide: SESSION_OPTIONS,
      inject: [SESSION_MODULE_OPTIONS],
      useFactory: (options: SessionModuleOptions): ResolvedSessionOptions => {
        const resolved = resolveSessionOptions(options);
        if (!resolved.csrf.enabled) {
          logger.warn('CSRF protection is off (csrf.enabled false): the app must defend itself.');
        }
        if (resolved.generatedSecret) {
          logger.warn(
            'SESSION_SECRET is not set (no secrets): using a random secret for this process, so ' +
              'sessions end on restart. Set SESSION_SECRET or secrets (required in production).',
          );
        }
        return resolved;
      },
    },
    {
      provide: SESSION_KEYS,
      inject: [SESSION_OPTIONS],
      useFactory: (options: ResolvedSessionOptions): SessionKeys =>
        deriveSessionKeys(options.secrets),
    },
    {
      provide: SESSION_STORE,
      inject: [SESSION_OPTIONS],
      useFactory: (options: ResolvedSessionOptions) => createSessionStore(options),
    },
    SessionMiddleware,
    CorsMiddleware,
    SecurityHeadersMiddleware,
    CsrfMiddleware,
    CsrfService,
    SessionLifecycleMiddleware,
    RememberMeMiddleware,
    sessionPipelineSteps,
    SessionPipelineMiddleware,
    NoStoreMiddleware,
    BodyDepthMiddleware,
    SessionGuard,
    SessionRoutePaths,
    PasswordHasher,
    AccountHasher,
    AuditService,
    LoginThrottler,
    CredentialVersions,
    UserSessions,
    SessionsService,
    RememberTokens,
    RememberMeService,
    AuthService,
    PasswordService,
    TotpSecretCipher,
    SecondFactors,
    SecondFactorService,
    // Terminus's result builder; no TerminusModule needed until the app adds a health route.
    HealthIndicatorService,
    SessionStoreHealthIndicator,
    // Sends the Retry-After and Location of the module's errors, wherever they are thrown.
    { provide: APP_FILTER, useClass: SessionExceptionFilter },
  ],
  exports: [
    SESSION_OPTIONS,
    SESSION_STORE,
    SessionGuard,
    PasswordHasher,
    AuthService,
    SecondFactorService,
    SessionsService,
    SessionStoreHealthIndicator,
    CsrfService,
  ],
})
export class SessionModule
  extends SessionConfigurableModuleClass
  implements NestModule, OnModuleInit, OnApplicationShutdown
{
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(SESSION_OPTIONS) private readonly options: ResolvedSessionOptions,
    @Inject(SESSION_STORE) private readonly store: SessionStore,
    @Inject(SESSION_ROUTES) private readonly routes: SessionRoutesSetting,
  ) {
    super();
  }

  /** Global by default, so `SessionGuard` works in every module of the app. */
  static override forRoot(options: typeof SESSION_OPTIONS_TYPE): DynamicModule {
    return withFlags(super.forRoot(options), options);
  }

  static override forRootAsync(
    options: typeof SESSION_ASYNC_OPTIONS_TYPE & StaticFlags,
  ): DynamicModule {
    return withFlags(super.forRootAsync(options), options);
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(SessionPipelineMiddleware).forRoutes('{*path}');
    if (this.routes.mounted) {
      consumer
        .apply(NoStoreMiddleware, BodyDepthMiddleware)
        .forRoutes(...authControllers(this.routes.path));
    }
  }

  onModuleInit(): void {
    // Express reads `trust proxy` per request, so setting it here, before listen, is enough.
    const { trustProxy } = this.options;
    const http = this.adapterHost.httpAdapter;
    if (trustProxy !== undefined && http) http.getInstance().set('trust proxy', trustProxy);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}

/** Global unless told otherwise; the module's routes, at `routes.path`, unless `routes: false`. */
function withFlags(module: DynamicModule, flags: StaticFlags): DynamicModule {
  const routes = resolveRoutesSetting(flags.routes);
  return {
    ...module,
    global: flags.isGlobal ?? true,
    controllers: routes.mounted ? [...authControllers(routes.path)] : [],
    providers: [...(module.providers ?? []), { provide: SESSION_ROUTES, useValue: routes }],
  };
}
