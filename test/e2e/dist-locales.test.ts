/**
 * Translations in the built package: the script-tag bundle (dist/rt-monitor.js) carries none and
 * fetches dist/locales/<lang>.json next to itself when an element shows that language (under a
 * strict CSP); the npm build has one chunk per language.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { DIST, ROOT, STRICT_CSP, ensureBuilt, launchChromium, pollPage, serveStatic, watchPage, type StaticServer } from './dist-support.ts';

const LANGS = ['de', 'fr', 'es', 'ja', 'ar'];
let site: StaticServer;
let browser: Browser;
const routes: Record<string, string | { body: string; type: string }> = {};

const page = (body: string) => ({
  type: 'text/html; charset=utf-8',
  body: `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>rt-monitor translations</title></head><body>\n${body}\n</body></html>`,
});

/** A page whose bundle lives in /static/rt/ (not next to the page): translations resolve against the script. */
async function open(path: string) {
  const p = await browser.newPage();
  const log = watchPage(p);
  const requested: string[] = [];
  p.on('request', (r) => requested.push(new URL(r.url()).pathname));
  await p.goto(`${site.url}${path}`);
  return { p, log, locales: () => requested.filter((u) => u.includes('/locales/')) };
}

describe('translations in the built package', () => {
  before(async () => {
    ensureBuilt();
    routes['/static/rt/rt-monitor.js'] = join(DIST, 'rt-monitor.js');
    for (const lang of LANGS) routes[`/static/rt/locales/${lang}.json`] = join(DIST, 'locales', `${lang}.json`);
    routes['/favicon.ico'] = { body: '', type: 'image/x-icon' };
    site = await serveStatic(join(ROOT, '.tmp'), { 'Content-Security-Policy': STRICT_CSP }, routes);
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await site?.close();
  });

  test('the script-tag bundle fetches German from locales/ next to itself and re-renders', async () => {
    const updated = new Date(Date.now() - 30_000).toISOString(); // "vor 30 Sekunden" (under 10 s reads "gerade eben")
    routes['/app/de.html'] = page(
      `<rt-progress id="p" locale="de-DE" label="Import" percentage="40" status="running" last-updated="${updated}"></rt-progress>\n` +
        `<rt-progress id="e" label="Export" percentage="10" status="running"></rt-progress>\n<script src="/static/rt/rt-monitor.js"></script>`,
    );
    const { p, log, locales } = await open('/app/de.html');
    try {
      const text = await pollPage(
        p,
        () => {
          const t = document.querySelector('#p')?.shadowRoot?.textContent ?? '';
          return /Läuft/.test(t) && /Aktualisiert vor/.test(t) ? t.replace(/\s+/g, ' ') : '';
        },
        undefined,
        15_000,
        'German text in <rt-progress locale="de-DE">',
      );
      assert.doesNotMatch(text, /Running|Updated/);
      assert.deepEqual(locales(), ['/static/rt/locales/de.json'], 'one request, relative to the script URL');
      const english = await p.evaluate(() => document.querySelector('#e')?.shadowRoot?.textContent ?? '');
      assert.match(english, /Running/, 'an element without a locale stays English');
      assert.deepEqual(log.errors, []);
      assert.deepEqual(log.violations, [], 'fetching the translation passes the strict CSP (connect-src self)');
    } finally {
      await p.close();
    }
  });

  test("a policy whose connect-src refuses the page's own origin: the console names the file and the policy, the text stays English (QA58 F4)", async () => {
    const refusing = STRICT_CSP.replace(/connect-src [^;]*/, 'connect-src ws://127.0.0.1:*');
    const other = await serveStatic(join(ROOT, '.tmp'), { 'Content-Security-Policy': refusing }, routes);
    routes['/app/de-refused.html'] = page(`<rt-progress id="p" locale="de" label="Import" percentage="40" status="running"></rt-progress>\n<script src="/static/rt/rt-monitor.js"></script>`);
    const p = await browser.newPage();
    const log = watchPage(p);
    try {
      await p.goto(`${other.url}/app/de-refused.html`);
      await pollPage(p, () => (document.querySelector('#p')?.shadowRoot?.textContent ?? '').includes('Running'), undefined, 15_000, 'English text');
      const deadline = Date.now() + 15_000;
      while (!log.warnings.some((w) => w.includes('translation')) && Date.now() < deadline) await p.waitForTimeout(100);
      const warning = log.warnings.find((w) => w.includes('translation')) ?? '';
      assert.match(warning, /locales\/de\.json/, `names the file: ${warning}`);
      assert.match(warning, /Content-Security-Policy \(connect-src\)/, `names the policy: ${warning}`);
      assert.match(warning, /'self'/, `says what to allow: ${warning}`);
    } finally {
      await p.close();
      await other.close();
    }
  });

  test('loaded as type="module" (no document.currentScript): translations still resolve against the script', async () => {
    routes['/app/de-module.html'] = page(
      `<rt-progress id="p" locale="de-DE" label="Import" percentage="40" status="running"></rt-progress>\n<script type="module" src="/static/rt/rt-monitor.js"></script>`,
    );
    const { p, log, locales } = await open('/app/de-module.html');
    try {
      await pollPage(p, () => /Läuft/.test(document.querySelector('#p')?.shadowRoot?.textContent ?? ''), undefined, 15_000, 'German text');
      assert.deepEqual(locales(), ['/static/rt/locales/de.json']);
      assert.deepEqual(log.errors, []);
    } finally {
      await p.close();
    }
  });

  test('an English page requests no translation', async () => {
    routes['/app/en.html'] = page(`<rt-progress id="p" label="Import" percentage="40" status="running"></rt-progress>\n<script src="/static/rt/rt-monitor.js"></script>`);
    const { p, log, locales } = await open('/app/en.html');
    try {
      await pollPage(p, () => /Running/.test(document.querySelector('#p')?.shadowRoot?.textContent ?? ''), undefined, 15_000, 'English text');
      await p.waitForLoadState('networkidle'); // a late translation request would have been made
      assert.deepEqual(locales(), []);
      assert.deepEqual(log.errors, []);
    } finally {
      await p.close();
    }
  });

  test('translation data is outside rt-monitor.js: dist/locales/*.json and one ESM chunk per language', () => {
    const bundle = readFileSync(join(DIST, 'rt-monitor.js'), 'utf8');
    for (const word of ['Aktualisiert', 'Mis à jour', 'Actualizado', 'ライブ', 'مباشر']) assert.ok(!bundle.includes(word), `${word} is not in rt-monitor.js`);
    const chunks = readdirSync(join(DIST, 'chunks'));
    for (const lang of LANGS) {
      const file = join(DIST, 'locales', `${lang}.json`);
      assert.ok(existsSync(file), `dist/locales/${lang}.json`);
      const data = JSON.parse(readFileSync(file, 'utf8'));
      assert.match(data.updated, /\{0\}/, 'placeholders are positional in the built files');
      assert.ok(chunks.some((c) => new RegExp(`^${lang}-[\\w-]+\\.js$`).test(c)), `dist/chunks/${lang}-*.js`);
    }
    const esm = readFileSync(join(DIST, 'index.js'), 'utf8') + chunks.filter((c) => c.endsWith('.js') && !/^(de|fr|es|ja|ar)-/.test(c)).map((c) => readFileSync(join(DIST, 'chunks', c), 'utf8')).join('');
    assert.ok(!esm.includes('Aktualisiert'), 'German is only in its own chunk');
  });
});
