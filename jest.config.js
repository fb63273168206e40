// Jest 30 in native ESM mode (npm test passes --experimental-vm-modules): Nest 12 is ESM-only,
// so the tests load the same ES modules the app runs. ts-jest transpiles each file on its own
// (isolatedModules in tsconfig.json); `npm run lint` does the type check once for the whole tree.
const tsJest = [
  'ts-jest',
  { useESM: true, tsconfig: 'tsconfig.json', diagnostics: false },
];

const common = {
  extensionsToTreatAsEsm: ['.ts'],
  // Sources import './x.js' as NodeNext requires; Jest resolves that to the .ts file.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': tsJest },
  // Nest's logs, console.* and spawned apps' output are kept per test and printed only when the
  // test fails (TEST_LOGS=1 prints them as they come).
  testEnvironment: '<rootDir>/test/support/runner/quiet-output.environment.ts',
  setupFilesAfterEnv: ['<rootDir>/test/support/runner/quiet-output.setup.ts'],
  // Stryker's sandboxes (npm run test:mutation) hold a copy of every file: never tests or modules.
  modulePathIgnorePatterns: ['<rootDir>/.stryker-tmp/', '<rootDir>/reports/'],
};

export default {
  // `npm test` (scripts/run-tests.mjs sets JEST_QUIET_REPORT) prints no line per passing file:
  // only each failure, in full, and the totals. Jest run by hand keeps its usual report.
  reporters: process.env.JEST_QUIET_REPORT
    ? [['summary', { summaryThreshold: 0 }]]
    : ['default'],
  // Bounds every test and hook (hooks take testTimeout too), so no await can hang the run.
  testTimeout: 30_000,
  // And if something a test started stays open after the last test, end the run with its name.
  globalTeardown: '<rootDir>/test/support/runner/exit-watchdog.global-teardown.ts',
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'] },
    // The packed tarball in brand-new apps (npm pack, two npm installs): minutes, not seconds.
    { ...common, displayName: 'package', testMatch: ['<rootDir>/test/package/**/*.e2e-spec.ts'] },
    {
      ...common,
      displayName: 'browser',
      testMatch: ['<rootDir>/test/browser/**/*.e2e-spec.ts'],
      // One Chromium for all browser test files (each test opens its own fresh context).
      globalSetup: '<rootDir>/test/support/browser/chromium.global-setup.ts',
      globalTeardown: '<rootDir>/test/support/browser/chromium.global-teardown.ts',
    },
  ],
};
