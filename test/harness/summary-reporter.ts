import path from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';
import { skipNotes, type SkippedTest } from './skip-notes.js';

/**
 * Prints one closing line, `N passed, N failed, N skipped`, so that CI (which reads plain
 * closing lines) sees how many tests ran, not only the exit code. A file or suite that
 * failed before its tests ran (a throw during collection, an unmet setup) counts as one
 * failure, and errors outside any test count too: "0 failed" must mean nothing failed.
 * Above it, every skip is explained once (see `skipNotes`): a tier that did not run here
 * must say so and why, not pass as green.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    const counts = { passed: 0, failed: unhandledErrors.length, skipped: 0 };
    const broken: string[] = [];
    const skipped: SkippedTest[] = [];
    const testsPerProject = new Map<string, number>();
    for (const module of modules) {
      const project = module.project.name;
      for (const suite of [module, ...module.children.allSuites()]) {
        if (suite.errors().length === 0) continue;
        counts.failed++;
        broken.push(suite.type === 'module' ? suite.moduleId : suite.fullName);
      }
      for (const test of module.children.allTests()) {
        testsPerProject.set(project, (testsPerProject.get(project) ?? 0) + 1);
        const result = test.result();
        if (result.state === 'passed') counts.passed++;
        else if (result.state === 'failed') counts.failed++;
        else {
          counts.skipped++;
          skipped.push({
            project,
            file: path.relative(process.cwd(), module.moduleId),
            reason:
              test.meta().skipReason ?? (result.state === 'skipped' ? result.note : undefined),
          });
        }
      }
    }
    for (const name of broken) process.stdout.write(`\nfailed before its tests ran: ${name}`);
    const notes = skipNotes(skipped, testsPerProject);
    if (notes.length > 0) process.stdout.write(`\n${notes.join('\n')}`);
    process.stdout.write(
      `\n${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`,
    );
  }
}
