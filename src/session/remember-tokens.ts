import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { SESSION_OPTIONS, SESSION_STORE } from '../core/session.constants.js';
import type { SessionProfile } from '../core/session-data.augmentation.js';
import type { ResolvedSessionOptions } from '../core/options/session-options.resolver.js';
import type { SessionStore } from '../stores/session.store.js';
import { CredentialVersions } from './credential-versions.js';

/**
 * One remember-me token as the store keeps it, under `remember:<selector>`. Never the validator:
 * only its SHA-256, which is enough for a 256-bit random value (no dictionary to try), so a copy
 * of the store signs nobody in. No `profile` field, so nothing that looks for sessions (the
 * memory index, the PostgreSQL user index) takes it for one.
 */
export interface RememberTokenRecord {
  userId: string;
  /** The profile the token signs in with: the UserDirectory can only look users up by email. */
  user: SessionProfile;
  /** SHA-256 of the current validator, base64url. */
  hash: string;
  /** SHA-256 of the validator this one replaced, and when (epoch ms): tells a race from a theft. */
  previousHash?: string;
  rotatedAt?: number;
  /** Names the token in `GET /auth/sessions` and `DELETE /auth/sessions/remembered/:id`. */
  publicId: string;
  createdAt: number;
  lastUsedAt?: number;
  /** Epoch ms; using the token does not move it. */
  expiresAt: number;
  ip?: string;
  userAgent?: string;
  /** The user's credential version at issue; the token is refused once it is not current. */
  credentialVersion?: number;
}

/** What the cookie carries: the selector finds the record, the validator proves possession. */
export interface RememberTokenSecret {
  selector: string;
  validator: string;
}

/** A new or rotated token: the secret for the cookie, and its record. */
export interface IssuedRememberToken extends RememberTokenSecret {
  record: RememberTokenRecord;
}

/** What presenting a token led to. */
export type RememberTokenUse =
  /** Valid: the token now has a new validator (`issued`), and the old one is dead. */
  | { outcome: 'rotated'; issued: IssuedRememberToken }
  /** No such token (expired, revoked, never issued). */
  | { outcome: 'unknown' }
  /** Issued before a password change or revocation; now deleted. */
  | { outcome: 'outdated'; record: RememberTokenRecord }
  /** The previous validator, within the race window of its rotation: another request won. */
  | { outcome: 'raced' }
  /** A validator that is neither the current one nor a racing one: someone else has used it. */
  | { outcome: 'stolen'; record: RememberTokenRecord };

/** One remembered device, as `GET /auth/sessions` lists it. Never the selector or validator. */
export interface RememberedDevice {
  /** Public id: use it with `DELETE /auth/sessions/remembered/:id`. */
  id: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string;
  /** Client IP and User-Agent when the token was issued. */
  ip: string | null;
  userAgent: string | null;
}

/** One of a user's tokens, found through their listing. */
export interface ListedToken {
  selector: string;
  record: RememberTokenRecord;
}

/** Selectors of one user's tokens, each with its expiry (epoch ms). */
type Listing = Record<string, number>;

const SELECTOR_BYTES = 16;
const VALIDATOR_BYTES = 32;
/** Compare-and-set attempts on a user's listing before giving up (503). */
const LISTING_ATTEMPTS = 8;
const LISTING_FLOOR_MS = 60_000;

const tokenKey = (selector: string) => `remember:${selector}`;
const listingKey = (userId: string) => `remember-user:${userId}`;

/**
 * Remember-me tokens, kept through the store's generic records (`SessionStore.readRecord` and
 * `swapRecord`), so they work on every backend, an app's own included:
 * - each token is one record, `remember:<selector>`, with the store's TTL at its expiry;
 * - each user's tokens are listed in one more record, `remember-user:<userId>` (one key, so a
 *   Redis Cluster never needs a cross-slot command), changed only by compare-and-set, so two
 *   changes at once never lose one another;
 * - a use rotates the validator by compare-and-set on the record as it was read, so of two
 *   requests presenting the same validator exactly one wins. The loser finds the previous hash:
 *   within `raceWindowSeconds` of the rotation it is answered signed out (the same browser sent
 *   both), later it means a copy of the cookie was used (theft). An old validator never signs in.
 */
