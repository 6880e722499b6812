import { defineConfig } from 'vitest/config';

// Five tiers, by what they test, all run by `npm test`; one alone: `npx vitest run --project data`.
//   unit         *.test.ts        code, in-process, no services, no real dataset
//   integration  *.int.test.ts    code against real PostgreSQL, Redis and an S3-compatible server
//   e2e          *.e2e.test.ts    the real program in headless Chromium
//   data         *.data.test.ts   expectations on the real Kaggle file ($SDP_DATASET): schema,
//                                 value sets, labels, leakage, both published variants
//   model        *.model.test.ts  behaviour of trained models (invariance, direction, minimum
//                                 functionality), trained on $SDP_DATASET or else synthetic rows
// Tests that need $SDP_DATASET are skipped without it, and the summary reporter says which and
// why. The integration and e2e tiers share a global setup that finds or starts the services
// once and hands their URLs to the test files (see test/harness/global-setup.ts).
const serviceTiers = { globalSetup: ['test/harness/global-setup.ts'] };
const OTHER_TIERS = [
  '**/*.int.test.ts',
  '**/*.e2e.test.ts',
  '**/*.data.test.ts',
  '**/*.model.test.ts',
];

export default defineConfig({
  test: {
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // expect.poll waits for a condition; its default of 1 s is a speed bound on a shared
    // machine. A condition that holds returns at once, so a long limit costs nothing.
    expect: { poll: { timeout: 20_000 } },
    reporters: ['default', './test/harness/summary-reporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: [...OTHER_TIERS, '**/node_modules/**'],
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
      {
        extends: true,
        test: { name: 'data', include: ['test/data/**/*.data.test.ts'] },
      },
      {
        extends: true,
        test: { name: 'model', include: ['test/model/**/*.model.test.ts'] },
      },
    ],
  },
});
