#!/usr/bin/env node
// Serves test/visual/index.html (every element, in-memory data) with @web/dev-server and takes
// screenshots with playwright-core in Debian's Chromium: light and dark, 375 px and 1280 px.
//   node test/visual/screenshot.mjs [outDir]      (default: .tmp/screenshots, git-ignored)
import { startDevServer } from '@web/dev-server';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const out = resolve(process.argv[2] ?? resolve(root, '.tmp/screenshots'));
mkdirSync(out, { recursive: true });

const server = await startDevServer({
  config: {
    rootDir: root,
    port: Number(process.env.SHOT_PORT ?? 0) || 8770 + Math.floor(Math.random() * 200),
    hostname: '127.0.0.1',
    nodeResolve: true,
    plugins: [esbuildPlugin({ ts: true, target: 'es2022', tsconfig: resolve(root, 'tsconfig.json') })],
  },
  readCliArgs: false,
  readFileConfig: false,
  logStartMessage: false,
});
const port = server.server?.address()?.port ?? server.config.port;

const browser = await chromium.launch({
  executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-background-networking'],
});
const files = [];
try {
  for (const theme of ['light', 'dark']) {
    for (const width of [375, 1280]) {
      const page = await browser.newPage({ viewport: { width, height: 900 }, colorScheme: theme, deviceScaleFactor: 1 });
      const errors = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      page.on('dialog', (d) => {
        errors.push(`DIALOG OPENED: ${d.message()}`);
        void d.dismiss();
      });
      await page.goto(`http://127.0.0.1:${port}/test/visual/index.html?theme=${theme}`);
      await page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });
      await page.waitForTimeout(700);
      const overflow = await page.evaluate(() => {
        const vw = document.documentElement.clientWidth;
        return document.documentElement.scrollWidth > vw ? `page is ${document.documentElement.scrollWidth}px wide in a ${vw}px viewport` : null;
      });
      if (overflow) errors.push(overflow);
      const sections = page.locator('section.demo');
      const n = await sections.count();
      for (let i = 0; i < n; i++) {
        const file = resolve(out, `${theme}-${width}-${String(i + 1).padStart(2, '0')}.png`);
        await sections.nth(i).screenshot({ path: file });
        files.push(file);
      }
      // the connection details panel (a popover in the top layer)
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.locator('#bound').locator('button').click();
      await page.waitForTimeout(300);
      const panelFile = resolve(out, `${theme}-${width}-00-panel.png`);
      await page.screenshot({ path: panelFile, clip: { x: 0, y: 0, width, height: 260 } });
      files.push(panelFile);
      if (errors.length) console.error(`${theme}/${width}:`, errors.join('\n'));
      await page.close();
    }
  }
} finally {
  await browser.close();
  await server.stop();
}
console.log(files.join('\n'));
