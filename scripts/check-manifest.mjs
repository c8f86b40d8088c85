#!/usr/bin/env node
/**
 * Fails when the committed custom-elements.json is stale: regenerates the manifest from the
 * sources into a temporary directory (same config, package.json untouched) and compares. Then
 * checks that the lists generated from it (src/generated/*.ts: tags, element exports, JSX / Vue
 * tag types, React wrappers; scripts/generate-lists.mjs) match it too, and the script-tag bundle's
 * list of the npm entry's other exports (src/generated/exports.ts, from src/index.ts).
 *
 *   node scripts/check-manifest.mjs                 # compare with ./custom-elements.json
 *   node scripts/check-manifest.mjs --manifest x    # compare with another file (tests)
 *
 * Fix a stale manifest with `npm run manifest` and commit custom-elements.json and src/generated/.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { generateLists } from './generate-lists.mjs';

const args = process.argv.slice(2);
const i = args.indexOf('--manifest');
const committedPath = resolve(i >= 0 ? args[i + 1] : 'custom-elements.json');
const cwd = process.cwd();

const tmp = mkdtempSync(join(tmpdir(), 'rt-cem-'));
try {
  const config = join(tmp, 'cem.config.mjs');
  writeFileSync(
    config,
    `import base from ${JSON.stringify(pathToFileURL(resolve(cwd, 'custom-elements-manifest.config.mjs')).href)};\n` +
      `export default { ...base, outdir: ${JSON.stringify(relative(cwd, join(tmp, 'out')))}, packagejson: false, quiet: true };\n`,
  );
  const cem = resolve(cwd, 'node_modules/@custom-elements-manifest/analyzer/cem.js');
  const r = spawnSync(process.execPath, [cem, 'analyze', '--config', config], { cwd, encoding: 'utf8' });
  const fresh = join(tmp, 'out', 'custom-elements.json');
  if (r.status !== 0 || !existsSync(fresh)) {
    console.error(`check-manifest: cem analyze failed\n${r.stdout}${r.stderr}`);
    process.exit(2);
  }
  if (!existsSync(committedPath)) {
    console.error(`check-manifest: ${relative(cwd, committedPath)} is missing; run \`npm run manifest\` and commit it.`);
    process.exit(1);
  }
  const want = readFileSync(fresh, 'utf8');
  const have = readFileSync(committedPath, 'utf8');
  if (want !== have) {
    const a = have.split('\n');
    const b = want.split('\n');
    let line = 0;
    while (line < a.length && a[line] === b[line]) line++;
    console.error(
      `check-manifest: ${relative(cwd, committedPath)} is STALE (first difference at line ${line + 1}:\n` +
        `  committed: ${(a[line] ?? '<end>').trim()}\n  sources:   ${(b[line] ?? '<end>').trim()})\n` +
        'Run `npm run manifest` and commit custom-elements.json.',
    );
    process.exit(1);
  }
  // The generated lists, from the fresh manifest, against the committed files.
  const stale = Object.entries(generateLists(JSON.parse(want))).filter(([path, text]) => !existsSync(path) || readFileSync(path, 'utf8') !== text);
  if (stale.length) {
    console.error(`check-manifest: ${stale.map(([p]) => p).join(', ')} STALE (generated from custom-elements.json and src/index.ts). Run \`npm run manifest\` and commit them.`);
    process.exit(1);
  }
  const modules = JSON.parse(want).modules ?? [];
  const tags = modules.flatMap((m) => (m.declarations ?? []).filter((d) => d.tagName)).length;
  console.log(`check-manifest: custom-elements.json and src/generated/ are up to date (${modules.length} modules, ${tags} custom elements)`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
