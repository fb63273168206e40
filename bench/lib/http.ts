import { fetchCsrfHeaders } from '../../test/support/http/csrf.js';
import { sessionIdOf } from '../../test/support/http/cookies.js';
import { SESSION_COOKIE_NAME } from '../config.js';

export interface Credentials {
  email: string;
  password: string;
}

const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/json' };

/**
 * The pre-session CSRF pair the demo hands an anonymous client (GET /auth/csrf), as the tests get
 * it: its XSRF-TOKEN cookie and the same token as X-XSRF-TOKEN, which every login must carry. The
 * token is stateless, so one pair serves a whole login storm. Servers without the route (the
 * plain express-session baseline, naive-nest) get no headers.
 */
export async function anonymousCsrfHeaders(baseUrl: string): Promise<Record<string, string>> {
  const probe = await fetch(`${baseUrl}/auth/csrf`, { headers: { accept: 'application/json' } });
  await probe.body?.cancel();
  if (probe.status !== 200) return {};
  // Lower-case names: the soak test overrides `cookie` and `x-xsrf-token` per request.
  const headers = await fetchCsrfHeaders(baseUrl);
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]),
  );
}

/**
 * Logs in and returns a Cookie header with every cookie the login set: the session cookie and,
 * on the demo, the XSRF-TOKEN cookie. A browser sends both on every request; a client sending
 * only the session cookie would make the server re-issue the CSRF cookie on every answer.
 */
export async function loginForCookie(url: string, credentials: Credentials): Promise<string> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { ...JSON_HEADERS, ...(await anonymousCsrfHeaders(new URL(url).origin)) },
    body: JSON.stringify(credentials),
    redirect: 'manual',
  });
  const body = await response.text();
  if (response.status !== 200) {
    throw new Error(`bench: login at ${url} answered ${response.status}: ${body.slice(0, 300)}`);
  }
  const cookies = response.headers.getSetCookie().map((header) => header.split(';')[0]);
  const session = cookies.find((pair) => pair.startsWith(`${SESSION_COOKIE_NAME}=`));
  if (!session) {
    throw new Error(
      `bench: login at ${url} set no "${SESSION_COOKIE_NAME}" cookie (got: ` +
        `${cookies.map((pair) => pair.split('=')[0]).join(', ') || 'none'}); set BENCH_COOKIE_NAME`,
    );
  }
  return cookies.join('; ');
}

/** The session id inside the signed express-session cookie (`s:<sid>.<signature>`). */
export function sessionIdFromCookie(cookieHeader: string): string {
  const pair = cookieHeader
    .split('; ')
    .find((candidate) => candidate.startsWith(`${SESSION_COOKIE_NAME}=`));
  if (!pair) throw new Error(`bench: no "${SESSION_COOKIE_NAME}" cookie in ${cookieHeader}`);
  if (!decodeURIComponent(pair).includes('=s:')) {
    throw new Error('bench: session cookie is not a signed cookie');
  }
  return sessionIdOf(pair);
}

/**
 * Fails unless `url` answers 200 with the cookie and `withoutCookieStatus` without it: a guard
 * that let everyone through would make the guarded numbers meaningless.
 */
export async function assertGuarded(
  url: string,
  cookiePair: string,
  withoutCookieStatus: number | null,
): Promise<void> {
  const withCookie = await fetch(url, { headers: { ...JSON_HEADERS, cookie: cookiePair } });
  await withCookie.arrayBuffer();
  if (withCookie.status !== 200) {
    throw new Error(`bench: ${url} with the session cookie answered ${withCookie.status}`);
  }
  if (withoutCookieStatus === null) return;
  const without = await fetch(url, { headers: JSON_HEADERS, redirect: 'manual' });
  await without.arrayBuffer();
  if (without.status !== withoutCookieStatus) {
    throw new Error(
      `bench: ${url} without a cookie answered ${without.status}, expected ${withoutCookieStatus}`,
    );
  }
}
