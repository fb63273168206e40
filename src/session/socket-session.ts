import { Logger } from '@nestjs/common';
import type { Request } from 'express';
import type { SessionData, Store } from 'express-session';
import type { ResolvedSessionOptions } from '../core/options/session-options.resolver.js';
import { SESSION_LOGGER_CONTEXT } from '../core/session.constants.js';
import type { SessionStore as ModuleStore } from '../stores/session.store.js';
import { isLastSeenDue, markSessionEnded, sessionEndReason } from './session-expiry.js';

/** What express-session adds to its store at runtime; its types leave these out. */
type SessionStore = Store & {
  generate(req: Request): void;
  createSession(req: Request, data: SessionData): void;
};

type SocketSessionOptions = Pick<ResolvedSessionOptions, 'timeouts'>;

const logger = new Logger(SESSION_LOGGER_CONTEXT);

/**
 * Loads a socket's session from the store again, before each of its messages. The handshake
 * loaded it once, but a socket lives for hours: without this, a logout, a revocation ("sign out
 * everywhere") or a timeout would leave the socket signed in (ASVS 5.0 V7.4.1, sessions are
 * ended on the server). It costs one store GET per message of a signed-in socket, as an HTTP
 * request does. A message counts as activity, as a request does: it moves the idle timeout.
 * Afterwards, as on HTTP, `req.session` is the stored session, a fresh signed-out one (gone or
 * timed out: the guard answers `unauthenticated` or `session_expired`), or undefined when the
 * store failed (the guard answers `session_store_unavailable`).
 */
export async function refreshSocketSession(
  req: Request,
  options: SocketSessionOptions,
): Promise<void> {
  // A socket that arrived signed out stays so: its cookie cannot change after the handshake.
  if (req.session && req.session.profile === undefined) return;
  const store = req.sessionStore as SessionStore;
  let data: SessionData | null;
  try {
    data = await (store as unknown as ModuleStore).read(req.sessionID);
  } catch (err) {
    logger.warn(`Session store failed to load a socket's session: ${describe(err)}`);
    req.session = undefined as never;
    return;
  }
  const now = Date.now();
  const ended = data ? sessionEndReason(data, now, options.timeouts) : undefined;
  if (!data || ended) {
    // Signed out from now on. A timed-out entry is deleted by the next HTTP request that
    // carries its cookie, or by the store's TTL; it can no longer be used either way.
    store.generate(req);
    if (ended) markSessionEnded(req, ended);
    return;
  }
  store.createSession(req, data);
  if (isLastSeenDue(data, now, options.timeouts.touchIntervalMs)) {
    req.session.lastSeenAt = now;
    // An update, never a create: a session deleted meanwhile stays deleted (fresh-sessions.ts).
    req.session.save((err) => {
      if (err) logger.warn(`Session store failed to save a socket's session: ${describe(err)}`);
    });
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
