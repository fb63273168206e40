import { type BinaryLike, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * CSRF tokens, stateless: nothing is stored, every token is an HMAC-SHA256 under the CSRF key
 * derived from the first SESSION_SECRET (`SessionKeys.csrf`, a key of its own, so no token is
 * ever a valid session-cookie signature), and every secret's key verifies, so a rotated secret
 * keeps working until removed.
 * (HMAC and 18 random bytes cost microseconds, so doing them synchronously is fine.)
 *
 * - Signed in: `HMAC(key, "session:" + session id)`. It is bound to the session, so it
 *   changes whenever the id does (login regenerates it, logout destroys it) and a token seen
 *   once is worthless for any other session.
 * - Before sign-in there is no session to bind to, and creating one for every visitor would let
 *   anyone fill the store (and evict real sessions from the embedded LRU store). Instead the
 *   token binds to a random pre-session id: `<id>.<HMAC(key, "anonymous:" + id)>`. It lives
 *   in the visitor's own XSRF-TOKEN cookie and a request must echo that exact value (signed
 *   double submit), which a page on another site can neither read nor set.
 * The "session:" and "anonymous:" prefixes keep the two kinds from ever standing in for each other.
 */
export function sessionCsrfToken(key: BinaryLike, sessionId: string): string {
  return mac(key, `session:${sessionId}`);
}

export function anonymousCsrfToken(key: BinaryLike): string {
  const id = randomBytes(18).toString('base64url');
  return `${id}.${mac(key, `anonymous:${id}`)}`;
}

/** True when `token` is the session-bound token of `sessionId` under one of the keys. */
export function isSessionCsrfToken(
  token: string,
  sessionId: string,
  keys: readonly BinaryLike[],
): boolean {
  return keys.some((key) => sameToken(token, sessionCsrfToken(key, sessionId)));
}

/** True when `token` is a pre-session token this server signed (under one of the keys). */
export function isAnonymousCsrfToken(token: string, keys: readonly BinaryLike[]): boolean {
  const dot = token.indexOf('.');
  if (dot <= 0) return false;
  const id = token.slice(0, dot);
  const signature = token.slice(dot + 1);
  return keys.some((key) => sameToken(signature, mac(key, `anonymous:${id}`)));
}

/** Constant-time equality, so response timing does not reveal how much of a guess was right. */
export function sameToken(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function mac(key: BinaryLike, message: string): string {
  return createHmac('sha256', key).update(message).digest('base64url');
}
