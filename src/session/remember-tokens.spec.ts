import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import type { SessionBackend } from '../core/session-backend.interface.js';
import { resolveSessionOptions } from '../core/options/session-options.resolver.js';
import type { RememberMeOptions } from '../core/options/session-options.interface.js';
import { builtInBackend } from '../stores/session-store.factory.js';
import { SessionStore } from '../stores/session.store.js';
import { CredentialVersions } from './credential-versions.js';
import { parseRememberCookie, rememberCookieValue, RememberTokens } from './remember-tokens.js';

const USER = { id: 'u1', email: 'u1@example.com', displayName: 'U1', roles: ['user'] };
const CLIENT = { ip: '203.0.113.9', userAgent: 'spec' };

/** Tokens on a real memory backend; `withoutSwap` takes its compare-and-set away (the fallback). */
async function tokensOn(rememberMe: RememberMeOptions = {}, withoutSwap = false) {
  const options = resolveSessionOptions({ secrets: ['x'.repeat(32)], rememberMe });
  const memory = await builtInBackend(options);
  const backend: SessionBackend = withoutSwap ? { ...memory, swap: undefined } : memory;
  const store = new SessionStore(backend, {
    timeoutMs: 1000,
    ttlSeconds: 60,
    absoluteTimeoutSeconds: 600,
    serializer: { stringify: JSON.stringify, parse: JSON.parse },
  });
  const versions = new CredentialVersions(store, options);
  return { tokens: new RememberTokens(store, options, versions), store, versions };
}

describe('RememberTokens', () => {
  it('stores the SHA-256 of the validator, never the validator itself', async () => {
    const { tokens, store } = await tokensOn();
    const issued = await tokens.issue(USER, 0, CLIENT);
    const raw = (await store.readRecord(`remember:${issued.selector}`))!;
    expect(raw).not.toContain(issued.validator);
    const sha = createHash('sha256').update(issued.validator).digest('base64url');
    expect(JSON.parse(raw)).toMatchObject({ userId: 'u1', hash: sha, user: USER });
    expect(JSON.parse(raw)).not.toHaveProperty('profile');
  });

  it('round-trips the cookie value and refuses malformed ones', async () => {
    const { tokens } = await tokensOn();
    const issued = await tokens.issue(USER, 0, CLIENT);
    expect(parseRememberCookie(rememberCookieValue(issued))).toEqual({
      selector: issued.selector,
      validator: issued.validator,
    });
    for (const bad of ['', 'x.y', `${issued.selector}.${issued.validator}x`, issued.selector]) {
      expect(parseRememberCookie(bad)).toBeUndefined();
    }
  });

  it('rotates the validator on each use and refuses the old one afterwards', async () => {
    const { tokens } = await tokensOn({ raceWindowSeconds: 0 });
    const issued = await tokens.issue(USER, 0, CLIENT);
    const first = await tokens.use(issued);
    expect(first.outcome).toBe('rotated');
    if (first.outcome !== 'rotated') return;
    expect(first.issued.selector).toBe(issued.selector);
    expect(first.issued.validator).not.toBe(issued.validator);
    expect(first.issued.record.lastUsedAt).toBeDefined();
    expect((await tokens.use(first.issued)).outcome).toBe('rotated');
    expect((await tokens.use(issued)).outcome).toBe('stolen');
  });

  it('takes the previous validator within the race window for a racing request, not a theft', async () => {
    const { tokens } = await tokensOn({ raceWindowSeconds: 60 });
    const issued = await tokens.issue(USER, 0, CLIENT);
    expect((await tokens.use(issued)).outcome).toBe('rotated');
    expect((await tokens.use(issued)).outcome).toBe('raced');
  });

  it('calls a validator the token never had a theft, even within the race window', async () => {
    const { tokens } = await tokensOn({ raceWindowSeconds: 60 });
    const issued = await tokens.issue(USER, 0, CLIENT);
    const forged = { selector: issued.selector, validator: 'A'.repeat(43) };
    expect(await tokens.use(forged)).toMatchObject({ outcome: 'stolen' });
  });

  it.each([
    ['with the backend swap', false],
    ['with the in-process fallback', true],
  ])('lets exactly one of two simultaneous uses win (%s)', async (_name, withoutSwap) => {
    const { tokens } = await tokensOn({ raceWindowSeconds: 60 }, withoutSwap);
    const issued = await tokens.issue(USER, 0, CLIENT);
    const outcomes = (await Promise.all([tokens.use(issued), tokens.use(issued)])).map(
      (use) => use.outcome,
    );
    expect(outcomes.sort()).toEqual(['raced', 'rotated']);
  });

  it('refuses and deletes a token whose credential version is no longer current', async () => {
    const { tokens, versions } = await tokensOn();
    const issued = await tokens.issue(USER, await versions.fresh(USER.id), CLIENT);
    await versions.bump(USER.id);
    expect((await tokens.use(issued)).outcome).toBe('outdated');
    expect((await tokens.use(issued)).outcome).toBe('unknown');
    expect(await tokens.list(USER.id)).toEqual([]);
  });

  it('lists, revokes and removes a user’s tokens by public id', async () => {
    const { tokens } = await tokensOn();
    const a = await tokens.issue(USER, 0, CLIENT);
    const b = await tokens.issue(USER, 0, CLIENT);
    await tokens.issue({ ...USER, id: 'u2' }, 0, CLIENT);
    const listed = await tokens.list(USER.id);
    expect(listed.map((d) => d.id).sort()).toEqual([a.record.publicId, b.record.publicId].sort());
    expect(JSON.stringify(listed)).not.toContain(a.selector);
    expect(listed[0]).toMatchObject({ ip: CLIENT.ip, userAgent: CLIENT.userAgent });
    expect(await tokens.revoke(USER.id, 'nope')).toBeUndefined();
    expect((await tokens.revoke(USER.id, a.record.publicId))?.selector).toBe(a.selector);
    expect((await tokens.use(a)).outcome).toBe('unknown');
    expect((await tokens.removeAll(USER.id)).map((r) => r.publicId)).toEqual([b.record.publicId]);
    expect((await tokens.use(b)).outcome).toBe('unknown');
    expect(await tokens.list('u2')).toHaveLength(1);
  });

  it('keeps every listing entry when tokens of one user are issued at once', async () => {
    const { tokens } = await tokensOn();
    await Promise.all(Array.from({ length: 5 }, () => tokens.issue(USER, 0, CLIENT)));
    expect(await tokens.list(USER.id)).toHaveLength(5);
  });
});
