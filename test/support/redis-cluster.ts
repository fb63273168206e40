import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createClient, createCluster, type RedisClientType, type RedisClusterType } from 'redis';
import { freePort } from './free-port.js';
import { assertRedisInstalled, waitFor } from './redis-server.js';

/**
 * A private Redis Cluster of `masters` redis-server processes (no replicas) on free loopback
 * ports, joined with `redis-cli --cluster create`. Owned by one test file.
 */
export class RedisCluster {
  private constructor(
    private readonly processes: ChildProcess[],
    readonly ports: number[],
    private readonly dir: string,
    /** Every node's `requirepass` (and `masterauth`), when the cluster has one. */
    readonly password?: string,
  ) {}

  /** `REDIS_CLUSTER_NODES` for the app: every master as host:port. */
  get nodes(): string {
    return this.ports.map((port) => `127.0.0.1:${port}`).join(',');
  }

  /**
   * `ports`: where the masters listen (default: free ports), e.g. ones an app already uses.
   * `password`: makes every node require it.
   */
  static async start(masters = 3, ports?: number[], password?: string): Promise<RedisCluster> {
    assertRedisInstalled();
    const dir = await mkdtemp(join(tmpdir(), 'nsa-redis-cluster-'));
    ports ??= await distinctFreePorts(masters, []);
    // The cluster bus needs a second port; by default it is port + 10000, which may be taken.
    const busPorts = await distinctFreePorts(ports.length, ports);
    const processes: ChildProcess[] = [];
    for (const [i, port] of ports.entries()) {
      const busPort = busPorts[i];
      processes.push(
        spawn(
          'redis-server',
          [
            ...['--port', String(port), '--cluster-port', String(busPort), '--bind', '127.0.0.1'],
            ...['--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`],
            ...['--dir', dir, '--save', '', '--appendonly', 'no', '--cluster-node-timeout', '2000'],
            ...(password ? ['--requirepass', password, '--masterauth', password] : []),
          ],
          { stdio: 'ignore' },
        ),
      );
    }
    const cluster = new RedisCluster(processes, ports, dir, password);
    try {
      await waitFor(() => cluster.allAnswer(), 'the cluster nodes did not start');
      const addresses = ports.map((port) => `127.0.0.1:${port}`);
      await promisify(execFile)('redis-cli', [
        '--cluster',
        'create',
        ...addresses,
        '--cluster-replicas',
        '0',
        '--cluster-yes',
        ...(password ? ['-a', password, '--no-auth-warning'] : []),
      ]);
      await waitFor(() => cluster.isOk(), 'the cluster did not reach cluster_state:ok');
    } catch (err) {
      await cluster.stop();
      throw err;
    }
    return cluster;
  }

  /** A cluster client for assertions (the caller closes it). */
  async client(): Promise<RedisClusterType> {
    const client = createCluster({
      rootNodes: this.ports.map((port) => ({ url: `redis://127.0.0.1:${port}` })),
      defaults: { password: this.password },
    }) as RedisClusterType;
    client.on('error', () => undefined);
    await client.connect();
    return client;
  }

  /** How many keys matching `pattern` each master holds, by port. */
  async keysPerMaster(pattern: string): Promise<Map<number, number>> {
    const counts = new Map<number, number>();
    for (const port of this.ports) {
      counts.set(
        port,
        await this.withNode(port, async (node) => (await node.keys(pattern)).length),
      );
    }
    return counts;
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.processes.map((proc) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
        const exited = new Promise((resolve) => proc.once('exit', resolve));
        proc.kill('SIGKILL');
        return exited;
      }),
    );
    await rm(this.dir, { recursive: true, force: true });
  }

  private async allAnswer(): Promise<boolean> {
    const replies = await Promise.all(
      this.ports.map((port) => this.withNode(port, (node) => node.ping()).catch(() => 'down')),
    );
    return replies.every((reply) => reply === 'PONG');
  }

  private async isOk(): Promise<boolean> {
    const infos = await Promise.all(
      this.ports.map((port) => this.withNode(port, (node) => node.clusterInfo())),
    );
    return infos.every((info) => info.includes('cluster_state:ok'));
  }

  private async withNode<T>(port: number, fn: (node: RedisClientType) => Promise<T>): Promise<T> {
    const node = createClient({
      url: `redis://127.0.0.1:${port}`,
      password: this.password,
      socket: { reconnectStrategy: false },
    }) as RedisClientType;
    node.on('error', () => undefined);
    try {
      await node.connect();
      return await fn(node);
    } finally {
      node.destroy();
    }
  }
}

/** `count` free ports, none of them in `taken` nor repeated. */
async function distinctFreePorts(count: number, taken: number[]): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) {
    const port = await freePort();
    if (!taken.includes(port)) ports.add(port);
  }
  return [...ports];
}
