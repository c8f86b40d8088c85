/**
 * A last minification pass with terser over the script-tag bundle, after Vite's own (oxc)
 * minifier (a Vite/Rolldown plugin, generateBundle). Two things oxc does not do:
 *
 * - terser's compressor (safe options only, no `unsafe*`): ≈ 0.5 KB brotli on rt-monitor.js;
 * - shortening the names of rt-monitor's `private` class members (≈ 0.45 KB brotli). Only names
 *   that cannot be reached from outside are shortened: declared `private` in src/ (never
 *   `protected`, so subclasses of RtElement keep their API), used in src/ only as `this.name` or in
 *   that declaration (no object key, no destructuring, no other object), found in no bundled
 *   dependency, and never written as a string in the bundle (Lit's decorators name reactive
 *   properties by string: those keep their names). Names are shortened the same way everywhere.
 *
 * The source map is composed, so it still points at the original sources.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { minify } from 'terser';

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The private member names of `srcDir` that can be shortened safely in `code` (see above). */
export function privateNames(srcDir, code, dependencyText) {
  const walk = (d) => readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : /\.tsx?$/.test(f) ? [join(d, f)] : []));
  // Comments stay in: a name mentioned in one is simply not shortened (conservative).
  const src = walk(srcDir).map((f) => readFileSync(f, 'utf8')).join('\n');
  const declared = new Set();
  for (const m of src.matchAll(/\bprivate\s+(?:static\s+)?(?:readonly\s+)?(?:async\s+)?(?:get\s+|set\s+)?([A-Za-z_$][\w$]*)/g)) declared.add(m[1]);
  const dependencyWords = new Set(dependencyText.match(/[A-Za-z_$][\w$]*/g) ?? []);
  const quoted = new Set((code.match(/[`'"][A-Za-z_$][\w$]*[`'"]/g) ?? []).map((q) => q.slice(1, -1)));
  const declaration = /\b(private|protected)\s+(?:static\s+)?(?:readonly\s+)?(?:async\s+)?(?:get\s+|set\s+)?$/;
  const safe = [];
  for (const name of declared) {
    if (name.length < 3 || dependencyWords.has(name) || quoted.has(name)) continue;
    let onlyThis = true;
    for (const m of src.matchAll(new RegExp(`(?<![\\w$])${escape(name)}(?![\\w$])`, 'g'))) {
      const before = src.slice(Math.max(0, m.index - 48), m.index);
      const decl = before.match(declaration);
      if (/this\.$/.test(before) || decl?.[1] === 'private') continue;
      onlyThis = false; // elsewhere, or declared `protected` somewhere
      break;
    }
    if (onlyThis) safe.push(name);
  }
  return safe.sort();
}

export function terserPassPlugin({ srcDir = 'src' } = {}) {
  return {
    name: 'rt-terser-pass',
    apply: 'build',
    async generateBundle(_options, bundle) {
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk') continue;
        const mapAsset = bundle[`${chunk.fileName}.map`];
        const map = mapAsset?.type === 'asset' ? JSON.parse(String(mapAsset.source)) : null;
        if (!map?.sourcesContent) this.error(`terser-pass: ${chunk.fileName} needs a source map with sourcesContent`);
        const dependencyText = map.sourcesContent.filter((_, i) => map.sources[i].includes('node_modules/')).join('\n');
        const names = privateNames(srcDir, chunk.code, dependencyText);
        const result = await minify(chunk.code, {
          ecma: 2020,
          module: false,
          compress: { passes: 1 },
          mangle: names.length ? { properties: { regex: new RegExp(`^(?:${names.map(escape).join('|')})$`), keep_quoted: true } } : true,
          format: { comments: false },
          sourceMap: { content: map, url: `${chunk.fileName}.map` },
        });
        if (typeof result.code !== 'string' || !result.map) this.error(`terser-pass: terser returned nothing for ${chunk.fileName}`);
        chunk.code = result.code;
        mapAsset.source = typeof result.map === 'string' ? result.map : JSON.stringify(result.map);
      }
    },
  };
}
