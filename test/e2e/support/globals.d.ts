/**
 * Page globals the end-to-end tests read inside `page.evaluate` (type-checked by
 * tsconfig.e2e.json, which has the DOM lib but not src/). The real declaration of
 * `window.RtMonitor` is in src/cdn.ts; this is the part the tests use.
 */
interface Window {
  RtMonitor: {
    version: string;
    tags: string[];
    ready: Promise<unknown>;
    getDefaultClient(): unknown;
  };
}
