// Ends the test run with one plain line, alone on its line, summed over every package:
//   N passed, N failed[, N skipped]
// A test file that failed to load counts as one failure. Under CI=true nothing may skip:
// a skipped test fails the run.
import type { Reporter, TestModule } from 'vitest/node';

function underCi(): boolean {
  const ci = process.env.CI;
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}

export default class SummaryReporter implements Reporter {
  onTestRunEnd(
    testModules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<unknown>,
  ): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const mod of testModules) {
      let tests = 0;
      for (const test of mod.children.allTests()) {
        tests++;
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else skipped++;
      }
      if (mod.errors().length > 0 && tests === 0) failed++;
    }
    failed += unhandledErrors.length;
    if (underCi() && skipped > 0) {
      console.error(`\n[sluice] ${skipped} test(s) skipped under CI=true: nothing may skip in CI.`);
      process.exitCode = 1;
    }
    console.log(`\n${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
  }
}
