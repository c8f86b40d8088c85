import { readFileSync } from 'node:fs';
// Browser tests: real Chromium (Debian's), real local backend started once for the run.
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { playwrightLauncher } from '@web/test-runner-playwright';
import { defaultReporter } from '@web/test-runner';
import { totalsReporter } from './test/support/totals-reporter.mjs';
import { backendPlugin } from './test/support/backend-plugin.mjs';
import { reactBundlePlugin } from './test/support/react-bundle-plugin.mjs';
import { localesTestPlugin } from './scripts/locales.mjs';

const executablePath = process.env.CHROME_PATH || '/usr/bin/chromium';
// rt-monitor's version, injected as in the Vite builds (src/core/rt-version.ts)
const version = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')).version;

export default {
  files: process.env.WTR_FILES ? process.env.WTR_FILES.split(',') : ['test/**/*.test.ts', '!test/server/**', '!test/e2e/**'],
  nodeResolve: true,
  concurrency: 1,
  testsFinishTimeout: 600_000,
  testFramework: { config: { timeout: 20_000 } },
  plugins: [localesTestPlugin(), esbuildPlugin({ ts: true, target: 'es2022', tsconfig: 'tsconfig.json', define: { __RT_VERSION__: JSON.stringify(version) } }), backendPlugin(), reactBundlePlugin()],
  browsers: [
    playwrightLauncher({
      product: 'chromium',
      launchOptions: {
        executablePath,
        headless: true,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--disable-dev-shm-usage',
        ],
      },
    }),
  ],
  reporters: [defaultReporter(), totalsReporter()],
};
