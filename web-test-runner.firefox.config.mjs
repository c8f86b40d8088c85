// The browser suite on a second engine: Debian's Firefox ESR (apt-get install firefox-esr),
// driven over WebDriver BiDi by puppeteer-core through web-test-runner's Chrome/puppeteer launcher.
// Same files, plugins and backend as web-test-runner.config.mjs; only the browser differs.
//   npx web-test-runner --config web-test-runner.firefox.config.mjs
// FIREFOX_PATH overrides /usr/bin/firefox-esr.
import * as puppeteer from 'puppeteer-core';
import { chromeLauncher } from '@web/test-runner-chrome';
import base from './web-test-runner.config.mjs';

const executablePath = process.env.FIREFOX_PATH || '/usr/bin/firefox-esr';

export default {
  ...base,
  browsers: [
    chromeLauncher({
      puppeteer,
      launchOptions: { browser: 'firefox', executablePath, headless: true },
    }),
  ],
};
