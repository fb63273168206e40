import { execFileSync } from 'node:child_process';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemoApp, type RunningApp } from './demo-app.js';
import { freePort } from './free-port.js';

export interface Tls {
  key: Buffer;
  cert: Buffer;
}

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

/**
 * A throwaway self-signed certificate for localhost and 127.0.0.1, made with openssl (installed
 * by .ci/run). The browser context that uses it sets ignoreHTTPSErrors.
 */
export function selfSignedCertificate(): Tls {
  const dir = mkdtempSync(join(tmpdir(), 'spa-tls-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost,IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
