import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The demo SPA's files. They live in src/demo/spa/ (the build copies them to dist/demo/spa/),
 * found next to this module through import.meta.url, so the same code serves them from src/
 * under the tests and from dist/ after `npm run build`. axios comes from node_modules as is.
 */
const SPA_DIR = fileURLToPath(new URL('./spa/', import.meta.url));

export interface SpaAsset {
  body: string | Buffer;
  contentType: string;
}

const JS = 'text/javascript; charset=utf-8';

/** The only paths served: a fixed map, so no request path ever reaches the file system. */
const FILES: Record<string, { path: () => string; contentType: string }> = {
  '': { path: () => join(SPA_DIR, 'index.html'), contentType: 'text/html; charset=utf-8' },
  'index.html': {
    path: () => join(SPA_DIR, 'index.html'),
    contentType: 'text/html; charset=utf-8',
  },
  'app.js': { path: () => join(SPA_DIR, 'app.js'), contentType: JS },
  'app.css': { path: () => join(SPA_DIR, 'app.css'), contentType: 'text/css; charset=utf-8' },
  'vendor/axios.min.js': { path: axiosBrowserBuild, contentType: JS },
};

const cache = new Map<string, Promise<Buffer>>();

/**
 * The asset at `path` (relative to the SPA's root, e.g. `app.js`), or undefined. `config.js`
 * is written on the fly: it tells the page where the API is (`''` for its own origin).
 */
export async function loadSpaAsset(path: string, apiBase: string): Promise<SpaAsset | undefined> {
  if (path === 'config.js') {
    return { body: `window.SPA_CONFIG = ${JSON.stringify({ apiBase })};\n`, contentType: JS };
  }
  const file = Object.hasOwn(FILES, path) ? FILES[path] : undefined;
  if (!file) return undefined;
  const target = file.path();
  let body = cache.get(target);
  if (!body) {
    body = readFile(target);
    cache.set(target, body);
    body.catch(() => cache.delete(target));
  }
  return { body: await body, contentType: file.contentType };
}

/** axios's UMD browser build; its package exports do not list it, so resolve the package dir. */
function axiosBrowserBuild(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('axios/package.json')), 'dist', 'axios.min.js');
}
