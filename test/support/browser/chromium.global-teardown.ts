// No relative imports here either (see chromium.global-setup.ts).
export default async function stopChromium(): Promise<void> {
  const server = (globalThis as { chromiumServer?: { close(): Promise<void> } }).chromiumServer;
  await server?.close();
  delete process.env.CHROMIUM_WS_ENDPOINT;
}
