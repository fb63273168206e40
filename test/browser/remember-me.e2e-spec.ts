import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, BrowserContext } from 'playwright-core';
import { listenDemoApp, type ListeningApp } from '../support/browser/browser-app.js';
import { openBrowser } from '../support/browser/chromium.js';
import { DEMO_EMAIL, DEMO_PASSWORD } from '../support/apps/demo-app.js';

// "Keep me signed in" in a real browser: the checkbox on the server-rendered form, then a
// browser that lost its session cookie (as after the idle timeout) and is still signed in.
describe('remember me in Chromium', () => {
  let browser: Browser;
  let api: ListeningApp;

  beforeAll(async () => {
    [browser, api] = await Promise.all([openBrowser(), listenDemoApp({ SESSION_STORE: 'memory' })]);
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  const cookie = async (context: BrowserContext, name: string) =>
    (await context.cookies()).find((c) => c.name === name);

  it('signs in with the checkbox ticked, loses the session cookie, and is still signed in on reload with a rotated remember cookie', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await page.goto(`${api.url()}/profile`);
      await page.fill('input[name=email]', DEMO_EMAIL);
      await page.fill('input[name=password]', DEMO_PASSWORD);
      await page.check('input[name=remember]');
      await Promise.all([
        page.waitForURL(`${api.url()}/profile`),
        page.click('button[type=submit]'),
      ]);
      const issued = await cookie(context, 'remember');
      expect(issued).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
      const firstSession = (await cookie(context, 'sid'))?.value;
      expect(firstSession).toBeDefined();

      await context.clearCookies({ name: 'sid' });
      await page.goto(`${api.url()}/profile`);
      expect(page.url()).toBe(`${api.url()}/profile`);
      expect(await page.textContent('#email')).toBe(DEMO_EMAIL);
      const rotated = await cookie(context, 'remember');
      expect(rotated?.value).toBeDefined();
      expect(rotated?.value).not.toBe(issued?.value);
      const restoredSession = (await cookie(context, 'sid'))?.value;
      expect(restoredSession).toBeDefined();
      expect(restoredSession).not.toBe(firstSession);

      // Signing out forgets the device: without the session, the next visit asks to sign in.
      await Promise.all([page.waitForURL(/\/login$/), page.click('text=Sign out')]);
      expect(await cookie(context, 'remember')).toBeUndefined();
      await page.goto(`${api.url()}/profile`);
      expect(page.url()).toBe(`${api.url()}/login?next=%2Fprofile`);
    } finally {
      await context.close();
    }
  });

  it('issues no remember cookie when the box is left unticked', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await page.goto(`${api.url()}/login`);
      await page.fill('input[name=email]', DEMO_EMAIL);
      await page.fill('input[name=password]', DEMO_PASSWORD);
      await Promise.all([page.waitForURL(/\/$|\/profile$/), page.click('button[type=submit]')]);
      expect(await cookie(context, 'remember')).toBeUndefined();
      await context.clearCookies({ name: 'sid' });
      await page.goto(`${api.url()}/profile`);
      expect(page.url()).toBe(`${api.url()}/login?next=%2Fprofile`);
    } finally {
      await context.close();
    }
  });
});
