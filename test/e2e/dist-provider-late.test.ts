/**
 * QA51: a <rt-provider access-token=BOB> (a client source of its own, no client) on a page whose
 * script tag configures the page default for Alice. Its widgets must never show Alice's rows:
 * - the on-demand loader, with the provider's chunk arriving after the widget's (a slow file);
 * - the all-in file, the provider and widget in the HTML before the script tag.
 * - a widget in another component's shadow root inside Bob's provider, and one slotted into a
 *   shadow root that holds Bob's provider (the context request's path crosses shadow roots, and
 *   so must the "a provider has yet to answer" check).
 * Every text of the widget is recorded until it reads "not configured", and every REST read sent
 * with Alice's token.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startLocalBackend, type LocalBackend } from '../../server/index.ts';
import { ACME, DIST, STRICT_CSP, addInitScript, ensureBuilt, launchChromium, recordCspViolations, serveStatic, serviceRest, signIn, watchPage, type StaticServer } from './dist-support.ts';

const CDN = join(DIST, 'cdn');
let backend: LocalBackend;
let site: StaticServer;
let browser: Browser;
let alice: string;
let bob: string;
let providerChunk: string;
let hold: Promise<void> | null = null;
const routes: Record<string, string | { body: string; type: string }> = {};
const html = (body: string) => ({
  type: 'text/html; charset=utf-8',
  body: `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>qa51</title></head><body>\n${body}\n</body></html>`,
});

/** Records the widget's text on every frame (window.__frames) from the page's first script on. */
const recordFrames = (p: Page) =>
  addInitScript(p, () => {
    const w = window as unknown as { __frames: string[] };
    w.__frames = [];
    const tick = () => {
      const el = document.querySelector('#p') ?? document.querySelector('#host')?.shadowRoot?.querySelector('#p');
      const t = (el?.shadowRoot?.textContent ?? '').replace(/\s+/g, ' ').trim();
      if (t && w.__frames[w.__frames.length - 1] !== t) w.__frames.push(t);
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });

async function newStream(name: string) {
  const [row] = await serviceRest(backend).insert('streams', [{ org_id: ACME, name, goal_status: 'in_progress', current_progress: { percentage: 20, completed: 2, total: 10 } }]);
  return row as { id: string; name: string };
}

async function run(path: string) {
  const p = await browser.newPage();
  watchPage(p);
  await recordCspViolations(p);
  await recordFrames(p);
  const aliceReads: string[] = [];
  p.on('request', (req) => {
    if (req.url().includes('/rest/v1/') && req.headers()['authorization'] === `Bearer ${alice}`) aliceReads.push(req.url());
  });
  await p.goto(`${site.url}${path}`);
  // Every text the widget shows (each poll) until its end state: Bob's provider has no URL, so
  // "not configured" (after the 10 s wait for a client) names the provider.
  const frames: string[] = [];
  const done = (t: string) => /has no Supabase client/.test(t);
  for (const end = Date.now() + 30_000; !done(frames.at(-1) ?? '') && Date.now() < end; ) {
    const t = await p.evaluate(() => {
      const el = document.querySelector('#p') ?? document.querySelector('#host')?.shadowRoot?.querySelector('#p');
      const title = [...(el?.shadowRoot?.querySelectorAll('[title]') ?? [])].map((e) => e.getAttribute('title')).join(' ');
      return el ? `${customElements.get('rt-provider') ? 'P' : '-'}|${el.shadowRoot?.textContent?.replace(/\s+/g, ' ').trim() ?? '(no shadow)'} ${title}` : '(none)';
    });
    if (frames[frames.length - 1] !== t) frames.push(t);
    await new Promise((r) => setTimeout(r, 30));
  }
  // The polls above see the widget every ~30 ms; the recorder, on every frame it painted.
  await p.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  const painted = await p.evaluate(() => (window as unknown as { __frames: string[] }).__frames);
  await p.close();
  assert.ok(done(frames.at(-1) ?? ''), `never "not configured": ${JSON.stringify(frames.slice(-3))}`);
  assert.ok(painted.some((t) => /has no Supabase client/.test(t)), `the frame recorder missed the end state: ${JSON.stringify(painted.slice(-3))}`);
  return { frames: [...painted, ...frames], aliceReads };
}

/** Neither a frame showing Alice's stream `name` nor a REST read sent with her token. */
function neverAlice(name: string, { frames, aliceReads }: { frames: string[]; aliceReads: string[] }) {
  assert.deepEqual(frames.filter((f) => f.includes(name)), [], "a frame showed Alice's stream inside Bob's provider");
  assert.deepEqual(aliceReads, [], "REST reads sent with Alice's token for a widget inside Bob's provider");
}

/** Runs `path` with the provider's chunk held back 3 s (the loader fetches it after the widget's). */
async function runHeld(path: string) {
  hold = new Promise((r) => setTimeout(r, 3000));
  try {
    return await run(path);
  } finally {
    hold = null;
  }
}

describe('<rt-provider access-token=BOB> on a page configured for Alice by the script tag (QA51 F4)', () => {
  before(async () => {
    ensureBuilt();
    backend = await startLocalBackend({ port: 0, devControls: true, quiet: true });
    alice = await signIn(backend);
    bob = await signIn(backend, 'bob@example.com');
    const manifest = JSON.parse(readFileSync(join(CDN, '.vite/manifest.json'), 'utf8')) as Record<string, { file: string }>;
    providerChunk = `/cdn/${manifest['src/elements/rt-provider/rt-provider.ts']!.file}`;
    for (const f of Object.values(manifest)) routes[`/cdn/${f.file}`] = join(CDN, f.file);
    routes['/cdn/rt-monitor-loader.js'] = join(CDN, 'rt-monitor-loader.js');
    routes['/rt-monitor.js'] = join(DIST, 'rt-monitor.js');
    routes['/favicon.ico'] = { body: '', type: 'image/x-icon' };
    // A component's shadow root (declarative) handed to the loader, as README's "shadow roots" says.
    routes['/discover.js'] = {
      type: 'text/javascript',
      body: `const w = window; const go = () => (w.RtMonitor?.discover ? w.RtMonitor.discover(document.querySelector('#host').shadowRoot) : setTimeout(go, 5)); go();`,
    };
    site = await serveStatic(CDN, { 'Content-Security-Policy': STRICT_CSP }, routes, (path) => (path === providerChunk && hold ? hold : undefined));
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await site?.close();
    await backend?.stop();
  });

  test("loader, the provider's chunk 3 s late: the widget inside Bob's provider never shows Alice's stream nor reads with her token", async () => {
    const stream = await newStream(`QA51 Alice only ${Date.now()}`);
    routes['/loader.html'] = html(
      `<script type="module" src="/cdn/rt-monitor-loader.js" data-supabase-url="${backend.url}" data-anon-key="${backend.anonKey}" data-access-token="${alice}"></script>\n` +
        `<rt-provider access-token="${bob}"><rt-stream-progress id="p" stream-id="${stream.id}"></rt-stream-progress></rt-provider>`,
    );
    // Nor read with her token: the provider, defined late, answered the waiting widget with
    // `undefined` (the page default) before its own `null` (two reads of the stream, not drawn).
    neverAlice(stream.name, await runHeld('/loader.html'));
  });

  test("loader, the provider's chunk 3 s late, nested: Bob's provider inside Alice's never lends its widget her client", async () => {
    const stream = await newStream(`QA51 Alice only ${Date.now()}`);
    routes['/nested.html'] = html(
      `<script type="module" src="/cdn/rt-monitor-loader.js"></script>\n` +
        `<rt-provider supabase-url="${backend.url}" anon-key="${backend.anonKey}" access-token="${alice}">` +
        `<rt-provider access-token="${bob}"><rt-stream-progress id="p" stream-id="${stream.id}"></rt-stream-progress></rt-provider></rt-provider>`,
    );
    neverAlice(stream.name, await runHeld('/nested.html'));
  });

  for (const [how, markup] of [
    ['in a shadow root inside it', (bob: string, id: string) => `<rt-provider access-token="${bob}"><div id="host"><template shadowrootmode="open"><rt-stream-progress id="p" stream-id="${id}"></rt-stream-progress></template></div></rt-provider>`],
    ['slotted into a shadow root that holds it', (bob: string, id: string) => `<div id="host"><template shadowrootmode="open"><rt-provider access-token="${bob}"><slot></slot></rt-provider></template><rt-stream-progress id="p" stream-id="${id}"></rt-stream-progress></div>`],
  ] as const) {
    test(`loader, the provider's chunk 3 s late, the widget ${how}: never Alice's stream nor a read with her token`, async () => {
      const stream = await newStream(`QA51 Alice only ${Date.now()}`);
      routes['/shadow.html'] = html(
        `<script type="module" src="/cdn/rt-monitor-loader.js" data-supabase-url="${backend.url}" data-anon-key="${backend.anonKey}" data-access-token="${alice}"></script>\n` +
          `${markup(bob, stream.id)}\n<script type="module" src="/discover.js"></script>`,
      );
      neverAlice(stream.name, await runHeld('/shadow.html'));
    });
  }

  test("all-in file after the markup: the widget inside Bob's provider never shows Alice's stream nor reads with her token", async () => {
    const stream = await newStream(`QA51 Alice only ${Date.now()}`);
    routes['/allin.html'] = html(
      `<rt-provider access-token="${bob}"><rt-stream-progress id="p" stream-id="${stream.id}"></rt-stream-progress></rt-provider>\n` +
        `<script src="/rt-monitor.js" data-supabase-url="${backend.url}" data-anon-key="${backend.anonKey}" data-access-token="${alice}"></script>`,
    );
    neverAlice(stream.name, await run('/allin.html'));
  });
});
