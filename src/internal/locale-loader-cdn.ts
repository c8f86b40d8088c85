/**
 * Script-tag build's translation loader (swapped in for `locale-loader.ts` by vite.config.ts):
 * fetches `locales/<lang>.json` relative to the URL of the `<script>` that loaded rt-monitor.js
 * (captured while the bundle runs, the only moment `document.currentScript` is set), so the
 * translations sit next to the bundle: `…/dist/rt-monitor.js` → `…/dist/locales/de.json`.
 * A page can point elsewhere with `data-locales="https://cdn.example/rt-monitor/locales/"` (ending in `/`;
 * relative to the script) on that script tag.
 */
import { policyReason, watchPolicy } from '../core/csp.js';
/**
 * The bundle's own `<script>`: `document.currentScript` for a classic script; for `type="module"`
 * (where it is null) the tag carrying `data-locales`, else the one whose file is rt-monitor*.js.
 */
function ownScript(): HTMLScriptElement | null {
  if (typeof document === 'undefined') return null;
  return (
    (document.currentScript as HTMLScriptElement | null) ??
    document.querySelector<HTMLScriptElement>('script[data-locales]') ??
    [...document.scripts].find((s) => /rt-monitor[^/]*\.js(?:[?#]|$)/.test(s.src)) ??
    null
  );
}
const script = ownScript();
const base = new URL(script?.dataset.locales ?? 'locales/', script?.src || document.baseURI);

export function loadLocale(lang: string): Promise<unknown> {
  const url = new URL(`${lang}.json`, base);
  watchPolicy(); // a refusal is reported once, as it happens
  const fetched = fetch(url).catch(async (err: unknown) => {
    // The file and why: the page's policy (QA58 F4: "no de translation (TypeError: Failed to fetch)").
    throw new Error(`${url} could not be fetched: ${(await policyReason(url.href, 'the translation file')) ?? String(err)}`);
  });
  return fetched.then((r) => {
    // A missing file is said as such (not a JSON error), and an error reply is never a translation.
    if (!r.ok) throw new Error(`${url} answered ${r.status}: serve dist/locales/ beside rt-monitor.js, or name their folder in data-locales`);
    return r.json();
  });
}
