import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createClient, createCluster, type RedisClientType, type RedisClusterType } from 'redis';
import { selfSignedCertificate } from './certificate.js';
import { freePort } from './ports.js';
import { assertRedisInstalled, waitFor } from './redis-server.js';

export interface RedisClusterOptions {
  /** Every node requires it (`requirepass`, and `masterauth` between nodes). */
  password?: string;
  /** Nodes speak TLS only (clients and the cluster bus), with a throwaway openssl certificate. */
  tls?: boolean;
}

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
    /** The nodes' certificate (PEM file) when they speak TLS: clients must trust it. */
    readonly caFile?: string,
  ) {}

  /** `REDIS_CLUSTER_NODES` for the app: every master as host:port. */
  get nodes(): string {
    return this.ports.map((port) => `127.0.0.1:${port}`).join(',');
  }

  /**
   * `ports`: where the masters listen (default: free ports), e.g. ones an app already uses.
   */
  static async start(
    masters = 3,
    ports?: number[],
    { password, tls = false }: RedisClusterOptions = {},
  ): Promise<RedisCluster> {
    assertRedisInstalled();
    const dir = await mkdtemp(join(tmpdir(), 'nsa-redis-cluster-'));
    const certificate = tls ? await selfSignedCertificate(dir) : undefined;
    const tlsArgs = certificate
      ? [
          ...['--port', '0', '--tls-cert-file', certificate.certPath],
          ...['--tls-key-file', certificate.keyPath, '--tls-ca-cert-file', certificate.certPath],
          ...['--tls-auth-clients', 'no', '--tls-cluster', 'yes'],
        ]
      : [];
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
            ...[tls ? '--tls-port' : '--port', String(port), '--bind', '127.0.0.1'],
            ...['--cluster-port', String(busPort), ...tlsArgs],
            ...['--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`],
            ...['--dir', dir, '--save', '', '--appendonly', 'no', '--cluster-node-timeout', '2000'],
            ...(password ? ['--requirepass', password, '--masterauth', password] : []),
          ],
          { stdio: 'ignore' },
        ),
      );
    }
    const cluster = new RedisCluster(processes, ports, dir, password, certificate?.certPath);
    try {
      await waitFor(() => {
        // A node that cannot start (its port taken) fails the start at once, not after 10 s.
        const gone = processes.findIndex((p) => p.exitCode !== null || p.signalCode !== null);
        if (gone >= 0)
          throw new Error(`the cluster node on port ${cluster.ports[gone]} exited at start`);
        return cluster.allAnswer();
      }, 'the cluster nodes did not start');
      const addresses = ports.map((port) => `127.0.0.1:${port}`);
      await promisify(execFile)('redis-cli', [
        '--cluster',
        'create',
        ...addresses,
        '--cluster-replicas',
        '0',
        '--cluster-yes',
        ...(password ? ['-a', password, '--no-auth-warning'] : []),
        ...(certificate ? ['--tls', '--cacert', certificate.certPath] : []),
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
      rootNodes: this.ports.map((port) => ({ url: this.urlOf(port) })),
      defaults: { password: this.password, socket: this.tlsSocket() },
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

  private urlOf(port: number): string {
    return `${this.caFile ? 'rediss' : 'redis'}://127.0.0.1:${port}`;
  }

  private tlsSocket(): { tls: true; ca: Buffer } | undefined {
    return this.caFile ? { tls: true, ca: readFileSync(this.caFile) } : undefined;
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
      url: this.urlOf(port),
      password: this.password,
      socket: { reconnectStrategy: false, ...this.tlsSocket() },
    }) as RedisClientType;
    node.on('error', () => undefined);
    try {
      await node.connect();
      return await fn(node);
    } finally {
      // A client whose connect failed is closed already; destroy() would throw.
      if (node.isOpen) node.destroy();
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