@Injectable()
export class RememberTokens {
  constructor(
    @Inject(SESSION_STORE) private readonly store: SessionStore,
    @Inject(SESSION_OPTIONS) private readonly options: ResolvedSessionOptions,
    private readonly versions: CredentialVersions,
  ) {}

  /** A new token for `user`, recorded with their credential version. */
  async issue(
    user: SessionProfile,
    credentialVersion: number | undefined,
    client: { ip?: string; userAgent?: string },
  ): Promise<IssuedRememberToken> {
    const now = Date.now();
    const selector = random(SELECTOR_BYTES);
    const validator = random(VALIDATOR_BYTES);
    const record: RememberTokenRecord = {
      userId: user.id,
      user,
      hash: hashOf(validator),
      publicId: random(16),
      createdAt: now,
      expiresAt: now + this.options.rememberMe.ttlSeconds * 1000,
      ...client,
      credentialVersion,
    };
    // Listed first: a token missing from its listing could not be listed or swept.
    await this.changeListing(user.id, (listing) => ({ ...listing, [selector]: record.expiresAt }));
    await this.store.swapRecord(tokenKey(selector), null, JSON.stringify(record), ttlOf(record));
    return { selector, validator, record };
  }

  /** Checks a presented token and, when it is valid, rotates its validator. */
  async use(secret: RememberTokenSecret): Promise<RememberTokenUse> {
    const key = tokenKey(secret.selector);
    const raw = await this.store.readRecord(key);
    const record = parseRecord(raw);
    if (!raw || !record || record.expiresAt <= Date.now()) return { outcome: 'unknown' };
    const presented = hashOf(secret.validator);
    if (!sameHash(presented, record.hash)) return this.judgeMismatch(record, presented);
    if (!(await this.isCurrent(record))) {
      await this.remove(secret.selector, record.userId);
      return { outcome: 'outdated', record };
    }
    const validator = random(VALIDATOR_BYTES);
    const now = Date.now();
    const rotated: RememberTokenRecord = {
      ...record,
      hash: hashOf(validator),
      previousHash: record.hash,
      rotatedAt: now,
      lastUsedAt: now,
    };
    if (await this.store.swapRecord(key, raw, JSON.stringify(rotated), ttlOf(rotated))) {
      return {
        outcome: 'rotated',
        issued: { selector: secret.selector, validator, record: rotated },
      };
    }
    // Another request rotated (or removed) it since the read: judge this one against that.
    const latest = parseRecord(await this.store.readRecord(key));
    if (!latest) return { outcome: 'unknown' };
    return sameHash(presented, latest.hash)
      ? { outcome: 'raced' }
      : this.judgeMismatch(latest, presented);
  }

  /** Deletes one token; resolves what it was, when there was one. */
  async remove(selector: string, userId?: string): Promise<RememberTokenRecord | undefined> {
    const record = parseRecord(await this.store.readRecord(tokenKey(selector)));
    await this.store.remove(tokenKey(selector));
    const owner = userId ?? record?.userId;
    if (owner !== undefined) await this.unlist(owner, [selector]);
    return record;
  }

  /** The user's live tokens, newest first. Drops listed tokens that are gone. */
  async list(userId: string): Promise<RememberedDevice[]> {
    const live = await this.live(userId);
    return live
      .sort((a, b) => b.record.createdAt - a.record.createdAt)
      .map(({ record }) => describeDevice(record));
  }

  /** Deletes the user's token with this public id; undefined when there is none. */
  async revoke(userId: string, publicId: string): Promise<ListedToken | undefined> {
    const target = (await this.live(userId)).find((t) => t.record.publicId === publicId);
    if (target) await this.remove(target.selector, userId);
    return target;
  }

  /** Deletes every token of the user (revocations sweep them with the sessions). */
  async removeAll(userId: string): Promise<RememberTokenRecord[]> {
    const listing = parseListing(await this.store.readRecord(listingKey(userId)));
    const selectors = Object.keys(listing);
    const records = await Promise.all(
      selectors.map(async (selector) => {
        const record = parseRecord(await this.store.readRecord(tokenKey(selector)));
        await this.store.remove(tokenKey(selector));
        return record?.userId === userId ? record : undefined;
      }),
    );
    await this.unlist(userId, selectors);
    return records.filter((record) => record !== undefined);
  }

