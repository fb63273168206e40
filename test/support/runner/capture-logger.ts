import { ConsoleLogger, Logger, type LoggerService } from '@nestjs/common';
import { NEST_BOOT_CONTEXTS, recordTestLog } from './test-log.js';

export interface LoggedLine {
  level: string;
  context?: string;
  message: string;
}

/**
 * Nest logger for tests: keeps every line (all levels) for assertions on what gets logged, and
 * records it in the test log (test-log.ts), which prints only for a failing test. Nest's logger
 * is process-wide: the last app started with a logger object logs there, and so does every
 * `new Logger(context)` in the library.
 */
export class CaptureLogger implements LoggerService {
  readonly lines: LoggedLine[] = [];

  log(message: unknown, context?: string): void {
    this.push('log', message, context);
  }
  error(message: unknown, ...rest: unknown[]): void {
    // Nest calls error(message, stack?, context).
    const stack = rest.length > 1 && typeof rest[0] === 'string' ? `\n${rest[0]}` : '';
    this.push('error', message, rest.at(-1) as string | undefined, stack);
  }
  warn(message: unknown, context?: string): void {
    this.push('warn', message, context);
  }
  debug(message: unknown, context?: string): void {
    this.push('debug', message, context);
  }
  verbose(message: unknown, context?: string): void {
    this.push('verbose', message, context);
  }
  fatal(message: unknown, context?: string): void {
    this.push('fatal', message, context);
  }
  // No setLogLevels: `logger: ['error']` in an app's options must not hide lines a test reads.

  /** The messages logged under `context`. */
  messages(context: string): string[] {
    return this.lines.filter((l) => l.context === context).map((l) => l.message);
  }

  private push(level: string, message: unknown, context?: string, stack = ''): void {
    const text = textOf(message);
    this.lines.push({ level, context, message: text });
    recordNestLine(level, context, `${text}${stack}`);
  }
}

const fileLogger = new CaptureLogger();

/**
 * The test file's Nest logger, installed for every file by quiet-output.setup.ts. Apps log here
 * unless given a logger of their own: `NestFactory.create(m, { logger: ['error'] })` only sets
 * levels. `Test.createTestingModule(…).compile()` installs Nest's TestingLogger, which prints,
 * so give it this one: `.setLogger(nestLogs())`.
 */
export function nestLogs(): CaptureLogger {
  return fileLogger;
}

/** Routes every Nest log line of this test file to the test log (quiet-output.setup.ts). */
export function captureNestLogs(): void {
  Logger.overrideLogger(fileLogger);
  // A ConsoleLogger that Nest or a Nest package makes for itself (TestingLogger when
  // setLogger was forgotten, Terminus's logger) writes to process.stdout past Jest's console;
  // its one output method is the place to catch it.
  const patched = ConsoleLogger.prototype as unknown as {
    printMessages(messages: unknown[], context?: string, level?: string): void;
    printStackTrace(stack?: string): void;
  };
  patched.printMessages = (messages, context, level = 'log') =>
    recordNestLine(level, context, messages.map(textOf).join(' '));
  patched.printStackTrace = (stack) => {
    if (stack) recordTestLog('Nest', stack);
  };
}

function textOf(message: unknown): string {
  return typeof message === 'string' ? message : JSON.stringify(message);
}

function recordNestLine(level: string, context: string | undefined, text: string): void {
  if (level === 'log' && context && NEST_BOOT_CONTEXTS.has(context)) return;
  recordTestLog(context || 'Nest', `${level.toUpperCase()} ${text}`);
}
