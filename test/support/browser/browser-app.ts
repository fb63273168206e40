import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { Tls } from '../servers/certificate.js';
import { startDemoApp, type RunningApp } from '../apps/demo-app.js';
import { freePort } from '../servers/ports.js';

export interface ListeningApp extends RunningApp {
  port: number;
  /** `http://localhost:<port>` (or https), the origin the browser opens. */
  url(host?: string): string;
}

/**
 * The demo app (startDemoApp) listening on a free loopback port for a real browser. With `tls`
 * it serves HTTPS itself, which Secure + SameSite=None cookies need.
 */
export async function listenDemoApp(
  env: Record<string, string | undefined>,
  tls?: Tls,
  port?: number,
): Promise<ListeningApp> {
  const running = await startDemoApp(env);
  port ??= await freePort();
  let https: HttpsServer | undefined;
  if (tls) {
    https = createHttpsServer(tls, running.app.getHttpAdapter().getInstance());
    await new Promise<void>((resolve) => https!.listen(port!, '127.0.0.1', resolve));
  } else {
    await running.app.listen(port, '127.0.0.1');
  }
  const scheme = tls ? 'https' : 'http';
  return {
    ...running,
    port,
    url: (host = 'localhost') => `${scheme}://${host}:${port}`,
    async close() {
      if (https) {
        https.closeAllConnections();
        await new Promise((resolve) => https!.close(resolve));
      }
      await running.close();
    },
  };
}
