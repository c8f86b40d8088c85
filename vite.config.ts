/**
 * Three uses of one config:
 *   vite                     → serves the demo (demo/) — `npm start` also starts the backend
 *   vite build               → dist/: unbundled ESM for bundlers (lit, @lit/*, @supabase/* external), one entry per element,
 *                              and `rt-monitor/core` (the client, `configure()`, feeds: registers no element)
 *   vite build --mode iife   → dist/rt-monitor.js: the all-in script-tag file (global RtMonitor),
 *                              and dist/locales/<lang>.json, the translations it fetches on demand
 *   vite build --mode loader → dist/cdn/: the on-demand script-tag loader (rt-monitor-loader.js, an ES module)
 *                              and its chunks (one per element, shared ones for Lit, the client, …)
 * Every build runs the same sources: nothing rewrites dependency code or renames members; the
 * script-tag builds are minified by standard minifiers with standard options: the loader's chunks by
 * terser, the all-in file by oxc and then terser (scripts/second-minify.mjs).
 *   vite build --mode examples → .tmp/examples/: demo/react.html and demo/vue.html built against the
 *                              built package (`rt-monitor`, `rt-monitor/react` resolve through package.json exports)
 */
import { defineConfig, type Plugin, type UserConfig } from 'vite';
import { readdirSync, existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { minifyLiteralsPlugin } from './scripts/minify-literals.mjs';
import { localesPlugin } from './scripts/locales.mjs';
import { secondMinifyPlugin } from './scripts/second-minify.mjs';

const root = import.meta.dirname;

/** The loader build's shared chunks: modules shared by at least this many on-demand parts (see `mode === 'loader'`). */
const SHARED_BY = 6;

/**
 * The modules the loader's client part (src/cdn/install-loader.ts, and client-part-failed.ts that
 * reports its failure) imports, statically and transitively, read off the module graph at the end
 * of the build. The loader build keeps them in a chunk without Lit: the client part must load, and
 * `RtMonitor.ready` say why, on a page where Lit cannot run (a Trusted Types policy that refuses
 * Lit's, QA22 F9).
 */
function clientPartModules(): Plugin & { has(id: string): boolean } {
  const found = new Set<string>();
  return {
    name: 'rt-monitor:client-part-modules',
    buildEnd() {
      const walk = (id: string) => {
        if (found.has(id)) return;
        found.add(id);
        for (const next of this.getModuleInfo(id)?.importedIds ?? []) walk(next);
      };
      for (const file of ['install-loader.ts', 'client-part-failed.ts']) walk(resolve(root, 'src/cdn', file));
    },
    has: (id) => found.has(id),
  };
}

/** `react/rt-x` → src/react/rt-x.ts: one React wrapper per element (`rt-monitor/react/rt-x`). */
function reactEntries(): Record<string, string> {
  const dir = resolve(root, 'src/react');
  const entries: Record<string, string> = {};
  for (const file of existsSync(dir) ? readdirSync(dir) : []) {
    if (/^rt-[a-z-]+\.ts$/.test(file)) entries[`react/${file.slice(0, -3)}`] = resolve(dir, file);
  }
  return entries;
}

function elementEntries(): Record<string, string> {
  const dir = resolve(root, 'src/elements');
  const entries: Record<string, string> = {};
  if (!existsSync(dir)) return entries;
  for (const name of readdirSync(dir)) {
    const file = resolve(dir, name, `${name}.ts`);
    if (existsSync(file)) entries[`elements/${name}`] = file;
  }
  return entries;
}

const external = (id: string) => /^(lit|@lit\/|@lit-labs\/|@supabase\/|react$|react\/|react-dom$|react-dom\/)/.test(id);

const version: string = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')).version;
const define = { __RT_VERSION__: JSON.stringify(version) };

/**
 * The all-in file's first lines, in a wrapper of their own around it (`output.intro` is lost to
 * the minifier here; `postBanner` / `postFooter` come after it): a page that already has rt-monitor's
 * script-tag copy (or its loader, whose client part arrives later) hands this file's `<script>` to
 * that copy (`RtMonitor[Symbol.for('rt-monitor.cdn-join')]`, src/cdn/install.ts) and runs nothing
 * else of it. Its Lit, had it run, would have taken Lit's Trusted Types policy name "lit-html"
 * under a policy that allows it once, and the copy serving the page could not create it any more
 * (QA58 F5). A first copy without that function (an older version) meets the whole file, which
 * stands down itself.
 */
const ALL_IN_INTRO = `const rtCopy = globalThis[Symbol.for('rt-monitor.cdn')], rtLoader = globalThis[Symbol.for('rt-monitor.loader')], rtJoin = Symbol.for('rt-monitor.cdn-join');
if (rtCopy ? rtCopy[rtJoin] : rtLoader) {
  const script = document.currentScript, join = (copy) => copy && copy[rtJoin] ? copy[rtJoin](script, ${JSON.stringify(version)}) : console.warn('rt-monitor: this copy (' + (script && script.getAttribute('src')) + ') stood down for the loader on the page, whose client part did not load.');
  if (rtCopy) join(rtCopy);
  else rtLoader.then(() => join(globalThis[Symbol.for('rt-monitor.cdn')]));
  return;
}`;

/** In the dev server, `rt-monitor` and `rt-monitor/react` come from the sources (no build needed). */
const sourceAliases = [
  { find: /^rt-monitor\/react$/, replacement: resolve(root, 'src/react/index.ts') },
  { find: /^rt-monitor$/, replacement: resolve(root, 'src/index.ts') },
];

export default defineConfig(({ command, mode }): UserConfig => {
  if (command === 'serve') {
    return {
      root: resolve(root, 'demo'),
      plugins: [localesPlugin()],
      server: { host: '127.0.0.1', port: Number(process.env.DEMO_PORT ?? 5173), strictPort: true, fs: { allow: [root] } },
      preview: { host: '127.0.0.1' },
      esbuild: { target: 'es2022' },
      resolve: { alias: sourceAliases },
      define,
    };
  }
  if (mode === 'examples') {
    // The React and Vue examples, built as an app would build them: against dist/ via the exports map.
    return {
      root: resolve(root, 'demo'),
      base: './',
      define,
      resolve: { alias: [{ find: /^vue$/, replacement: 'vue/dist/vue.esm-bundler.js' }] }, // in-DOM templates need Vue's compiler
      build: {
        outDir: resolve(root, '.tmp/examples'),
        emptyOutDir: true,
        target: 'es2022',
        minify: false,
        rolldownOptions: { input: { react: resolve(root, 'demo/react.html'), vue: resolve(root, 'demo/vue.html') } },
      },
    };
  }
  if (mode === 'iife') {
    return {
      plugins: [localesPlugin({ emit: true }), minifyLiteralsPlugin(), secondMinifyPlugin()],
      build: {
        outDir: 'dist',
        emptyOutDir: false,
        target: 'es2022',
        minify: true, // Vite's own minifier (oxc), standard options; then terser's (scripts/second-minify.mjs)
        sourcemap: true,
        // src/cdn.ts has no runtime exports, so no `var RtMonitor = …` is emitted (it would replace the
        // first copy's object when the file is loaded twice): it sets window.RtMonitor itself. Vite
        // still insists on a `name` for iife.
        lib: { entry: resolve(root, 'src/cdn.ts'), formats: ['iife'], name: 'RtMonitor', fileName: () => 'rt-monitor.js' },
        rolldownOptions: { output: { postBanner: `!function(){${ALL_IN_INTRO}\n`, postFooter: '\n}();' } },
      },
      define,
    };
  }
  if (mode === 'loader') {
    const clientPart = clientPartModules();
    return {
      plugins: [localesPlugin(), minifyLiteralsPlugin(), clientPart],
      build: {
        outDir: 'dist/cdn',
        emptyOutDir: true,
        target: 'es2022',
        // terser with its standard options: measured 2.7 KB brotli less than oxc on one widget's chunks
        // (oxc keeps more of the chunks' top-level names); oxc does better on the all-in file.
        minify: 'terser',
        terserOptions: { ecma: 2020, module: true, compress: { passes: 2 } },
        sourcemap: true,
        manifest: true, // .vite/manifest.json: which chunks each entry and element imports (scripts/check-size.mjs)
        lib: { entry: { 'rt-monitor-loader': resolve(root, 'src/cdn/loader.ts') }, formats: ['es'] },
        rolldownOptions: {
          output: {
            entryFileNames: '[name].js',
            chunkFileNames: 'chunks/[name]-[hash].js',
            // Code shared by at least SHARED_BY of the loader's on-demand parts (13 elements, the
            // client part, …) goes into two chunks, not into a chunk for each set of parts that
            // shares it: `core`, what the client part needs too (no Lit in it), and `base`, the
            // rest (Lit, the elements' shared parts). Left to itself, rolldown made one widget load
            // 19 files, many under 1 KB; each file is compressed alone, so the same bytes cost more.
            // Measured with scripts/check-size.mjs (brotli): <rt-signal-alerts> 40.2 → 35.6 KB
            // before its first paint (19 → 7 files), every widget 2–5 KB less; 4 to 12 were tried.
            codeSplitting: {
              groups: [
                { name: 'core', test: clientPart.has, minShareCount: SHARED_BY, priority: 1 },
                { name: 'base', minShareCount: SHARED_BY },
              ],
            },
          },
        },
      },
      define,
    };
  }
  return {
    plugins: [localesPlugin(), minifyLiteralsPlugin()], // Lit's css`` / html`` literals lose comments and indentation
    build: {
      outDir: 'dist',
      emptyOutDir: true,
      target: 'es2022',
      minify: false,
      sourcemap: true,
      lib: { entry: { index: resolve(root, 'src/index.ts'), 'core/index': resolve(root, 'src/core/index.ts'), 'react/index': resolve(root, 'src/react/index.ts'), ...reactEntries(), ...elementEntries() }, formats: ['es'] },
      // Shared code goes to dist/chunks/ (listed in package.json `sideEffects`: element chunks register tags).
      rolldownOptions: { external, output: { preserveModules: false, chunkFileNames: 'chunks/[name]-[hash].js' } },
    },
    define,
  };
});
