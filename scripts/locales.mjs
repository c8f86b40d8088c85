/**
 * Translation files (src/locales/<lang>.json) as the elements load them.
 *
 * Translators write named placeholders (`"Retrying {when}"`); src/internal/string-placeholders.json lists
 * each function string's names in argument order. Here they become positional (`"Retrying {0}"`),
 * so the runtime interpreter (src/internal/strings.ts `compileStrings`) needs no name table: that
 * keeps the script-tag bundle small. Used by the Vite builds and dev server (vite.config.ts) and by
 * web-test-runner (web-test-runner.config.mjs).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const LOCALES_DIR = resolve(import.meta.dirname, '../src/locales');
const PLACEHOLDERS_FILE = resolve(LOCALES_DIR, '../internal/string-placeholders.json');

/** `{ key: ['name', …] }` from src/internal/string-placeholders.json. */
export function placeholders() {
  return JSON.parse(readFileSync(PLACEHOLDERS_FILE, 'utf8'));
}

/** The language files. */
export function localeFiles() {
  return readdirSync(LOCALES_DIR).filter((f) => f.endsWith('.json'));
}

/** A translation file's JSON text with `{name}` → `{index}`; throws on an unknown placeholder. */
export function positional(jsonText, file = 'translation') {
  const names = placeholders();
  const data = JSON.parse(jsonText);
  const convert = (key, text) =>
    text.replace(/\{(\w+)\}/g, (m, name) => {
      const i = names[key].indexOf(name);
      if (i < 0) throw new Error(`${file}: "${key}" has an unknown placeholder ${m} (known: ${names[key].join(', ')})`);
      return `{${i}}`;
    });
  for (const [key, value] of Object.entries(data)) {
    if (!names[key]) continue;
    data[key] = typeof value === 'string' ? convert(key, value) : Object.fromEntries(Object.entries(value).map(([form, t]) => [form, convert(key, t)]));
  }
  return JSON.stringify(data);
}

const isLocaleFile = (id) => /[\\/]src[\\/]locales[\\/][\w-]+\.json$/.test(id);

/**
 * Vite plugin: imported translation files come out positional. With `{ emit: true }` (script-tag
 * build) also writes them to dist/locales/<lang>.json, and swaps src/internal/locale-loader.ts
 * (dynamic import(), one chunk per language) for locale-loader-cdn.ts (fetch next to the script).
 */
export function localesPlugin({ emit = false } = {}) {
  return {
    name: 'rt-locales',
    enforce: 'pre',
    resolveId(source, importer) {
      if (emit && importer && /[\\/]locale-loader\.js$/.test(source)) return resolve(LOCALES_DIR, '../internal/locale-loader-cdn.ts');
      return null;
    },
    transform(code, id) {
      return isLocaleFile(id.split('?')[0]) ? { code: positional(code, id), map: null } : null;
    },
    generateBundle() {
      if (!emit) return;
      for (const file of localeFiles()) {
        this.emitFile({ type: 'asset', fileName: `locales/${file}`, source: positional(readFileSync(join(LOCALES_DIR, file), 'utf8'), file) });
      }
    },
  };
}

/** web-test-runner plugin: `import('…/src/locales/de.json')` answers a positional JS module. */
export function localesTestPlugin() {
  return {
    name: 'rt-locales-modules',
    resolveMimeType(context) {
      if (isLocaleFile(context.path)) return 'js';
    },
    transform(context) {
      if (isLocaleFile(context.path)) return { body: `export default ${positional(context.body, context.path)};` };
    },
  };
}
