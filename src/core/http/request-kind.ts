import type { Request } from 'express';

/**
 * True for a browser navigation that should be sent to the login page; false for API calls,
 * which want a 401 they can handle (axios, fetch, curl's Accept: *\/*).
 * Browsers say which it is in `Sec-Fetch-Mode`, and a page cannot set that header: `navigate` is
 * a navigation whatever its Accept (some navigations send `*\/*`), any other mode is a script's
 * request. Without the header (curl, older browsers), Accept decides.
 */
export function prefersHtml(req: Request): boolean {
  if (req.get('x-requested-with')?.toLowerCase() === 'xmlhttprequest') return false;
  const mode = req.get('sec-fetch-mode');
  if (mode !== undefined) return mode === 'navigate';
  return req.accepts(['application/json', 'text/html']) === 'text/html';
}

/** True for a classic HTML form post, which gets redirects rather than JSON. */
export function isFormPost(req: Request): boolean {
  return req.is('application/x-www-form-urlencoded') === 'application/x-www-form-urlencoded';
}
