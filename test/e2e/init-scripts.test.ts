/**
 * Every init script a test or bench gives a page goes through `addInitScript()` (./dist-support.ts)
 * or is a string. tsx compiles tests with esbuild's `keepNames`: a function literal passed to
 * Playwright's own `addInitScript` that names an inner function calls a `__name()` helper the page
 * lacks, and throws where nobody sees it. token-after-parse's frame recorder recorded nothing that
 * way for a whole release: its "no frame blamed a missing sign-in" could not fail.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : /\.(ts|mjs)$/.test(e.name) ? [join(dir, e.name)] : []));

test('no function literal is handed to Playwright addInitScript directly (tsx __name)', () => {
  const offending: string[] = [];
  for (const file of [...files('test'), ...files('bench')]) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\.addInitScript\(\s*(\(|function\b|async\b)/g)) {
      offending.push(`${file}:${text.slice(0, m.index).split('\n').length}`);
    }
  }
  assert.deepEqual(offending, [], 'use addInitScript(page, fn) from test/e2e/dist-support.ts, or a string');
});
