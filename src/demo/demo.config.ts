import { registerAs } from '@nestjs/config';
import { SessionSetupError } from '../core/options/session-options.resolver.js';

export interface DemoUserSeed {
  email: string;
  password: string;
}

export interface DemoConfig {
  port: number;
  host: string;
  users: DemoUserSeed[];
  /** True when DEMO_USERS is unset outside production, so the public default account is live. */
  defaultUsers: boolean;
  /** How long SIGTERM waits for in-flight requests before cutting their connections. */
  shutdownDrainMs: number;
}

/** The variables the demo reads on top of SessionModule's (SESSION_ENVIRONMENT). */
export const DEMO_ENVIRONMENT = ['PORT', 'HOST', 'DEMO_USERS', 'SHUTDOWN_DRAIN_MS'] as const;

export const DEFAULT_DEMO_USERS = 'demo@example.com:correct horse battery staple';

/** The demo app's own settings: where it listens and whom it lets in. */
export const demoConfig = registerAs('demo', (): DemoConfig => {
  const env = process.env;
  const port = env.PORT === undefined || env.PORT === '' ? 3000 : Number(env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new SessionSetupError('PORT must be a whole number from 0 to 65535');
  }
  // No demo users in production unless they are asked for explicitly.
  const seeds = env.DEMO_USERS ?? (env.NODE_ENV === 'production' ? '' : DEFAULT_DEMO_USERS);
  const shutdownDrainMs =
    env.SHUTDOWN_DRAIN_MS === undefined || env.SHUTDOWN_DRAIN_MS === ''
      ? 8000
      : Number(env.SHUTDOWN_DRAIN_MS);
  // Past 9 s the process could not exit before an orchestrator's SIGKILL at 10 s.
  if (!Number.isInteger(shutdownDrainMs) || shutdownDrainMs < 0 || shutdownDrainMs > 9000) {
    throw new SessionSetupError('SHUTDOWN_DRAIN_MS must be a whole number from 0 to 9000');
  }
  return {
    port,
    host: env.HOST || '127.0.0.1',
    users: parseDemoUsers(seeds),
    defaultUsers: seeds === DEFAULT_DEMO_USERS && env.DEMO_USERS === undefined,
    shutdownDrainMs,
  };
});

/** `email:password` pairs, comma-separated. The password may itself contain ':'. */
export function parseDemoUsers(value: string): DemoUserSeed[] {
  return value
    .split(',')
    .map((pair) => pair.trim())
    .filter((pair) => pair.length > 0)
    .map((pair) => {
      const colon = pair.indexOf(':');
      const email = pair.slice(0, colon).trim().toLowerCase();
      const password = pair.slice(colon + 1);
      if (colon <= 0 || !email.includes('@') || password.length === 0) {
        throw new SessionSetupError(
          'DEMO_USERS must be comma-separated email:password pairs, e.g. a@example.com:secret',
        );
      }
      return { email, password };
    });
}
