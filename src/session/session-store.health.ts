import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { SESSION_STORE } from '../core/session.constants.js';
import type { SessionStore } from '../stores/session.store.js';

// A type, not an interface: terminus wants data assignable to Record<string, unknown>.
export type SessionStoreHealth = {
  /** `redis`, `redis-cluster`, `postgres`, `memory`, or a custom backend's `kind`. */
  store: string;
  responseTime: number;
};

/**
 * A `@nestjs/terminus` indicator for the session store. It is `up` while the store answers
 * within the store timeout and `down` otherwise, which makes `HealthCheckService.check` answer
 * 503: an instance that cannot load sessions should get no traffic, since every signed-in
 * request it took would answer 503 too. SessionModule provides and exports it; use it in the
 * app's own health controller with `HealthCheckService` (see docs/deploying.md, "Health").
 */
@Injectable()
export class SessionStoreHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    @Inject(SESSION_STORE) private readonly store: SessionStore,
  ) {}

  /** Checks the store now, bounded by the store timeout. Never throws. */
  async isHealthy<const Key extends string = 'session_store'>(
    key: Key = 'session_store' as Key,
  ): Promise<HealthIndicatorResult<Key>> {
    const indicator = this.health.check(key);
    const started = performance.now();
    const ready = await this.store.isReachable();
    const result: SessionStoreHealth = {
      store: this.store.kind,
      responseTime: Math.round(performance.now() - started),
    };
    if (ready) return indicator.up(result);
    return indicator.down({
      ...result,
      message: `The ${result.store} session store does not answer.`,
    });
  }
}
