/**
 * The npm package as users get it: `npm pack` contents, the exports map, dependencies, the type
 * declarations (compiled by a consumer), the VS Code data, and the two release checks
 * (stale custom-elements.json, size budget) failing when they should.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DIST, ROOT, ensureBuilt, run } from './dist-support.ts';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const elements = readdirSync(join(ROOT, 'src/elements')).filter((n) => existsSync(join(ROOT, 'src/elements', n, `${n}.ts`)));
const scratch = join(ROOT, '.tmp/dist-package-test');

describe('the npm package', () => {
  before(() => {
    ensureBuilt();
    rmSync(scratch, { recursive: true, force: true });
    mkdirSync(scratch, { recursive: true });
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  test('npm pack contains exactly what users need: dist, types, manifest, the schema migrations, README, LICENSE, CHANGELOG', () => {
    const r = run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts']);
    const files: string[] = JSON.parse(r.stdout)[0].files.map((f: { path: string }) => f.path);
    const migrations = readdirSync(join(ROOT, 'supabase/migrations')).filter((f) => f.endsWith('.sql')).map((f) => `supabase/migrations/${f}`);
    for (const m of migrations) assert.ok(files.includes(m), `${m} is packed (the own-project guide applies it from node_modules)`);
    const outside = files.filter((f) => !f.startsWith('dist/') && !migrations.includes(f) && !['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'custom-elements.json'].includes(f));
    assert.deepEqual(outside, [], 'nothing outside dist/ but the package metadata and the migrations');
    for (const f of ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'custom-elements.json']) assert.ok(files.includes(f), `${f} is packed`);
    const required = [
      'dist/index.js', 'dist/index.d.ts', 'dist/rt-monitor.js', 'dist/react/index.js', 'dist/react/index.d.ts',
      'dist/types/jsx.d.ts', 'dist/types/vue.d.ts', 'dist/vscode.html-custom-data.json', 'dist/events.d.ts',
      ...elements.flatMap((n) => [`dist/elements/${n}.js`, `dist/elements/${n}.d.ts`, `dist/elements/${n}/${n}.d.ts`]),
    ];
    for (const f of required) assert.ok(files.includes(f), `${f} is packed`);
    assert.deepEqual(files.filter((f) => /(^|\/)(test|tests|server|demo|bench|scripts|src|node_modules)\//.test(f) || /\.test\.|\.tsbuildinfo$/.test(f)), [], 'no tests, server, demo or sources');
    assert.deepEqual(files.filter((f) => f.endsWith('.map') && !readFileSync(join(ROOT, f), 'utf8').includes('"sources"')), []);
    for (const f of files.filter((x) => x.endsWith('.map'))) {
      const sources: string[] = JSON.parse(readFileSync(join(ROOT, f), 'utf8')).sources;
      assert.deepEqual(sources.filter((s) => /(^|\/)(test|server)\//.test(s)), [], `${f} maps no test or server file`);
    }
  });

  test('exports map, types, sideEffects, customElements point at files that exist', () => {
    const targets: string[] = [];
    for (const [key, value] of Object.entries(pkg.exports as Record<string, string | Record<string, string>>)) {
      for (const target of typeof value === 'string' ? [value] : Object.values(value)) {
        if (key.includes('*')) for (const n of elements) targets.push(target.replace('*', n));
        else targets.push(target);
      }
    }
    targets.push(pkg.types, pkg.module, pkg.main, pkg.customElements);
    for (const t of targets) assert.ok(existsSync(join(ROOT, t)), `${t} exists`);
    assert.ok(pkg.exports['.'] && pkg.exports['./elements/*'] && pkg.exports['./react'] && pkg.exports['./custom-elements.json'] && pkg.exports['./vscode.html-custom-data.json']);
    // every dist file that registers a tag is covered by `sideEffects` (else bundlers may drop the registration)
    const patterns = (pkg.sideEffects as string[]).map((p) => new RegExp(`^${p.replace(/^\.\//, '').replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*\*\/?/g, '\u0000').replace(/\*/g, '[^/]*').replace(/\u0000/g, '(?:.*/)?')}$`));
    const walk = (dir: string): string[] => readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? walk(`${dir}/${d.name}`) : [`${dir}/${d.name}`]));
    const registering = walk('dist').filter((f) => f.endsWith('.js') && /\.define\(\s*["'`]rt-|RtProvider\.define\(|\w\.define\(\)/.test(readFileSync(join(ROOT, f), 'utf8')));
    assert.ok(registering.length >= elements.length - 1, `found the registering modules: ${registering.join(', ')}`);
    for (const f of registering) assert.ok(patterns.some((p) => p.test(f)), `${f} is listed in sideEffects`);
  });

  test('rt-monitor/core registers no element and loads no Lit: an app importing configure() from it keeps only the elements it imports (QA41)', () => {
    assert.ok(pkg.exports['./core'], 'the ./core export');
    const entry = join(ROOT, pkg.exports['./core'].default);
    assert.ok(!(pkg.sideEffects as string[]).some((p) => p.replace(/^\.\//, '') === 'dist/core/index.js'), 'not listed in sideEffects');
    const seen = new Set<string>();
    const walk = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const m of readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*["']([^"']+)["']/g)) {
        const spec = m[1]!;
        assert.ok(!/^(lit|@lit\/)/.test(spec), `${file} imports ${spec}`);
        if (spec.startsWith('.')) walk(join(file, '..', spec));
      }
    };
    walk(entry);
    assert.ok(seen.size > 1, `followed its imports: ${[...seen].join(', ')}`);
    for (const f of seen) assert.doesNotMatch(readFileSync(f, 'utf8'), /customElements|\.define\(/, `${f} registers nothing`);
  });

  test('rt-monitor/react/<tag> registers its element, not the others: an app with one React wrapper keeps only that element (QA41)', () => {
    const seen = new Set<string>();
    const walk = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const m of readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*["'](\.[^"']+)["']/g)) walk(join(file, '..', m[1]!));
    };
    walk(join(ROOT, 'dist/react/rt-stream-progress.js'));
    const defined = [...seen].flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/\.define\(\s*["'`](rt-[a-z-]+)["'`]/g)].map((m) => m[1]!));
    assert.ok(defined.includes('rt-stream-progress'), `registers rt-stream-progress: ${defined.join(', ')}`);
    for (const other of ['rt-signal-alerts', 'rt-notifications', 'rt-monitoring-dashboard', 'rt-diagnostics']) assert.ok(!defined.includes(other), `does not register ${other}`);
    for (const n of elements) assert.ok(existsSync(join(ROOT, `dist/react/${n}.js`)) && existsSync(join(ROOT, `dist/react/${n}.d.ts`)), `rt-monitor/react/${n}`);
    // Each wrapper module is kept by bundlers when imported, so `rt-monitor/react` still registers
    // every element in a production build (QA42: only the wrappers used were kept).
    assert.ok((pkg.sideEffects as string[]).includes('./dist/react/*.js'), 'dist/react/*.js in sideEffects');
  });

  test('the npm entries import in Node without a DOM (server rendering, as docs/distribution.md says)', () => {
    for (const entry of ['dist/index.js', 'dist/core/index.js', 'dist/react/index.js', `dist/elements/${elements[0]}.js`]) {
      const r = run(process.execPath, ['-e', `import(${JSON.stringify(`./${entry}`)}).then((m) => console.log(Object.keys(m).length))`], { allowFail: true });
      assert.equal(r.status, 0, `${entry}: ${r.stderr}`);
      assert.ok(Number(r.stdout.trim()) > 0, `${entry} exports something`);
    }
  });

  test('publish metadata: keywords, publishConfig, engines; npm publish --dry-run passes', () => {
    // repository / homepage / bugs are added by whoever hosts and publishes it (never guessed here).
    assert.ok(Array.isArray(pkg.keywords) && pkg.keywords.includes('supabase') && pkg.keywords.includes('web-components'));
    assert.deepEqual(pkg.publishConfig, { access: 'public', provenance: true });
    assert.equal(pkg.scripts.prepare, 'npm run build', 'installs from git and npm pack build dist/');
    assert.equal(pkg.engines.node, '^20.19.0 || >=22.12.0', "Vite 8's range; what README's Node.js versions section says");
    const r = run('npm', ['publish', '--dry-run', '--ignore-scripts', '--json']);
    const warnings = `${r.stderr}`.split('\n').filter((l) => /npm warn/i.test(l) && !/logged in|install-scripts|allowScripts/i.test(l));
    assert.deepEqual(warnings, [], 'no warnings but "not logged in" (dry run without an account)');
  });

  test('dependencies: lit, @lit/context, @lit/react, realtime-js and postgrest-js pinned; supabase-js is not a runtime dependency', () => {
    const deps = pkg.dependencies as Record<string, string>;
    for (const d of ['lit', '@lit/context', '@lit/react', '@supabase/realtime-js', '@supabase/postgrest-js']) assert.match(deps[d] ?? '', /^\d+\.\d+\.\d+$/, `${d} pinned exactly`);
    assert.equal(deps['@supabase/supabase-js'], undefined);
    assert.ok(pkg.devDependencies['@supabase/supabase-js']);
    assert.equal(pkg.peerDependenciesMeta?.react?.optional, true);
    // the ESM build leaves lit and @supabase/* to the app's bundler and never imports supabase-js, auth-js or storage-js
    const esm = readdirSync(join(DIST, 'chunks')).map((f) => readFileSync(join(DIST, 'chunks', f), 'utf8')).join('\n') + readFileSync(join(DIST, 'index.js'), 'utf8');
    assert.match(esm, /from "@supabase\/realtime-js"/);
    assert.match(esm, /from "@supabase\/postgrest-js"/, 'REST through postgrest-js (src/core/rest.ts)');
    assert.match(esm, /from "lit"/);
    assert.doesNotMatch(esm, /(from|import)\s*\(?\s*["']@supabase\/(supabase-js|auth-js|storage-js|functions-js)/);
  });

  test('a TypeScript consumer gets typed React wrappers, JSX and Vue tag types from the built declarations', () => {
    writeFileSync(
      join(scratch, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { target: 'ES2021', module: 'ESNext', moduleResolution: 'bundler', jsx: 'react-jsx', strict: true, noEmit: true, skipLibCheck: true, lib: ['ES2021', 'DOM', 'DOM.Iterable'], types: [] },
        files: ['ok.tsx'],
      }),
    );
    writeFileSync(
      join(scratch, 'ok.tsx'),
      `import type {} from 'rt-monitor/jsx';
import type {} from 'rt-monitor/vue';
import type { GlobalComponents } from 'vue';
import { RtProvider, RtSignalAlerts, RtConnectionStatus } from 'rt-monitor/react';
import { configure, RtStreamCard, type RtAlertEvent } from 'rt-monitor';
import { RtStreamProgress } from 'rt-monitor/elements/rt-stream-progress';
import { createRtClient, defineFeed, setAccessToken } from 'rt-monitor/core';
import { RtStreamProgress as OneWrapper } from 'rt-monitor/react/rt-stream-progress';

const alerts: string[] = [];
export const app = (
  <RtProvider supabaseUrl="http://127.0.0.1:54321" anonKey="k" accessToken={async () => 'token'}>
    <RtConnectionStatus size="sm" onRtStatusChange={(e) => alerts.push(e.detail.status)} />
    <RtSignalAlerts userId="u" maxItems={5} onRtAlert={(e: RtAlertEvent) => alerts.push(e.detail.alert.business_name)} />
    <rt-stream-progress stream-id="s" plain />
    <rt-stream-card streamId="s" heading-level="2" />
    <OneWrapper streamId="s" plain onRtProgressComplete={(e) => alerts.push(e.detail.label)} />
  </RtProvider>
);
type StreamCardProps = InstanceType<GlobalComponents['rt-stream-card']>['$props'];
export const vueProps: StreamCardProps = { streamId: 's', onRtProgressComplete: (e) => e.detail.label };
export const el: RtStreamProgress = document.createElement('rt-stream-progress');
export const card: RtStreamCard | null = document.querySelector('rt-stream-card');
configure({ url: 'http://127.0.0.1:54321', anonKey: 'k' });
export const client = createRtClient({ url: 'http://127.0.0.1:54321', anonKey: 'k' });
export const feed = defineFeed<{ id: string }>({ name: 'things', table: 'things', kind: 'list' });
setAccessToken('t');
`,
    );
    const ok = run('npx', ['tsc', '-p', join(scratch, 'tsconfig.json')], { allowFail: true });
    assert.equal(ok.status, 0, `the consumer compiles:\n${ok.stdout}${ok.stderr}`);

    // and wrong types are caught
    writeFileSync(
      join(scratch, 'bad.tsx'),
      `import { RtSignalAlerts } from 'rt-monitor/react';
import type {} from 'rt-monitor/jsx';
export const a = <RtSignalAlerts maxItems="five" onRtAlert={(e) => e.detail.nope} />;
export const b = <rt-progress percentage="x" />;
export const c = <RtSignalAlerts unreadCount={5} />;
export const d = <rt-signal-alerts unreadCount={5} />;
export const e = <RtSignalAlerts render={() => null} />;
`,
    );
    writeFileSync(join(scratch, 'tsconfig.json'), readFileSync(join(scratch, 'tsconfig.json'), 'utf8').replace('"ok.tsx"', '"bad.tsx"'));
    const bad = run('npx', ['tsc', '-p', join(scratch, 'tsconfig.json')], { allowFail: true });
    assert.notEqual(bad.status, 0);
    assert.match(bad.stdout, /bad\.tsx\(3,.*maxItems|bad\.tsx\(3,/);
    assert.match(bad.stdout, /nope/);
    assert.match(bad.stdout, /bad\.tsx\(4,/);
    // read-only values (React would throw setting them, blanking the page) and methods (React would
    // replace the element's own) are no props: QA41
    assert.match(bad.stdout, /bad\.tsx\(5,.*unreadCount/);
    assert.match(bad.stdout, /bad\.tsx\(6,.*unreadCount/);
    assert.match(bad.stdout, /bad\.tsx\(7,.*render/);
  });

  test('VS Code custom data lists every tag of custom-elements.json with its attributes', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'custom-elements.json'), 'utf8'));
    const data = JSON.parse(readFileSync(join(DIST, 'vscode.html-custom-data.json'), 'utf8'));
    const decls = manifest.modules.flatMap((m: any) => m.declarations ?? []).filter((d: any) => d.tagName);
    assert.ok(decls.length >= 11);
    assert.deepEqual(data.tags.map((t: any) => t.name).sort(), decls.map((d: any) => d.tagName).sort());
    const card = data.tags.find((t: any) => t.name === 'rt-stream-card');
    assert.ok(card.attributes.some((a: any) => a.name === 'stream-id'));
    assert.match(card.description, /rt-progress-complete/);
    const status = data.tags.find((t: any) => t.name === 'rt-connection-status');
    assert.deepEqual(status.attributes.find((a: any) => a.name === 'size')?.values?.map((v: any) => v.name), ['sm', 'md', 'lg']);
  });

  test('custom-elements.json names only real events, and the custom states the README documents (QA41)', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'custom-elements.json'), 'utf8'));
    const decls = manifest.modules.flatMap((m: { declarations?: unknown[] }) => m.declarations ?? []) as Array<{ tagName?: string; events?: Array<{ name: string }>; cssStates?: Array<{ name: string }> }>;
    const byTag = new Map(decls.filter((d) => d.tagName).map((d) => [d.tagName!, d]));
    for (const d of byTag.values()) for (const e of d.events ?? []) assert.match(e.name, /^rt-[a-z-]+$/, `${d.tagName} fires ${e.name}`);
    const states = (tag: string) => (byTag.get(tag)?.cssStates ?? []).map((s) => s.name);
    for (const tag of ['rt-stream-progress', 'rt-scan-progress', 'rt-stream-card', 'rt-agent-executions', 'rt-signal-alerts', 'rt-notifications', 'rt-live-list']) {
      for (const st of ['live', 'connecting', 'stale', 'light', 'dark']) assert.ok(states(tag).includes(st), `${tag} :state(${st})`);
    }
    for (const st of ['connected', 'connecting', 'disconnected', 'error']) assert.ok(states('rt-connection-status').includes(st), `rt-connection-status :state(${st})`);
    // The dashboard passes on the events of the elements it is made of (QA42 F4: it listed only rt-error).
    const source = readFileSync(join(ROOT, 'src/elements/rt-monitoring-dashboard/rt-monitoring-dashboard.ts'), 'utf8');
    const inner = [...new Set([...source.matchAll(/<(rt-[a-z-]+)/g)].map((m) => m[1]!))];
    assert.ok(inner.length >= 5, `inner elements found: ${inner}`);
    const events = (tag: string) => (byTag.get(tag)?.events ?? []).map((e) => e.name);
    for (const tag of inner) for (const e of events(tag)) assert.ok(events('rt-monitoring-dashboard').includes(e), `rt-monitoring-dashboard lists ${e} (from <${tag}>)`);
  });

  test('check-manifest passes on the committed manifest and fails on a stale one', () => {
    const fresh = run('node', ['scripts/check-manifest.mjs'], { allowFail: true });
    assert.equal(fresh.status, 0, `${fresh.stdout}${fresh.stderr}`);
    const stale = join(scratch, 'custom-elements.json');
    writeFileSync(stale, readFileSync(join(ROOT, 'custom-elements.json'), 'utf8').replace(/"summary": "[^"]*"/, '"summary": "An outdated summary"'));
    const r = run('node', ['scripts/check-manifest.mjs', '--manifest', stale], { allowFail: true });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /STALE/);
  });

  test('check-size fails over budget and passes under it', () => {
    const over = run('node', ['scripts/check-size.mjs', '--limit', '5', 'dist/rt-monitor.js'], { allowFail: true });
    assert.equal(over.status, 1);
    assert.match(over.stdout, /OVER BUDGET/);
    assert.match(over.stdout, /@supabase\/realtime-js/, 'names where the bytes come from');
    const under = run('node', ['scripts/check-size.mjs', '--limit', '1000', '--json'], { allowFail: true });
    assert.equal(under.status, 0);
    const [report] = JSON.parse(under.stdout);
    assert.ok(report.brotli > 10_000 && report.brotli < report.gzip, `sane sizes: ${JSON.stringify(report)}`);
  });
});
