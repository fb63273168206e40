import type { CookieOptions, SessionData } from 'express-session';

/** How the Store turns a session into the string a backend keeps, and back. */
export interface SessionSerializer {
  stringify(session: SessionData): string;
  parse(raw: string): SessionData;
}

/**
 * JSON, without the cookie. express-session stores the whole cookie with every session
 * (`{"originalMaxAge":…,"expires":…,"secure":…,"httpOnly":…,"path":…,"sameSite":…}`, about 130
 * bytes), yet none of it needs storing here: the settings are the module's configuration, and
 * `expires` is never read back, because express-session resets it from the configured max age
 * (`session.touch()`) before it sends a cookie or saves, and the store's TTL is the idle timeout,
 * not the cookie's. So the cookie is rebuilt from the configuration on load, and a changed setting
 * also applies to sessions made before the change. Values written in express-session's own
 * format (a cookie object) still load as they are.
 */
export function compactSessionSerializer(cookie: CookieOptions): SessionSerializer {
  const { maxAge, ...settings } = cookie;
  return {
    stringify(session) {
      // JSON.stringify leaves out properties whose value is undefined.
      return JSON.stringify({ ...session, cookie: undefined });
    },
    parse(raw) {
      const data = JSON.parse(raw) as Partial<SessionData>;
      if (typeof data.cookie === 'object' && data.cookie !== null) return data as SessionData;
      // Set on the parsed object, not a copy of it: this runs on every request that has a session.
      // The shape express-session's Store#createSession turns back into a Cookie.
      (data as { cookie: unknown }).cookie = {
        ...settings,
        originalMaxAge: maxAge ?? null,
        expires: maxAge === undefined ? null : new Date(Date.now() + maxAge).toISOString(),
      };
      return data as SessionData;
    },
  };
}
