import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { totpCode } from '../../src/testing/index.js';
import { DEMO_EMAIL, DEMO_PASSWORD, loginCookie } from '../support/apps/demo-app.js';
import { enrol } from '../support/http/second-factor.js';
import { openSignedOutSpa, signOutThroughSpa, spaError } from '../support/browser/spa-page.js';
import { listenDemoApp, type ListeningApp } from '../support/browser/browser-app.js';
import { openBrowser } from '../support/browser/chromium.js';

// The TOTP second factor through the demo's pages in a real browser: enrol from the QR code
// page, sign out, sign in with the password, then type the code the test computes from the
// secret on the page, as an authenticator app would.
const SPA_USER = { email: 'spa@example.com', password: 'a passphrase for the spa' };

describe('two-step sign-in in Chromium', () => {
  let browser: Browser;
  let api: ListeningApp;

  beforeAll(async () => {
    [browser, api] = await Promise.all([
      openBrowser(),
      listenDemoApp({
        SESSION_STORE: 'memory',
        DEMO_USERS: `${DEMO_EMAIL}:${DEMO_PASSWORD},${SPA_USER.email}:${SPA_USER.password}`,
      }),
    ]);
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it('enrols from the QR code page, then asks for the code after the password', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const url = (path: string) => `${api.url()}${path}`;
    try {
      await page.goto(url('/login'));
      await page.fill('input[name=email]', DEMO_EMAIL);
      await page.fill('input[name=password]', DEMO_PASSWORD);
      await Promise.all([page.waitForURL(url('/')), page.click('button[type=submit]')]);

      await page.goto(url('/account/second-factor'));
      expect(await page.textContent('#second-factor-status')).toMatch(/is off/);
      await Promise.all([
        page.waitForSelector('#qr-code'),
        page.click('text=Set up two-step sign-in'),
      ]);
      // The QR code is an SVG data URL the page's CSP lets the browser draw.
      expect(await page.getAttribute('#qr-code', 'src')).toMatch(/^data:image\/svg\+xml;base64,/);
      const drawn = await page.$eval(
        '#qr-code',
        (img) => (img as unknown as { naturalWidth: number }).naturalWidth,
      );
      expect(drawn).toBeGreaterThan(0);
      const uri = (await page.textContent('#otpauth-uri'))!.trim();
      expect(new URL(uri).searchParams.get('secret')).toBe(await page.textContent('#secret'));
      const enrolledAt = Date.now();
      await page.fill('input[name=code]', await totpCode(uri, enrolledAt));
      await Promise.all([page.waitForSelector('#recovery-codes'), page.click('text=Turn on')]);
      expect(await page.locator('#recovery-codes li').count()).toBe(10);

      await page.goto(url('/profile'));
      await Promise.all([page.waitForURL(/\/login$/), page.click('text=Sign out')]);

      await page.goto(url('/profile'));
      await page.fill('input[name=email]', DEMO_EMAIL);
      await page.fill('input[name=password]', DEMO_PASSWORD);
      await Promise.all([
        page.waitForURL(url('/login/second-factor?next=%2Fprofile')),
        page.click('button[type=submit]'),
      ]);
      // Not signed in yet: the profile still sends the browser to sign in.
      const side = await context.newPage();
      await side.goto(url('/profile'));
      expect(side.url()).toBe(url('/login?next=%2Fprofile'));
      await side.close();

      await page.fill('input[name=code]', '000000');
      await Promise.all([page.waitForURL(/error=invalid/), page.click('button[type=submit]')]);
      expect(await page.textContent('[role=alert]')).toMatch(/incorrect/);

      // The enrolment used this step's code; the app shows the next one 30 seconds later.
      await page.fill('input[name=code]', await totpCode(uri, enrolledAt + 30_000));
      await Promise.all([page.waitForURL(url('/profile')), page.click('button[type=submit]')]);
      expect(await page.textContent('#email')).toBe(DEMO_EMAIL);
    } finally {
      await context.close();
    }
  });

  it('asks for the code in the SPA after the password, and takes a recovery code once', async () => {
    const cookie = await loginCookie(api.server, SPA_USER.email, SPA_USER.password);
    const { recoveryCodes } = await enrol(api.server, cookie);
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await openSignedOutSpa(page, `${api.url()}/spa/`);
      await page.fill('#email', SPA_USER.email);
      await page.fill('#password', SPA_USER.password);
      await page.click('#login');
      await page.waitForSelector('#second-factor', { state: 'visible' });
      // A reload asks /auth/me, which says the code is still to come.
      await page.reload();
      await page.waitForSelector('#second-factor', { state: 'visible' });

      await page.fill('#code', recoveryCodes[0]);
      await page.click('#verify');
      await page.waitForSelector('#signed-in', { state: 'visible' });
      expect(await page.textContent('#me-email')).toBe(SPA_USER.email);
      await signOutThroughSpa(page);

      await page.fill('#email', SPA_USER.email);
      await page.fill('#password', SPA_USER.password);
      await page.click('#login');
      await page.waitForSelector('#second-factor', { state: 'visible' });
      await page.fill('#code', recoveryCodes[0]);
      await page.click('#verify');
      await page.waitForSelector('#error', { state: 'visible' });
      expect(await spaError(page)).toMatch(/^401 The code is incorrect or was already used/);
    } finally {
      await context.close();
    }
  });
});
