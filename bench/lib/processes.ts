import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ManagedProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly logPath: string;
  /** Resolves with the exit code once the process has ended on its own. */
  readonly exited: Promise<number | null>;
  stop(): Promise<void>;
}

export interface StartOptions {
  logDir: string;
  env?: NodeJS.ProcessEnv;
  /** Open an IPC channel (the instrumented demo answers event-loop questions over it). */
  ipc?: boolean;
}

const running = new Set<ManagedProcess>();
/** Short-lived children (load generators, workers) that end by themselves but not on a crash. */
const transient = new Set<ChildProcess>();

export function trackTransient(child: ChildProcess): void {
  transient.add(child);
  child.once('exit', () => transient.delete(child));
}

/**
 * Starts a long-lived child whose output goes to a log file, so a failing server can be
 * diagnosed after the fact without its output interleaving with the results table.
 */
export function startProcess(
  name: string,
  command: string,
  args: string[],
  options: StartOptions,
): ManagedProcess {
  const logPath = join(options.logDir, `${name}.log`);
  const fd = openSync(logPath, 'a');
  const stdio: ('ignore' | 'ipc' | number)[] = ['ignore', fd, fd];
  if (options.ipc) stdio.push('ipc');
  const child = spawn(command, args, { env: options.env ?? process.env, stdio });
  closeSync(fd);

  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', () => resolve(null));
  });
  const managed: ManagedProcess = {
    name,
    child,
    logPath,
    exited,
    stop: () => stopProcess(managed),
  };
  running.add(managed);
  void exited.then(() => running.delete(managed));
  return managed;
}

async function stopProcess(managed: ManagedProcess): Promise<void> {
  const { child } = managed;
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const ended = await Promise.race([managed.exited.then(() => true), sleep(5000, false)]);
  // A server whose shutdown hook hangs must not outlive the bench.
  if (!ended) child.kill('SIGKILL');
  await managed.exited;
}

export async function stopAll(): Promise<void> {
  for (const child of transient) child.kill('SIGTERM');
  await Promise.all([...running].map((managed) => managed.stop()));
}

/**
 * Last resort when the bench itself dies (uncaught error, Ctrl-C): 'exit' handlers cannot
 * await, so every child still running gets SIGKILL synchronously.
 */
export function installEmergencyCleanup(): void {
  process.on('exit', () => {
    for (const managed of running) managed.child.kill('SIGKILL');
    for (const child of transient) child.kill('SIGKILL');
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      console.error(`\nbench: ${signal}, stopping child processes`);
      void stopAll().finally(() => process.exit(130));
    });
  }
}

export function logTail(managed: ManagedProcess, lines = 30): string {
  try {
    return readFileSync(managed.logPath, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * Polls `url` until it answers `expectedStatus`, failing early with the child's log when the
 * child exits first (a boot error is more useful than a timeout).
 */
export async function waitForHttp(
  managed: ManagedProcess,
  url: string,
  expectedStatus = 200,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastProblem = 'no answer';
  let exited = false;
  void managed.exited.then(() => (exited = true));
  while (Date.now() < deadline) {
    if (exited) {
      throw new Error(`bench: ${managed.name} exited while starting:\n${logTail(managed)}`);
    }
    try {
      const response = await fetch(url, { headers: { accept: 'application/json' } });
      await response.arrayBuffer();
      if (response.status === expectedStatus) return;
      lastProblem = `status ${response.status}`;
    } catch (error) {
      lastProblem = (error as Error).message;
    }
    await sleep(100);
  }
  throw new Error(
    `bench: ${managed.name} did not answer ${url} with ${expectedStatus} within ${timeoutMs} ms ` +
      `(${lastProblem}):\n${logTail(managed)}`,
  );
}
