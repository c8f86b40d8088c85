/**
 * Loads a bundled translation (`src/locales/<lang>.json`) on demand. In the npm (ESM) build each
 * file becomes its own chunk (`dist/chunks/<lang>-<hash>.js`) fetched by this dynamic `import()`
 * only when an element shows that language.
 *
 * The script-tag build replaces this module with `locale-loader-cdn.ts` (vite.config.ts, iife mode):
 * an IIFE cannot split code, so it fetches `locales/<lang>.json` next to the script instead.
 */
export function loadLocale(lang: string): Promise<unknown> {
  return import(`../locales/${lang}.json`).then((m: { default: unknown }) => m.default);
}
