/**
 * The React and Vue examples (demo/react.html, demo/vue.html), built the way an app builds them
 * (`vite build --mode examples`: `rt-monitor` and `rt-monitor/react` resolve to dist/ through the
 * package's exports map), in Chromium against the real local backend.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startLocalBackend, type LocalBackend } from '../../server/index.ts';
import { ACME, ALICE, ROOT, ensureBuilt, launchChromium, pollPage, run, serveStatic, serviceRest, watchPage, type PageLog, type StaticServer } from './dist-support.ts';

let backend: LocalBackend;
let site: StaticServer;
let browser: Browser;

async function open(example: 'react' | 'vue', streamId: string): Promise<{ page: Page; log: PageLog }> {
  const page = await browser.newPage();
  const log = watchPage(page);
  await page.goto(`${site.url}/${example}.html?backend=${encodeURIComponent(backend.url)}&stream=${streamId}`);
  return { page, log };
}

const textOf = (sel: string) => document.querySelector(sel)?.shadowRoot?.textContent ?? '';

async function exercise(example: 'react' | 'vue') {
  const rest = serviceRest(backend);
  const [stream] = await rest.insert('streams', [
    { org_id: ACME, name: `${example} stream ${Date.now()}`, goal_status: 'in_progress', current_progress: { percentage: 30, completed: 3, total: 10 } },
  ]);
  const { page, log } = await open(example, stream.id);
  try {
    // renders the elements with live data
    await pollPage(page, (name: string) => (document.querySelector('#progress')?.shadowRoot?.textContent ?? '').includes(name), stream.name, 20_000, 'the stream name');
    // receives events: rt-status-change → the page's own state
    await pollPage(page, () => document.querySelector('#status')?.textContent === 'connected', undefined, 15_000, 'status "connected" from the event');
    // updates on a change
    await rest.update('streams', stream.id, { current_progress: { percentage: 85, completed: 17, total: 20 } });
    await pollPage(page, (sel: string) => /85\s?%/.test(document.querySelector(sel)?.shadowRoot?.textContent ?? ''), '#progress', 15_000, 'the update to 85 %');
    // an alert arrives: the element shows it and the framework handler (onRtAlert / @rt-alert) hears it
    // The alerts list has its first load (events fire only after it).
    await pollPage(page, () => /Live|No signal alerts/.test(document.querySelector('#alerts')?.shadowRoot?.textContent ?? ''), undefined, 15_000, 'the alerts list loaded');
    const business = `${example} Bakery ${Date.now()}`;
    await rest.insert('signal_alerts', [{ user_id: ALICE, org_id: ACME, business_name: business, signal_type: 'hiring', priority: 'high' }]);
    await pollPage(page, (name: string) => (document.querySelector('#alerts')?.shadowRoot?.textContent ?? '').includes(name), business, 15_000, 'the alert in <rt-signal-alerts>');
    await pollPage(page, (name: string) => [...document.querySelectorAll('#alert-log li')].some((li) => li.textContent === name), business, 15_000, 'the alert in the handler log');
    assert.equal(log.websockets.length, 1, `one WebSocket: ${log.websockets.join(', ')}`);
    assert.deepEqual(log.errors, []);
    void textOf;
  } finally {
    await page.close();
  }
}

describe('framework examples against the built package', () => {
  before(async () => {
    ensureBuilt();
    run('npx', ['vite', 'build', '--mode', 'examples', '--logLevel', 'warn']);
    backend = await startLocalBackend({ port: 0, devControls: true, quiet: true });
    site = await serveStatic(join(ROOT, '.tmp/examples'));
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await site?.close();
    await backend?.stop();
  });

  test('React: the @lit/react wrappers render live data and deliver typed events (onRtStatusChange, onRtAlert)', () => exercise('react'));

  test('Vue: the rt-* tags (isCustomElement) render, update, and deliver events (@rt-status-change, @rt-alert)', () => exercise('vue'));
});
