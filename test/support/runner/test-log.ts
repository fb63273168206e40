import { format, stripVTControlCharacters } from 'node:util';

/** The buffer quiet-output.environment.ts puts on the test file's global (same key there). */
const TEST_LOG = Symbol.for('nest-session-auth.test-log');

interface TestLog {
  record(entry: string): void;
}

/**
 * Contexts of Nest's start-up lines ("… dependencies initialized", "Mapped {/x, GET} route"):
 * dozens per app, and no help with a failure, so they are not recorded. "Starting Nest
 * application" and "successfully started" are, to show how long a boot took.
 */
export const NEST_BOOT_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer']);
const NEST_BOOT_LINE = new RegExp(` LOG \\[(${[...NEST_BOOT_CONTEXTS].join('|')})\\] `);

/**
 * Keeps `text` for the current test instead of printing it: the test environment prints it
 * only if the test fails. Without that environment (a file run with another one) it prints.
 */
export function recordTestLog(source: string, text: string): void {
  const entry = `[${source}] ${text.replace(/\n+$/, '')}`;
  const log = (globalThis as Record<symbol, TestLog | undefined>)[TEST_LOG];
  if (log) log.record(entry);
  else process.stderr.write(`${entry}\n`);
}

/**
 * A sink for a child process's stdout or stderr that records whole lines (chunks split them
 * anywhere) but Nest's start-up lines; `end()` records what is left when the stream closes.
 */
export function lineRecorder(source: string): { write(chunk: Buffer): void; end(): void } {
  let pending = '';
  return {
    write(chunk) {
      // A child without NO_COLOR still colours its logs; the codes only garble a dump.
      const lines = stripVTControlCharacters(pending + chunk.toString()).split('\n');
      pending = lines.pop()!;
      for (const line of lines) if (line && !NEST_BOOT_LINE.test(line)) recordTestLog(source, line);
    },
    end() {
      if (pending) recordTestLog(source, pending);
      pending = '';
    },
  };
}

const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;

/** Sends console.* of the test file (tests, the library, its drivers) to the test log. */
export function recordConsole(): void {
  for (const method of CONSOLE_METHODS) {
    console[method] = (...args: unknown[]) => recordTestLog(`console.${method}`, format(...args));
  }
}
