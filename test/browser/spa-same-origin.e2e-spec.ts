import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { listenDemoApp, type ListeningApp } from '../support/browser/browser-app.js';
import { openBrowser } from '../support/browser/chromium.js';
import { DEMO_EMAIL } from '../support/apps/demo-app.js';
import { waitFor } from '../support/servers/redis-server.js';
import {
  openSignedOutSpa,
  recordApiCalls,
  signInThroughSpa,
  signOutThroughSpa,
  spaError,
} from '../support/browser/spa-page.js';

// The SPA served by the API itself (/spa/): no CORS at all, and axios moves the token from the
// XSRF-TOKEN cookie into the X-XSRF-TOKEN header on its own.
describe('the demo SPA on the API’s own origin, in Chromium', () => {
  let browser: Browser;
  let api: ListeningApp;

  beforeAll(async () => {
    [browser, api] = await Promise.all([openBrowser(), listenDemoApp({ SESSION_STORE: 'memory' })]);
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it('logs in, shows /auth/me, and logs out, with axios echoing the XSRF-TOKEN cookie', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const calls = recordApiCalls(page, api.url());
    try {
      await openSignedOutSpa(page, `${api.url()}/spa/`);
      await signInThroughSpa(page);
      expect(await page.textContent('#me-email')).toBe(DEMO_EMAIL);
      expect(await spaError(page)).toBe('');

      const login = calls.find((c) => c.method === 'POST' && c.path === '/auth/login');
      const cookieBefore = login?.xsrfHeader;
      expect(cookieBefore).toBeDefined();

      // Login rotated the token; axios must now send the new cookie value.
      const cookies = await context.cookies(api.url());
      const xsrf = cookies.find((c) => c.name === 'XSRF-TOKEN')!;
      expect(xsrf.value).not.toBe(cookieBefore);
      expect(xsrf.httpOnly).toBe(false);
      expect(cookies.find((c) => c.name === 'sid')?.httpOnly).toBe(true);

      await signOutThroughSpa(page);
      const logout = calls.find((c) => c.method === 'POST' && c.path === '/auth/logout');
      expect(logout?.xsrfHeader).toBe(xsrf.value);
      expect(await spaError(page)).toBe('');

      // Signed out for real: a fresh load of the SPA finds no session.
      await openSignedOutSpa(page, `${api.url()}/spa/`);
    } finally {
      await context.close();
    }
  });

  it('lists this user’s sessions and revokes the other browser’s', async () => {
    const [mine, other] = [await browser.newContext(), await browser.newContext()];
    try {
      const otherPage = await other.newPage();
      await openSignedOutSpa(otherPage, `${api.url()}/spa/`);
      await signInThroughSpa(otherPage);

      const page = await mine.newPage();
      await openSignedOutSpa(page, `${api.url()}/spa/`);
      await signInThroughSpa(page);
      await page.waitForSelector('#sessions li.current');
      const revoke = page.locator('#sessions li:not(.current) button.revoke');
      expect(await revoke.count()).toBeGreaterThanOrEqual(1);
      const before = await page.locator('#sessions li').count();

      await revoke.first().click();
      await waitFor(
        async () => (await page.locator('#sessions li').count()) === before - 1,
        'the revoked session is still listed',
      );
      expect(await spaError(page)).toBe('');

      // The revoked browser finds itself signed out on its next call.
      await otherPage.click('#refresh');
      await otherPage.waitForSelector('#signed-out', { state: 'visible' });
    } finally {
      await Promise.all([mine.close(), other.close()]);
    }
  });

  it('shows the API’s message when the password is wrong', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await openSignedOutSpa(page, `${api.url()}/spa/`);
      await page.fill('#email', DEMO_EMAIL);
      await page.fill('#password', 'not the password');
      await page.click('#login');
      await page.waitForSelector('#error', { state: 'visible' });
      expect(await spaError(page)).toBe('401 The email or password is incorrect.');
    } finally {
      await context.close();
    }
  });
});
