#!/usr/bin/env node
/**
 * Size budget of the script-tag bundle: prints raw / gzip -9 / brotli q11 sizes of each file and
 * fails (exit 1) when one is over its brotli budget. When over, it also prints which packages
 * and source folders the bytes come from (from the source map), to show where to cut.
 *
 *   node scripts/check-size.mjs                              # dist/rt-monitor.js ≤ 55 KB brotli
 *   node scripts/check-size.mjs --limit 10 dist/rt-monitor.js
 *   node scripts/check-size.mjs --json                       # machine-readable
 *
 * 1 KB = 1000 bytes (as bundlers and the README report them).
 */
import { existsSync, readFileSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/** Raised from 45 to 55 KB (honest states and session renewal, host hand-off rules, the translation loader, channel packing, the one-frame render path): see docs/distribution.md, "Size". */
export const DEFAULT_BUDGET_KB = 55;

export function sizesOf(buffer) {
  return {
    raw: buffer.length,
    gzip: gzipSync(buffer, { level: 9 }).length,
    brotli: brotliCompressSync(buffer, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: buffer.length },
    }).length,
  };
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
function vlq(segment) {
  const out = [];
  let value = 0;
  let shift = 0;
  for (const ch of segment) {
    let digit = B64.indexOf(ch);
    const more = digit & 32;
    digit &= 31;
    value += digit << shift;
    if (more) shift += 5;
    else {
      out.push(value & 1 ? -(value >> 1) : value >> 1);
      value = 0;
      shift = 0;
    }
  }
  return out;
}

/** Minified bytes per package / source folder, from the bundle's source map. */
export function breakdown(code, map) {
  const lines = code.split('\n');
  const bySource = new Map();
  let source = 0;
  map.mappings.split(';').forEach((line, i) => {
    const points = [];
    let column = 0;
    for (const seg of line ? line.split(',') : []) {
      const d = vlq(seg);
      column += d[0];
      if (d.length > 1) source += d[1];
      points.push([column, d.length > 1 ? source : -1]);
    }
    const length = (lines[i] ?? '').length;
    points.forEach(([col, src], j) => {
      const end = j + 1 < points.length ? points[j + 1][0] : length;
      const key = src < 0 ? '(bundler runtime, unmapped)' : map.sources[src];
      bySource.set(key, (bySource.get(key) ?? 0) + end - col);
    });
  });
  const groups = new Map();
  for (const [src, bytes] of bySource) {
    const key = src.includes('node_modules/')
      ? src.replace(/.*node_modules\//, '').replace(/^((@[^/]+\/)?[^/]+).*/, '$1')
      : src.replace(/^(\.\.\/)*/, '').replace(/^(src\/[^/]+).*/, '$1');
    groups.set(key, (groups.get(key) ?? 0) + bytes);
  }
  return [...groups].sort((a, b) => b[1] - a[1]);
}

const kb = (n) => `${(n / 1000).toFixed(1)} KB`;

function main(argv) {
  const args = [...argv];
  let limitKb = DEFAULT_BUDGET_KB;
  let json = false;
  const files = [];
  while (args.length) {
    const a = args.shift();
    if (a === '--limit') limitKb = Number(args.shift());
    else if (a.startsWith('--limit=')) limitKb = Number(a.slice(8));
    else if (a === '--json') json = true;
    else files.push(a);
  }
  if (!files.length) files.push('dist/rt-monitor.js');
  if (!Number.isFinite(limitKb) || limitKb <= 0) {
    console.error('check-size: --limit needs a positive number of KB');
    return 2;
  }
  let over = 0;
  const report = [];
  for (const file of files) {
    if (!existsSync(file)) {
      console.error(`check-size: ${file} does not exist (run npm run build first)`);
      return 2;
    }
    const buffer = readFileSync(file);
    const s = sizesOf(buffer);
    const ok = s.brotli <= limitKb * 1000;
    report.push({ file, ...s, limit: limitKb * 1000, ok });
    if (!json) {
      console.log(`${file}: ${kb(s.raw)} raw, ${kb(s.gzip)} gzip, ${kb(s.brotli)} brotli (budget ${limitKb} KB brotli): ${ok ? 'OK' : 'OVER BUDGET'}`);
    }
    if (!ok) {
      over++;
      if (!json && existsSync(`${file}.map`)) {
        console.log(`  over by ${kb(s.brotli - limitKb * 1000)}; minified bytes by origin:`);
        for (const [name, bytes] of breakdown(buffer.toString('utf8'), JSON.parse(readFileSync(`${file}.map`, 'utf8'))).slice(0, 14)) {
          console.log(`  ${String(bytes).padStart(8)}  ${name}`);
        }
      }
    }
  }
  if (json) console.log(JSON.stringify(report, null, 2));
  return over ? 1 : 0;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exit(main(process.argv.slice(2)));
