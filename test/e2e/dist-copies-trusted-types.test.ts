/**
 * QA58 F5: a second rt-monitor script-tag copy under a Trusted Types policy that allows Lit's
 * "lit-html" policy once (`trusted-types lit-html`, no 'allow-duplicates'). The second copy said
 * it "did nothing", but its Lit had run and taken the policy name: after the loader, every widget
 * the loader served read "could not load … Policy with name "lit-html" already exists"; after
 * another all-in copy, an uncaught TypeError. Now a later all-in file hands its `<script>` to the
 * first copy and runs nothing else of its own.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { startLocalBackend, type LocalBackend } from '../../server/index.ts';
import { ACME, DIST, ensureBuilt, launchChromium, pollPage, serveStatic, serviceRest, signIn, watchPage, type StaticServer } from './dist-support.ts';

const CDN = join(DIST, 'cdn');
const POLICY = "default-src 'self'; connect-src 'self' http://127.0.0.1:* ws://127.0.0.1:*; script-src 'self'; style-src 'self'; require-trusted-types-for 'script'; trusted-types lit-html";
let backend: LocalBackend;
let site: StaticServer;
let browser: Browser;
let alice: string;
const routes: Record<string, string | { body: string; type: string }> = {};

describe("a second script-tag copy under trusted-types lit-html (Lit's policy allowed once)", () => {
  before(async () => {
    ensureBuilt();
    backend = await startLocalBackend({ port: 0, devControls: true, quiet: true });
    alice = await signIn(backend);
    const manifest = JSON.parse(readFileSync(join(CDN, '.vite/manifest.json'), 'utf8')) as Record<string, { file: string }>;
    for (const f of Object.values(manifest)) routes[`/cdn/${f.file}`] = join(CDN, f.file);
    routes['/cdn/rt-monitor-loader.js'] = join(CDN, 'rt-monitor-loader.js');
    routes['/rt-monitor.js'] = join(DIST, 'rt-monitor.js');
    routes['/favicon.ico'] = { body: '', type: 'image/x-icon' };
    site = await serveStatic(CDN, { 'Content-Security-Policy': POLICY }, routes);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await site?.close();
    await backend?.stop();
  });

  for (const [name, first, second] of [
    ['two all-in files', '<script src="/rt-monitor.js" DATA></script>', '<script src="/rt-monitor.js?copy=2" DATA></script>'],
    ['the loader, then the all-in file (defer)', '<script type="module" src="/cdn/rt-monitor-loader.js" DATA></script>', '<script defer src="/rt-monitor.js" DATA></script>'],
  ] as const) {
    test(`${name}: the first copy serves every widget, the second says it did nothing and did nothing`, async () => {
      const [stream] = (await serviceRest(backend).insert('streams', [{ org_id: ACME, name: `TT copies ${Date.now()}`, goal_status: 'in_progress', current_progress: { percentage: 30, completed: 3, total: 10 } }])) as Array<{ id: string; name: string }>;
      const data = `data-supabase-url="${backend.url}" data-anon-key="${backend.anonKey}" data-access-token="${alice}"`;
      routes['/copies.html'] = {
        type: 'text/html; charset=utf-8',
        body: `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>copies</title>\n${first.replace('DATA', data)}\n${second.replace('DATA', data)}</head><body>\n<rt-stream-progress id="s" stream-id="${stream!.id}"></rt-stream-progress>\n<rt-connection-status id="c"></rt-connection-status>\n</body></html>`,
      };
      const p = await browser.newPage();
      const log = watchPage(p);
      try {
        await p.goto(`${site.url}/copies.html`);
        await pollPage(p, (n: string) => document.getElementById('s')?.shadowRoot?.textContent?.includes(n), stream!.name, 20_000, 'the stream on screen');
        await pollPage(p, () => /Connected/.test(document.getElementById('c')?.shadowRoot?.textContent ?? ''), undefined, 20_000, 'the connection status');
        // The second copy has had its say.
        for (let polls = 0; !log.warnings.some((w) => /loaded twice/.test(w)); polls++) {
          assert.ok(polls < 100, `the second copy never said it was a second copy: ${log.warnings.join(' | ')}`);
          await new Promise((r) => setTimeout(r, 100));
        }
        assert.deepEqual(log.errors, [], 'no error (no "Policy with name lit-html already exists")');
        assert.deepEqual(log.warnings.filter((w) => /rt-monitor/.test(w)), [log.warnings.find((w) => /loaded twice.*the second copy did nothing/.test(w))], 'one warning, saying the second copy did nothing');
        assert.equal(log.websockets.length, 1, `one WebSocket: ${log.websockets.join(', ')}`);
      } finally {
        await p.close();
      }
    });
  }

  test("the first all-in tag without data-*, the second with: the page runs on the second tag's configuration, and the warning says so (QA59 F4: it said the second copy did nothing)", async () => {
    const [stream] = (await serviceRest(backend).insert('streams', [{ org_id: ACME, name: `TT second tag ${Date.now()}`, goal_status: 'in_progress', current_progress: { percentage: 30, completed: 3, total: 10 } }])) as Array<{ id: string; name: string }>;
    routes['/second-tag.html'] = {
      type: 'text/html; charset=utf-8',
      body: `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>copies</title>\n<script src="/rt-monitor.js"></script>\n<script src="/rt-monitor.js?copy=2" data-supabase-url="${backend.url}" data-anon-key="${backend.anonKey}" data-access-token="${alice}"></script></head><body>\n<rt-stream-progress id="s" stream-id="${stream!.id}"></rt-stream-progress>\n</body></html>`,
    };
    const p = await browser.newPage();
    const log = watchPage(p);
    try {
      await p.goto(`${site.url}/second-tag.html`);
      await pollPage(p, (n: string) => document.getElementById('s')?.shadowRoot?.textContent?.includes(n), stream!.name, 20_000, 'the stream on screen');
      assert.deepEqual(log.errors, []);
      const said = log.warnings.filter((w) => /rt-monitor/.test(w));
      assert.equal(said.length, 1, said.join(' | '));
      assert.match(said[0]!, /loaded twice.*the second copy ran none of its code; its tag's data-\* configured the page \(\/rt-monitor\.js\?copy=2\)/);
    } finally {
      await p.close();
    }
  });
});
