import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { RedisClientType } from 'redis';
import type { SessionTimeoutOptions } from '../../src/index.js';
import { loginCookie, type RunningApp, sessionIdOf } from '../support/apps/demo-app.js';
import { startForRootApp } from '../support/apps/forroot-app.js';
import { RedisServer } from '../support/servers/redis-server.js';
import { expectStatus, getAs } from '../support/http/requests.js';
import { untilTime } from '../support/servers/clock.js';

/** Redis commands that write; reads (GET, PTTL, INFO…) are not counted. */
const WRITES = new Set([
  'set',
  'setex',
  'psetex',
  'getex',
  'getset',
  'del',
  'unlink',
  'expire',
  'pexpire',
  'expireat',
  'pexpireat',
  'persist',
  'sadd',
  'srem',
  'incr',
  'incrby',
  'decr',
  'decrby',
  'eval',
  'evalsha',
  'exec',
  'hset',
  'hdel',
]);

/** Calls per command since the last CONFIG RESETSTAT, from INFO commandstats. */
async function commandCalls(client: RedisClientType): Promise<Record<string, number>> {
  const info = await client.info('commandstats');
  const calls: Record<string, number> = {};
  for (const match of info.matchAll(/^cmdstat_([a-z|]+):calls=(\d+)/gm)) {
    calls[match[1]] = Number(match[2]);
  }
  return calls;
}

function writesIn(calls: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(calls).filter(([cmd]) => WRITES.has(cmd)));
}

const total = (calls: Record<string, number>) => Object.values(calls).reduce((a, b) => a + b, 0);

// A private redis-server: INFO commandstats must count this app's commands and nothing else.
describe('touch throttling on Redis', () => {
  let redis: RedisServer;
  let client: RedisClientType;
  let running: RunningApp | undefined;

  beforeAll(async () => {
    redis = await RedisServer.start();
    client = await redis.client();
  });

  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  afterAll(async () => {
    client?.destroy();
    await redis?.stop();
  });

  async function twentyReads(timeouts: SessionTimeoutOptions): Promise<Record<string, number>> {
    running = await startForRootApp({ store: { kind: 'redis', url: redis.url }, timeouts });
    const cookie = await loginCookie(running.server);
    await client.configResetStat();
    for (let i = 0; i < 20; i += 1) {
      expectStatus(await getAs(running.server, cookie, '/auth/me'), 200, `GET /auth/me #${i + 1}`);
    }
    return commandCalls(client);
  }

  it('answers 20 quick GET /auth/me with 20 Redis GETs and at most one write', async () => {
    const calls = await twentyReads({});
    expect(calls.get).toBe(20);
    const writes = writesIn(calls);
    if (total(writes) > 1) {
      throw new Error(`20 reads made ${total(writes)} writes: ${JSON.stringify(writes)}`);
    }
  });

  // The control: with throttling off the same reads write every time, so the count above
  // measures what it claims to. Those writes are saves of a moved lastSeenAt, never store.touch
  // calls (a session whose lastSeenAt is due is saved, not touched): that the throttled touch
  // still writes when it is due is checked in src/stores/session.store.spec.ts.
  it('writes on every read when SESSION_TOUCH_FRACTION=0', async () => {
    const calls = await twentyReads({ touchFraction: 0 });
    // One GET for the session and one for the user's credential version, which is cached for no
    // longer than the touch interval: here, not at all.
    expect(calls.get).toBe(40);
    expect(total(writesIn(calls))).toBe(20);
  });

  it('still extends the expiry once the touch interval has passed, with one SET', async () => {
    // Idle timeout 10 s, fraction 0.1: the expiry moves at most once a second.
    running = await startForRootApp({
      store: { kind: 'redis', url: redis.url },
      timeouts: { idleSeconds: 10 },
    });
    const cookie = await loginCookie(running.server);
    const key = `sess:${sessionIdOf(cookie)}`;
    // A sign-in stores no lastSeenAt: the last use counts from createdAt until the first move.
    const signedIn = JSON.parse((await client.get(key))!) as { createdAt: number };
    const due = signedIn.createdAt + 1000;
    await client.configResetStat();

    // Within the interval: reads move nothing. Each answer that came back before `due` was made
    // before it too, so its read must have left the expiry where it was.
    let ttl = await client.pTTL(key);
    const movedEarly: number[] = [];
    while (Date.now() < due - 100) {
      expectStatus(await getAs(running.server, cookie, '/auth/me'), 200, 'GET /auth/me');
      const answeredAt = Date.now();
      const now = await client.pTTL(key);
      if (now > ttl && answeredAt < due) movedEarly.push(answeredAt - signedIn.createdAt);
      ttl = now;
    }
    expect(movedEarly).toEqual([]);

    // Once it has passed, the very next read moves it: one SET, with the full idle timeout.
    await untilTime(due);
    expectStatus(await getAs(running.server, cookie, '/auth/me'), 200, 'GET /auth/me when due');
    expect(await client.pTTL(key)).toBeGreaterThan(9000);
    const stored = JSON.parse((await client.get(key))!) as { lastSeenAt: number };
    expect(stored.lastSeenAt).toBeGreaterThanOrEqual(due);
    expect(writesIn(await commandCalls(client))).toEqual({ set: 1 });
  });
});
