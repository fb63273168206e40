import type { LoggerService } from '@nestjs/common';

/** Nest logger that keeps every line (all levels) for assertions on what gets logged. */
export class CaptureLogger implements LoggerService {
  readonly lines: Array<{ level: string; context?: string; message: string }> = [];

  log(message: unknown, context?: string): void {
    this.push('log', message, context);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.push('error', message, rest.at(-1) as string | undefined);
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

  /** The messages logged under `context`. */
  messages(context: string): string[] {
    return this.lines.filter((l) => l.context === context).map((l) => l.message);
  }

  private push(level: string, message: unknown, context?: string): void {
    const text = typeof message === 'string' ? message : JSON.stringify(message);
    this.lines.push({ level, context, message: text });
  }
}
