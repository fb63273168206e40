import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { listenDemoApp, type ListeningApp } from '../support/browser/browser-app.js';
import { openBrowser } from '../support/browser/chromium.js';
import { DEMO_EMAIL, DEMO_PASSWORD } from '../support/apps/demo-app.js';

// The server-rendered flow in a real browser: plain forms, redirects, the CSRF field, helmet.
describe('the HTML login flow in Chromium', () => {
  let browser: Browser;
  let api: ListeningApp;

  beforeAll(async () => {
    [browser, api] = await Promise.all([openBrowser(), listenDemoApp({ SESSION_STORE: 'memory' })]);
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it('sends /profile to the login page, signs in through the form, and signs out again', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await page.goto(`${api.url()}/profile`);
      expect(page.url()).toBe(`${api.url()}/login?next=%2Fprofile`);

      await page.fill('input[name=email]', DEMO_EMAIL);
      await page.fill('input[name=password]', DEMO_PASSWORD);
      await Promise.all([
        page.waitForURL(`${api.url()}/profile`),
        page.click('button[type=submit]'),
      ]);
      expect(await page.textContent('#email')).toBe(DEMO_EMAIL);

      await Promise.all([page.waitForURL(/\/login$/), page.click('text=Sign out')]);
      await page.goto(`${api.url()}/profile`);
      expect(page.url()).toBe(`${api.url()}/login?next=%2Fprofile`);
    } finally {
      await context.close();
    }
  });

  it('shows the error on a wrong password and keeps the next target', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await page.goto(`${api.url()}/login?next=%2Fprofile`);
      await page.fill('input[name=email]', DEMO_EMAIL);
      await page.fill('input[name=password]', 'wrong password');
      await Promise.all([page.waitForURL(/error=invalid/), page.click('button[type=submit]')]);
      expect(await page.textContent('[role=alert]')).toMatch(/incorrect/);
      expect(await page.inputValue('input[name=next]')).toBe('/profile');
    } finally {
      await context.close();
    }
  });
});
