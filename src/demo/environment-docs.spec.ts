import { describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { SESSION_ENVIRONMENT } from '../core/options/session-env.table.js';
import { DEMO_ENVIRONMENT } from './demo.config.js';

// The docs cannot drift from the code. The environment table is the one list of variables: the
// configuration table in the docs and .env.example must name exactly those, so neither can
// document a variable nobody reads or miss one that is read. README's quick start is the file
// the package test compiles and runs in new apps.

const HEADER = /^\|\s*Variable\s*\|\s*Default\s*\|\s*Meaning\s*\|$/m;
const READ = [...SESSION_ENVIRONMENT.map((row) => row.env), ...DEMO_ENVIRONMENT].sort();

/** The `NAME`s in the first column of the `| Variable | Default | Meaning |` table. */
function documentedInTable(): string[] {
  const pages = ['README.md', ...docsPages()];
  const page = pages.find((p) => HEADER.test(read(p)));
  if (!page) throw new Error('no "| Variable | Default | Meaning |" table in README.md or docs/');
  const lines = read(page).split('\n');
  const start = lines.findIndex((l) => HEADER.test(l)) + 2;
  const rows = lines
    .slice(start)
    .filter((_, i, all) => all.slice(0, i + 1).every((l) => l.startsWith('|')));
  return rows
    .map((row) => /^\|\s*`([A-Z0-9_]+)`\s*\|/.exec(row)?.[1] ?? `unreadable row: ${row}`)
    .sort();
}

function documentedInEnvExample(): string[] {
  const names = [...read('.env.example').matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]);
  return [...new Set(names)].sort();
}

function docsPages(): string[] {
  return existsSync('docs')
    ? readdirSync('docs')
        .filter((f) => f.endsWith('.md'))
        .map((f) => `docs/${f}`)
    : [];
}

function read(path: string): string {
  return readFileSync(path, 'utf8');
}

describe('the documented environment', () => {
  it('has one row per variable read in the configuration table, and nothing else', () => {
    expect(documentedInTable()).toEqual(READ);
  });

  it('lists every variable read in .env.example, and nothing else', () => {
    expect(documentedInEnvExample()).toEqual(READ);
  });

  it('maps each variable once', () => {
    expect(new Set(READ).size).toBe(READ.length);
  });
});

describe("README's quick start", () => {
  it('is, to the letter, the file the package test compiles and runs in new apps', () => {
    const readme = read('README.md');
    const section = readme.slice(readme.indexOf('## Use it in your app'));
    const block = /```ts\n([\s\S]*?)```\n/.exec(section)?.[1];
    expect(block).toBe(read('test/package/consumer-app/src/quick-start.module.ts'));
  });
});
