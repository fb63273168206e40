import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { DEMO_EMAIL, DEMO_PASSWORD } from './demo-app.js';
import { freePort } from '../servers/ports.js';
import { waitFor } from '../servers/redis-server.js';
import { lineRecorder } from '../runner/test-log.js';

const MAIN = fileURLToPath(new URL('../../../dist/main.js', import.meta.url));

/** Loading Nest takes ~2 s; a few instances at once on a busy 2-core CI machine, much longer. */
export const START_TIMEOUT_MS = 25_000;
/** For a hook or test that starts apps: more than Jest's 30 s default, for a loaded machine. */
export const SPAWN_TIMEOUT_MS = 60_000;

/** One secret per test file, so every instance a file starts accepts the others' cookies. */
const SHARED_SECRET = randomBytes(36).toString('base64');

/**
 * What production instances share: NODE_ENV=production (Secure `__Host-sid` cookie, strong
 * secret required), one demo user (production seeds none by default), logs without colours.
 */
export function productionEnv(): Record<string, string> {
  return {
    NODE_ENV: 'production',
    SESSION_SECRET: SHARED_SECRET,
    DEMO_USERS: `${DEMO_EMAIL}:${DEMO_PASSWORD}`,
    HOST: '127.0.0.1',
    NO_COLOR: '1',
  };
}

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const running = new Set<AppProcess>();
// Last resort if the test process dies without its afterAll: leave no app behind.
process.once('exit', () => running.forEach((app) => app.kill('SIGKILL')));

/**
 * The built demo app (`node dist/main.js`, as deployed) as a child process on a free port.
 * `npm test` builds dist first (the pretest script). It runs in a temp directory, so a
 * developer's .env is never read, and gets only the environment given here.
 */
export class AppProcess {
  private output = '';
  readonly exited: Promise<ExitStatus>;

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {
    // Kept for tests that read it, and in the test log, which prints it if the test fails.
    const recorder = lineRecorder(`app :${port}`);
    const collect = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-8000);
      recorder.write(chunk);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.once('close', () => recorder.end());
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    void this.exited.then(() => running.delete(this));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Starts the app with `env` (nothing inherited but PATH) and waits until it answers. */
  static async start(env: Record<string, string | undefined>): Promise<AppProcess> {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npm run build (npm test does)`);
    const port = await freePort();
    const child = spawn(process.execPath, [MAIN], {
      cwd: tmpdir(),
      env: definedOnly({ PATH: process.env.PATH, ...env, PORT: String(port) }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const app = new AppProcess(child, port);
    running.add(app);
    let gone: ExitStatus | undefined;
    void app.exited.then((status) => (gone = status));
    try {
      await waitFor(
        async () => {
          if (gone)
            throw new Error(`the app exited at start (${JSON.stringify(gone)}):\n${app.logs()}`);
          return (await statusOf(`${app.url}/health/live`)) === 200;
        },
        `the app on port ${port} did not answer GET /health/live`,
        START_TIMEOUT_MS,
      );
    } catch (err) {
      if (gone) throw err;
      await app.stop();
      throw new Error(`${(err as Error).message}; its output:\n${app.logs() || '(none)'}`, {
        cause: err,
      });
    }
    return app;
  }

  /** The app's recent stdout and stderr, for failure messages. */
  logs(): string {
    return this.output;
  }

  kill(signal: NodeJS.Signals): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
  }

  /** SIGKILL if still running; safe to call twice. */
  async stop(): Promise<void> {
    this.kill('SIGKILL');
    await this.exited;
  }
}

/** Stops every app the test file started; for afterAll, so a failed test leaves none behind. */
export async function stopAllApps(): Promise<void> {
  await Promise.all([...running].map((app) => app.stop()));
}

/** The status of a GET, or 0 when nothing answers. */
export function statusOf(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(url, { agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.end();
  });
}

function definedOnly(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}
