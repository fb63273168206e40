import type { SessionData } from 'express-session';

/** One of the caller's sessions, as `GET /auth/sessions` lists it. Never the session id. */
export interface SessionSummary {
  /** Public id: use it with `DELETE /auth/sessions/:id`. */
  id: string;
  /** True for the session that made this request. */
  current: boolean;
  createdAt: string | null;
  lastSeenAt: string | null;
  ip: string | null;
  userAgent: string | null;
}

/** The public view of one stored session: never its id, never its profile. */
export function summarize(data: Partial<SessionData>, current: boolean): SessionSummary {
  const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());
  return {
    id: data.publicId ?? '',
    current,
    createdAt: iso(data.createdAt),
    lastSeenAt: iso(data.lastSeenAt ?? data.createdAt),
    ip: data.ip ?? null,
    userAgent: data.userAgent ?? null,
  };
}
