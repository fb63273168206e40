import type { Request } from 'express';
import type { ResolvedSessionOptions } from '../core/options/session-options.resolver.js';

const originSets = new WeakMap<ResolvedSessionOptions, ReadonlySet<string>>();

/**
 * `cors.origins` as a set, built once per options object: CORS answers these origins, and the
 * CSRF origin check accepts the same ones.
 */
export function allowedOrigins(options: ResolvedSessionOptions): ReadonlySet<string> {
  let set = originSets.get(options);
  if (!set) originSets.set(options, (set = new Set(options.cors.origins)));
  return set;
}

/**
 * Where an unsafe request says it comes from: the `Origin` header, or lacking it the origin of
 * `Referer`. Undefined when the request names neither (curl, older browsers on same-origin
 * posts), in which case the CSRF token alone decides. `'null'` stays `'null'`: sandboxed frames,
 * `file:` pages and privacy redirects send it, and it is never an allowed origin.
 */
export function claimedOrigin(req: Request): string | undefined {
  const origin = req.get('origin');
  if (origin !== undefined) return origin;
  const referer = req.get('referer');
  if (referer === undefined) return undefined;
  try {
    return new URL(referer).origin;
  } catch {
    return 'null';
  }
}

/**
 * This app's own origin as the browser sees it. The Host header is the browser's own (a page on
 * another site cannot change it), and behind a proxy Express reads X-Forwarded-Proto/-Host only
 * when TRUST_PROXY says so.
 */
export function ownOrigin(req: Request): string {
  return `${req.protocol}://${req.host}`;
}

/**
 * The origin check of CSRF defence (OWASP's "verifying origin with standard headers"): an unsafe
 * request that names an origin must name this app or one of CORS_ORIGINS, and a browser that
 * says the request is cross-site must be coming from an allowed origin.
 */
export function isAllowedSource(req: Request, allowed: ReadonlySet<string>): boolean {
  const origin = claimedOrigin(req);
  if (origin === undefined) return req.get('sec-fetch-site') !== 'cross-site';
  return origin === ownOrigin(req) || allowed.has(origin);
}
