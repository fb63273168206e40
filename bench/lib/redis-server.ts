import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../test/support/servers/ports.js';
import { redisAnswers } from '../../test/support/servers/redis-server.js';
import { logTail, startProcess, type ManagedProcess } from './processes.js';

export interface PrivateRedis {
  readonly port: number;
  /** `redis://127.0.0.1:<port>` (database 0, the demo's). */
  readonly url: string;
  readonly process: ManagedProcess;
}

/**
 * A redis-server of the bench's own, so the numbers never include another tenant's traffic and
 * the memory phase may flush it. The shared Redis on 6379 is never touched.
 */
export async function startPrivateRedis(logDir: string): Promise<PrivateRedis> {
  const port = await freePort();
  const managed = startProcess(
    'redis-server',
    'redis-server',
    [
      ...['--port', String(port), '--bind', '127.0.0.1'],
      // No persistence: nothing to write at shutdown, no fork pauses during a run.
      ...['--save', '', '--appendonly', 'no', '--dir', logDir],
    ],
    { logDir },
  );
  await waitForPong(managed, port);
  return { port, url: `redis://127.0.0.1:${port}`, process: managed };
}

async function waitForPong(managed: ManagedProcess, port: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (managed.child.exitCode !== null) break;
    if (await redisAnswers(port)) return;
    await sleep(50);
  }
  throw new Error(`bench: private redis-server did not start:\n${logTail(managed)}`);
}
