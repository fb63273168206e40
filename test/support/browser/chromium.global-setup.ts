// Jest loads global setup files outside its module mapper, so this file imports no relative
// module: the launch settings live here, and chromium.ts (for the tests) imports them.
import { accessSync, constants } from 'node:fs';
import { type BrowserServer, chromium, type LaunchOptions } from 'playwright-core';

/** Debian's Chromium, installed by .ci/run (`apt-get install chromium`); never a download. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The env variable through which the shared browser's endpoint reaches the test files. */
export const CHROMIUM_WS_ENDPOINT = 'CHROMIUM_WS_ENDPOINT';

const ARGS = [
  '--headless=new',
  // Containers and CI run as root, where Chromium's sandbox cannot start.
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export function chromiumLaunchOptions(): LaunchOptions {
  try {
    accessSync(CHROMIUM_PATH, constants.X_OK);
  } catch {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}: apt-get install chromium (or set CHROMIUM_PATH)`,
    );
  }
  // Each launch gets a fresh temporary profile; each test then opens its own context in it.
  return { executablePath: CHROMIUM_PATH, headless: true, args: ARGS, timeout: 20_000 };
}

declare global {
  var chromiumServer: BrowserServer | undefined;
}

/** Starts one Chromium for every browser test file; they connect through its endpoint. */
export default async function startChromium(): Promise<void> {
  const server = await chromium.launchServer(chromiumLaunchOptions());
  process.env[CHROMIUM_WS_ENDPOINT] = server.wsEndpoint();
  globalThis.chromiumServer = server;
}
