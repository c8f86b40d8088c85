// Writes the browser run's totals to RT_TOTALS_FILE (read by test/run-all.mjs) and prints them.
import { writeFileSync } from 'node:fs';

function walk(suite, counts) {
  for (const t of suite.tests ?? []) {
    if (t.skipped) counts.skipped++;
    else if (t.passed) counts.passed++;
    else counts.failed++;
  }
  for (const s of suite.suites ?? []) walk(s, counts);
}

export function totalsReporter() {
  return {
    onTestRunFinished({ sessions }) {
      const counts = { passed: 0, failed: 0, skipped: 0 };
      for (const session of sessions) {
        if (session.testResults) walk(session.testResults, counts);
        // A file that failed to load (or errored outside a test) counts as a failure.
        if (!session.passed && (session.errors?.length || !session.testResults)) counts.failed++;
      }
      if (process.env.RT_TOTALS_FILE) writeFileSync(process.env.RT_TOTALS_FILE, JSON.stringify(counts));
      process.stdout.write(`\nbrowser: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`);
    },
  };
}
