import { defineConfig } from 'vitest/config';

// Three tiers, all run by `npm test`:
//   unit         *.test.ts       pure code, no services
//   integration  *.int.test.ts   real PostgreSQL, Redis and an S3-compatible server
//   e2e          *.e2e.test.ts   headless Chromium against a real server
// The integration and e2e tiers share a global setup that finds or starts the services once
// and hands their URLs to the test files (see test/harness/global-setup.ts).
const serviceTiers = { globalSetup: ['test/harness/global-setup.ts'] };

export default defineConfig({
  test: {
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default', './test/harness/summary-reporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['**/*.int.test.ts', '**/*.e2e.test.ts', '**/node_modules/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['src/**/*.int.test.ts', 'test/**/*.int.test.ts'],
          ...serviceTiers,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['src/**/*.e2e.test.ts', 'test/**/*.e2e.test.ts'],
          ...serviceTiers,
        },
      },
    ],
  },
});
