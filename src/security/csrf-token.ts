import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * CSRF tokens, stateless: nothing is stored, every token is an HMAC-SHA256 under the first
 * SESSION_SECRET, and every secret verifies, so a rotated secret keeps working until removed.
 * (HMAC and 18 random bytes cost microseconds, so doing them synchronously is fine.)
 *
 * - Signed in: `HMAC(secret, "session:" + session id)`. It is bound to the session, so it
 *   changes whenever the id does (login regenerates it, logout destroys it) and a token seen
 *   once is worthless for any other session.
 * - Before sign-in there is no session to bind to, and creating one for every visitor would let
 *   anyone fill the store (and evict real sessions from the embedded LRU store). Instead the
 *   token binds to a random pre-session id: `<id>.<HMAC(secret, "anonymous:" + id)>`. It lives
 *   in the visitor's own XSRF-TOKEN cookie and a request must echo that exact value (signed
 *   double submit), which a page on another site can neither read nor set.
 * The "session:" and "anonymous:" prefixes keep the two kinds from ever standing in for each other.
 */
export function sessionCsrfToken(secret: string, sessionId: string): string {
  return mac(secret, `session:${sessionId}`);
}

export function anonymousCsrfToken(secret: string): string {
  const id = randomBytes(18).toString('base64url');
  return `${id}.${mac(secret, `anonymous:${id}`)}`;
}

/** True when `token` is the session-bound token of `sessionId` under one of the secrets. */
export function isSessionCsrfToken(token: string, sessionId: string, secrets: string[]): boolean {
  return secrets.some((secret) => sameToken(token, sessionCsrfToken(secret, sessionId)));
}

/** True when `token` is a pre-session token this server signed (under one of the secrets). */
export function isAnonymousCsrfToken(token: string, secrets: string[]): boolean {
  const dot = token.indexOf('.');
  if (dot <= 0) return false;
  const id = token.slice(0, dot);
  const signature = token.slice(dot + 1);
  return secrets.some((secret) => sameToken(signature, mac(secret, `anonymous:${id}`)));
}

/** Constant-time equality, so response timing does not reveal how much of a guess was right. */
export function sameToken(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function mac(secret: string, message: string): string {
  return createHmac('sha256', secret).update(message).digest('base64url');
}
