import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdir } from 'node:fs/promises';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startSpaServer, type RunningSpaServer } from '../../src/demo/spa-server.js';
import { listenDemoApp, type ListeningApp } from '../support/browser/browser-app.js';
import { openBrowser } from '../support/browser/chromium.js';
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

// app.example.com → api.example.com in miniature: the SPA on localhost:<spa>, the API on
// localhost:<api>. Two ports of one host are different origins but the same site, so the
// SameSite=Lax cookie travels, and only CORS_ORIGINS and the CSRF checks keep other pages out.
describe('the demo SPA on another origin of the same site, in Chromium', () => {
  let browser: Browser;
  let api: ListeningApp;
  let spa: RunningSpaServer;
  let stranger: RunningSpaServer;
  let context: BrowserContext;

  beforeAll(async () => {
    const [spaPort, apiPort] = [await freePort(), await freePort()];
    browser = await openBrowser();
    spa = await startSpaServer({ apiBase: `http://localhost:${apiPort}`, port: spaPort });
    api = await listenDemoApp(
      { SESSION_STORE: 'memory', CORS_ORIGINS: spa.origin },
      undefined,
      apiPort,
    );
    // The same page on an origin that is not in CORS_ORIGINS.
    stranger = await startSpaServer({ apiBase: api.url(), port: await freePort() });
    context = await browser.newContext();
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await Promise.all([api?.close(), spa?.close(), stranger?.close()]);
  });

  let page: Page;

  it('logs in cross-origin with the token from GET /auth/csrf, and reads /auth/me', async () => {
    page = await context.newPage();
    const calls = recordApiCalls(page, api.url());
    const tokens = recordCsrfTokens(page, api.url());
    await openSignedOutSpa(page, `${spa.origin}/`);
    await signInThroughSpa(page);
    expect(await page.textContent('#me-email')).toBe(DEMO_EMAIL);
    expect(await spaError(page)).toBe('');

    const login = calls.find((c) => c.method === 'POST' && c.path === '/auth/login');
    expect(login?.xsrfHeader).toBe(tokens[0]);
    // The SPA fetched the rotated token after login; /auth/me then worked with credentials.
    expect(tokens).toHaveLength(2);
    expect(tokens[1]).not.toBe(tokens[0]);
    expect(calls.filter((c) => c.path === '/auth/me').length).toBeGreaterThan(0);

    await mkdir('test-output', { recursive: true });
    await page.screenshot({ path: 'test-output/spa-signed-in.png', fullPage: true });
  });

  it('keeps a page on a non-allowed origin from reading /auth/me', async () => {
    const evil = await context.newPage();
    await evil.goto(`${stranger.origin}/`);
    // The SPA itself cannot even get a token there: CORS hides every answer.
    await evil.waitForSelector('#error', { state: 'visible' });
    expect(await spaError(evil)).toBe('Network Error');
    const read = await evil.evaluate(async (url) => {
      try {
        const res = await fetch(`${url}/auth/me`, { credentials: 'include' });
        return `read ${res.status}: ${await res.text()}`;
      } catch (err) {
        return `refused: ${(err as Error).name}`;
      }
    }, api.url());
    expect(read).toBe('refused: TypeError');
    await evil.close();
  });

  it('keeps a page on a non-allowed origin from logging the user out', async () => {
    const evil = await context.newPage();
    await evil.goto(`${stranger.origin}/`);
    // A "simple" cross-origin POST needs no preflight and carries the Lax cookie (same site).
    // The server refuses it, and the page cannot even see the answer (helmet's
    // Cross-Origin-Resource-Policy blocks opaque reads), so the fetch itself fails too.
    const sent = evil.waitForRequest(`${api.url()}/auth/logout`);
    await evil.evaluate(async (url) => {
      const init: RequestInit = { method: 'POST', credentials: 'include', mode: 'no-cors' };
      await fetch(`${url}/auth/logout`, init).catch(() => undefined);
    }, api.url());
    await sent;
    await page.reload();
    await page.waitForSelector('#signed-in', { state: 'visible' });

    // A plain form carries the cookie too, and navigates there.
    await evil.setContent(
      `<form method="post" action="${api.url()}/auth/logout"><button>Win a prize</button></form>`,
    );
    await Promise.all([evil.waitForURL(`${api.url()}/auth/logout`), evil.click('button')]);
    expect(await evil.textContent('body')).toMatch(/csrf_origin_refused/);
    await evil.close();

    // Still signed in: the SPA on the allowed origin reloads straight into the profile.
    await page.reload();
    await page.waitForSelector('#signed-in', { state: 'visible' });
  });

  it('logs out with the rotated token, and the session is gone', async () => {
    const calls = recordApiCalls(page, api.url());
    const tokens = recordCsrfTokens(page, api.url());
    await page.reload();
    await page.waitForSelector('#signed-in', { state: 'visible' });
    await signOutThroughSpa(page);
    expect(await spaError(page)).toBe('');
    const logout = calls.find((c) => c.method === 'POST' && c.path === '/auth/logout');
    expect(logout?.xsrfHeader).toBe(tokens[0]);
    await page.reload();
    await page.waitForSelector('#signed-out', { state: 'visible' });
  });
});
