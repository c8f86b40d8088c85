/**
 * A new user's mistakes with the script-tag files (QA53), each said, none a silent half-truth:
 * - the translations folder not served (own-project step 7 serves only rt-monitor.js) on a
 *   `lang="de"` page: English words AND English numbers and times ("2.100 of 5.000" reads 2.1),
 *   and the console names the file and its HTTP status;
 * - a host that answers a missing file with a JSON error body: not taken as a translation;
 * - a mistyped tag (`<rt-stream-progres>`): a console warning naming it and the nearest tag.
 * Needs dist/ (`npm run -s build`); no backend (rt-progress is presentational).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { DIST, ROOT, ensureBuilt, launchChromium, pollPage, serveStatic, shadowText, watchPage, type PageLog, type StaticServer } from './dist-support.ts';

let site: StaticServer;
let browser: Browser;
const routes: Record<string, string | { body: string; type: string }> = {};
const html = (lang: string, body: string) => ({
  type: 'text/html; charset=utf-8',
  body: `<!doctype html>\n<html lang="${lang}"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>qa53</title></head><body>\n${body}\n</body></html>`,
});
// README: <rt-progress label="Acquisition Scan" percentage="42" … completed="21" total="50" last-updated="2025-10-22T10:00:00Z">,
// with counts in the thousands so that a German number format is visible.
const PROGRESS = `<rt-progress id="p" label="Acquisition Scan" percentage="42" status="running" current-step="Scoring targets"
  completed="2100" total="5000" last-updated="2025-10-22T10:00:00Z" connection-status="connected"></rt-progress>`;

async function open(path: string): Promise<{ page: Page; log: PageLog }> {
  const page = await browser.newPage();
  const log = watchPage(page);
  await page.goto(`${site.url}${path}`);
  return { page, log };
}

describe('the script tag, as a new user gets it wrong (QA53)', () => {
  before(async () => {
    ensureBuilt();
    // Own-project guide, step 7: "Serve node_modules/rt-monitor/dist/rt-monitor.js as /assets/rt-monitor.js" (only that file).
    routes['/assets/rt-monitor.js'] = join(DIST, 'rt-monitor.js');
    // A host whose missing files answer with a JSON body (API gateways, S3/CloudFront error JSON); here served 200 for brevity.
    routes['/json404/rt-monitor.js'] = join(DIST, 'rt-monitor.js');
    routes['/json404/locales/de.json'] = { body: '{"message":"Not Found","statusCode":404}', type: 'application/json' };
    routes['/de.html'] = html('de', `<script src="/assets/rt-monitor.js"></script>\n${PROGRESS}`);
    routes['/de-json404.html'] = html('de', `<script src="/json404/rt-monitor.js"></script>\n${PROGRESS}`);
    routes['/typo.html'] = html(
      'en',
      `<script src="/assets/rt-monitor.js"></script>\n<rt-progress id="ok" label="ok" percentage="1"></rt-progress>\n<rt-stream-progres id="typo" stream-id="5a000000-0000-4000-8000-000000000001"></rt-stream-progres>`,
    );
    routes['/cdn/rt-monitor-loader.js'] = join(DIST, 'cdn/rt-monitor-loader.js');
    routes['/typo-loader.html'] = html(
      'en',
      `<script type="module" src="/cdn/rt-monitor-loader.js"></script>\n<rt-progress id="ok" label="ok" percentage="1"></rt-progress>\n<rt-stream-progres id="typo" stream-id="5a000000-0000-4000-8000-000000000001"></rt-stream-progres>`,
    );
    site = await serveStatic(join(ROOT, 'dist'), {}, routes); // dist/ also serves /cdn/chunks/*
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await site?.close();
  });

  test('lang="de", locales/ not served (404): English throughout, numbers and times too', async () => {
    const { page, log } = await open('/de.html');
    try {
      // wait for the failure to be known (the documented console message), then for a render after it
      const started = Date.now();
      while (!log.warnings.some((w) => w.includes('no de translation')) && Date.now() - started < 15_000) await new Promise((r) => setTimeout(r, 100));
      assert.ok(log.warnings.some((w) => w.includes('no de translation')), `the console says the translation is missing; warnings: ${JSON.stringify(log.warnings)}`);
      await pollPage(page, () => (document.querySelector('#p') as any)?.updateComplete?.then(() => true), undefined, 5000, 'render');
      const text = await shadowText(page, '#p');
      // README, Translations: "Sentences are never half one language, half another"; fetch failure: "the elements stay English".
      assert.match(text, /2,100 of 5,000/, `English counts (an English reader takes "2.100" for 2.1): ${text}`);
      assert.match(text, /42%/, `English percentage: ${text}`);
      assert.doesNotMatch(text, /letztes Jahr|vor \d/, `no German relative time inside "Updated …": ${text}`);
    } finally {
      await page.close();
    }
  });

  test('the console names the missing translation file and its HTTP status, not a JSON parse error', async () => {
    const { page, log } = await open('/de.html');
    try {
      const started = Date.now();
      while (!log.warnings.some((w) => w.includes('no de translation')) && Date.now() - started < 15_000) await new Promise((r) => setTimeout(r, 100));
      const w = log.warnings.find((x) => x.includes('no de translation')) ?? '';
      assert.ok(w, 'a warning came');
      assert.match(w, /locales\/de\.json answered 404/, `the warning names the cause (the URL, 404): ${w}`);
    } finally {
      await page.close();
    }
  });

  test('a JSON error body where the translation should be is said on the console, not taken as one', async () => {
    const { page, log } = await open('/de-json404.html');
    try {
      await pollPage(page, () => document.querySelector('#p')?.shadowRoot?.textContent?.includes('Acquisition Scan'), undefined, 15_000, 'rendered');
      // the file has been fetched and used once German number formatting shows (or English words stay after the fetch)
      await pollPage(page, () => performance.getEntriesByType('resource').some((e) => e.name.endsWith('/json404/locales/de.json')), undefined, 15_000, 'de.json fetched');
      await pollPage(page, () => (document.querySelector('#p') as any)?.updateComplete?.then(() => true), undefined, 5000, 'render');
      const text = await shadowText(page, '#p');
      assert.ok(log.warnings.some((w) => /no de translation .*not an rt-monitor translation/.test(w)), `said on the console: ${JSON.stringify(log.warnings)}`);
      assert.match(text, /2,100 of 5,000/, `English words, English numbers: ${text}`);
    } finally {
      await page.close();
    }
  });

  for (const [label, path] of [
    ['all-in script tag', '/typo.html'],
    ['loader', '/typo-loader.html'],
  ] as const) {
    test(`${label}: a mistyped tag <rt-stream-progres> is said once on the console, with the tag it means`, async () => {
      const { page, log } = await open(path);
      try {
        await pollPage(page, () => (window as any).RtMonitor?.ready?.then(() => true), undefined, 15_000, 'RtMonitor.ready');
        await pollPage(page, () => document.querySelector('#ok')?.shadowRoot?.textContent?.includes('ok'), undefined, 15_000, 'a known tag rendered');
        const box = await page.evaluate(() => {
          const el = document.querySelector('#typo')!;
          return { defined: !!customElements.get('rt-stream-progres'), text: el.shadowRoot?.textContent ?? '' };
        });
        assert.equal(box.defined, false);
        const said = log.warnings.filter((m) => m.includes('<rt-stream-progres>'));
        assert.equal(said.length, 1, `said once: ${JSON.stringify(log.warnings)}`);
        assert.match(said[0]!, /did you mean <rt-stream-progress>\?/);
      } finally {
        await page.close();
      }
    });
  }
});
