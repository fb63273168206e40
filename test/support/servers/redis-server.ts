import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { connect } from 'node:net';
import { join } from 'node:path';
import { createClient, type RedisClientType } from 'redis';
import { freePort } from './ports.js';

const MISSING = 'redis-server not found on PATH: apt-get install redis-server';

/**
 * A private redis-server on a free loopback port, owned by one test file. Tests that kill, pause
 * or restart Redis use this, never the machine's shared instance.
 */
export class RedisServer {
  private process?: ChildProcess;

  private constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(extraArgs: string[] = [], port?: number): Promise<RedisServer> {
    assertRedisInstalled();
    const server = new RedisServer(port ?? (await freePort()));
    server.extraArgs = extraArgs;
    await server.spawn();
    return server;
  }

  /**
   * A server that writes every command to an append-only file before answering, so a SIGKILL
   * and restart keep the data, like a production Redis with persistence.
   */
  static async startPersistent(): Promise<RedisServer> {
    const dir = await mkdtemp(join(tmpdir(), 'nsa-redis-'));
    return RedisServer.start(['--appendonly', 'yes', '--appendfsync', 'always', '--dir', dir]);
  }

  private extraArgs: string[] = [];

  private async spawn(): Promise<void> {
    const args = [
      '--port',
      String(this.port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      ...this.extraArgs,
    ];
    const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.process = child;
    let output = '';
    const collect = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-2000));
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    // If the test process dies before afterAll, the private server must not outlive it.
    const reap = () => child.kill('SIGKILL');
    process.once('exit', reap);
    child.once('exit', () => process.removeListener('exit', reap));
    await waitFor(async () => {
      // A server that cannot start (its port taken, a bad argument) says why at once.
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(`redis-server on port ${this.port} exited at start:\n${output}`);
      return redisAnswers(this.port);
    }, `redis-server on port ${this.port} did not start`);
  }

  /** SIGKILL: the server is gone at once, as in a crash. */
  async kill(): Promise<void> {
    const proc = this.process;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGKILL');
    await exited;
  }

  /** Starts again on the same port (with no data, since nothing is persisted). */
  async restart(): Promise<void> {
    await this.kill();
    await this.spawn();
  }

  /** SIGSTOP: the port still accepts connections but nothing answers, like a stalled Redis. */
  pause(): void {
    this.process?.kill('SIGSTOP');
  }

  resume(): void {
    this.process?.kill('SIGCONT');
  }

  async stop(): Promise<void> {
    this.resume();
    await this.kill();
  }

  /** A connected client for assertions (the caller closes it). */
  async client(): Promise<RedisClientType> {
    const client = createClient({ url: this.url }) as RedisClientType;
    client.on('error', () => undefined);
    await client.connect();
    return client;
  }
}

export function assertRedisInstalled(): void {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
  } catch {
    throw new Error(MISSING);
  }
}

/**
 * True when a Redis answers PING on 127.0.0.1:`port` (a NOAUTH error counts: it answers). One
 * plain socket, never a redis client: a client that reconnects by itself would keep dialling the
 * port while the test restarts the server there.
 */
export function redisAnswers(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    const done = (answered: boolean) => {
      socket.destroy();
      resolve(answered);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(/^(\+PONG|-NOAUTH)/.test(data.toString())));
    socket.once('error', () => done(false));
    socket.once('close', () => done(false));
  });
}

/** Polls `check` until it is true or the deadline passes. */
export async function waitFor(
  check: () => Promise<boolean> | boolean,
  message: string,
  timeoutMs = 10_000,
  intervalMs = 50,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`${message} within ${timeoutMs} ms`);
}
