// Issue 13 point 7: the packed tarball, installed as a user would into two brand-new Nest apps,
// one ESM and one CommonJS, each on a Nest 12 patch release other than the repository's. Slow
// (two npm installs from the registry, ~2-3 minutes): its own Jest project, `package`.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import argon2 from 'argon2';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import request from 'supertest';
import { freePort } from '../support/servers/ports.js';
import { lineRecorder } from '../support/runner/test-log.js';

const run = promisify(execFile);
const REPO = fileURLToPath(new URL('../..', import.meta.url));
const APP_SOURCES = fileURLToPath(new URL('./consumer-app/src', import.meta.url));
const SETUP_TIMEOUT_MS = 8 * 60_000;
const SECRET = 'a consumer app secret that is long enough 0123456789';
const USER = { email: 'ada@example.com', password: 'analytical engine 1843' };

/** What README's "Install" block tells a user to run, with the tarball in place of the name. */
const README_INSTALL = [
  '@nestjs/config',
  '@nestjs/event-emitter',
  '@nestjs/terminus',
  'class-validator',
  'class-transformer',
];
// TODO(issue 12, lazy drivers): the store factory still imports pg and connect-pg-simple
// statically; once it loads them with import(), drop this list.
const DRIVERS_UNTIL_LAZY = ['pg', 'connect-pg-simple'];

interface ConsumerApp {
  kind: 'esm' | 'cjs';
  nest: string;
  dir: string;
  installOutput: string;
}

const APPS: Array<Pick<ConsumerApp, 'kind' | 'nest'>> = [
  { kind: 'esm', nest: '12.5.0' },
  { kind: 'cjs', nest: '12.4.2' },
];

