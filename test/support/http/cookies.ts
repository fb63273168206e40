// Reading the session cookie: pure string work, shared by the tests and the bench.

/** The `name=value` pair of the session cookie in a Set-Cookie header list. */
export function sessionCookie(setCookie: string | string[] | undefined, name = 'sid'): string {
  const list = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  const header = list.find((c) => c.startsWith(`${name}=`));
  if (!header) throw new Error(`no ${name} cookie in Set-Cookie: ${JSON.stringify(list)}`);
  return header.split(';')[0];
}

/** The session id inside a signed cookie pair (`sid=s%3A<id>.<sig>` → `<id>`). */
export function sessionIdOf(cookiePair: string): string {
  const value = decodeURIComponent(cookiePair.slice(cookiePair.indexOf('=') + 1));
  return value.slice(2, value.lastIndexOf('.'));
}
