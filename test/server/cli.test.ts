/** `npm run backend` / `server/cli.ts`: help and a mistyped option answer with usage, not a stack trace. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'server/cli.ts', ...args], { encoding: 'utf8', timeout: 60_000 });

test('--help prints the usage and exits 0', () => {
  const r = cli('--help');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^Usage: npm run backend/);
  assert.match(r.stdout, /--dev-controls/);
});

test('an unknown option names it, prints the usage and exits 2 (no stack trace)', () => {
  const r = cli('--bogus');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /Unknown option '--bogus'/);
  assert.match(r.stderr, /Usage: npm run backend/);
  assert.doesNotMatch(r.stderr, /at .*\.ts:\d+/);
});
