/**
 * QA60 F1 and its kind: the time the page's socket heard nothing from the server is not Realtime
 * running behind. With the browser offline (the established WebSocket stays open, its frames held),
 * a change committed meanwhile arrives when the browser is back, its commit seconds past. Before the
 * fix every widget then fired `rt-error` "Realtime delivered a change 12 s after its commit: live
 * updates run behind the database" and sat on "Stale" over current rows for twice that lateness,
 * while `<rt-connection-status>` had itself said "The browser is offline". The page freezing
 * (Page Lifecycle) is the other member, tested in test/core/trust.real.test.ts.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { startLocalBackend, type LocalBackend } from '../../server/index.ts';
import { ACME, DIST, addInitScript, ensureBuilt, launchChromium, pollPage, serveStatic, serviceRest, signIn, watchPage, type StaticServer } from './dist-support.ts';

/** Realtime-lag's threshold (src/core/realtime-lag.ts LATE_MS) and a margin: how long the browser stays offline after the write. */
const OFFLINE_PAST_COMMIT_MS = 5000 + 2000;

let backend: LocalBackend;
let site: StaticServer;
let browser: Browser;
const routes: Record<string, string | { body: string; type: string }> = { '/rt-monitor.js': join(DIST, 'rt-monitor.js'), '/favicon.ico': { body: '', type: 'image/x-icon' } };

describe('the browser offline while a row changes (QA60 F1)', () => {
  before(async () => {
    ensureBuilt();
    backend = await startLocalBackend({ port: 0, devControls: true, quiet: true });
    site = await serveStatic(DIST, {}, routes);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await site?.close();
    await backend?.stop();
  });

  test('the change held while offline arrives on time as far as Realtime goes: no "Realtime behind" error, Live once caught up', async () => {
    const [stream] = (await serviceRest(backend).insert('streams', [{ org_id: ACME, name: 'before offline', goal_status: 'in_progress', current_progress: { percentage: 10, completed: 1, total: 10 } }])) as Array<{ id: string }>;
    const alice = await signIn(backend);
    const tag = `<script src="/rt-monitor.js" data-supabase-url="${backend.url}" data-anon-key="${backend.anonKey}" data-access-token="${alice}"></script>`;
    const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>offline</title>${tag}</head><body>
<rt-connection-status id="c"></rt-connection-status><rt-stream-progress id="s" stream-id="${stream!.id}"></rt-stream-progress></body></html>`;
    routes['/page.html'] = { type: 'text/html; charset=utf-8', body: html };
    const context = await browser.newContext();
    const p = await context.newPage();
    watchPage(p);
    // Every rt-error, and every cause the widget's badge gave (its title), on every frame.
    await addInitScript(p, () => {
      const w = window as unknown as { __errors: string[]; __titles: string[] };
      w.__errors = [];
      w.__titles = [];
      addEventListener('rt-error', (e) => w.__errors.push(`${(e.target as Element).localName}: ${(e as CustomEvent<{ error?: { message?: string } }>).detail?.error?.message}`), true);
      const tick = () => {
        const title = document.getElementById('s')?.shadowRoot?.querySelector('[part~="live-badge"]')?.getAttribute('title');
        if (title && !w.__titles.includes(title)) w.__titles.push(title);
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    await p.goto(`${site.url}/page.html`);
    const badge = () => p.evaluate(() => document.getElementById('s')?.shadowRoot?.querySelector('[part~="live-badge"]')?.textContent?.trim() ?? '');
    await pollPage(p, () => document.getElementById('s')?.shadowRoot?.querySelector('[part~="live-badge"]')?.textContent?.trim() === 'Live', undefined, 20_000, 'Live');

    await context.setOffline(true);
    await pollPage(p, () => !/\bConnected\b/.test(document.getElementById('c')?.shadowRoot?.textContent ?? ''), undefined, 10_000, 'the indicator off Connected (the browser offline)');
    const wroteAt = Date.now();
    await serviceRest(backend).update('streams', stream!.id, { name: 'changed while offline', current_progress: { percentage: 70, completed: 7, total: 10 } });
    // The fault: the browser stays offline until the change's commit is past Realtime-lag's threshold.
    while (Date.now() - wroteAt < OFFLINE_PAST_COMMIT_MS) {
      assert.doesNotMatch(await p.evaluate(() => document.getElementById('s')?.shadowRoot?.textContent ?? ''), /changed while offline/, 'the change reached the page while offline: the scenario did not hold its frames');
      await new Promise((r) => setTimeout(r, 250));
    }
    await context.setOffline(false);

    await pollPage(p, () => /changed while offline/.test(document.getElementById('s')?.shadowRoot?.textContent ?? ''), undefined, 20_000, 'the change shown once back online');
    await pollPage(p, () => document.getElementById('s')?.shadowRoot?.querySelector('[part~="live-badge"]')?.textContent?.trim() === 'Live', undefined, 20_000, 'Live again');
    // The next change is on time: shown and Live.
    await serviceRest(backend).update('streams', stream!.id, { name: 'after offline' });
    await pollPage(p, () => /after offline/.test(document.getElementById('s')?.shadowRoot?.textContent ?? ''), undefined, 20_000, 'the next change');
    const { errors, titles } = await p.evaluate(() => {
      const w = window as unknown as { __errors: string[]; __titles: string[] };
      return { errors: w.__errors, titles: w.__titles };
    });
    assert.equal(await badge(), 'Live');
    await context.close();
    assert.ok(errors.some((e) => /offline/i.test(e)), `the indicator did not say the browser was offline: ${JSON.stringify(errors)}`);
    assert.deepEqual(errors.filter((e) => /behind the database/.test(e)), [], 'an rt-error blamed Realtime for the time the browser was offline');
    assert.deepEqual(titles.filter((t) => /behind the database/.test(t)), [], "the widget's badge blamed Realtime");
  });
});
