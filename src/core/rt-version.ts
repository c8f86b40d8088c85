/**
 * rt-monitor's version: package.json `version`, injected as `__RT_VERSION__` by every build that
 * runs the sources (vite.config.ts `define` for both builds and the demo server, web-test-runner's
 * esbuild `define` for the browser tests). `'dev'` only where nothing injected it (e.g. tsx).
 */
declare const __RT_VERSION__: string | undefined;

/** The version string, e.g. `'0.1.0'`. */
export const RT_VERSION: string = typeof __RT_VERSION__ === 'string' ? __RT_VERSION__ : 'dev';
