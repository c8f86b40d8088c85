/**
 * QA57 F4 and its kind: a page whose markup names the project (`<rt-provider supabase-url anon-key>`,
 * or the script tag's `data-supabase-url` / `data-anon-key`) and whose own script hands over the
 * user's token as soon as the document is parsed (a `type="module"` or `defer` script, which runs
 * after parsing and before `DOMContentLoaded`). Before the fix the client started as anonymous the
 * moment the elements upgraded: an anon `phx_join`, 401 reads on the console, `rt-error` and a
 * "No access (Not signed in…)" frame, then the user's data a moment later. Every case records, from
 * the page's first script on, every REST read and every `phx_join` (with the token each carried),
 * every `rt-error`, and every text the widgets showed, until the user's stream is on screen.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startLocalBackend, type LocalBackend } from '../../server/index.ts';
import { ACME, DIST, STRICT_CSP, addInitScript, ensureBuilt, launchChromium, pollPage, serveStatic, serviceRest, signIn, watchPage, type StaticServer } from './dist-support.ts';

const CDN = join(DIST, 'cdn');
let backend: LocalBackend;
let site: StaticServer;
let browser: Browser;
let alice: string;
const routes: Record<string, string | { body: string; type: string }> = {};
const js = (body: string) => ({ type: 'text/javascript', body });
const page = (head: string, body: string) => ({
  type: 'text/html; charset=utf-8',
  body: `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>token after parse</title>\n${head}</head><body>\n${body}\n</body></html>`,
});

/** Every text the widgets `#s`, `#a` and the indicator `#c` showed, and every `rt-error` (window.__seen), from the first script on. */
const recordFrames = (p: Page) =>
  addInitScript(p, () => {
    const w = window as unknown as { __seen: string[]; __errors: string[] };
    w.__seen = [];
    w.__errors = [];
    addEventListener('rt-error', (e) => w.__errors.push(`${(e.target as Element).localName}: ${JSON.stringify((e as CustomEvent).detail?.error ?? (e as CustomEvent).detail)}`), true);
    const tick = () => {
      for (const id of ['s', 'a', 'c']) {
        const t = (document.getElementById(id)?.shadowRoot?.textContent ?? '').replace(/\s+/g, ' ').trim();
        if (t && !w.__seen.includes(t)) w.__seen.push(t);
      }
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });

async function run(path: string, streamName: string) {
  const p = await browser.newPage();
  const log = watchPage(p);
  await recordFrames(p);
  const anonReads: string[] = [];
  const joins: string[] = [];
  p.on('request', (req) => {
    if (req.url().includes('/rest/v1/') && req.method() !== 'OPTIONS' && req.headers()['authorization'] !== `Bearer ${alice}`) anonReads.push(`${req.method()} ${req.url()}`);
  });
  p.on('websocket', (ws) =>
    ws.on('framesent', ({ payload }) => {
      const m = JSON.parse(String(payload)) as [unknown, unknown, string, string, { access_token?: string }] | { event: string; topic: string; payload: { access_token?: string } };
      const [topic, event, body] = Array.isArray(m) ? [m[2], m[3], m[4]] : [m.topic, m.event, m.payload];
      if (event === 'phx_join') joins.push(body?.access_token === alice ? 'user' : `ANON ${topic}`);
    }),
  );
  await p.goto(`${site.url}${path}`);
  await pollPage(p, (name: string) => document.getElementById('s')?.shadowRoot?.textContent?.includes(name), streamName, 20_000, "the user's stream on screen");
  await pollPage(p, () => /Live/.test(document.getElementById('a')?.shadowRoot?.textContent ?? '') || !!document.getElementById('a')?.shadowRoot?.querySelector('[data-state="live"], .live'), undefined, 20_000, 'the alerts live');
  // Two frames more: the recorder's tick has seen what the polls above found on screen.
  await p.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  const { seen, errors } = await p.evaluate(() => {
    const w = window as unknown as { __seen: string[]; __errors: string[] };
    return { seen: w.__seen, errors: w.__errors };
  });
  await p.close();
  assert.ok(seen.some((t) => t.includes(streamName)), `the frame recorder missed the stream on screen: ${JSON.stringify(seen)}`);
  assert.deepEqual(anonReads, [], 'REST reads sent without the user token the page handed over while it loaded');
  assert.ok(joins.length > 0, 'no channel joined');
  assert.deepEqual(joins.filter((j) => j !== 'user'), [], 'channels joined without the user token');
  assert.deepEqual(errors, [], 'rt-error while the page handed over its token');
  assert.deepEqual(seen.filter((t) => /Not signed in|No access|not configured/i.test(t)), [], 'a frame blamed a missing sign-in');
  assert.deepEqual(log.errors.filter((e) => /401|403|Failed to load/.test(e)), [], 'refused requests on the console');
  assert.deepEqual(log.warnings.filter((w) => /WebSocket/.test(w)), [], 'a socket opened and dropped (a client replaced before it was used)');
  assert.deepEqual(seen.filter((t) => /Disconnected/.test(t)), [], 'the indicator read "Disconnected" while the page handed over its token');
}

async function newStream() {
  const [row] = await serviceRest(backend).insert('streams', [{ org_id: ACME, name: `after parse ${Date.now()}`, goal_status: 'in_progress', current_progress: { percentage: 20, completed: 2, total: 10 } }]);
  return row as { id: string; name: string };
}

const widgets = (id: string) => `<rt-connection-status id="c"></rt-connection-status>\n<rt-stream-progress id="s" stream-id="${id}"></rt-stream-progress>\n<rt-signal-alerts id="a"></rt-signal-alerts>`;

describe('a token handed over by the page once its markup is parsed: never an anonymous start (QA57 F4)', () => {
  before(async () => {
    ensureBuilt();
    backend = await startLocalBackend({ port: 0, devControls: true, quiet: true });
    alice = await signIn(backend);
    routes['/rt-monitor.js'] = join(DIST, 'rt-monitor.js');
    routes['/favicon.ico'] = { body: '', type: 'image/x-icon' };
    const manifest = JSON.parse(readFileSync(join(CDN, '.vite/manifest.json'), 'utf8')) as Record<string, { file: string }>;
    for (const f of Object.values(manifest)) routes[`/cdn/${f.file}`] = join(CDN, f.file);
    routes['/cdn/rt-monitor-loader.js'] = join(CDN, 'rt-monitor-loader.js');
    site = await serveStatic(CDN, { 'Content-Security-Policy': STRICT_CSP }, routes);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await site?.close();
    await backend?.stop();
  });

  const provider = (inner: string) => `<rt-provider id="p" supabase-url="${backend.url}" anon-key="${backend.anonKey}">\n${inner}\n</rt-provider>`;

  test('all-in file in <head>, the provider\'s `accessToken` set to a text token by a module script', async () => {
    const s = await newStream();
    routes['/t1.js'] = js(`document.getElementById('p').accessToken = ${JSON.stringify(alice)};`);
    routes['/t1.html'] = page(`<script src="/rt-monitor.js"></script>`, `${provider(widgets(s.id))}\n<script type="module" src="/t1.js"></script>`);
    await run('/t1.html', s.name);
  });

  test('all-in file in <head>, a token callback set by a deferred script', async () => {
    const s = await newStream();
    routes['/t2.js'] = js(`document.getElementById('p').accessToken = async () => ${JSON.stringify(alice)};`);
    routes['/t2.html'] = page(`<script src="/rt-monitor.js"></script>`, `${provider(widgets(s.id))}\n<script defer src="/t2.js"></script>`);
    await run('/t2.html', s.name);
  });

  test('all-in file itself deferred (the elements upgrade after parsing), the token set by a later module script', async () => {
    const s = await newStream();
    routes['/t3.js'] = js(`document.getElementById('p').accessToken = ${JSON.stringify(alice)};`);
    routes['/t3.html'] = page(`<script defer src="/rt-monitor.js"></script>`, `${provider(widgets(s.id))}\n<script type="module" src="/t3.js"></script>`);
    await run('/t3.html', s.name);
  });

  test('the script tag\'s data-supabase-url / data-anon-key, the token handed over by RtMonitor.setAccessToken() from a module script', async () => {
    const s = await newStream();
    routes['/t4.js'] = js(`RtMonitor.setAccessToken(${JSON.stringify(alice)});`);
    routes['/t4.html'] = page(`<script src="/rt-monitor.js" data-supabase-url="${backend.url}" data-anon-key="${backend.anonKey}"></script>`, `${widgets(s.id)}\n<script type="module" src="/t4.js"></script>`);
    await run('/t4.html', s.name);
  });

  test('all-in file in <head>, the token set by a DOMContentLoaded handler', async () => {
    const s = await newStream();
    routes['/t6.js'] = js(`document.addEventListener('DOMContentLoaded', () => { document.getElementById('p').accessToken = ${JSON.stringify(alice)}; });`);
    routes['/t6.html'] = page(`<script src="/rt-monitor.js"></script><script src="/t6.js"></script>`, provider(widgets(s.id)));
    await run('/t6.html', s.name);
  });

  test('the all-in file added from a `load` handler, the token handed over by RtMonitor.setAccessToken() in its `onload`', async () => {
    const s = await newStream();
    const tag = { src: '/rt-monitor.js', 'data-supabase-url': backend.url, 'data-anon-key': backend.anonKey };
    routes['/t8.js'] = js(`addEventListener('load', () => {
      const s = document.createElement('script');
      for (const [k, v] of Object.entries(${JSON.stringify(tag)})) s.setAttribute(k, v);
      s.onload = () => RtMonitor.setAccessToken(${JSON.stringify(alice)});
      document.head.append(s);
    });`);
    routes['/t8.html'] = page(`<script src="/t8.js"></script>`, widgets(s.id));
    await run('/t8.html', s.name);
  });

  test('only the indicator on the page (no subscription asks for a socket), the token set by a module script: "Connecting", never "Disconnected", one socket', async () => {
    routes['/t9.js'] = js(`document.getElementById('p').accessToken = ${JSON.stringify(alice)};`);
    routes['/t9.html'] = page(`<script src="/rt-monitor.js"></script>`, `${provider('<rt-connection-status id="c"></rt-connection-status>')}\n<script type="module" src="/t9.js"></script>`);
    const p = await browser.newPage();
    const log = watchPage(p);
    await recordFrames(p);
    let sockets = 0;
    p.on('websocket', () => sockets++);
    await p.goto(`${site.url}/t9.html`);
    await pollPage(p, () => /\bConnected\b/.test(document.getElementById('c')?.shadowRoot?.textContent ?? ''), undefined, 20_000, 'the indicator connected');
    await p.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    const seen = await p.evaluate(() => (window as unknown as { __seen: string[] }).__seen);
    await p.close();
    assert.deepEqual(seen.filter((t) => /Disconnected/.test(t)), [], 'the indicator read "Disconnected" before the socket was asked for');
    assert.ok(seen.some((t) => /Connecting/.test(t)), `the indicator never read "Connecting": ${JSON.stringify(seen)}`);
    assert.equal(sockets, 1, 'sockets opened');
    assert.deepEqual(log.warnings.filter((w) => /WebSocket/.test(w)), [], 'a socket opened and dropped');
  });

  test('a page that never hands over a token still starts, as anonymous, once its scripts ran: "Not signed in", said', async () => {
    const s = await newStream();
    routes['/t7.html'] = page(`<script src="/rt-monitor.js"></script>`, provider(widgets(s.id)));
    const p = await browser.newPage();
    await p.goto(`${site.url}/t7.html`);
    await pollPage(p, () => /Not signed in/.test(document.getElementById('s')?.shadowRoot?.textContent ?? ''), undefined, 20_000, '"Not signed in" on the anonymous page');
    await p.close();
  });

  for (const [how, queued] of [
    ['RtMonitor.setAccessToken()', (t: string) => `[(R) => R.setAccessToken(${JSON.stringify(t)})]`],
    ['RtMonitor.configure()', (t: string) => `[(R) => R.configure({ url: ${JSON.stringify(backend.url)}, anonKey: ${JSON.stringify(backend.anonKey)}, accessToken: ${JSON.stringify(t)} })]`],
  ] as const) {
    for (const where of ['a module script after the loader', 'a classic script before it'] as const) {
      test(`the loader's data-* without a token, the token handed over by ${how} through the command queue from ${where} (QA59 F1)`, async () => {
        const s = await newStream();
        const file = `/q-${how.length}-${where.length}.js`;
        routes[file] = js(`(window.RtMonitor ||= { q: [] }).q.push(${queued(alice)});`);
        const loader = `<script type="module" src="/cdn/rt-monitor-loader.js" data-supabase-url="${backend.url}" data-anon-key="${backend.anonKey}"></script>`;
        const head = where === 'a classic script before it' ? `<script src="${file}"></script>${loader}` : `${loader}<script type="module" src="${file}"></script>`;
        routes['/q.html'] = page(head, widgets(s.id));
        await run('/q.html', s.name);
      });
    }
  }

  test('the loader, the provider\'s `accessToken` set by a module script', async () => {
    const s = await newStream();
    routes['/t5.js'] = js(`document.getElementById('p').accessToken = ${JSON.stringify(alice)};`);
    routes['/t5.html'] = page(`<script type="module" src="/cdn/rt-monitor-loader.js"></script>`, `${provider(widgets(s.id))}\n<script type="module" src="/t5.js"></script>`);
    await run('/t5.html', s.name);
  });
});
