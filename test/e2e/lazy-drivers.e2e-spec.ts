import { describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const BOOT = fileURLToPath(new URL('../fixtures/lazy-drivers/boot.mjs', import.meta.url));

interface Boot {
  /** npm packages the process loaded, by name. */
  packages: string[];
  error?: string;
}

/** Boots SessionModule from dist/ in a fresh process; `blocked` makes a package look uninstalled. */
async function boot(options: object, blocked?: string): Promise<Boot> {
  const { stdout } = await promisify(execFile)(process.execPath, [BOOT, JSON.stringify(options)], {
    env: { PATH: process.env.PATH, ...(blocked ? { BLOCK_PACKAGE: blocked } : {}) },
    timeout: 20_000,
  });
  return JSON.parse(stdout.trim().split('\n').pop()!) as Boot;
}

const DRIVERS = ['redis', '@redis/client', 'pg', 'connect-redis', 'connect-pg-simple'];
const driversIn = (packages: string[]) => packages.filter((p) => DRIVERS.includes(p));
// Nothing listens on port 1: the app boots anyway and keeps retrying.
const REDIS = { kind: 'redis', url: 'redis://127.0.0.1:1', timeoutMs: 200 };
const POSTGRES = { kind: 'postgres', url: 'postgres://app@127.0.0.1:1/app', timeoutMs: 200 };

describe('store drivers load only when their store is chosen', () => {
  it('boots the memory store without loading any store driver', async () => {
    const { packages, error } = await boot({ store: { kind: 'memory' } });
    expect(error).toBeUndefined();
    // The memory backend itself is loaded on demand too: proof the hooks saw the lazy import.
    expect(packages).toContain('lru-cache');
    expect(driversIn(packages)).toEqual([]);
  });

  it('loads redis and connect-redis, and neither pg nor connect-pg-simple, for the redis store', async () => {
    const { packages, error } = await boot({ store: REDIS });
    expect(error).toBeUndefined();
    expect(driversIn(packages)).toEqual(['@redis/client', 'connect-redis', 'redis']);
  });

  it('loads pg and connect-pg-simple, and neither redis nor connect-redis, for the postgres store', async () => {
    const { packages, error } = await boot({ store: POSTGRES });
    expect(error).toBeUndefined();
    expect(driversIn(packages)).toEqual(['connect-pg-simple', 'pg']);
  });

  it.each([
    ['postgres', 'pg', 'pg and connect-pg-simple', 'pg connect-pg-simple'],
    ['postgres', 'connect-pg-simple', 'pg and connect-pg-simple', 'pg connect-pg-simple'],
    ['redis', 'connect-redis', 'redis and connect-redis', 'redis connect-redis'],
  ] as const)(
    'names the packages to install when the %s store misses %s',
    async (kind, blocked, names, install) => {
      const { error } = await boot({ store: kind === 'redis' ? REDIS : POSTGRES }, blocked);
      expect(error).toBe(
        `SessionModule: SESSION_STORE=${kind} needs the ${names} packages: npm install ${install}`,
      );
    },
  );
});
