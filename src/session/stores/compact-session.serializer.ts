import type { CookieOptions, SessionData } from 'express-session';

/** connect-redis's serializer contract. */
export interface SessionSerializer {
  stringify(session: SessionData): string;
  parse(raw: string): SessionData;
}

/**
 * JSON, minus the cookie settings. express-session stores the whole cookie with every session
 * (`{"originalMaxAge":…,"expires":…,"secure":…,"httpOnly":…,"path":…,"sameSite":…}`, about 130
 * bytes), yet only `expires` differs between sessions: the rest is the module's configuration.
 * This keeps `"cookie":<expires in ms>` and puts the configured settings back on load, so a
 * changed setting also applies to sessions made before the change. Values written in
 * express-session's own format (an object) still load as they are.
 */
export function compactSessionSerializer(cookie: CookieOptions): SessionSerializer {
  const { maxAge, ...settings } = cookie;
  return {
    stringify(session) {
      const expires = session.cookie?.expires;
      return JSON.stringify({ ...session, cookie: expires ? new Date(expires).getTime() : null });
    },
    parse(raw) {
      const data = JSON.parse(raw) as Omit<SessionData, 'cookie'> & { cookie: unknown };
      if (typeof data.cookie !== 'number' && data.cookie !== null) return data as SessionData;
      return {
        ...data,
        // The shape express-session's Store#createSession turns back into a Cookie.
        cookie: {
          ...settings,
          originalMaxAge: maxAge ?? null,
          expires: data.cookie === null ? null : new Date(data.cookie).toISOString(),
        },
      } as unknown as SessionData;
    },
  };
}
