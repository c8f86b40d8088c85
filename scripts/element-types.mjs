#!/usr/bin/env node
// After `tsc -p tsconfig.build.json`: the per-element entry points are built to
// dist/elements/rt-x.js while tsc writes their declarations to dist/elements/rt-x/rt-x.d.ts.
// Give each entry its own dist/elements/rt-x.d.ts so `import 'rt-monitor/elements/rt-x'` is typed.
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = 'dist/elements';
let n = 0;
for (const name of readdirSync(dir)) {
  if (!existsSync(join(dir, `${name}.js`)) || !existsSync(join(dir, name, `${name}.d.ts`))) continue;
  writeFileSync(join(dir, `${name}.d.ts`), `export * from './${name}/${name}.js';\n`);
  n++;
}
if (n === 0) {
  console.error('element-types: no element entry points found in dist/elements (run vite build and tsc first)');
  process.exit(1);
}
console.log(`element-types: ${n} entry declarations`);
