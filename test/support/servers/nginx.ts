import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selfSignedCertificate } from './certificate.js';
import { freePort } from './ports.js';
import { waitFor } from './redis-server.js';
import { lineRecorder } from '../runner/test-log.js';

const SHIPPED_CONFIG = new URL('../../../config/nginx.conf', import.meta.url);

export interface NginxOptions {
  /** Ports of the app instances on 127.0.0.1, in place of the shipped upstream servers. */
  upstreamPorts: number[];
  /** Adds `X-Upstream: <addr>` to answers, so a test sees which instance served a request. */
  exposeUpstream?: boolean;
}

export interface RenderValues extends NginxOptions {
  httpPort: number;
  httpsPort: number;
  certPath: string;
  keyPath: string;
  dir: string;
}

/**
 * A real nginx running the shipped config/nginx.conf on free loopback ports, with a self-signed
 * certificate made by openssl for this run. It is a child of the test, never the system service.
 */
export class Nginx {
  private output = '';

  private constructor(
    private readonly process: ChildProcess,
    private readonly dir: string,
    readonly httpPort: number,
    readonly httpsPort: number,
    /** The self-signed certificate (PEM), for clients to trust. */
    readonly ca: string,
    /** Its private key (PEM), for a control server with the same identity. */
    readonly key: string,
  ) {
    const recorder = lineRecorder(`nginx :${httpsPort}`);
    process.stderr?.on('data', (chunk: Buffer) => {
      this.output += chunk.toString();
      recorder.write(chunk);
    });
    process.once('close', () => recorder.end());
  }

  get httpsUrl(): string {
    return `https://127.0.0.1:${this.httpsPort}`;
  }

  get httpUrl(): string {
    return `http://127.0.0.1:${this.httpPort}`;
  }

  static async start(options: NginxOptions): Promise<Nginx> {
    assertInstalled('nginx', ['-v'], 'nginx not found on PATH: apt-get install nginx');
    const dir = await mkdtemp(join(tmpdir(), 'nsa-nginx-'));
    // nginx's workers do not run as root: they must reach the temp directories in here.
    await chmod(dir, 0o755);
    const { certPath, keyPath } = await selfSignedCertificate(dir);
    const [httpPort, httpsPort] = [await freePort(), await freePort()];
    const config = renderNginxConfig(await readFile(SHIPPED_CONFIG, 'utf8'), {
      ...options,
      httpPort,
      httpsPort,
      certPath,
      keyPath,
      dir,
    });
    const confPath = join(dir, 'nginx.conf');
    await writeFile(confPath, config);
    const args = [
      '-p',
      dir,
      '-c',
      confPath,
      '-g',
      `daemon off; pid ${dir}/nginx.pid; error_log stderr;`,
    ];
    const child = spawn('nginx', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    const [ca, key] = [await readFile(certPath, 'utf8'), await readFile(keyPath, 'utf8')];
    const nginx = new Nginx(child, dir, httpPort, httpsPort, ca, key);
    await waitFor(() => {
      if (child.exitCode !== null) throw new Error(`nginx exited at start: ${nginx.output}`);
      return listening(httpsPort);
    }, `nginx did not listen on ${httpsPort}`);
    return nginx;
  }

  /** What nginx wrote to stderr: its error log, for failure messages. */
  logs(): string {
    return this.output;
  }

  async stop(): Promise<void> {
    if (this.process.exitCode === null && this.process.signalCode === null) {
      const exited = new Promise((resolve) => this.process.once('exit', resolve));
      this.process.kill('SIGTERM');
      await exited;
    }
    await rm(this.dir, { recursive: true, force: true });
  }
}

/**
 * The shipped config with this run's ports, certificate, upstreams and file paths swapped in.
 * Every swap must find its line: when config/nginx.conf changes shape, this fails loudly rather
 * than testing something else.
 */
export function renderNginxConfig(source: string, values: RenderValues): string {
  let config = source;
  const swap = (pattern: RegExp, replacement: string, what: string): void => {
    if (!pattern.test(config)) {
      throw new Error(
        `config/nginx.conf has no ${what} (${pattern}); update test/support/nginx.ts`,
      );
    }
    config = config.replace(pattern, replacement);
  };
  swap(/^(\s*)listen \[::\]:443\b.*\n/m, '', 'IPv6 listen 443');
  swap(/^(\s*)listen \[::\]:80\b.*\n/m, '', 'IPv6 listen 80');
  swap(/^(\s*)listen 443\b/m, `$1listen 127.0.0.1:${values.httpsPort}`, 'listen 443');
  swap(/^(\s*)listen 80\b/m, `$1listen 127.0.0.1:${values.httpPort}`, 'listen 80');
  swap(/^(\s*)ssl_certificate .*;$/m, `$1ssl_certificate ${values.certPath};`, 'ssl_certificate');
  swap(/^(\s*)ssl_certificate_key .*;$/m, `$1ssl_certificate_key ${values.keyPath};`, 'key');
  const upstream = /(upstream nest_session_auth \{\n(?:\s*#.*\n)*)((?:\s*server .*;\n)+)/;
  // Keeps the shipped parameters (max_fails, fail_timeout…) of the first server line.
  const params = / server \S+(.*);/.exec(upstream.exec(config)?.[2] ?? '')?.[1] ?? '';
  const servers = values.upstreamPorts.map(
    (port) => `        server 127.0.0.1:${port}${params};\n`,
  );
  swap(upstream, `$1${servers.join('')}`, 'upstream servers');
  swap(/\/var\/log\/nginx\//g, `${values.dir}/`, 'log paths');
  // Compiled-in temp paths are under /var/lib/nginx; keep this run's files in its own directory.
  const temps = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
    .map((name) => `    ${name}_temp_path ${values.dir}/${name}_temp;\n`)
    .join('');
  swap(/^http \{\n/m, `http {\n${temps}`, 'http block');
  if (values.exposeUpstream) {
    swap(
      /^(\s*)(add_header Strict-Transport-Security .*\n)/m,
      '$1$2$1add_header X-Upstream $upstream_addr always;\n',
      'HSTS header',
    );
  }
  return config;
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function assertInstalled(command: string, args: string[], message: string): void {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
  } catch {
    throw new Error(message);
  }
}
