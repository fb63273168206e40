import { ARGON2ID, argon2Hash } from '../../../src/auth/argon2.js';
import { resolveSessionOptions } from '../../../src/core/options/session-options.resolver.js';
import {
  type SessionModuleOptions,
  sessionOptionsFromEnv,
  type UserRecord,
} from '../../../src/index.js';
import { builtInBackend } from '../../../src/stores/session-store.factory.js';
import { AccountsFixtureModule, RecordingUserDirectory } from '../../fixtures/accounts/app.module.js';
import { type RunningApp, TEST_SECRET } from './demo-app.js';
import { FaultyBackend } from './faulty-backend.js';
import { startFixtureApp } from './fixture-app.js';
import {
  type SessionBackend as RunningBackend,
  type SessionBackendKind,
  startSessionBackend,
} from '../servers/session-backends.js';

export interface FixtureAccount {
  id: string;
  email: string;
  password: string;
}

/** The accounts fixture app on a real store, reached through a FaultyBackend. */
export interface FaultyApp extends RunningApp {
  backend: FaultyBackend;
  directory: RecordingUserDirectory;
  store: RunningBackend;
}

/**
 * Starts `kind` (a private redis-server, a database, a cluster, or nothing), wraps its built-in
 * backend in a FaultyBackend, and boots the accounts fixture app on it as an app-supplied
 * backend, with `accounts` as its users. The store timeout is long, so a call a test holds is
 * never cut short by it.
 */
export async function startFaultyApp(
  kind: SessionBackendKind,
  accounts: FixtureAccount[],
  session: Partial<SessionModuleOptions> = {},
): Promise<FaultyApp> {
  const store = await startSessionBackend(kind);
  try {
    const fromEnv = sessionOptionsFromEnv({
      ...store.env,
      SESSION_SECRET: TEST_SECRET,
      SESSION_KEY_PREFIX: `e2e-faulty-${process.pid}:`,
    });
    const backend = new FaultyBackend(await builtInBackend(resolveSessionOptions(fromEnv)));
    const directory = new RecordingUserDirectory(await Promise.all(accounts.map(toRecord)));
    const running = await startFixtureApp(
      AccountsFixtureModule.forRoot({
        session: {
          secrets: [TEST_SECRET],
          store: { kind: 'custom', backend, timeoutMs: 10_000 },
          ...session,
        },
        directory,
      }),
    );
    return {
      ...running,
      backend,
      directory,
      store,
      async close() {
        await running.close();
        await store.close();
      },
    };
  } catch (err) {
    await store.close();
    throw err;
  }
}

async function toRecord(account: FixtureAccount): Promise<UserRecord> {
  const passwordHash = await argon2Hash(account.password, {
    algorithm: ARGON2ID,
    memoryCost: 19456,
    timeCost: 2,
    parallelism: 1,
  });
  return {
    id: account.id,
    email: account.email,
    displayName: account.id,
    roles: ['user'],
    passwordHash,
  };
}
