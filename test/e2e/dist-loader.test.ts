/**
 * The on-demand script-tag loader (dist/cdn/rt-monitor-loader.js) in a real page under a strict
 * CSP, against the real local backend. A page with only `<rt-stream-progress>`:
 * - the server holds back the client part (src/cdn/install-loader.ts's chunk) until the widget has
 *   drawn its pending state: the JS the browser fetched by then is what the page needs before the
 *   widget's first paint; its brotli size is within the budget and equals what
 *   scripts/check-size.mjs computes from the build manifest;
 * - released, the widget goes live (name, percentage, an UPDATE) and nothing beyond the computed
 *   "to live data" set was fetched (no other element's chunk).
 * Also: tags added later are defined on demand, sharing the one client (one WebSocket).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startLocalBackend, type LocalBackend } from '../../server/index.ts';
import {
  ACME, ALICE, BOB, DIST, ROOT, STRICT_CSP, addInitScript, ensureBuilt, launchChromium, pollPage, recordCspViolations, serveStatic, serviceRest, shadowText, signIn, watchPage,
  type PageLog, type StaticServer,
} from './dist-support.ts';
import { brotliSum, loaderSets, ONE_WIDGET_BUDGET_KB } from '../../scripts/check-size.mjs';

const CDN = join(DIST, 'cdn');
let backend: LocalBackend;
let site: StaticServer;
let browser: Browser;
let token: string;
let clientPart: string; // e.g. /cdn/chunks/install-loader-XXXX.js
let manifest: Record<string, { file: string }>;
let hold: { promise: Promise<void>; release: () => void; requested: boolean } | null = null;
const routes: Record<string, string | { body: string; type: string }> = {};
const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;

const page = (body: string) => ({
  type: 'text/html; charset=utf-8',
  body: `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>rt-monitor loader</title></head><body>\n${body}\n</body></html>`,
});
const loaderTag = (src = '/cdn/rt-monitor-loader.js', accessToken = token) =>
  `<script type="module" src="${src}" data-supabase-url="${backend.url}" data-anon-key="${backend.anonKey}" data-access-token="${accessToken}"></script>`;
const rtWarnings = (log: PageLog) => log.warnings.filter((w) => w.includes('rt-monitor'));
const pageErrors = (log: PageLog) => log.errors.filter((e) => e.startsWith('pageerror:'));

/** Records the page's unhandled promise rejections in `window.unhandled` (an init script). */
const recordUnhandled = (p: Page) =>
  addInitScript(p, () => {
    const w = window as unknown as { unhandled: string[] };
    w.unhandled = [];
    addEventListener('unhandledrejection', (e) => w.unhandled.push(String(e.reason)));
  });
const unhandled = (p: Page) => p.evaluate(() => (window as unknown as { unhandled: string[] }).unhandled);
/** Console errors other than the browser's own "Failed to load resource" for a request a test failed. */
const otherErrors = (log: PageLog, expected: RegExp) => log.errors.filter((e) => !expected.test(e) && !/^Failed to load resource/.test(e));

