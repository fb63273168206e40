// Mutation testing of the security-critical checks (docs/mutation-testing.md): `npm run
// test:mutation`. Stryker mutates only the files (or line ranges) of GROUPS and runs the unit
// specs against each mutant; scripts/mutation-groups.mjs then scores each group on its own.
import jestConfig from './jest.config.js';

/**
 * Each group must reach MIN_GROUP_SCORE (killed + timed out, over every mutant that is not
 * ignored). A `file:from-to` entry mutates only those lines: the check, not its neighbours
 * (move the range when the file changes above it).
 */
export const GROUPS = {
  'redirect check': ['src/core/http/safe-redirect.ts'],
  'CSRF token and origin': [
    'src/security/csrf-token.ts',
    'src/security/request-origin.ts',
    'src/security/csrf.middleware.ts',
    // CsrfService.verify and readCookie: the check, not the cookie bookkeeping.
    'src/security/csrf.service.ts:108-118',
    'src/security/csrf.service.ts:164-178',
  ],
  'guard and request kind': ['src/access/session.guard.ts', 'src/core/http/request-kind.ts'],
  'login throttler': ['src/auth/login.throttler.ts'],
  'timeouts and touch throttling': [
    'src/session/session-expiry.ts',
    'src/session/session-lifecycle.middleware.ts',
    // SessionStore.touchIndex: how far a save moves the session's index entry.
    'src/stores/session.store.ts:247-256',
  ],
  'credential-version check': ['src/session/credential-versions.ts'],
};

export const MIN_GROUP_SCORE = 90;

const unit = jestConfig.projects.find((project) => project.displayName === 'unit');

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'jest',
  // Jest's native ESM mode, as `npm test` runs it.
  testRunnerNodeArgs: ['--experimental-vm-modules', '--no-warnings=ExperimentalWarning'],
  jest: {
    projectType: 'custom',
    // The unit project alone: fast specs, no Redis, PostgreSQL or browsers.
    config: {
      // Stryker merges this over jest.config.js and sends it as JSON, so what must go is null or
      // empty rather than undefined: no projects, no exit watchdog.
      ...unit,
      projects: [],
      globalTeardown: null,
      // Stryker wraps the environment to record which test covers which mutant, and loads it
      // with require(): the TypeScript quiet-output environment cannot be loaded that way.
      // Reporters are off under Stryker, so there is nothing for it to keep quiet.
      testEnvironment: 'node',
      setupFilesAfterEnv: [],
    },
  },
  coverageAnalysis: 'perTest',
  mutate: Object.values(GROUPS).flat(),
  // Two cores, shared: one test process at a time.
  concurrency: 1,
  timeoutMS: 10_000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  // The per-group floor is checked by scripts/mutation-groups.mjs; the total is only shown.
  thresholds: { high: 90, low: 80, break: null },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  // The sandbox needs the sources, specs and configs, not build output or other reports.
  ignorePatterns: ['dist', 'dist-bench', 'coverage', 'reports', 'test-output', '.stryker-tmp'],
};
