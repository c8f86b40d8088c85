// The element integration tests a second time, with the elements from the built all-in script-tag
// file: the page loads dist/rt-monitor.js (a classic script, as a legacy page does) before the
// test module; test/elements/under-test.ts then takes the elements from window.RtMonitor.
// Needs `npm run build` first (`npm test` runs it after the build).
//   npx web-test-runner --config web-test-runner.dist.config.mjs
import { existsSync } from 'node:fs';
import base from './web-test-runner.config.mjs';

if (!existsSync(new URL('./dist/rt-monitor.js', import.meta.url))) throw new Error('dist/rt-monitor.js is missing: run `npm run build` first');

export default {
  ...base,
  files: ['test/elements/integration.test.ts'],
  testRunnerHtml: (testFramework) =>
    `<!doctype html><html><head><script src="/dist/rt-monitor.js"></script></head><body><script type="module" src="${testFramework}"></script></body></html>`,
};
