/**
 * The build's own plugins (they only touch rt-monitor's sources, never a dependency's):
 * scripts/minify-literals.mjs minifies Lit's css``/html``/svg`` literals: unit cases, and every
 * css`` literal in src/ parses in Chromium to exactly the same rules before and after;
 * scripts/second-minify.mjs runs terser, with its safe standard options, over the all-in file;
 * vite.config.ts's `rt-monitor:client-part-modules` only reads the loader build's module graph.
 */
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseAst } from 'vite';
import { minifyCssChunk, minifyHtmlChunk, minifyLiterals } from '../../scripts/minify-literals.mjs';
import { SECOND_MINIFY_OPTIONS, secondMinifyPlugin } from '../../scripts/second-minify.mjs';
import { ROOT, launchChromium } from './dist-support.js';
import type { Browser } from 'playwright-core';

describe('minify-literals', () => {
  test('css: comments, whitespace and needless separators go; strings and escapes stay', () => {
    assert.equal(
      minifyCssChunk(`\n  :host([size='sm']) {\n    /* note */ --_pad: 0.1rem  0.45rem;\n    content: ': ; ,  {}';\n    font: 1em a, b;\n  }\n  @media (min-width: 600px) { .x > .y { color: red !important; } }\n`),
      ":host([size='sm']){--_pad:0.1rem 0.45rem;content:': ; ,  {}';font:1em a,b}@media (min-width:600px){.x > .y{color:red !important}}",
    );
    assert.equal(minifyCssChunk(`\n  .a { content: "\\\\2022"; }\n`), '.a{content:"\\\\2022"}');
    // next to an expression, a separating space is kept (margin: ${a} auto)
    assert.equal(minifyCssChunk(' auto;\n  }\n', false, true), ' auto}');
    assert.equal(minifyCssChunk('\n  .a { margin: 0 ', true, false), '.a{margin:0 ');
    // a comment cut by an expression: the chunk is left alone
    assert.equal(minifyCssChunk('a { /* x ', true, false), 'a { /* x ');
  });

  test('html: only indentation goes (one line break stays, text and attributes otherwise untouched)', () => {
    assert.equal(minifyHtmlChunk('\n  <p class="a  b">\n    Hello,   world\n  </p>\n'), '<p class="a  b">\nHello,   world\n</p>');
    assert.equal(minifyHtmlChunk('\n  <b>x</b>  \n  ', false, false), '\n<b>x</b>\n');
  });

  test('only css/html/svg tagged templates change; nested ones too; <pre> is left alone; source map follows', () => {
    const src = [
      'const s = css`\n  .a { margin: ${x} auto; }\n`;',
      'const t = html`\n  <div>\n    ${c ? html`\n      <b>x</b>\n    ` : ""}\n  </div>\n`;',
      'const p = html`<pre>\n  keep\n</pre>`;',
      'const u = `\n  untouched  \n`;',
      'const o = other`\n  untouched\n`;',
    ].join('\n');
    const out = minifyLiterals(src, 'x.js');
    assert.ok(out);
    assert.match(out.code, /css`\.a\{margin:\$\{x\} auto\}`/);
    assert.match(out.code, /html`<div>\n\$\{c \? html`<b>x<\/b>` : ""\}\n<\/div>`/);
    assert.match(out.code, /html`<pre>\n {2}keep\n<\/pre>`/);
    assert.match(out.code, /const u = `\n {2}untouched {2}\n`/);
    assert.match(out.code, /other`\n {2}untouched\n`/);
    assert.ok(out.map.mappings.length > 0);
    assert.equal(minifyLiterals('const a = `x`;', 'y.js'), null);
  });

  describe('every css`` literal of src/ means the same CSS after minification (Chromium parses both)', () => {
    let browser: Browser | undefined;
    after(async () => browser?.close());

    test('same rules', async () => {
      const walk = (d: string): string[] =>
        readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : /\.ts$/.test(f) ? [join(d, f)] : []));
      const pairs: Array<{ file: string; before: string; after: string }> = [];
      /** The css`` literals of a module, with `${…}` dropped (the same on both sides). */
      const cssOf = (code: string, file: string) => {
        const found: string[] = [];
        const visit = (node: any): void => {
          if (!node || typeof node.type !== 'string') return;
          if (node.type === 'TaggedTemplateExpression' && node.tag.type === 'Identifier' && node.tag.name === 'css') {
            found.push(node.quasi.quasis.map((q: any) => q.value.cooked).join(''));
          }
          for (const k of Object.keys(node)) {
            const v = node[k];
            if (Array.isArray(v)) v.forEach(visit);
            else if (v && typeof v === 'object') visit(v);
          }
        };
        visit(parseAst(code, { lang: 'ts' }));
        return found;
      };
      for (const file of walk(join(ROOT, 'src'))) {
        const code = readFileSync(file, 'utf8');
        if (!code.includes('css`')) continue;
        const min = minifyLiterals(code, file);
        const before = cssOf(code, file);
        const afterCss = cssOf(min?.code ?? code, file);
        assert.equal(afterCss.length, before.length, file);
        before.forEach((b, i) => pairs.push({ file, before: b, after: afterCss[i]! }));
      }
      assert.ok(pairs.length >= 15, `found the css literals (${pairs.length})`);
      assert.ok(pairs.some((p) => p.after.length < p.before.length * 0.8), 'literals got smaller');
      browser = await launchChromium();
      const page = await browser.newPage();
      // (a string: tsx would wrap named functions in a __name helper the page does not have)
      const results = (await page.evaluate(`(${JSON.stringify(pairs)}).map(function (p) {
        function rules(text) { var sheet = new CSSStyleSheet(); sheet.replaceSync(text); return Array.from(sheet.cssRules, function (r) { return r.cssText; }); }
        return { file: p.file, before: rules(p.before), after: rules(p.after) };
      })`)) as Array<{ file: string; before: string[]; after: string[] }>;
      // Chromium re-serialises ordinary declarations but keeps custom property values as written,
      // where `var(--a, var(--b))` and `var(--a,var(--b))` are the same tokens: compare without
      // the whitespace around commas.
      const norm = (rules: string[]) => rules.map((r) => r.replace(/\s*,\s*/g, ','));
      for (const r of results) {
        assert.ok(r.before.length > 0, `${r.file}: rules parsed`);
        assert.deepEqual(norm(r.after), norm(r.before), r.file);
      }
    });
  });
});

