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
  const cookieFields = (data: SessionData) => {
    const { originalMaxAge, secure, sameSite, domain, httpOnly, path } = data.cookie;
    return { originalMaxAge, secure, sameSite, domain, httpOnly, path };
  };

  it('stores the session without its cookie', () => {
    const raw = serializer.stringify(fresh);
    expect(JSON.parse(raw)).toEqual({ profile: { id: 'user-1' }, createdAt: 1, lastSeenAt: 2 });
  });

  it('loads into the Cookie express-session would have made from its own format', () => {
    const compact = load(serializer.parse(serializer.stringify(fresh)));
    const plain = load(fresh);
    expect(cookieFields(compact)).toEqual(cookieFields(plain));
    expect(cookieFields(compact)).toEqual({
      originalMaxAge: 43_200_000,
      secure: true,
      sameSite: 'strict',
      domain: 'example.com',
      httpOnly: true,
      path: '/',
    });
    // What express-session does before it sends or saves: the expiry comes from the max age.
    compact.cookie.maxAge = compact.cookie.originalMaxAge!;
    expect(compact.cookie.expires!.getTime()).toBeGreaterThan(Date.now() + 43_100_000);
    expect(compact.profile).toEqual({ id: 'user-1' });
  });

  it('still loads sessions written in express-session’s own format', () => {
    expect(serializer.parse(JSON.stringify(fresh))).toEqual(fresh);
  });

  it('rebuilds a browser-session cookie (no max age configured) without an expiry', () => {
    const browserSession = compactSessionSerializer({ ...settings, maxAge: undefined });
    const loaded = load(browserSession.parse(browserSession.stringify(fresh)));
    expect(loaded.cookie.expires).toBeFalsy();
    expect(loaded.cookie.originalMaxAge).toBeNull();
  });
});
