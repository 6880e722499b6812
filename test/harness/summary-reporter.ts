import type { Reporter, TestModule } from 'vitest/node';

/**
 * Prints one closing line, `N passed, N failed, N skipped`, so that CI (which reads plain
 * closing lines) sees how many tests ran, not only the exit code. A file or suite that
 * failed before its tests ran (a throw during collection, an unmet setup) counts as one
 * failure, and errors outside any test count too: "0 failed" must mean nothing failed.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    const counts = { passed: 0, failed: unhandledErrors.length, skipped: 0 };
    const broken: string[] = [];
    for (const module of modules) {
      for (const suite of [module, ...module.children.allSuites()]) {
        if (suite.errors().length === 0) continue;
        counts.failed++;
        broken.push(suite.type === 'module' ? suite.moduleId : suite.fullName);
      }
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') counts.passed++;
        else if (state === 'failed') counts.failed++;
        else counts.skipped++;
      }
    }
    for (const name of broken) process.stdout.write(`\nfailed before its tests ran: ${name}`);
    process.stdout.write(
      `\n${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`,
    );
  }
}
