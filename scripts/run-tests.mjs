#!/usr/bin/env node
// `npm test`: makes sure of what the suite needs before Jest starts, then runs Jest.
// - The Debian packages behind redis-server, redis-cli, nginx, openssl and chromium: installed
//   with apt-get when missing and we are root (or `sudo -n` works), else one line saying how.
// - PostgreSQL: DATABASE_URL, else the server on 127.0.0.1:5432, else a private throw-away
//   server from Debian's `postgresql` package, removed when Jest ends (even on Ctrl-C).
// Arguments go to Jest: `npm test -- test/e2e/health.e2e-spec.ts`.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, chownSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const TOOLS = [
  { command: 'redis-server', pkg: 'redis-server' },
  { command: 'redis-cli', pkg: 'redis-tools' },
  { command: 'nginx', pkg: 'nginx', paths: ['/usr/sbin/nginx'] },
  { command: 'openssl', pkg: 'openssl' },
  { command: 'chromium', pkg: 'chromium', env: 'CHROMIUM_PATH' },
];

const say = (line) => process.stderr.write(`npm test: ${line}\n`);

function has(tool) {
  if (tool.env && process.env[tool.env]) return existsSync(process.env[tool.env]);
  if (spawnSync('sh', ['-c', `command -v ${tool.command}`], { stdio: 'ignore' }).status === 0) {
    return true;
  }
  return (tool.paths ?? []).some((path) => existsSync(path));
}

/** How this process may run apt-get: directly as root, through passwordless sudo, or not. */
function aptPrefix() {
  if (process.getuid?.() === 0) return [];
  if (spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0) return ['sudo', '-n'];
  return undefined;
}

function ensurePackages(packages) {
  if (packages.length === 0) return;
  const command = `apt-get install -y --no-install-recommends ${packages.join(' ')}`;
  const prefix = aptPrefix();
  if (!prefix || !existsSync('/usr/bin/apt-get')) {
    say(`missing ${packages.join(', ')}: run \`sudo apt-get update && sudo ${command}\`, then npm test`);
    process.exit(1);
  }
  say(`installing ${packages.join(' ')} with apt-get (once; the tests need them)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const run = (args) => {
    const [cmd, ...rest] = [...prefix, ...args];
    const result = spawnSync(cmd, rest, { env, encoding: 'utf8' });
    if (result.status !== 0) {
      process.stderr.write(result.stdout + result.stderr);
      say(`\`${args.join(' ')}\` failed (exit ${result.status}); install the packages by hand`);
      process.exit(1);
    }
  };
  run(['apt-get', 'update', '-qq']);
  run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...packages]);
}

function answers(host, port) {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 1000 });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

/** A free port below the kernel's ephemeral range (see test/support/servers/ports.ts). */
async function freeLowPort() {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 10000);
    const free = await new Promise((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error('no free port between 20000 and 30000');
}

function postgresBin() {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const version = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a))[0];
  return version && join(root, version, 'bin');
}

/** A throw-away cluster in a temp dir; PostgreSQL refuses to run as root, so root runs it as `postgres`. */
async function startPrivatePostgres() {
  let bin = postgresBin();
  if (!bin) {
    ensurePackages(['postgresql']);
    bin = postgresBin();
  }
  const dir = mkdtempSync(join(tmpdir(), 'nsa-pg-'));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString().trim()), 0);
  const run = (cmd, args) => {
    const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
    const result = spawnSync(file, argv, { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`${cmd} failed: ${result.stderr || result.stdout}`);
  };
  const port = await freeLowPort();
  const data = join(dir, 'data');
  run(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  run(join(bin, 'pg_ctl'), ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', 'start']);
  say(`started a private PostgreSQL on 127.0.0.1:${port} (removed when the tests end)`);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop() {
      try {
        run(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

async function main() {
  ensurePackages(TOOLS.filter((tool) => !has(tool)).map((tool) => tool.pkg));

  const env = { ...process.env };
  let privatePostgres;
  if (!env.DATABASE_URL && !(await answers('127.0.0.1', 5432))) {
    privatePostgres = await startPrivatePostgres();
    env.DATABASE_URL = privatePostgres.url;
  }

  const jest = spawn(
    process.execPath,
    [
      '--experimental-vm-modules',
      '--no-warnings=ExperimentalWarning',
      'node_modules/jest/bin/jest.js',
      '--runInBand',
      ...process.argv.slice(2),
    ],
    { stdio: 'inherit', env: { ...env, JEST_QUIET_REPORT: '1' } },
  );
  const forward = (signal) => jest.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  const code = await new Promise((resolve) =>
    jest.once('exit', (status, signal) => resolve(status ?? (signal ? 1 : 0))),
  );
  privatePostgres?.stop();
  process.exit(code);
}

main().catch((err) => {
  say(err.message);
  process.exit(1);
});