  private judgeMismatch(record: RememberTokenRecord, presented: string): RememberTokenUse {
    const window = this.options.rememberMe.raceWindowSeconds * 1000;
    const racing =
      record.previousHash !== undefined &&
      sameHash(presented, record.previousHash) &&
      Date.now() - (record.rotatedAt ?? 0) < window;
    if (racing) return { outcome: 'raced' };
    return { outcome: 'stolen', record };
  }

  private async isCurrent(record: RememberTokenRecord): Promise<boolean> {
    if (!this.versions.enabled) return true;
    return (await this.versions.fresh(record.userId)) === (record.credentialVersion ?? 0);
  }

  private async live(userId: string): Promise<ListedToken[]> {
    const selectors = Object.keys(parseListing(await this.store.readRecord(listingKey(userId))));
    const read = await Promise.all(
      selectors.map(async (selector) => ({
        selector,
        record: parseRecord(await this.store.readRecord(tokenKey(selector))),
      })),
    );
    const now = Date.now();
    const live = read.filter(
      (t): t is ListedToken => t.record?.userId === userId && t.record.expiresAt > now,
    );
    const gone = selectors.filter((selector) => !live.some((t) => t.selector === selector));
    if (gone.length > 0) await this.unlist(userId, gone);
    return live;
  }

  private unlist(userId: string, selectors: string[]): Promise<void> {
    return this.changeListing(userId, (listing) => {
      const kept = { ...listing };
      for (const selector of selectors) delete kept[selector];
      return kept;
    });
  }

  /** Read, change, compare-and-set, again on a conflict; expired entries drop on the way. */
  private async changeListing(userId: string, change: (listing: Listing) => Listing) {
    const key = listingKey(userId);
    for (let attempt = 0; attempt < LISTING_ATTEMPTS; attempt++) {
      const raw = await this.store.readRecord(key);
      const now = Date.now();
      const next = Object.fromEntries(
        Object.entries(change(parseListing(raw))).filter(([, expiresAt]) => expiresAt > now),
      );
      // An empty listing stays a minute, so writes in a row do not each find it just expired.
      const lastExpiry = Math.max(now + LISTING_FLOOR_MS, ...Object.values(next));
      const ttlSeconds = Math.ceil((lastExpiry - now) / 1000);
      if (await this.store.swapRecord(key, raw, JSON.stringify(next), ttlSeconds)) return;
    }
    throw new Error('the remember-me listing kept changing under this write');
  }
}

/** The secret the cookie value `<selector>.<validator>` names, or undefined when malformed. */
export function parseRememberCookie(value: string | undefined): RememberTokenSecret | undefined {
  const match = value && /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/.exec(value);
  return match ? { selector: match[1], validator: match[2] } : undefined;
}

export function rememberCookieValue(secret: RememberTokenSecret): string {
  return `${secret.selector}.${secret.validator}`;
}

export function describeDevice(record: RememberTokenRecord): RememberedDevice {
  return {
    id: record.publicId,
    createdAt: new Date(record.createdAt).toISOString(),
    lastUsedAt: record.lastUsedAt === undefined ? null : new Date(record.lastUsedAt).toISOString(),
    expiresAt: new Date(record.expiresAt).toISOString(),
    ip: record.ip ?? null,
    userAgent: record.userAgent ?? null,
  };
}

// Synchronous, like the public ids of SessionsService: microseconds of work, where the async
// forms would queue on libuv's thread pool behind the argon2 verifies of the logins in flight.
function random(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

export function hashOf(validator: string): string {
  return createHash('sha256').update(validator).digest('base64url');
}

/** Constant time, so the answer's timing says nothing about how much of a hash matched. */
function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function ttlOf(record: RememberTokenRecord): number {
  return Math.max(1, Math.ceil((record.expiresAt - Date.now()) / 1000));
}

function parseRecord(raw: string | null): RememberTokenRecord | undefined {
  if (!raw) return undefined;
  const value = JSON.parse(raw) as Partial<RememberTokenRecord>;
  return typeof value.hash === 'string' && typeof value.userId === 'string'
    ? (value as RememberTokenRecord)
    : undefined;
}

function parseListing(raw: string | null): Listing {
  if (!raw) return {};
  const value = JSON.parse(raw) as unknown;
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Listing) : {};
}
