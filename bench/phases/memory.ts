import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';
import { SESSION_KEY_PREFIX, userIndexKey, type BenchSettings } from '../config.js';
import {
  assertGuarded,
  loginForCookie,
  sessionIdFromCookie,
  type Credentials,
} from '../lib/http.js';
import type { ScenarioServer } from '../lib/servers.js';
import { round } from '../lib/stats.js';

type Redis = ReturnType<typeof createClient>;

export interface MemoryResult {
  sessions: number;
  /** Session key plus its share of the per-user index: the figure issue 7 targets (≤ 600). */
  bytesPerSession: number;
  bytesPerSessionKey: number;
  bytesPerIndexEntry: number;
  sessionsPerUser: number;
  sessionValueBytes: number;
  /** Whether the index format was read from a real login ('observed') or taken from config.ts. */
  index: 'observed' | 'assumed';
  indexType: IndexEntry['type'];
  usedMemoryBefore: number;
  usedMemoryAfter: number;
}

/** How one session appears in the per-user index, as found next to a real session. */
interface IndexEntry {
  key: string;
  type: 'set' | 'zset' | 'hash';
  /** The member (set, zset) or field (hash) naming the session. */
  member: string;
  score: number;
  hashValue: string;
  pttl: number;
}

interface Template {
  sid: string;
  value: string;
  pttl: number;
  userId: string;
  index: IndexEntry | null;
}

const BATCH = 5000;

/**
 * Issue 7 point 3. 100k logins through HTTP would take half an hour of argon2, so the phase
 * takes one session written by a real login and writes 100k copies with fresh ids, byte for byte
 * the same size, plus their per-user index entries, and reads Redis's `used_memory` around it.
 */
export async function runMemoryPhase(
  server: ScenarioServer,
  reader: Credentials,
  redisUrl: string,
  settings: BenchSettings,
  stopServers: () => Promise<void>,
): Promise<MemoryResult> {
  if (!server.loginPath) throw new Error(`bench: ${server.name} has no login route`);
  const cookie = await loginForCookie(server.baseUrl + server.loginPath, reader);
  // One authenticated read, so fields written on access (lastSeenAt) are in the template.
  await assertGuarded(server.baseUrl + server.benchPath, cookie, null);

  const redis = createClient({ url: redisUrl });
  redis.on('error', (error: Error) => console.error('bench redis:', error.message));
  await redis.connect();
  try {
    const template = await readTemplate(redis, sessionIdFromCookie(cookie));
    // Nothing may write while memory is measured: no server, no expiring rate-limit keys.
    await stopServers();
    await redis.flushAll();

    const before = await usedMemory(redis);
    const sessions = await writeSessions(redis, template, settings.memorySessions);
    const afterSessions = await usedMemory(redis);
    await writeIndex(redis, template, sessions, settings.memorySessionsPerUser);
    const after = await usedMemory(redis);
    await redis.flushAll();

    const count = settings.memorySessions;
    return {
      sessions: count,
      bytesPerSession: round((after - before) / count, 1),
      bytesPerSessionKey: round((afterSessions - before) / count, 1),
      bytesPerIndexEntry: round((after - afterSessions) / count, 1),
      sessionsPerUser: settings.memorySessionsPerUser,
      sessionValueBytes: Buffer.byteLength(template.value),
      index: template.index ? 'observed' : 'assumed',
      indexType: template.index?.type ?? 'set',
      usedMemoryBefore: before,
      usedMemoryAfter: after,
    };
  } finally {
    await redis.quit();
  }
}

async function readTemplate(redis: Redis, sid: string): Promise<Template> {
  const key = SESSION_KEY_PREFIX + sid;
  const type = await redis.type(key);
  if (type !== 'string') {
    throw new Error(
      `bench: expected the session at "${SESSION_KEY_PREFIX}<sid>" as a string, found ${type}; ` +
        'adjust SESSION_KEY_PREFIX in bench/config.ts',
    );
  }
  const value = (await redis.get(key)) ?? '';
  const pttl = await redis.pTTL(key);
  const userId = String((JSON.parse(value) as { profile?: { id?: unknown } }).profile?.id ?? '');
  if (!userId) throw new Error('bench: the session JSON has no profile.id');
  let index = await findIndexEntry(redis, key, sid);
  if (index && !index.key.includes(userId)) {
    // Copies of a key without the user id in it would put every session under one user.
    console.warn(`bench: index key ${index.key} does not contain profile.id; using config.ts's`);
    index = null;
  }
  return { sid, value, pttl, userId, index };
}

