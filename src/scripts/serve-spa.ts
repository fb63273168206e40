// `npm run demo:spa`: the demo SPA on a second origin (default http://localhost:5173), calling
// the demo API cross-origin. Start the API with CORS_ORIGINS=http://localhost:5173 (see README).
import { startSpaServer } from '../demo/spa-server.js';

const port = Number(process.env.SPA_PORT ?? 5173);
const apiBase = process.env.API_URL ?? 'http://localhost:3000';
const spa = await startSpaServer({ apiBase, port, host: process.env.SPA_HOST ?? '127.0.0.1' });
process.stdout.write(
  `Demo SPA at ${spa.origin}/ calling the API at ${apiBase}.\n` +
    `Start the API with CORS_ORIGINS=${spa.origin} so the browser lets it in.\n`,
);
const stop = () => void spa.close().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
