/**
 * Screenshots of the demo page: light and dark, laptop (1280 px) and phone (375 px).
 *
 *   npx tsx scripts/demo-screenshots.ts [--out docs/images] [--full] [--user alice@example.com] [--page index.html]
 *
 * Starts its own backend (free port, seeded, simulator on) and Vite demo server (free port), so it
 * never collides with a running `npm start`. Chromium: CHROME_PATH or /usr/bin/chromium.
 * Prints every console error and page error it sees (the page must have none).
 */
import { parseArgs } from 'node:util';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { root, startDemoStack } from './demo-harness.ts';
const { values } = parseArgs({
  options: {
    out: { type: 'string', default: join(root, 'docs', 'images') },
    full: { type: 'boolean', default: false },
    user: { type: 'string', default: 'alice@example.com' },
    page: { type: 'string', default: 'index.html' },
    widths: { type: 'string', default: '1280,375' },
    themes: { type: 'string', default: 'light,dark' },
    wait: { type: 'string', default: '4000' },
    prefix: { type: 'string', default: 'demo' },
    /** Simulator seed: the same seed gives (nearly) the same pictures. */
    seed: { type: 'string', default: '7' },
    /** Extra page URL parameters, e.g. `locale=de-DE`. */
    query: { type: 'string', default: '' },
    /** Also screenshot these elements (comma-separated selectors), one file each. */
    parts: { type: 'string', default: '' },
  },
});
const out = resolve(values.out);
mkdirSync(out, { recursive: true });

const stack = await startDemoStack({ simulator: { seed: Number(values.seed) } });
const { base, browser } = stack;

const problems: string[] = [];
try {
  for (const theme of values.themes.split(',') as ('light' | 'dark')[]) {
    for (const width of values.widths.split(',').map(Number)) {
      const context = await browser.newContext({ viewport: { width, height: width < 600 ? 800 : 900 }, colorScheme: theme, deviceScaleFactor: 1 });
      const page = await context.newPage();
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(`[${theme} ${width}] console: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`[${theme} ${width}] page error: ${e.message}`));
      const url = `${base}${values.page}?theme=${theme}&user=${encodeURIComponent(values.user)}${values.query ? `&${values.query}` : ''}`;
      await page.goto(url, { waitUntil: 'load' });
      await page.waitForSelector('html[data-ready="true"]', { timeout: 20_000 }).catch(() => problems.push(`[${theme} ${width}] page never became ready`));
      await page.waitForTimeout(Number(values.wait));
      const file = join(out, `${values.prefix}-${theme}-${width}.png`);
      await page.screenshot({ path: file, fullPage: values.full });
      console.log(file);
      for (const sel of values.parts.split(',').filter(Boolean)) {
        const partFile = join(out, `${values.prefix}-${theme}-${width}-${sel.replace(/[^a-z0-9]+/gi, '')}.png`);
        await page.locator(sel).first().screenshot({ path: partFile }).then(
          () => console.log(partFile),
          (err: Error) => problems.push(`[${theme} ${width}] could not capture ${sel}: ${err.message.split('\n')[0]}`),
        );
      }
      await context.close();
    }
  }
} finally {
  await stack.close();
}
if (problems.length) {
  console.log(`${problems.length} problem(s):`);
  for (const p of problems) console.log(`  ${p}`);
  process.exitCode = 1;
} else console.log('no console errors');
