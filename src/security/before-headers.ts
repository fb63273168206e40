import type { ServerResponse } from 'node:http';

/**
 * Runs `hook` once, just before the response's headers are written, whoever writes them (Node
 * sends implicit headers through writeHead too). It is how express-session sets its own cookie
 * (the `on-headers` package); this is the same few lines rather than a transitive dependency.
 */
export function beforeHeaders(res: ServerResponse, hook: () => void): void {
  const writeHead = res.writeHead;
  let fired = false;
  res.writeHead = function (this: ServerResponse, ...args: unknown[]) {
    if (!fired) {
      fired = true;
      hook();
    }
    return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
  } as ServerResponse['writeHead'];
}
