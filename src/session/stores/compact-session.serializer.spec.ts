import { describe, expect, it } from '@jest/globals';
import type { Request } from 'express';
import session, { type SessionData } from 'express-session';
import { compactSessionSerializer } from './compact-session.serializer.js';

const settings = {
  httpOnly: true,
  path: '/',
  secure: true,
  sameSite: 'strict' as const,
  domain: 'example.com',
  maxAge: 43_200_000,
};

/** What express-session hands a store: a new session with its Cookie, as JSON sees it. */
function stored(): SessionData {
  // The types leave out the constructor's options, which express-session itself passes.
  const CookieWithOptions = session.Cookie as unknown as new (
    options: typeof settings,
  ) => session.Cookie;
  const cookie = new CookieWithOptions({ ...settings });
  return JSON.parse(
    JSON.stringify({ cookie, profile: { id: 'user-1' }, createdAt: 1, lastSeenAt: 2 }),
  ) as SessionData;
}

/** express-session's own loading step, which turns stored data back into a Session (in place,
 * hence the copy). */
function load(data: SessionData): SessionData {
  const req = { sessionID: 'sid', sessionStore: new session.MemoryStore() } as unknown as Request;
  const store = req.sessionStore as session.Store & {
    createSession(req: Request, data: SessionData): SessionData;
  };
  return store.createSession(req, structuredClone(data));
}

describe('compactSessionSerializer', () => {
  const serializer = compactSessionSerializer(settings);
  const fresh = stored();
  const expires = new Date(fresh.cookie.expires!);

  it('stores the cookie as its expiry time only', () => {
    const raw = serializer.stringify(fresh);
    expect(JSON.parse(raw)).toEqual({
      cookie: expires.getTime(),
      profile: { id: 'user-1' },
      createdAt: 1,
      lastSeenAt: 2,
    });
    expect(raw).not.toMatch(/httpOnly|sameSite|originalMaxAge|domain/);
  });

  it('loads into the same Cookie express-session would have made from its own format', () => {
    const compact = load(serializer.parse(serializer.stringify(fresh)));
    const plain = load(fresh);
    expect(compact.cookie).toEqual(plain.cookie);
    expect(compact.cookie.expires).toEqual(expires);
    expect(compact.cookie.originalMaxAge).toBe(43_200_000);
    expect(compact.cookie.secure).toBe(true);
    expect(compact.cookie.sameSite).toBe('strict');
    expect(compact.cookie.domain).toBe('example.com');
    expect(compact.profile).toEqual({ id: 'user-1' });
  });

  it('still loads sessions written in express-session’s own format', () => {
    const legacy = fresh;
    expect(serializer.parse(JSON.stringify(legacy))).toEqual(legacy);
  });

  it('keeps a session without an expiry (a browser-session cookie) without one', () => {
    const data = { ...fresh, cookie: { ...fresh.cookie, expires: null } };
    const loaded = load(serializer.parse(serializer.stringify(data as unknown as SessionData)));
    expect(loaded.cookie.expires).toBeFalsy();
  });
});