/** Runs a command; resolves with its stdout and, in `output`, stdout and stderr together. */
async function sh(cwd: string, file: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  try {
    const { stdout, stderr } = await run(file, args, {
      cwd,
      env: { ...process.env, ...env },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { stdout, output: stdout + stderr };
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${file} ${args.join(' ')} failed in ${cwd}:\n${stdout}\n${stderr}`, {
      cause: error,
    });
  }
}

function packageJson(app: Pick<ConsumerApp, 'kind' | 'nest'>, repoLock: Record<string, string>) {
  return {
    name: `consumer-${app.kind}`,
    private: true,
    ...(app.kind === 'esm' ? { type: 'module' } : {}),
    dependencies: {
      // What `nest new` pins, on another patch release than the repository's lock.
      '@nestjs/common': app.nest,
      '@nestjs/core': app.nest,
      '@nestjs/platform-express': app.nest,
      'reflect-metadata': '^0.2.0',
      rxjs: '^7.8.0',
    },
    devDependencies: {
      typescript: repoLock.typescript,
      '@types/node': repoLock['@types/node'],
      '@types/express': repoLock['@types/express'],
      supertest: repoLock.supertest,
      '@types/supertest': repoLock['@types/supertest'],
    },
    // Every Nest 12 release of @nestjs/common depends on file-type 22, which declares Node >= 22:
    // on Node 20 an app pins file-type 21 itself, as README's "Install" says.
    ...(Number(process.versions.node.split('.')[0]) < 22
      ? { overrides: { 'file-type': '21.3.4' } }
      : {}),
  };
}

function tsconfig(kind: ConsumerApp['kind']) {
  return {
    compilerOptions: {
      ...(kind === 'esm'
        ? { module: 'NodeNext', moduleResolution: 'NodeNext' }
        : { module: 'commonjs', esModuleInterop: true }),
      target: 'ES2023',
      strict: true,
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
      skipLibCheck: true,
      types: ['node'],
      rootDir: 'src',
      outDir: 'dist',
    },
    include: ['src'],
  };
}

async function createApp(
  root: string,
  tarball: string,
  app: Pick<ConsumerApp, 'kind' | 'nest'>,
): Promise<ConsumerApp> {
  const dir = join(root, app.kind);
  const lock = JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8')).devDependencies;
  await cp(APP_SOURCES, join(dir, 'src'), { recursive: true });
  await writeFile(join(dir, 'package.json'), JSON.stringify(packageJson(app, lock), null, 2));
  await writeFile(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig(app.kind), null, 2));
  const { output: installOutput } = await sh(dir, 'npm', [
    'install',
    '--no-audit',
    '--no-fund',
    // Cached packages skip the registry's revalidation round trips; the rest still come from it.
    '--prefer-offline',
    tarball,
    ...README_INSTALL,
    ...DRIVERS_UNTIL_LAZY,
  ]);
  await sh(dir, join(dir, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json']);
  return { ...app, dir, installOutput };
}

let root: string;
let tarball: string;
const apps = new Map<ConsumerApp['kind'], ConsumerApp>();

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'nsa-consumer-'));
  // `npm pack` runs the prepack build, as publishing would.
  const pack = await sh(REPO, 'npm', ['pack', '--json', '--pack-destination', root]);
  const packed = JSON.parse(pack.stdout);
  tarball = join(root, packed[0].filename as string);
  for (const app of await Promise.all(APPS.map((app) => createApp(root, tarball, app)))) {
    apps.set(app.kind, app);
  }
}, SETUP_TIMEOUT_MS);

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe('the packed tarball', () => {
  it('ships the built library, its worker, README, LICENSE and CHANGELOG, and no sources', async () => {
    const files = (await sh(root, 'tar', ['-tzf', tarball])).stdout.split('\n').filter(Boolean);
    expect(files).toEqual(
      expect.arrayContaining([
        'package/dist/index.js',
        'package/dist/index.d.ts',
        'package/dist/index.js.map',
        'package/dist/testing/index.js',
        'package/dist/auth/argon2.worker.mjs',
        'package/dist/cli/nest-session-auth.js',
        'package/README.md',
        'package/LICENSE',
        'package/CHANGELOG.md',
      ]),
    );
    const unwanted = /^package\/(src|test|bench|scripts|config|docs|\.ci|dist\/demo|dist\/main\.)/;
    expect(files.filter((file) => unwanted.test(file) || file.includes('.spec.'))).toEqual([]);
  });

  it('hashes a piped password with the installed command-line tool', async () => {
    const { dir } = apps.get('esm')!;
    const bin = join(dir, 'node_modules', '.bin', 'nest-session-auth');
    const hash = await new Promise<string>((resolve, reject) => {
      const child = spawn(bin, ['hash-password'], { cwd: dir });
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(out))));
      child.stdin.end('a piped passphrase\n');
    });
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    expect(await argon2.verify(hash, 'a piped passphrase')).toBe(true);
  });
});

describe.each(APPS)('a new $kind app on Nest $nest', ({ kind, nest }) => {
  let app: ConsumerApp;
  let child: ChildProcess | undefined;
  let url: string;

  beforeAll(async () => {
    app = apps.get(kind)!;
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, ['dist/main.js'], {
      cwd: app.dir,
      env: { ...process.env, PORT: String(port), SESSION_SECRET: SECRET, NODE_ENV: 'development' },
    });
    let output = '';
    const recorder = lineRecorder(`${kind} app :${port}`);
    child.stdout!.on('data', (chunk: Buffer) => recorder.write(chunk));
    child.stderr!.on('data', (chunk: Buffer) => recorder.write(chunk));
    child.once('close', () => recorder.end());
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no boot in 60 s:\n${output}`)), 60_000);
      const collect = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('listening on')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child!.stdout!.on('data', collect);
      child!.stderr!.on('data', collect);
      child!.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`exited with ${code} before listening:\n${output}`));
      });
    });
  }, 90_000);

  afterAll(async () => {
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  });

  it('installs without an EBADENGINE warning and with one @nestjs/core, the pinned one', async () => {
    expect(app.installOutput).not.toContain('EBADENGINE');
    const tree = await sh(app.dir, 'npm', ['ls', '@nestjs/core', '--all', '--parseable']);
    const copies = tree.stdout
      .split('\n')
      .filter((line) => line.endsWith(join('node_modules', '@nestjs', 'core')));
    expect(copies).toHaveLength(1);
    const installed = JSON.parse(await readFile(join(copies[0], 'package.json'), 'utf8'));
    expect(installed.version).toBe(nest);
  });

  it('runs the whole flow: 401, @Public, CSRF, login, @CurrentUser, logout, old cookie 401', async () => {
    const agent = request.agent(url);
    expect((await agent.get('/notes')).status).toBe(401);
    expect((await agent.get('/about')).body).toEqual({ open: true });

    const csrf = (await agent.get('/auth/csrf')).body.token as string;
    expect((await agent.post('/auth/login').send(USER)).status).toBe(403);
    const login = await agent.post('/auth/login').set('X-XSRF-TOKEN', csrf).send(USER);
    expect(login.status).toBe(200);
    const cookie = [login.headers['set-cookie']]
      .flat()
      .map((line) => String(line).split(';')[0])
      .find((pair) => pair.startsWith('sid='))!;

    expect((await agent.get('/notes')).body).toEqual({ owner: USER.email });
    const token = (await agent.get('/auth/csrf')).body.token as string;
    expect((await agent.post('/notes').set('X-XSRF-TOKEN', token)).body).toEqual({ count: 1 });

    expect((await agent.post('/auth/logout').set('X-XSRF-TOKEN', token)).status).toBe(204);
    expect((await agent.get('/notes')).status).toBe(401);
    expect((await request(url).get('/notes').set('Cookie', cookie)).status).toBe(401);
  });

  it("passes the app's own test written with nest-session-auth/testing", async () => {
    const check = await sh(app.dir, process.execPath, ['dist/sign-in.check.js'], { APP_URL: url });
    expect(JSON.parse(check.stdout.trim().split('\n').pop()!)).toEqual({
      notes: 200,
      owner: USER.email,
      added: 201,
    });
  });
});
