// Jest loads the test environment outside its module mapper, so this file imports no relative
// module (see chromium.global-setup.ts); test-log.ts reaches the buffer under the same key.
import type { EnvironmentContext, JestEnvironmentConfig } from '@jest/environment';
import type { Circus } from '@jest/types';
import { TestEnvironment } from 'jest-environment-node';
import { basename } from 'node:path';

const TEST_LOG = Symbol.for('nest-session-auth.test-log');
/** At most this many entries are kept per test (and per file outside tests); the rest drop. */
const MAX_ENTRIES = 300;

class Entries {
  private entries: Array<{ text: string; times: number }> = [];
  private dropped = 0;

  push(text: string): void {
    // A store outage logs the same warning for every request: one line with a count is enough.
    const last = this.entries.at(-1);
    if (last?.text === text) {
      last.times++;
      return;
    }
    this.entries.push({ text, times: 1 });
    if (this.entries.length > MAX_ENTRIES) {
      this.entries.shift();
      this.dropped++;
    }
  }

  /** The kept entries (with a note of how many dropped), emptying the buffer. */
  take(): string[] {
    const lines = this.entries.map((e) => (e.times > 1 ? `${e.text} (×${e.times})` : e.text));
    if (this.dropped) lines.unshift(`(${this.dropped} earlier lines dropped)`);
    this.entries = [];
    this.dropped = 0;
    return lines;
  }
}

/**
 * Node's test environment, plus a buffer for what a test file would otherwise print: Nest's
 * logs, console.* and the output of the apps it spawns (test-log.ts records them). A passing test
 * prints none of it, so a green run shows Jest's summary alone; a failing test prints what was
 * logged while it ran (its beforeEach/afterEach included), after what its describe blocks'
 * beforeAll hooks logged. `TEST_LOGS=1` prints every line as it comes instead, for debugging.
 */
export default class QuietOutputEnvironment extends TestEnvironment {
  private readonly live = process.env.TEST_LOGS === '1';
  private readonly file: string;
  /** Logged outside any test: beforeAll/afterAll hooks, module scope, late async output. */
  private readonly outside = new Entries();
  private readonly inside = new Entries();
  private inTest = false;

  constructor(config: JestEnvironmentConfig, context: EnvironmentContext) {
    super(config, context);
    this.file = basename(context.testPath);
    const record = (entry: string) => {
      if (this.live) process.stderr.write(`${entry}\n`);
      else (this.inTest ? this.inside : this.outside).push(entry);
    };
    (this.global as unknown as Record<symbol, unknown>)[TEST_LOG] = { record };
  }

  handleTestEvent(event: Circus.Event): void {
    switch (event.name) {
      case 'test_start':
        this.inTest = true;
        break;
      case 'test_done':
        this.inTest = false;
        if (event.test.errors.length > 0) {
          this.print(`failed: ${testName(event.test)}`, [
            ...this.outside.take(),
            ...this.inside.take(),
          ]);
        }
        this.inside.take();
        break;
      case 'hook_failure':
        if (event.hook.type === 'beforeAll' || event.hook.type === 'afterAll') {
          this.print(`${event.hook.type} failed`, [...this.outside.take(), ...this.inside.take()]);
        }
        break;
      case 'run_describe_finish':
        // Its beforeAll lines explain nothing about the tests of the next block.
        this.outside.take();
        break;
    }
  }

  /** One write, so nothing Jest prints lands inside the block. */
  private print(what: string, entries: string[]): void {
    if (entries.length === 0) return;
    const header = `──── logs of ${this.file} › ${what} ────`;
    process.stderr.write(`\n${header}\n${entries.join('\n')}\n${'─'.repeat(40)}\n\n`);
  }
}

function testName(test: Circus.TestEntry): string {
  const names = [test.name];
  for (let block = test.parent; block.parent; block = block.parent) names.unshift(block.name);
  return names.join(' › ');
}
