import { Controller, Get } from '@nestjs/common';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  type HealthIndicatorResult,
} from '@nestjs/terminus';
import { SessionStoreHealthIndicator } from '../session/session-store.health.js';
import { Public } from '../access/public.decorator.js';

/**
 * `GET /health` for load balancers and readiness probes, `GET /health/live` for liveness probes.
 * The routes are the app's, not the library's: an app already has a health endpoint, with its
 * own path and its database and other checks in it; the library adds one indicator to it.
 */
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly sessionStore: SessionStoreHealthIndicator,
  ) {}

  /**
   * Liveness and readiness: 200 while this instance can serve sessions; 503 when the session
   * store does not answer, or while the app shuts down, so traffic goes to the other instances.
   */
  @Get()
  @HealthCheck()
  check() {
    return this.health.check([() => this.alive(), () => this.sessionStore.isHealthy()]);
  }

  /**
   * Liveness only: 200 while the process answers, even when the store is down. An orchestrator
   * that restarted instances on a Redis outage would gain nothing and lose the warm ones.
   */
  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([() => this.alive()]);
  }

  private alive(): HealthIndicatorResult<'process'> {
    return this.indicators.check('process').up();
  }
}
