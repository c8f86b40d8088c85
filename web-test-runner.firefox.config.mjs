// The browser suite on a second engine: Debian's Firefox ESR (apt-get install firefox-esr),
// driven over WebDriver BiDi by puppeteer-core through web-test-runner's Chrome/puppeteer launcher.
// Same files, plugins and backend as web-test-runner.config.mjs; only the browser differs.
//   npx web-test-runner --config web-test-runner.firefox.config.mjs
// FIREFOX_PATH overrides /usr/bin/firefox-esr.
import * as puppeteer from 'puppeteer-core';
import { chromeLauncher } from '@web/test-runner-chrome';
import base from './web-test-runner.config.mjs';

const executablePath = process.env.FIREFOX_PATH || '/usr/bin/firefox-esr';

/**
 * puppeteer-core's `page.setViewport()` over BiDi sends the viewport and, beside it, a screen
 * orientation (`emulation.setScreenOrientationOverride`), which Firefox ESR 140.12 does not know:
 * the viewport is set, the call then rejects, and web-test-runner fails every test file. A page
 * whose `setViewport` lets that one refusal pass (and no other error) keeps the viewport.
 */
function tolerateOrientation(page) {
  const setViewport = page.setViewport.bind(page);
  page.setViewport = async (viewport) => {
    try {
      await setViewport(viewport);
    } catch (err) {
      if (!/unknown command emulation\.setScreenOrientationOverride/.test(String(err?.message ?? err))) throw err;
    }
  };
  return page;
}

export default {
  ...base,
  browsers: [
    chromeLauncher({
      puppeteer,
      launchOptions: { browser: 'firefox', executablePath, headless: true },
      createPage: async ({ context }) => tolerateOrientation(await context.newPage()),
    }),
  ],
};
