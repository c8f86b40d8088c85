/**
 * React 19 for browser tests. React ships CommonJS only; test/support/react-bundle-plugin.mjs
 * serves one ESM bundle of react + react-dom at /__bundles/react.js.
 */
// @ts-expect-error: a URL served by the test server, typed below
import * as bundle from '/__bundles/react.js';

const typed = bundle as {
  React: typeof import('react');
  createRoot: typeof import('react-dom/client').createRoot;
  flushSync: typeof import('react-dom').flushSync;
};
export const { React, createRoot, flushSync } = typed;
