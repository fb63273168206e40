import { type INestApplication, Logger } from '@nestjs/common';
import type { Server } from 'node:http';

/** If anything is still open this long after the signal, exit 1 before a SIGKILL at 10 s. */
const FORCED_EXIT_MS = 9_500;

/**
 * On SIGTERM or SIGINT: stop accepting connections, let in-flight requests finish (for at most
 * `drainMs`, then their connections are cut), then run Nest's shutdown hooks, where
 * SessionModule closes the store clients. Nothing is left open then, so the process ends by
 * itself with code 0. No process.exit on the happy path: a client left open would keep the
 * process alive, and the forced exit 1 would show it.
 *
 * Not Nest's enableShutdownHooks: it re-raises the signal, so the process dies as killed rather
 * than exiting 0, or with `useProcessExit` exits 0 even when a client was left open; and it never
 * bounds the wait for a request that does not finish.
 */
export function exitGracefullyOn(
  app: INestApplication,
  signals: NodeJS.Signals[],
  drainMs: number,
): void {
  const logger = new Logger('Shutdown');
  const onSignal = (signal: NodeJS.Signals): void => {
    for (const s of signals) process.removeListener(s, onSignal);
    logger.log(`${signal}: finishing in-flight requests, then closing`);
    const server = app.getHttpServer() as Server;
    setTimeout(() => server.closeAllConnections(), drainMs).unref();
    setTimeout(() => {
      logger.error(`Still running ${FORCED_EXIT_MS} ms after ${signal}; exiting with 1`);
      process.exit(1);
    }, FORCED_EXIT_MS).unref();
    app.close().then(
      () => logger.log('Closed; exiting'),
      (err: unknown) => {
        logger.error(`Shutdown failed: ${err instanceof Error ? err.message : String(err)}`);
        process.exitCode = 1;
      },
    );
  };
  for (const signal of signals) process.once(signal, onSignal);
}
