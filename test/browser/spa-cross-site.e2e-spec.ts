import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startSpaServer, type RunningSpaServer } from '../../src/demo/spa-server.js';
import { listenDemoApp, type ListeningApp } from '../support/browser/browser-app.js';
import { selfSignedTls } from '../support/servers/certificate.js';
import { launchChromiumAllowingThirdPartyCookies } from '../support/browser/chromium.js';
import { DEMO_EMAIL } from '../support/apps/demo-app.js';
import { freePort } from '../support/servers/ports.js';
import {
  openSignedOutSpa,
  recordApiCalls,
  recordCsrfTokens,
  signInThroughSpa,
  signOutThroughSpa,
  spaError,
} from '../support/browser/spa-page.js';

// Another site altogether: the SPA on https://127.0.0.1:<spa>, the API on https://localhost:<api>
// (different hosts, so different sites). The cookies must be SameSite=None, which requires
// Secure, so both servers speak HTTPS with a throwaway certificate. To the browser the API's
// cookies are then third-party cookies: this only works for users who allow those, which current
// Chromium (like Safari and Firefox) does not by default; the README says so. Hence this file
// runs its own Chromium, with a profile that allows them, instead of the shared one.
describe('the demo SPA on another site (SameSite=None; Secure), in Chromium', () => {
  let api: ListeningApp;
  let spa: RunningSpaServer;

  beforeAll(async () => {
    const tls = await selfSignedTls();
    const [spaPort, apiPort] = [await freePort(), await freePort()];
    spa = await startSpaServer({ apiBase: `https://localhost:${apiPort}`, port: spaPort, tls });
    api = await listenDemoApp(
      {
        SESSION_STORE: 'memory',
        COOKIE_SECURE: 'true',
        COOKIE_SAMESITE: 'none',
        CORS_ORIGINS: `https://127.0.0.1:${spaPort}`,
      },
      tls,
      apiPort,
    );
  });

  afterAll(async () => {
    await Promise.all([api?.close(), spa?.close()]);
  });

  it('logs in, reads /auth/me and logs out with __Host-sid and the token from GET /auth/csrf', async () => {
    const browser = await launchChromiumAllowingThirdPartyCookies({ ignoreHTTPSErrors: true });
    const { context } = browser;
    const page = await context.newPage();
    const calls = recordApiCalls(page, api.url());
    const tokens = recordCsrfTokens(page, api.url());
    try {
      await openSignedOutSpa(page, `https://127.0.0.1:${spa.port}/`);
      await signInThroughSpa(page);
      expect(await page.textContent('#me-email')).toBe(DEMO_EMAIL);
      expect(await spaError(page)).toBe('');

      const cookies = await context.cookies(api.url());
      const sid = cookies.find((c) => c.name === '__Host-sid');
      expect(sid).toMatchObject({ secure: true, sameSite: 'None', httpOnly: true, path: '/' });
      const login = calls.find((c) => c.method === 'POST' && c.path === '/auth/login');
      expect(login?.xsrfHeader).toBe(tokens[0]);

      await signOutThroughSpa(page);
      expect(await spaError(page)).toBe('');
      const logout = calls.find((c) => c.method === 'POST' && c.path === '/auth/logout');
      expect(logout?.xsrfHeader).toBe(tokens[1]);
      await page.reload();
      await page.waitForSelector('#signed-out', { state: 'visible' });
    } finally {
      await browser.close();
    }
  });
});
