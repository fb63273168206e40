import type { Page, Request } from 'playwright-core';
import { DEMO_EMAIL, DEMO_PASSWORD } from '../apps/demo-app.js';

/** One API call the page made, as the browser sent it. */
export interface SeenCall {
  method: string;
  path: string;
  xsrfHeader?: string;
}

/** Records the page's calls to `apiOrigin` (method, path, and the X-XSRF-TOKEN it carried). */
export function recordApiCalls(page: Page, apiOrigin: string): SeenCall[] {
  const calls: SeenCall[] = [];
  page.on('request', (request: Request) => {
    const url = new URL(request.url());
    if (url.origin !== apiOrigin || request.method() === 'OPTIONS') return;
    const headers = request.headers();
    calls.push({
      method: request.method(),
      path: url.pathname,
      xsrfHeader: headers['x-xsrf-token'],
    });
  });
  return calls;
}

/** Records each token the page received from GET /auth/csrf, in order. */
export function recordCsrfTokens(page: Page, apiOrigin: string): string[] {
  const tokens: string[] = [];
  page.on('response', async (response) => {
    const url = new URL(response.url());
    if (url.origin !== apiOrigin || url.pathname !== '/auth/csrf' || !response.ok()) return;
    tokens.push(((await response.json()) as { token: string }).token);
  });
  return tokens;
}

/** Opens the demo SPA and waits until it has decided the visitor is signed out. */
export async function openSignedOutSpa(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForSelector('#signed-out', { state: 'visible' });
}

/** Signs in through the SPA's form and waits for the profile to show. */
export async function signInThroughSpa(
  page: Page,
  email = DEMO_EMAIL,
  password = DEMO_PASSWORD,
): Promise<void> {
  await page.fill('#email', email);
  await page.fill('#password', password);
  await page.click('#login');
  await page.waitForSelector('#signed-in', { state: 'visible' });
}

export async function signOutThroughSpa(page: Page): Promise<void> {
  await page.click('#logout');
  await page.waitForSelector('#signed-out', { state: 'visible' });
}

/** The error the SPA shows, or '' when it shows none. */
export async function spaError(page: Page): Promise<string> {
  return (await page.isVisible('#error')) ? ((await page.textContent('#error')) ?? '') : '';
}
