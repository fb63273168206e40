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

describe('store drivers load only when their store is chosen', () => {
  it('boots the memory store without loading redis or pg', async () => {
    const { packages, error } = await boot({ store: { kind: 'memory' } });
    expect(error).toBeUndefined();
    // The memory backend itself is loaded on demand too: proof the hooks saw the lazy import.
    expect(packages).toContain('lru-cache');
    expect(driversIn(packages)).toEqual([]);
  });

  it('loads redis, and not pg, for the redis store', async () => {
    // Nothing listens there: the app boots anyway and keeps retrying.
    const { packages, error } = await boot({
      store: { kind: 'redis', url: 'redis://127.0.0.1:1', timeoutMs: 200 },
    });
    expect(error).toBeUndefined();
    expect(driversIn(packages)).toEqual(['@redis/client', 'redis']);
  });

  it('names the package to install when the chosen store’s driver is missing', async () => {
    const { error } = await boot(
      { store: { kind: 'postgres', url: 'postgres://app@127.0.0.1:1/app', timeoutMs: 200 } },
      'pg',
    );
    expect(error).toBe(
      'SessionModule: SESSION_STORE=postgres needs the pg package: npm install pg',
    );
  });
});