/** Looks through every key for a set, sorted set or hash that names the session. */
async function findIndexEntry(
  redis: Redis,
  sessionKey: string,
  sid: string,
): Promise<IndexEntry | null> {
  for await (const keys of redis.scanIterator({ COUNT: 1000 })) {
    for (const key of keys) {
      if (key === sessionKey) continue;
      const type = await redis.type(key);
      for (const member of [sid, sessionKey]) {
        const entry = await indexEntryIn(redis, key, type, member);
        if (entry) return entry;
      }
    }
  }
  return null;
}

async function indexEntryIn(
  redis: Redis,
  key: string,
  type: string,
  member: string,
): Promise<IndexEntry | null> {
  let score = 0;
  let hashValue = '';
  if (type === 'set') {
    if (!(await redis.sIsMember(key, member))) return null;
  } else if (type === 'zset') {
    const found = await redis.zScore(key, member);
    if (found === null) return null;
    score = found;
  } else if (type === 'hash') {
    const found = await redis.hGet(key, member);
    if (found == null) return null;
    hashValue = found;
  } else {
    return null;
  }
  return { key, type, member, score, hashValue, pttl: await redis.pTTL(key) };
}

/** A random id as long as the real one (express-session: 24 random bytes, base64url). */
function sidLike(sid: string): string {
  return randomBytes(Math.ceil((sid.length * 3) / 4))
    .toString('base64url')
    .slice(0, sid.length);
}

async function writeSessions(redis: Redis, template: Template, count: number): Promise<string[]> {
  const sids: string[] = [];
  for (let start = 0; start < count; start += BATCH) {
    const batch: Promise<unknown>[] = [];
    for (let i = start; i < Math.min(count, start + BATCH); i++) {
      const sid = sidLike(template.sid);
      sids.push(sid);
      // node-redis pipelines the commands of one tick into one write.
      // Same TTL as the real key: each TTL costs an entry in Redis's expires table.
      const expiration =
        template.pttl > 0 ? { type: 'PX' as const, value: template.pttl } : undefined;
      batch.push(redis.set(SESSION_KEY_PREFIX + sid, template.value, { expiration }));
    }
    await Promise.all(batch);
  }
  return sids;
}

/** A user id as long as the real one, so index keys have the real key's size. */
function userIdLike(realId: string, n: number): string {
  return n.toString(36).padStart(realId.length, '0');
}

async function writeIndex(
  redis: Redis,
  template: Template,
  sids: readonly string[],
  sessionsPerUser: number,
): Promise<void> {
  const observed = template.index;
  for (let start = 0; start < sids.length; start += BATCH) {
    const batch: Promise<unknown>[] = [];
    for (let i = start; i < Math.min(sids.length, start + BATCH); i++) {
      const userId = userIdLike(template.userId, Math.floor(i / sessionsPerUser));
      const sid = sids[i];
      if (!observed) {
        batch.push(redis.sAdd(userIndexKey(userId), sid));
        continue;
      }
      const key = observed.key.split(template.userId).join(userId);
      const member = observed.member.split(template.sid).join(sid);
      if (observed.type === 'set') batch.push(redis.sAdd(key, member));
      if (observed.type === 'zset')
        batch.push(redis.zAdd(key, { score: observed.score, value: member }));
      if (observed.type === 'hash') batch.push(redis.hSet(key, member, observed.hashValue));
      if (observed.pttl > 0) batch.push(redis.pExpire(key, observed.pttl));
    }
    await Promise.all(batch);
  }
}

async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  const match = /^used_memory:(\d+)/m.exec(info);
  if (!match) throw new Error('bench: INFO memory has no used_memory');
  return Number(match[1]);
}
