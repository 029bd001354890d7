import { appendFileSync } from 'node:fs';
import type { Reporter, TestModule, TestSuite } from 'vitest/node';
import { summaryLine } from '../scripts/test-totals.mjs';

/**
 * Ends the run with one plain line, `N passed, N failed[, N skipped]`, that CI logs can be
 * read by, and appends it to the file named by `IAPEER_TEST_TOTALS` when set (`.ci/run` totals
 * its suites from there). A file that fails to load, a failed hook and an error outside any test
 * each count as one failure: otherwise a suite whose guard throws would read `0 failed`.
 */
export class SummaryReporter implements Reporter {
  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown> = []): void {
    const counts = { passed: 0, failed: unhandledErrors.length, skipped: 0 };
    for (const module of modules) {
      const suites: (TestModule | TestSuite)[] = [module, ...module.children.allSuites()];
      counts.failed += suites.filter((suite) => suite.errors().length > 0).length;
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') counts.passed += 1;
        else if (state === 'failed') counts.failed += 1;
        else counts.skipped += 1;
      }
    }
    const line = summaryLine(counts);
    process.stdout.write(`\n${line}\n`);
    const file = this.env.IAPEER_TEST_TOTALS;
    if (file !== undefined && file !== '') appendFileSync(file, `${line}\n`);
  }
}
