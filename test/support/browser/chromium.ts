import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  chromium,
} from 'playwright-core';
import { CHROMIUM_WS_ENDPOINT, chromiumLaunchOptions } from './chromium.global-setup.js';

export { CHROMIUM_PATH, chromiumLaunchOptions } from './chromium.global-setup.js';

/**
 * The one Chromium the browser tests share (started by chromium.global-setup.ts), or a private
 * one when a file runs without that setup. Close what this returns: for the shared browser that
 * only disconnects.
 */
export async function openBrowser(): Promise<Browser> {
  const endpoint = process.env[CHROMIUM_WS_ENDPOINT];
  return endpoint ? chromium.connect(endpoint) : chromium.launch(chromiumLaunchOptions());
}

/** A browser of its own: close() ends it and removes its profile. */
export interface OwnChromium {
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * A Chromium of its own whose user allows third-party cookies, on a fresh persistent profile.
 * Current Chromium blocks them by default (CDP reports such cookies as blocked for
 * "UserPreferences"), and the shared browser's contexts are incognito-like, which block them too,
 * so a cross-site SPA cannot work there at all.
 */
export async function launchChromiumAllowingThirdPartyCookies(
  options: BrowserContextOptions = {},
): Promise<OwnChromium> {
  const profile = await mkdtemp(join(tmpdir(), 'chromium-3pc-'));
  await mkdir(join(profile, 'Default'));
  // cookie_controls_mode 0 is "Allow third-party cookies" in chrome://settings/cookies.
  await writeFile(
    join(profile, 'Default', 'Preferences'),
    JSON.stringify({ profile: { cookie_controls_mode: 0 } }),
  );
  const context = await chromium.launchPersistentContext(profile, {
    ...chromiumLaunchOptions(),
    ...options,
  });
  return {
    context,
    async close() {
      await context.close();
      // Chromium may still be flushing its profile as it exits, hence the retries.
      await rm(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    },
  };
}
