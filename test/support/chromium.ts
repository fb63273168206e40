import { type Browser, chromium } from 'playwright-core';
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
