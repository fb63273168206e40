// session/ — the express-session pipeline: loading and saving, idle and absolute timeouts, and the per-user session index.
import type { Request } from 'express';
import type { SessionData } from 'express-session';
import type { ResolvedSessionOptions } from '../core/options/session-options.resolver.js';

/** Why the server ended a session: unused too long, or signed in too long ago. */
export type SessionEndReason = 'idle' | 'absolute';

type Timeouts = Pick<ResolvedSessionOptions['timeouts'], 'idleSeconds' | 'absoluteSeconds'>;

/**
 * The absolute timeout counts from sign-in whatever the activity (ASVS 5.0 V7.3.2). The idle
 * timeout is also the store's TTL; checking it here too covers stores that expire lazily.
 * Each deadline is the first millisecond the session is no longer valid: signed in at t with a
 * 60 s timeout, it ends at t + 60 000.
 * A signed-in session missing its timestamps (written by an older version, or by hand) cannot
 * prove its age, so it ends rather than live forever; a missing `lastSeenAt` counts from sign-in.
 * An anonymous session has no sign-in to count from: its idle time counts once it has a
 * `lastSeenAt`, which SessionLifecycleMiddleware gives it at its next request.
 */
export function sessionEndReason(
  session: Partial<SessionData>,
  now: number,
  timeouts: Timeouts,
): SessionEndReason | undefined {
  const { createdAt } = session;
  if (createdAt === undefined) {
    if (session.profile !== undefined) return 'absolute';
  } else if (now - createdAt >= timeouts.absoluteSeconds * 1000) {
    return 'absolute';
  }
  const lastSeenAt = session.lastSeenAt ?? createdAt;
  if (lastSeenAt !== undefined && now - lastSeenAt >= timeouts.idleSeconds * 1000) return 'idle';
  return undefined;
}

/**
 * True when `lastSeenAt` (and with it the store's expiry) is due to be moved forward. A sign-in
 * stores no `lastSeenAt`: until the first extension it is the sign-in time.
 */
export function isLastSeenDue(
  session: Partial<SessionData>,
  now: number,
  intervalMs: number,
): boolean {
  const lastSeenAt = session.lastSeenAt ?? session.createdAt;
  return lastSeenAt === undefined || now - lastSeenAt >= intervalMs;
}

const ended = new WeakMap<Request, SessionEndReason>();

/** Remembers, for this request only, that its session was just ended by a timeout. */
export function markSessionEnded(req: Request, reason: SessionEndReason): void {
  ended.set(req, reason);
}

export function sessionEndedBy(req: Request): SessionEndReason | undefined {
  return ended.get(req);
}
