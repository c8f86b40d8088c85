// node:test reporter that counts leaf tests and writes totals to RT_TOTALS_FILE.
import { writeFileSync } from 'node:fs';

export default async function* countReporter(source) {
  const counts = { passed: 0, failed: 0, skipped: 0, failures: [] };
  const parents = new Set();
  const results = [];
  for await (const event of source) {
    if (event.type === 'test:pass' || event.type === 'test:fail') {
      const d = event.data;
      results.push({ type: event.type, nesting: d.nesting, file: d.file, skip: d.skip || d.todo, name: d.name, isSuite: d.details?.type === 'suite', error: d.details?.error });
    }
  }
  // A result is a leaf unless it is a suite.
  for (const r of results) {
    if (r.isSuite) {
      // a failing suite with no failing children (e.g. hook failure) still counts once
      continue;
    }
    if (r.skip) counts.skipped++;
    else if (r.type === 'test:pass') counts.passed++;
    else {
      counts.failed++;
      const why = String(r.error?.cause?.message ?? r.error?.message ?? '').split('\n')[0].slice(0, 200);
      counts.failures.push(`${(r.file ?? '').replace(process.cwd() + '/', '')} › ${r.name}${why ? ` — ${why}` : ''}`);
    }
  }
  for (const r of results) {
    if (r.isSuite && r.type === 'test:fail' && !results.some((x) => !x.isSuite && x.type === 'test:fail' && x.file === r.file)) {
      counts.failed++;
      counts.failures.push(`${(r.file ?? '').replace(process.cwd() + '/', '')} › ${r.name} (the suite itself)`);
    }
  }
  void parents;
  if (process.env.RT_TOTALS_FILE) writeFileSync(process.env.RT_TOTALS_FILE, JSON.stringify(counts));
  yield `node: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`;
}