describe('the script-tag builds run dependencies as they are', () => {
  test("the iife and loader builds' plugins are rt-monitor's own, and none touches a file under node_modules", async () => {
    const { default: defineConfig } = (await import('../../vite.config.ts')) as unknown as {
      default: (env: { command: 'build'; mode: string; isSsrBuild: boolean; isPreview: boolean }) => { plugins?: unknown[] };
    };
    const lit = join(ROOT, 'node_modules/lit-html/lit-html.js');
    const realtime = join(ROOT, 'node_modules/@supabase/realtime-js/dist/module/RealtimeChannel.js');
    for (const mode of ['iife', 'loader']) {
      const config = defineConfig({ command: 'build', mode, isSsrBuild: false, isPreview: false });
      const plugins = (config.plugins ?? []).flat() as Array<Record<string, unknown> & { name: string }>;
      // The all-in file also gets a second standard minifier pass over the whole output (terser);
      // the loader a plugin that only reads the module graph (which modules the client part needs,
      // for its chunk groups: it has no transform, no renderChunk).
      const expected = mode === 'iife' ? ['rt-locales', 'rt-minify-literals', 'rt-monitor:second-minify'] : ['rt-locales', 'rt-minify-literals', 'rt-monitor:client-part-modules'];
      assert.deepEqual(plugins.map((p) => p.name).sort(), expected, mode);
      for (const p of plugins) {
        // no hook that rewrites emitted chunks (vendor cuts, renaming passes)
        assert.equal(p.renderChunk, undefined, `${mode}: ${p.name} has no renderChunk`);
        const transform = p.transform as ((code: string, id: string) => unknown) | undefined;
        for (const id of [lit, realtime]) {
          const code = `${readFileSync(id, 'utf8')}\nconst x = css\`\n  .a { color: red; }\n\`;`;
          assert.equal(transform ? (transform.call({}, code, id) ?? null) : null, null, `${mode}: ${p.name} leaves ${id} alone`);
        }
      }
    }
  });

  test('the second minifier pass is terser with its safe, standard options: no unsafe transforms, no property renaming', () => {
    const options = SECOND_MINIFY_OPTIONS as unknown as Record<string, unknown> & { compress: Record<string, unknown>; mangle: unknown };
    assert.deepEqual(Object.keys(options).sort(), ['compress', 'ecma', 'mangle']);
    assert.deepEqual(Object.keys(options.compress), ['passes'], 'compress: standard options, only the number of passes');
    assert.equal(options.mangle, true, 'mangle: local names only (no `properties`)');
    const plugin = secondMinifyPlugin() as unknown as Record<string, unknown>;
    assert.equal(plugin.transform, undefined, 'never sees a source file');
    assert.equal(plugin.renderChunk, undefined);
    assert.equal(typeof plugin.generateBundle, 'function', 'runs on the whole bundled output');
  });
});
