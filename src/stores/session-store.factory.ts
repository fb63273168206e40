import type { SessionBackend } from '../core/session-backend.interface.js';
import { SessionSetupError } from '../core/errors/session-setup.error.js';
import { sessionCookieOptions } from '../core/http/session-cookie.js';
import type { ResolvedSessionOptions } from '../core/options/session-options.resolver.js';
import { compactSessionSerializer } from './compact-session.serializer.js';
import { SessionStore } from './session.store.js';

type BackendFactory = (options: ResolvedSessionOptions) => Promise<SessionBackend>;

interface BuiltInBackend {
  /** The npm packages the backend loads, named when one is missing. */
  drivers?: string[];
  /** Loaded with import() only when chosen, so an app loads no driver it does not use. */
  load(): Promise<BackendFactory>;
}

const BUILT_IN = {
  memory: { load: async () => (await import('./memory/memory.backend.js')).createMemoryBackend },
  redis: {
    drivers: ['redis', 'connect-redis'],
    load: async () => (await import('./redis/redis.backend.js')).createRedisBackend,
  },
  cluster: {
    drivers: ['redis', 'connect-redis'],
    load: async () => (await import('./redis/redis-cluster.backend.js')).createRedisClusterBackend,
  },
  postgres: {
    drivers: ['pg', 'connect-pg-simple'],
    load: async () => (await import('./postgres/postgres.backend.js')).createPostgresBackend,
  },
} satisfies Record<string, BuiltInBackend>;

/** The module's express-session Store, on the backend that `options` choose. */
export async function createSessionStore(options: ResolvedSessionOptions): Promise<SessionStore> {
  const backend =
    options.store.kind === 'custom' ? options.store.backend : await builtInBackend(options);
  return SessionStore.open(backend, {
    timeoutMs: options.store.timeoutMs,
    ttlSeconds: options.timeouts.idleSeconds,
    absoluteTimeoutSeconds: options.timeouts.absoluteSeconds,
    serializer: compactSessionSerializer(sessionCookieOptions(options)),
  });
}

/** The built-in backend `options` choose (exported for tests that wrap it). */
export async function builtInBackend(options: ResolvedSessionOptions): Promise<SessionBackend> {
  const name = options.store.kind;
  if (name === 'custom') throw new SessionSetupError('store.kind custom needs store.backend');
  const backend: BuiltInBackend = BUILT_IN[name];
  let create: BackendFactory;
  try {
    create = await backend.load();
  } catch (err) {
    const drivers = backend.drivers ?? [];
    if (drivers.some((pkg) => isMissing(err, pkg))) {
      throw new SessionSetupError(
        `SESSION_STORE=${name} needs the ${drivers.join(' and ')} packages: ` +
          `npm install ${drivers.join(' ')}`,
      );
    }
    throw err;
  }
  return create(options);
}

/** Node's ESM loader says ERR_MODULE_NOT_FOUND, Jest's resolver MODULE_NOT_FOUND. */
function isMissing(err: unknown, pkg: string): boolean {
  const { code, message } = (err ?? {}) as { code?: string; message?: string };
  return (
    (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
    (message ?? '').includes(`'${pkg}'`)
  );
}
