// Writes the browser run's totals to RT_TOTALS_FILE (read by test/run-all.mjs) and prints them.
import { writeFileSync } from 'node:fs';

function walk(suite, counts, where) {
  for (const t of suite.tests ?? []) {
    if (t.skipped) counts.skipped++;
    else if (t.passed) counts.passed++;
    else {
      counts.failed++;
      const why = (t.error?.message ?? '').split('\n')[0].slice(0, 200);
      counts.failures.push(`${[...where, t.name].join(' › ')}${why ? ` — ${why}` : ''}`);
    }
  }
  for (const s of suite.suites ?? []) walk(s, counts, [...where, s.name]);
}

export function totalsReporter() {
  return {
    onTestRunFinished({ sessions }) {
      // failures: one line per failed test (file › suite › test — first line of the error),
      // printed again by test/run-all.mjs just above the total, where a truncated log still shows it.
      const counts = { passed: 0, failed: 0, skipped: 0, failures: [] };
      for (const session of sessions) {
        const file = `${session.testFile.replace(process.cwd() + '/', '')} [${session.browser?.name ?? ''}]`;
        if (session.testResults) walk(session.testResults, counts, [file]);
        // A file that failed to load (or errored outside a test) counts as a failure.
        if (!session.passed && (session.errors?.length || !session.testResults)) {
          counts.failed++;
          counts.failures.push(`${file} — ${(session.errors?.[0]?.message ?? 'did not run').split('\n')[0].slice(0, 200)}`);
        }
      }
      if (process.env.RT_TOTALS_FILE) writeFileSync(process.env.RT_TOTALS_FILE, JSON.stringify(counts));
      process.stdout.write(`\nbrowser: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`);
    },
  };
}
