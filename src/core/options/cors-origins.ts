// core/options/ — every option of SessionModule: the interface, its one resolver (defaults and bounds) and the environment table.
/**
 * True for `http(s)://host[:port]` exactly as a browser serialises it in the `Origin` header.
 * Only such entries may be allowed: a wildcard would hand every site the user's session (and
 * browsers refuse `*` with credentials anyway), while a path or a trailing slash never equals an
 * `Origin` header, so that entry would silently allow nothing.
 */
export function isExactOrigin(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return (
    (url.protocol === 'https:' || url.protocol === 'http:') &&
    url.origin === value &&
    // The URL parser takes `*.example.com` as a host name; no browser ever sends one.
    /^([a-z0-9-]+\.)*[a-z0-9-]+$|^\[[0-9a-f:.]+\]$/.test(url.hostname)
  );
}
