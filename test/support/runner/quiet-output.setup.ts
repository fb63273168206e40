// Runs before every test file (setupFilesAfterEnv): what the file would print goes to the test
// log instead, which quiet-output.environment.ts prints only for a failing test.
import { captureNestLogs } from './capture-logger.js';
import { recordConsole } from './test-log.js';

captureNestLogs();
recordConsole();
