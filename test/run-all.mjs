#!/usr/bin/env node
// `npm test`: every suite, in order, then one plain total line `N passed, N failed`.
//   1. typecheck (src, server, e2e tests)
//   2. node tests of the local backend on PGlite, then on PostgreSQL 15 (a throwaway cluster)
//   3. browser tests (web-test-runner, Debian Chromium, real local backend; the integration tests again on PostgreSQL)
//   4. distribution: custom-elements.json up to date, npm run build, size budgets (all-in
//      dist/rt-monitor.js, one widget with the loader), the element integration tests again with
//      the elements from the built dist/rt-monitor.js (web-test-runner.dist.config.mjs)
//   5. end-to-end tests (playwright-core against the demo, the built script-tag bundle and the examples)
//   3b. the element tests again on a second engine (Debian's Firefox ESR)
// Set RT_SKIP=typecheck,pg,browser,firefox,dist,e2e to skip parts while developing.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTempPostgres } from './support/pg-cluster.mjs';

const skip = new Set((process.env.RT_SKIP ?? '').split(',').filter(Boolean));
const totals = { passed: 0, failed: 0, skipped: 0 };
/** One line per failed test or check, printed above the total (a log cut to its tail still names them). */
const failures = [];
const totalsFile = join(tmpdir(), `rt-totals-${process.pid}.json`);

function run(label, cmd, args, env = {}) {
  console.log(`\n=== ${label} ===`);
  rmSync(totalsFile, { force: true });
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, RT_TOTALS_FILE: totalsFile, ...env } });
  let counts = null;
  if (existsSync(totalsFile)) counts = JSON.parse(readFileSync(totalsFile, 'utf8'));
  if (!counts) {
    counts = { passed: 0, failed: 1, skipped: 0 }; // the suite did not even report
    failures.push(`${label}: exited ${r.status ?? r.signal} without reporting totals`);
  } else if (r.status !== 0 && counts.failed === 0) {
    counts.failed = 1; // crashed after reporting
    failures.push(`${label}: exited ${r.status ?? r.signal} after reporting no failure`);
  }
  for (const f of counts.failures ?? []) failures.push(`${label}: ${f}`);
  totals.passed += counts.passed;
  totals.failed += counts.failed;
  totals.skipped += counts.skipped ?? 0;
}

function runCheck(label, cmd, args) {
  console.log(`\n=== ${label} ===`);
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status === 0) totals.passed++;
  else {
    totals.failed++;
    failures.push(`${label}: exited ${r.status ?? r.signal}`);
  }
}

const nodeTestArgs = (dir) => {
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.test.ts')).map((f) => join(dir, f)) : [];
  return [
    '--import', 'tsx', '--test', '--test-concurrency=1',
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    '--test-reporter=./test/support/count-reporter.mjs', '--test-reporter-destination=stdout',
    ...files,
  ];
};

if (!skip.has('typecheck')) {
  runCheck('typecheck', 'npx', ['tsc', '-p', 'tsconfig.json']);
  runCheck('typecheck (server)', 'npx', ['tsc', '-p', 'tsconfig.server.json']);
  runCheck('typecheck (e2e)', 'npx', ['tsc', '-p', 'tsconfig.e2e.json']); // test/e2e: node + DOM (page.evaluate)
  runCheck('typecheck (bench)', 'npx', ['tsc', '-p', 'bench/tsconfig.json']);
}

/** Runs `fn(url)` on a throwaway PostgreSQL cluster, stopped afterwards; without the binaries, a failure. */
async function onTempPostgres(label, fn) {
  const pg = await startTempPostgres();
  if (!pg) {
    console.log(`\n=== ${label} ===\nPostgreSQL binaries not found: this run FAILS (install Debian postgresql).`);
    totals.failed++;
    failures.push(`${label}: PostgreSQL binaries not found`);
    return;
  }
  try {
    fn(pg.url);
  } finally {
    await pg.stop();
  }
}

if (!skip.has('server')) {
  run('local backend on PGlite', process.execPath, nodeTestArgs('test/server'), { RT_TEST_DB: 'pglite' });
  if (!skip.has('pg')) {
    await onTempPostgres('local backend on PostgreSQL', (url) =>
      run('local backend on PostgreSQL', process.execPath, nodeTestArgs('test/server'), { RT_TEST_DB: 'postgres', RT_TEST_DATABASE_URL: url }),
    );
  }
}

if (!skip.has('browser')) run('browser tests (web-test-runner)', 'npx', ['web-test-runner']);
// The element integration tests (both realtime modes) once more with the local backend on
// PostgreSQL 15 instead of PGlite (a throwaway cluster of its own).
if (!skip.has('browser') && !skip.has('pg')) {
  await onTempPostgres('element integration tests, backend on PostgreSQL', (url) =>
    run('element integration tests, backend on PostgreSQL (web-test-runner)', 'npx', ['web-test-runner'], { WTR_FILES: 'test/elements/integration.test.ts', DATABASE_URL: url }),
  );
}
// A second engine: the element tests (integration with the real backend included) on Debian's
// Firefox ESR, driven over WebDriver BiDi (web-test-runner.firefox.config.mjs).
if (!skip.has('firefox')) {
  if (existsSync(process.env.FIREFOX_PATH || '/usr/bin/firefox-esr')) {
    // (theme.test.ts emulates the OS colour scheme, a CDP command the BiDi-driven Firefox lacks.)
    run('element tests on Firefox ESR (web-test-runner)', 'npx', ['web-test-runner', '--config', 'web-test-runner.firefox.config.mjs'], { WTR_FILES: 'test/elements/**/*.test.ts,!test/elements/theme.test.ts' });
  } else {
    console.log('\n=== element tests on Firefox ESR ===\nfirefox-esr not found: this run FAILS (apt-get install firefox-esr).');
    totals.failed++;
    failures.push('element tests on Firefox ESR: firefox-esr not found');
  }
}
// Distribution: the committed manifest must match the sources (checked BEFORE the build, which
// regenerates it), then the real build, then the script-tag size budget. The e2e tests use dist/.
if (!skip.has('dist')) {
  runCheck('custom-elements.json is up to date', process.execPath, ['scripts/check-manifest.mjs']);
  runCheck('README.md is up to date with docs/', process.execPath, ['scripts/assemble-readme.mjs', '--check']);
  runCheck('build (npm run build)', 'npm', ['run', 'build', '--silent']);
  runCheck('size budgets (all-in dist/rt-monitor.js; one widget with dist/cdn/rt-monitor-loader.js)', process.execPath, ['scripts/check-size.mjs']);
  if (!skip.has('browser')) run('element integration tests on the built script-tag file (web-test-runner)', 'npx', ['web-test-runner', '--config', 'web-test-runner.dist.config.mjs']);
}
if (!skip.has('e2e') && existsSync('test/e2e')) run('end-to-end', process.execPath, nodeTestArgs('test/e2e'));

if (failures.length) console.log(`\nFailed (${failures.length}):\n${failures.map((f) => `  ✘ ${f}`).join('\n')}`);
const skippedPart = totals.skipped ? `, ${totals.skipped} skipped` : '';
console.log(`\n${totals.passed} passed, ${totals.failed} failed${skippedPart}`);
process.exit(totals.failed ? 1 : 0);
