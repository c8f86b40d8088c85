/**
 * The page's lifecycle in a real browser, with the built script-tag file and the real local backend:
 * a page left and restored from the back/forward cache (Chromium's own, which playwright turns off
 * by default: `--disable-back-forward-cache` is left out here).
 *
 * On return the widget must never paint Live over the value it held when the user left, must show
 * the change made meanwhile, and must take one new socket: phoenix (inside realtime-js) closes its
 * socket on `pagehide` and opens it again itself; rt-monitor opening one first, on `resume` or
 * `visibilitychange`, made phoenix's `visibilitychange` listener close it while it was still
 * connecting ("WebSocket is closed before the connection is established" on the host page's
 * console, and a second socket).
 * Needs dist/ (`npm run -s build`).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { startLocalBackend, type LocalBackend } from '../../server/index.ts';
import { ACME, DIST, ROOT, ensureBuilt, launchChromium, pollPage, serveStatic, serviceRest, signIn, watchPage, type StaticServer } from './dist-support.ts';

let backend: LocalBackend;
let site: StaticServer;
let browser: Browser;
let token: string;
const routes: Record<string, string | { body: string; type: string }> = {};
const html = (body: string) => ({
  type: 'text/html; charset=utf-8',
  body: `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>lifecycle</title></head><body>\n${body}\n</body></html>`,
});

/**
 * Runs before any page script: records each WebSocket opened and each `close()` with the socket's
 * readyState then (0: still connecting), and, from a restoring `pageshow` on, what `#p` shows in
 * every frame (Live or not, and its percentage).
 */
const PROBE = `(() => {
  const w = window;
  w.__sockets = { opened: 0, closedConnecting: 0 };
  w.__frames = [];
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(url, protocols) {
      super(url, protocols);
      w.__sockets.opened++;
    }
    close(code, reason) {
      if (this.readyState === Native.CONNECTING) w.__sockets.closedConnecting++;
      super.close(code, reason);
    }
  };
  // Registered once the page has loaded, so after rt-monitor's own listener (its frame callback
  // runs first): what each frame paints from the restore on.
  addEventListener('load', () =>
    addEventListener('pageshow', (e) => {
      if (!e.persisted) return;
      const el = document.querySelector('#p');
      const read = () => w.__frames.push((el.matches(':state(live)') ? 'live ' : 'not live ') + (/(\\d+)\\s?%/.exec(el.shadowRoot.textContent) || [])[1] + '%');
      const started = performance.now();
      // Read right after each frame's rendering (a task queued from its animation-frame callback runs
      // after the paint): what that frame painted, whichever animation-frame callback ran first.
      const frame = () => {
        setTimeout(read, 0);
        if (performance.now() - started < 8000) requestAnimationFrame(frame);
      };
      requestAnimationFrame(frame);
    }),
  );
})();`; // a string: tsx would wrap named functions in a __name helper the page does not have

describe('page lifecycle: the back/forward cache (built all-in file, real backend)', () => {
  before(async () => {
    ensureBuilt();
    backend = await startLocalBackend({ port: 0, devControls: true, quiet: true });
    token = await signIn(backend);
    routes['/rt-monitor.js'] = join(DIST, 'rt-monitor.js');
    routes['/elsewhere.html'] = html('<p>another page</p>');
    // `Cache-Control: no-store` (serveStatic's default) keeps a page out of the cache: a normal page's header here.
    site = await serveStatic(join(ROOT, '.tmp'), { 'Cache-Control': 'max-age=0' }, routes);
    browser = await launchChromium(['--disable-back-forward-cache']);
  });
  after(async () => {
    await browser?.close();
    await site?.close();
    await backend?.stop();
  });

  test('back to a restored page: never Live on the value it left with, the change made meanwhile, one new socket', async () => {
    const [stream] = await serviceRest(backend).insert('streams', [
      { org_id: ACME, name: `bfcache ${Date.now()}`, goal_status: 'in_progress', current_progress: { percentage: 20, completed: 2, total: 10 } },
    ]);
    routes['/widget.html'] = html(
      `<script src="/rt-monitor.js" data-supabase-url="${backend.url}" data-anon-key="${backend.anonKey}" data-access-token="${token}"></script>\n<rt-stream-progress id="p" stream-id="${stream.id}"></rt-stream-progress>`,
    );
    const page = await browser.newPage();
    const log = watchPage(page);
    await page.addInitScript(PROBE);
    try {
      await page.goto(`${site.url}/widget.html`);
      await pollPage(page, () => document.querySelector('#p')?.matches(':state(live)') && /20\s?%/.test(document.querySelector('#p')?.shadowRoot?.textContent ?? ''), undefined, 15_000, 'Live at 20 %');
      const before = await page.evaluate(() => (window as any).__sockets.opened);

      await page.goto(`${site.url}/elsewhere.html`);
      await serviceRest(backend).update('streams', stream.id, { current_progress: { percentage: 64, completed: 6, total: 10 } });
      await page.goBack({ waitUntil: 'commit' }); // restored: no load event
      await pollPage(page, () => (window as any).__frames.length > 0, undefined, 10_000, 'the same document, restored from the back/forward cache (a persisted pageshow)');

      await pollPage(page, () => document.querySelector('#p')?.matches(':state(live)') && /64\s?%/.test(document.querySelector('#p')?.shadowRoot?.textContent ?? ''), undefined, 15_000, 'Live at 64 %');
      const frames: string[] = await page.evaluate(() => (window as any).__frames);
      assert.ok(!frames.includes('live 20%'), `no frame shows Live on the value from before the page was left: ${frames.filter((f, i) => f !== frames[i - 1]).join(' → ')}`);

      const sockets = await page.evaluate(() => (window as any).__sockets);
      assert.equal(sockets.closedConnecting, 0, 'no socket closed while it was still connecting');
      assert.equal(sockets.opened - before, 1, `one new socket on return (opened ${sockets.opened - before})`);
      assert.deepEqual(log.warnings.filter((w) => /WebSocket/.test(w)), [], 'no WebSocket warning on the host page');
      assert.deepEqual(log.errors, []);

      await serviceRest(backend).update('streams', stream.id, { current_progress: { percentage: 77, completed: 7, total: 10 } });
      await pollPage(page, () => /77\s?%/.test(document.querySelector('#p')?.shadowRoot?.textContent ?? ''), undefined, 15_000, 'a change after the return');
    } finally {
      await page.close();
    }
  });
});
