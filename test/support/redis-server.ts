import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type RedisClientType } from 'redis';
import { freePort } from './free-port.js';

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
    const child = spawn('redis-server', args, { stdio: 'ignore' });
    this.process = child;
    // If the test process dies before afterAll, the private server must not outlive it.
    const reap = () => child.kill('SIGKILL');
    process.once('exit', reap);
    child.once('exit', () => process.removeListener('exit', reap));
    await waitFor(async () => {
      const client = createClient({ url: this.url, socket: { reconnectStrategy: false } });
      client.on('error', () => undefined);
      try {
        await client.connect();
        await client.ping();
        return true;
      } catch {
        return false;
      } finally {
        // destroy() throws on a client whose connect failed (the server not up yet).
        if (client.isOpen) client.destroy();
      }
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
