import { describe, expect, it } from '@jest/globals';
import { sessionOptionsFromEnv } from './session.config.js';
import type { SessionModuleOptions } from './session-options.interface.js';
import { resolveStoreOptions } from './store-options.resolver.js';

const resolve = (options: Partial<SessionModuleOptions>, production = false) =>
  resolveStoreOptions({ secrets: [], ...options }, production);

describe('resolveStoreOptions', () => {
  it('picks redis for REDIS_URL or cluster nodes, memory otherwise, postgres only when asked', () => {
    expect(resolve({ redisUrl: 'redis://r:6379' }).store).toBe('redis');
    expect(resolve({ redisClusterNodes: ['r1:6379'] }).store).toBe('redis');
    expect(resolve({}).store).toBe('memory');
    // DATABASE_URL alone is often the app's own database: never a reason to store sessions there.
    expect(resolve({ databaseUrl: 'postgres://db/app' }).store).toBe('memory');
    expect(resolve({ store: 'postgres', databaseUrl: 'postgres://db/app' }).store).toBe('postgres');
  });

  it('uses an app-supplied backend, also in production, and refuses it next to store', () => {
    const storeBackend = { kind: 'mine' } as SessionModuleOptions['storeBackend'];
    expect(resolve({ storeBackend }, true)).toMatchObject({ store: 'custom', storeBackend });
    expect(() => resolve({ storeBackend, store: 'redis' })).toThrow(
      /set store or storeBackend, not both/,
    );
  });

  it('reads cluster credentials from the environment, and refuses a user without a password', () => {
    const env = {
      REDIS_CLUSTER_NODES: 'r1:6379',
      REDIS_CLUSTER_USERNAME: 'sessions',
      REDIS_CLUSTER_PASSWORD: 'p4ss',
      REDIS_CLUSTER_TLS: 'true',
    };
    const resolved = resolveStoreOptions(sessionOptionsFromEnv(env), false);
    expect(resolved.redisClusterAuth).toEqual({ username: 'sessions', password: 'p4ss' });
    expect(resolved.redisClusterTls).toBe(true);
    expect(resolve({ redisClusterNodes: ['r1:6379'] }).redisClusterTls).toBe(false);
    expect(() => resolve({ redisClusterNodes: ['r1:6379'], redisClusterUsername: 'u' })).toThrow(
      /REDIS_CLUSTER_USERNAME needs REDIS_CLUSTER_PASSWORD/,
    );
  });

  it('trims cluster nodes and drops empty entries', () => {
    const nodes = resolve({ redisClusterNodes: [' 10.0.0.1:6379', '', '[::1]:7000 '] });
    expect(nodes.redisClusterNodes).toEqual(['10.0.0.1:6379', '[::1]:7000']);
  });

  it.each([
    [{ store: 'redis' as const }, /SESSION_STORE=redis needs REDIS_URL.*REDIS_CLUSTER_NODES/],
    [
      { redisUrl: 'redis://r:6379', redisClusterNodes: ['r1:6379'] },
      /REDIS_URL .* or REDIS_CLUSTER_NODES .*, not both/,
    ],
    [{ redisClusterNodes: ['r1'] }, /REDIS_CLUSTER_NODES entry "r1" is not host:port/],
    [{ redisClusterNodes: ['r1:99999'] }, /is not host:port/],
    [
      { redisClusterNodes: ['r1:6379'], keyPrefix: '{sess}:' },
      /SESSION_KEY_PREFIX=\{sess\}: holds a \{hash tag\}.*one master/,
    ],
    [{ store: 'postgres' as const }, /SESSION_STORE=postgres needs DATABASE_URL/],
    [{ pruneIntervalSeconds: 0 }, /pruneIntervalSeconds must be a positive whole number/],
  ])('refuses %j at boot with a message that says what to set', (options, message) => {
    expect(() => resolve(options)).toThrow(message);
  });

  it('refuses the memory store in production and names the alternatives', () => {
    expect(() => resolve({}, true)).toThrow(/REDIS_URL=.*SESSION_STORE=postgres with DATABASE_URL/);
  });
});

describe('store settings from the environment', () => {
  it('reads REDIS_CLUSTER_NODES as a comma-separated list', () => {
    const options = sessionOptionsFromEnv({ REDIS_CLUSTER_NODES: 'a:7000,b:7001, c:7002' });
    expect(options.redisClusterNodes).toEqual(['a:7000', 'b:7001', ' c:7002']);
  });

  it('refuses a REDIS_CLUSTER_NODES that is not host:port pairs, without echoing it', () => {
    const attempt = () => sessionOptionsFromEnv({ REDIS_CLUSTER_NODES: 'redis-a;redis-b' });
    expect(attempt).toThrow(/REDIS_CLUSTER_NODES must be comma-separated host:port pairs/);
    expect(attempt).not.toThrow(/redis-a/);
  });

  it('reads DATABASE_URL only for SESSION_STORE=postgres, and checks it is a postgres URL', () => {
    const mysql = 'mysql://app@db/app';
    expect(sessionOptionsFromEnv({ DATABASE_URL: mysql }).databaseUrl).toBeUndefined();
    expect(() => sessionOptionsFromEnv({ SESSION_STORE: 'postgres', DATABASE_URL: mysql })).toThrow(
      /DATABASE_URL must be a postgres:\/\/ URL/,
    );
    const url = 'postgres://app:secret@db:5432/app';
    expect(
      sessionOptionsFromEnv({ SESSION_STORE: 'postgres', DATABASE_URL: url }).databaseUrl,
    ).toBe(url);
  });
});