/** Waits until the page has logged an rt-monitor warning. */
async function someWarning(log: PageLog, label: string): Promise<void> {
  for (let polls = 0; !rtWarnings(log).length; polls++) {
    assert.ok(polls < 150, `no warning (${label})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function newStream(name: string) {
  const [row] = await serviceRest(backend).insert('streams', [
    { org_id: ACME, name, goal_status: 'in_progress', current_progress: { percentage: 20, completed: 2, total: 10 } },
  ]);
  return row as { id: string; name: string };
}

/** Opens `path` (after `setup`, e.g. routes that fail a file), recording every finished /cdn/ response (paths relative to dist/cdn). */
async function open(path: string, setup?: (p: Page) => Promise<void>): Promise<{ p: Page; log: PageLog; fetched: string[] }> {
  const p = await browser.newPage();
  await setup?.(p);
  const log = watchPage(p);
  const fetched: string[] = [];
  p.on('requestfinished', (req) => {
    const u = new URL(req.url());
    if (u.pathname.startsWith('/cdn/')) fetched.push(u.pathname.slice('/cdn/'.length));
  });
  await recordCspViolations(p);
  await p.goto(`${site.url}${path}`);
  return { p, log, fetched };
}

describe('script-tag loader (dist/cdn/rt-monitor-loader.js) under a strict CSP', () => {
  before(async () => {
    ensureBuilt();
    backend = await startLocalBackend({ port: 0, devControls: true, quiet: true });
    token = await signIn(backend);
    manifest = JSON.parse(readFileSync(join(CDN, '.vite/manifest.json'), 'utf8')) as Record<string, { file: string }>;
    clientPart = `/cdn/${manifest['src/cdn/install-loader.ts']!.file}`;
    routes['/favicon.ico'] = { body: '', type: 'image/x-icon' };
    site = await serveStatic(CDN, { 'Content-Security-Policy': STRICT_CSP }, routes, (path) => {
      if (path === clientPart && hold) {
        hold.requested = true;
        return hold.promise;
      }
      return undefined;
    });
    // Files under dist/cdn are served at /cdn/… (the pages live at the root).
    for (const f of ['rt-monitor-loader.js', ...new Set(Object.values(loaderSets(CDN)).flatMap((s) => s.live))]) routes[`/cdn/${f}`] = join(CDN, f);
    for (const f of Object.values(manifest)) routes[`/cdn/${f.file}`] = join(CDN, f.file);
    browser = await launchChromium();
  });

  after(async () => {
    hold?.release();
    await browser?.close();
    await site?.close();
    await backend?.stop();
  });

  test(`one <rt-stream-progress>: ≤ ${ONE_WIDGET_BUDGET_KB} KB brotli before its first paint (counted in Chromium), then live with the client part`, async () => {
    const s = await newStream(`Loader ${Date.now()}`);
    routes['/one.html'] = page(`${loaderTag()}\n<rt-stream-progress id="progress" stream-id="${s.id}"></rt-stream-progress>`);
    let release!: () => void;
    hold = { promise: new Promise<void>((r) => (release = r)), release: () => release(), requested: false };
    const { p, log, fetched } = await open('/one.html');
    try {
      // First paint: the element is defined and has drawn its pending state, the client part is held back.
      await pollPage(p, () => (document.querySelector('#progress') as (HTMLElement & { hasUpdated?: boolean }) | null)?.hasUpdated === true, undefined, 15_000, 'the first render').catch(async (e) => {
        throw new Error(`${e}: defined ${await p.evaluate(() => !!customElements.get('rt-stream-progress'))}, shows "${await shadowText(p, '#progress')}", fetched ${fetched.join(' ')}, errors ${log.errors.join(' | ')}`);
      });
      assert.ok(hold.requested, 'the client part was requested in parallel');
      const pending = await shadowText(p, '#progress');
      console.log(`# first paint shows: ${pending.trim()}`);
      assert.match(pending, /Loading/, 'the pending state');
      assert.doesNotMatch(pending, /not configured|Could not/i, 'a pending state, not an error');
      const sets = loaderSets(CDN)['rt-stream-progress']!;
      const beforePaint = [...new Set(fetched)].sort();
      assert.deepEqual(beforePaint, [...sets.firstPaint].sort(), 'the files fetched before first paint are those check-size.mjs counts');
      const bytes = brotliSum(beforePaint, CDN);
      assert.ok(bytes <= ONE_WIDGET_BUDGET_KB * 1000, `before first paint: ${bytes} bytes brotli (budget ${ONE_WIDGET_BUDGET_KB} KB)`);
      console.log(`# one widget, loader: ${(bytes / 1000).toFixed(1)} KB brotli before first paint (${beforePaint.length} files)`);

      hold.release();
      await pollPage(p, (name: string) => (document.querySelector('#progress')?.shadowRoot?.textContent ?? '').includes(name), s.name, 15_000, 'the stream name');
      await pollPage(p, () => /20\s?%/.test(document.querySelector('#progress')?.shadowRoot?.textContent ?? ''), undefined, 15_000, '20 %');
      await pollPage(p, () => /Live/.test(document.querySelector('#progress')?.shadowRoot?.textContent ?? ''), undefined, 15_000, 'Live');
      await serviceRest(backend).update('streams', s.id, { current_progress: { percentage: 73, completed: 7, total: 10 } });
      await pollPage(p, () => /73\s?%/.test(document.querySelector('#progress')?.shadowRoot?.textContent ?? ''), undefined, 15_000, 'the update to 73 %');
      const all = [...new Set(fetched)].sort();
      assert.deepEqual(all.filter((f) => !sets.live.includes(f)), [], 'nothing beyond the computed "to live data" set (no other element)');
      console.log(`# one widget, loader: ${(brotliSum(all, CDN) / 1000).toFixed(1)} KB brotli to live data (${all.length} files)`);

      const info = await p.evaluate(async () => {
        await window.RtMonitor.ready;
        return { version: window.RtMonitor.version, defined: window.RtMonitor.tags.filter((t) => customElements.get(t)) };
      });
      assert.equal(info.version, version);
      assert.deepEqual(info.defined, ['rt-stream-progress'], 'only the element the page uses is defined');
      assert.deepEqual(log.errors, []);
      assert.deepEqual(log.violations, []);
      assert.deepEqual(await p.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations), []);
    } finally {
      hold = null;
      await p.close();
    }
  });

  test("a loader page's own table in <rt-live-list> (QA24 L3): RtMonitor.defineFeed through a queued callback", async () => {
    const s = await newStream(`Loader own feed ${Date.now()}`);
    // Page code before the loader (a classic script; module scripts run later): the command queue
    // calls back with RtMonitor once it is there, defineFeed included.
    routes['/own-feed.js'] = {
      type: 'text/javascript',
      body: `(window.RtMonitor ||= { q: [] }).q.push([(RtMonitor) => { const list = document.querySelector('#own'); list.feed = RtMonitor.defineFeed({ name: 'own-streams', table: 'streams', kind: 'list', filters: [{ column: 'org_id', param: 'orgId' }] }); list.params = { orgId: '${ACME}' }; }]);`,
    };
    routes['/own-feed.html'] = page(`<script src="/own-feed.js"></script>\n${loaderTag()}\n<rt-live-list id="own" label-field="name"></rt-live-list>`);
    const { p, log } = await open('/own-feed.html');
    try {
      const text = () => (document.querySelector('#own')?.shadowRoot?.textContent ?? '').replace(/\s+/g, ' ');
      await pollPage(p, (name: string) => (document.querySelector('#own')?.shadowRoot?.textContent ?? '').includes(name), s.name, 15_000, 'the own feed\'s row').catch(async (e) => {
        throw new Error(`${e}: shows "${await p.evaluate(text)}", RtMonitor has ${await p.evaluate(() => Object.keys(window.RtMonitor ?? {}).join(','))}`);
      });
      await pollPage(p, () => /Live/.test(document.querySelector('#own')?.shadowRoot?.textContent ?? ''), undefined, 15_000, 'Live');
      await serviceRest(backend).update('streams', s.id, { name: `${s.name} renamed` });
      await pollPage(p, (name: string) => (document.querySelector('#own')?.shadowRoot?.textContent ?? '').includes(name), `${s.name} renamed`, 15_000, 'the rename, live');
      // Once loaded, a callback pushed onto RtMonitor.q runs too; FEEDS is there as well.
      assert.deepEqual(
        await p.evaluate(() => new Promise((resolve) => (window as unknown as { RtMonitor: { q: { push(...c: unknown[]): number } } }).RtMonitor.q.push([(api: Record<string, unknown>) => resolve([typeof api.defineFeed, typeof (api.FEEDS as Record<string, unknown>)?.stream])]))),
        ['function', 'object'],
      );
      assert.deepEqual(log.errors, []);
      assert.deepEqual(log.violations, []);
    } finally {
      await p.close();
    }
  });

  test('RtMonitor.discover(shadowRoot) defines the tags in it, and those added to it later', async () => {
    routes['/shadow.js'] = {
      type: 'text/javascript',
      body: `const host = document.createElement('div'); host.id = 'host'; document.body.append(host); const root = host.attachShadow({ mode: 'open' }); root.append(document.createElement('rt-connection-status')); window.shadowHost = root; window.addToShadow = () => root.append(document.createElement('rt-scan-progress'));`,
    };
    routes['/shadow.html'] = page(`${loaderTag()}\n<script src="/shadow.js"></script>`);
    const { p, log } = await open('/shadow.html');
    try {
      await pollPage(p, () => typeof (window as unknown as { RtMonitor?: { discover?: unknown } }).RtMonitor?.discover === 'function', undefined, 15_000, 'RtMonitor.discover');
      await p.evaluate(async () => {
        const w = window as unknown as { RtMonitor: { ready: Promise<void>; discover(root: ParentNode): Promise<void> }; shadowHost: ShadowRoot };
        await w.RtMonitor.ready;
        await w.RtMonitor.discover(w.shadowHost);
      });
      assert.ok(await p.evaluate(() => customElements.get('rt-connection-status') !== undefined), 'the tag in the shadow root');
      assert.equal(await p.evaluate(() => customElements.get('rt-scan-progress')), undefined, 'not defined before the page uses it');
      await p.evaluate(() => (window as unknown as { addToShadow: () => void }).addToShadow());
      await pollPage(p, () => customElements.get('rt-scan-progress') !== undefined, undefined, 15_000, 'a tag added to the shadow root later');
      assert.deepEqual(log.errors, []);
    } finally {
      await p.close();
    }
  });

  test("tags only inside components' open shadow roots, the page calling no discover (QA58 F6): defined once the page has loaded, and those added to the roots later", async () => {
    const stream = await newStream(`In a shadow root ${Date.now()}`);
    routes['/card.js'] = {
      type: 'text/javascript',
      body: `customElements.define('qa-card', class extends HTMLElement { connectedCallback() { if (this.shadowRoot) return; const root = this.attachShadow({ mode: 'open' }); const p = document.createElement('rt-stream-progress'); p.id = 'p'; p.setAttribute('stream-id', this.getAttribute('stream')); root.append(p); } });`,
    };
    routes['/only-shadow.html'] = page(
      `${loaderTag()}\n<script src="/card.js"></script>\n<qa-card id="card" stream="${stream.id}"></qa-card>\n` +
        `<div id="dsd"><template shadowrootmode="open"><section><rt-connection-status id="c"></rt-connection-status></section></template></div>`,
    );
    const { p, log } = await open('/only-shadow.html');
    try {
      await pollPage(p, (name: string) => document.querySelector('#card')?.shadowRoot?.querySelector('#p')?.shadowRoot?.textContent?.includes(name), stream.name, 20_000, 'the stream in the component');
      await pollPage(p, () => /Connected/.test(document.querySelector('#dsd')?.shadowRoot?.querySelector('#c')?.shadowRoot?.textContent ?? ''), undefined, 20_000, 'the status in the declarative shadow root');
      // Watched from then on: a tag added to that root later is defined too.
      await p.evaluate(() => document.querySelector('#dsd')!.shadowRoot!.append(document.createElement('rt-scan-progress')));
      await pollPage(p, () => customElements.get('rt-scan-progress') !== undefined, undefined, 15_000, 'a tag added to the root later');
      assert.deepEqual(log.errors, []);
    } finally {
      await p.close();
    }
  });

  test("another vendor's <script data-supabase-url> before the loader's tag (QA22 F7): the loader's own tag applies", async () => {
    const s = await newStream(`Loader after vendor ${Date.now()}`);
    routes['/vendor.js'] = { type: 'text/javascript', body: '/* another Supabase widget */\n' };
    routes['/after-vendor.html'] = page(
      `<script src="/vendor.js" data-supabase-url="http://127.0.0.1:9" data-anon-key="other-vendor"></script>\n${loaderTag()}\n<rt-stream-progress id="progress" stream-id="${s.id}"></rt-stream-progress>`,
    );
    const { p, log } = await open('/after-vendor.html');
    try {
      await pollPage(p, (name: string) => (document.querySelector('#progress')?.shadowRoot?.textContent ?? '').includes(name), s.name, 15_000, 'the stream from our project');
      assert.deepEqual(log.errors, []);
    } finally {
      await p.close();
    }
  });

  test("Lit's policy refused by the page's trusted-types (QA22 F9): each widget shows the cause, as text", async () => {
    routes['/tt-none.html'] = {
      type: 'text/html; charset=utf-8',
      body: `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="trusted-types 'none'"><title>tt</title></head><body>\n${loaderTag()}\n<rt-stream-progress id="progress"></rt-stream-progress>\n<rt-connection-status id="conn"></rt-connection-status>\n</body></html>`,
    };
    const { p } = await open('/tt-none.html');
    try {
      for (const id of ['#progress', '#conn'])
        await pollPage(p, (sel: string) => /could not load <rt-.*Policy "lit-html" disallowed.*trusted-types lit-html/.test(document.querySelector(sel)?.shadowRoot?.textContent ?? ''), id, 15_000, `the cause in ${id}`);
      // RtMonitor comes with the client part, which may arrive after the boxes said why.
      await pollPage(p, () => !!window.RtMonitor?.ready, undefined, 15_000, 'RtMonitor installed');
      assert.match(await p.evaluate(() => window.RtMonitor.ready.then(() => 'resolved', (e: Error) => e.message)), /could not load.*lit-html/);
    } finally {
      await p.close();
    }
  });

  test('tags added later are defined on demand (MutationObserver); one WebSocket for all widgets', async () => {
    const s = await newStream(`Loader later ${Date.now()}`);
    routes['/later.js'] = { type: 'text/javascript', body: `window.addLater = (id) => { const el = document.createElement('rt-scan-progress'); el.id = 'later'; document.body.append(el); const sp = document.createElement('rt-stream-progress'); sp.id = 'progress'; sp.setAttribute('stream-id', id); document.body.append(sp); };` };
    routes['/later.html'] = page(`${loaderTag()}\n<script src="/later.js"></script>\n<rt-connection-status id="conn"></rt-connection-status>`);
    const { p, log } = await open('/later.html');
    try {
      await pollPage(p, () => customElements.get('rt-connection-status') !== undefined, undefined, 15_000, '<rt-connection-status> defined');
      assert.equal(await p.evaluate(() => customElements.get('rt-stream-progress')), undefined, 'not defined before the page uses it');
      await p.evaluate((id) => (window as unknown as { addLater: (id: string) => void }).addLater(id), s.id);
      await pollPage(p, (name: string) => (document.querySelector('#progress')?.shadowRoot?.textContent ?? '').includes(name), s.name, 15_000, 'the later widget live');
      assert.ok(await p.evaluate(() => customElements.get('rt-scan-progress') !== undefined));
      // The status renders in its own frame: wait for it (a one-shot read raced it on a busy machine).
      await pollPage(p, () => /Connected|Live/i.test(document.querySelector('#conn')?.shadowRoot?.textContent ?? ''), undefined, 15_000, 'the status Connected');
      assert.equal(new Set(log.websockets).size, 1, `one WebSocket: ${log.websockets.join(' | ')}`);
      assert.deepEqual(log.errors, []);
    } finally {
      await p.close();
    }
  });

  test('two loader tags with different data-* (QA28): the first tag\'s user, one warning; elements still defined after it', async () => {
    const s = await newStream(`Two loaders ${Date.now()}`);
    const bob = await signIn(backend, 'bob@example.com');
    routes['/two-loaders.html'] = page(`${loaderTag()}\n${loaderTag('/cdn/rt-monitor-loader.js?v=2', bob)}\n<rt-stream-progress id="progress" stream-id="${s.id}"></rt-stream-progress>`);
    const { p, log } = await open('/two-loaders.html');
    try {
      // Alice's stream (Bob, of another organisation, would see "Not found or no access").
      await pollPage(p, (name: string) => (document.querySelector('#progress')?.shadowRoot?.textContent ?? '').includes(name), s.name, 15_000, "the first tag's user's stream");
      await someWarning(log, 'the second tag');
      assert.equal(await p.evaluate(() => (window.RtMonitor.getDefaultClient() as unknown as { getUserId(): Promise<string | null> }).getUserId()), ALICE, "the page runs as the first tag's user");
      // The second copy did not stop the first from defining the elements a page adds later.
      await p.evaluate(() => document.body.append(Object.assign(document.createElement('rt-connection-status'), { id: 'conn' })));
      await pollPage(p, () => /Connected|Live/i.test(document.querySelector('#conn')?.shadowRoot?.textContent ?? ''), undefined, 15_000, 'a tag added after the second copy ran, connected');
      const warnings = rtWarnings(log);
      assert.equal(warnings.length, 1, `one warning: ${warnings.join(' | ')}`);
      assert.match(warnings[0]!, /different data-\* configuration; the one applied first \(\/cdn\/rt-monitor-loader\.js\) is kept, not \/cdn\/rt-monitor-loader\.js\?v=2's/);
      assert.equal(new Set(log.websockets).size, 1, `one WebSocket: ${log.websockets.join(' | ')}`);
      assert.deepEqual(log.errors, []);
    } finally {
      await p.close();
    }
  });

  test('the loader, then the all-in file with different data-* (QA29): the warning names the tag whose configuration the page runs on', async () => {
    const s = await newStream(`Loader then all-in ${Date.now()}`);
    const bob = await signIn(backend, 'bob@example.com');
    routes['/rt-monitor.js'] = join(DIST, 'rt-monitor.js');
    // Deferred: it runs after the loader (module scripts and deferred ones run in document order), but
    // installs at once, while the loader installs when its client part has arrived.
    const allIn = `<script defer src="/rt-monitor.js" data-supabase-url="${backend.url}" data-anon-key="${backend.anonKey}" data-access-token="${bob}"></script>`;
    routes['/loader-then-all-in.html'] = page(`${loaderTag()}\n${allIn}\n<rt-stream-progress id="progress" stream-id="${s.id}"></rt-stream-progress>`);
    const { p, log } = await open('/loader-then-all-in.html');
    try {
      await someWarning(log, 'the second tag');
      const warnings = rtWarnings(log);
      assert.equal(warnings.length, 1, `one warning: ${warnings.join(' | ')}`);
      const named = /the one applied first \((.+?)\) is kept, not (.+?)'s/.exec(warnings[0]!);
      assert.ok(named, warnings[0]);
      const kept = named[1] === '/rt-monitor.js' ? BOB : ALICE;
      await pollPage(p, () => !!window.RtMonitor?.getDefaultClient(), undefined, 15_000, 'the page default client');
      assert.equal(await p.evaluate(() => (window.RtMonitor.getDefaultClient() as unknown as { getUserId(): Promise<string | null> }).getUserId()), kept, `the page runs as the user of the tag the warning names (${named[1]})`);
      assert.deepEqual(pageErrors(log), []);
    } finally {
      await p.close();
    }
  });

  test('the loader loaded twice with the same data-*: one client, one WebSocket, one warning', async () => {
    const s = await newStream(`Loader twice ${Date.now()}`);
    routes['/loader-twice.html'] = page(`${loaderTag()}\n${loaderTag('/cdn/rt-monitor-loader.js?v=2')}\n<rt-stream-progress id="progress" stream-id="${s.id}"></rt-stream-progress>`);
    const { p, log } = await open('/loader-twice.html');
    try {
      await pollPage(p, (name: string) => (document.querySelector('#progress')?.shadowRoot?.textContent ?? '').includes(name), s.name, 15_000, 'the stream');
      await someWarning(log, 'the second tag');
      const warnings = rtWarnings(log);
      assert.equal(warnings.length, 1, `one warning: ${warnings.join(' | ')}`);
      assert.match(warnings[0]!, /loaded twice/);
      assert.equal(new Set(log.websockets).size, 1, `one WebSocket: ${log.websockets.join(' | ')}`);
      assert.deepEqual(log.errors, []);
    } finally {
      await p.close();
    }
  });

  test('a queued callback (QA28) finds RtMonitor.discover and RtMonitor.ready: `await R.ready; await R.discover(shadowRoot)`', async () => {
    routes['/queued-discover.js'] = {
      type: 'text/javascript',
      body: `const root = document.querySelector('#host').attachShadow({ mode: 'open' }); root.append(document.createElement('rt-connection-status'));
(window.RtMonitor ||= { q: [] }).q.push([async (R) => {
  window.seen = [typeof R.discover, typeof R.ready?.then];
  try { await R.ready; await R.discover(root); window.done = 'discovered'; } catch (e) { window.done = String(e); }
}]);`,
    };
    routes['/queued-discover.html'] = page(`<div id="host"></div>\n<script src="/queued-discover.js"></script>\n${loaderTag()}`);
    const { p, log } = await open('/queued-discover.html');
    try {
      const done = await pollPage(p, () => (window as unknown as { done?: string }).done, undefined, 15_000, 'the queued callback to finish');
      assert.deepEqual(await p.evaluate(() => (window as unknown as { seen: string[] }).seen), ['function', 'function'], 'discover and ready, when the callback runs');
      assert.equal(done, 'discovered');
      assert.ok(await p.evaluate(() => customElements.get('rt-connection-status') !== undefined), 'the tag in the shadow root is defined');
      assert.deepEqual(log.errors, []);
    } finally {
      await p.close();
    }
  });

  test("an element's chunk that fails to load (QA28): its boxes say to reload, also one added after the network is back; no unhandled rejection", async () => {
    const chunk = `${site.url}/cdn/${manifest['src/elements/rt-stream-card/rt-stream-card.ts']!.file}`;
    routes['/chunk-fails.html'] = page(`${loaderTag()}\n<rt-stream-card id="a" stream-id="5a000000-0000-4000-8000-000000000001"></rt-stream-card>\n<div id="later"></div>`);
    const { p, log } = await open('/chunk-fails.html', async (p) => {
      await recordUnhandled(p);
      await p.route(chunk, (route) => route.abort('failed'));
    });
    const reload = /could not load <rt-stream-card>: .*Failed to fetch dynamically imported module.*\. Reload the page to try again\./;
    try {
      await pollPage(p, (re: string) => new RegExp(re).test(document.querySelector('#a')?.shadowRoot?.textContent ?? ''), reload.source, 15_000, 'the cause in the box');
      // RtMonitor.ready rejects for those who wait on it (through the queue: RtMonitor arrives with the client part).
      const ready = await p.evaluate(() => new Promise<string>((resolve) => ((window as unknown as { RtMonitor: { q: unknown[] } }).RtMonitor ||= { q: [] }).q.push([(R: { ready: Promise<void> }) => R.ready.then(() => 'resolved', (e: Error) => e.message).then(resolve)])));
      assert.match(ready, /an element could not load: .*Reload the page to try again/);
      // The network is back; a tag added now cannot load either (the browser keeps the failed
      // import): it says so too, and neither the observer nor discover() leaves a rejection unhandled.
      await p.unroute(chunk);
      const discovered = await p.evaluate(async () => {
        const later = document.querySelector('#later')!;
        later.innerHTML = '<rt-stream-card id="b" stream-id="5a000000-0000-4000-8000-000000000001"></rt-stream-card>';
        const R = (window as unknown as { RtMonitor: { discover(root: ParentNode): Promise<void> } }).RtMonitor;
        const result = await R.discover(later).then(() => 'resolved', (e: Error) => `rejected: ${e}`);
        await new Promise((r) => setTimeout(r)); // one task: unhandled rejections are reported in one
        return result;
      });
      assert.match(discovered, /^rejected: .*Failed to fetch/, 'discover() rejects for its caller');
      await pollPage(p, (re: string) => new RegExp(re).test(document.querySelector('#b')?.shadowRoot?.textContent ?? ''), reload.source, 15_000, 'the cause in the later box');
      assert.deepEqual(await unhandled(p), []);
      assert.deepEqual(pageErrors(log), []);
      assert.ok(log.errors.some((e) => reload.test(e)), `the console names it: ${log.errors.join(' | ')}`);
      assert.deepEqual(otherErrors(log, reload), []);
    } finally {
      await p.close();
    }
  });

  test('the client part fails to load (QA28): each widget names that cause at once and asks for a reload; the console says it; nothing uncaught', async () => {
    routes['/client-fails.html'] = page(`${loaderTag()}\n<rt-stream-progress id="progress" stream-id="5a000000-0000-4000-8000-000000000001"></rt-stream-progress>\n<rt-connection-status id="conn"></rt-connection-status>`);
    const url = `${site.url}${clientPart}`;
    const { p, log } = await open('/client-fails.html', async (p) => {
      await recordUnhandled(p);
      await p.route(url, (route) => route.abort('failed'));
    });
    const cause = /client part \(realtime-js, postgrest-js, rt-monitor's core\) could not load: .*Failed to fetch dynamically imported module/;
    try {
      // Before: "Loading…" for 10 s, then "rt-monitor is not configured: put the element inside <rt-provider…>".
      const text: string = await pollPage(p, (): string | false => {
        const t = (document.querySelector('#progress')?.shadowRoot?.textContent ?? '').replace(/\s+/g, ' ');
        return /Reload the page/.test(t) && t;
      }, undefined, 15_000, 'the cause in the box') as string;
      assert.match(text, /Part of rt-monitor could not be downloaded\. Reload the page\./);
      assert.match(text, cause, 'the file and the error');
      assert.doesNotMatch(text, /put the element inside|no Supabase client was provided/);
      assert.ok(log.errors.some((e) => cause.test(e) && /Reload the page to try again\.$/.test(e)), `the console names it: ${log.errors.join(' | ')}`);
      await p.evaluate(() => new Promise((r) => setTimeout(r))); // one task: unhandled rejections are reported in one
      assert.deepEqual(await unhandled(p), []);
      assert.deepEqual(pageErrors(log), []);
      assert.deepEqual(otherErrors(log, cause), []);
    } finally {
      await p.close();
    }
  });
});
