import {
  createServer as createHttpServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { loadSpaAsset } from './spa-assets.js';

export interface SpaServerOptions {
  /** Where the API is, e.g. `http://localhost:3000`. The page calls it cross-origin. */
  apiBase: string;
  port: number;
  host?: string;
  /** PEM key and certificate: serve over HTTPS (needed for the cross-site, SameSite=None setup). */
  tls?: { key: string | Buffer; cert: string | Buffer };
}

export interface RunningSpaServer {
  port: number;
  /** The SPA's origin by the name `localhost`, e.g. `http://localhost:5173`. */
  origin: string;
  close(): Promise<void>;
}

/**
 * A small static server for the demo SPA on a second origin, the way a real SPA is often hosted
 * apart from its API. Its CSP lets the page talk to its own origin and to the API only.
 */
export async function startSpaServer(options: SpaServerOptions): Promise<RunningSpaServer> {
  const apiOrigin = new URL(options.apiBase).origin;
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    void serve(req, res, options.apiBase, apiOrigin);
  };
  const server = options.tls ? createHttpsServer(options.tls, handler) : createHttpServer(handler);
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const scheme = options.tls ? 'https' : 'http';
  return {
    port,
    origin: `${scheme}://localhost:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function serve(
  req: IncomingMessage,
  res: ServerResponse,
  apiBase: string,
  apiOrigin: string,
): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://spa.invalid').pathname.slice(1);
  const asset =
    req.method === 'GET' ? await loadSpaAsset(path, apiBase).catch(() => undefined) : undefined;
  res.setHeader(
    'Content-Security-Policy',
    `default-src 'self'; connect-src 'self' ${apiOrigin}; object-src 'none'; base-uri 'none'; ` +
      "frame-ancestors 'none'",
  );
  res.setHeader('Referrer-Policy', 'strict-origin-when-cross-origin');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  if (!asset) {
    res.writeHead(req.method === 'GET' ? 404 : 405, { 'Content-Type': 'text/plain' });
    res.end(req.method === 'GET' ? 'Not found\n' : 'Method not allowed\n');
    return;
  }
  res.writeHead(200, { 'Content-Type': asset.contentType, 'Cache-Control': 'no-cache' });
  res.end(asset.body);
}
