import type { Reporter, TestModule } from "vitest/node";

/**
 * Prints `Tests: N passed, N failed, N skipped` on a line of its own after the
 * run, so CI can grep one stable line instead of parsing vitest's summary.
 * Only reports; the exit code stays vitest's.
 */
export default class PlainSummaryReporter implements Reporter {
  async onTestRunEnd(testModules: ReadonlyArray<TestModule>): Promise<void> {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const testModule of testModules) {
      let moduleFailedTests = 0;
      for (const test of testModule.children.allTests()) {
        const state = test.result().state;
        if (state === "passed") passed++;
        else if (state === "failed") moduleFailedTests++;
        else skipped++; // skipped, todo, or never run (pending) after a bail-out
      }
      // A file that fails to load or whose beforeAll/afterAll throws has no failed test of its
      // own; count it once so the line never claims "0 failed" for a red run.
      if (moduleFailedTests === 0 && testModule.state() === "failed") moduleFailedTests = 1;
      failed += moduleFailedTests;
    }
    // vitest calls the default reporter's (deprecated, synchronous) onFinished summary right after
    // this hook starts; yielding once puts our line below that summary, at the very end.
    await new Promise((resolve) => setImmediate(resolve));
    process.stdout.write(`\nTests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
