/**
 * Prints one plain closing line, `jest: N passed, N failed[, N skipped]`, so that CI logs state the count of tests
 * that actually ran in a form any reader (human or script) can take in at a glance.
 */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const tail = skipped > 0 ? `, ${skipped} skipped` : '';
    process.stdout.write(`\njest: ${results.numPassedTests} passed, ${results.numFailedTests} failed${tail}\n`);
  }
}
module.exports = SummaryReporter;
