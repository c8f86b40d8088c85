/**
 * rt-monitor, all-in script-tag entry (built to `dist/rt-monitor.js`, an IIFE with everything inside).
 *
 * ```html
 * <script src="rt-monitor.js" data-supabase-url="https://xyz.supabase.co" data-anon-key="…"></script>
 * <rt-stream-progress stream-id="…"></rt-stream-progress>
 * ```
 *
 * The same program as the npm modules: `window.RtMonitor` is installed first (src/cdn/install.ts:
 * `data-*` configuration, command queue, a second copy stands down), then the npm entry's modules
 * run and define every element while the script runs, exactly as `import 'rt-monitor'` does.
 * `RtMonitor` also carries every export of the npm entry (element classes, `registerStrings`,
 * controllers…); `RtMonitor.ready` is resolved once the file ran (rejected if it stopped on the way).
 *
 * Runs under a strict Content-Security-Policy: no eval, no inline code or styles (Lit uses
 * constructable stylesheets), no blob: workers (realtime-js runs with `worker: false`).
 * For pages that use a few widgets, `dist/cdn/rt-monitor-loader.js` (src/cdn/loader.ts) loads
 * only the elements the page has.
 */
import { definedAll, installed } from './cdn/install-here.js'; // first: before any element module runs
import { NPM_EXPORTS } from './generated/exports.js'; // the npm entry: defines every element
import { RT_TAGS } from './generated/tags.js';
import { sayUnknownTags } from './cdn/unknown-tags.js';
import type { RtClientApi } from './core/client-types.js';
import type { RtClientOptions } from './core/client.js';

// The npm entry's exports but the element classes, in a plain object generated from src/index.ts
// (scripts/generate-lists.mjs; typed to be exactly the entry's): not `import * as`, whose namespace
// object runs a for…in that a page's enumerable `Object.prototype` value breaks (QA22 F4).
const npmEntry: Record<string, unknown> = { ...NPM_EXPORTS };
// The element classes by their tags (generated list: an element added by adding files is here too),
// named as the npm entry names them: rt-stream-progress → RtStreamProgress.
for (const tag of RT_TAGS) npmEntry[tag.replace(/(?:^|-)(\w)/g, (_, c: string) => c.toUpperCase())] ??= customElements.get(tag);
if (installed.first) for (const [name, value] of Object.entries(npmEntry)) if (!(name in installed.api)) installed.api[name] = value;
definedAll();
// A mistyped tag in the page's markup is said, not left a blank box (QA53 F1).
if (installed.first) {
  const scan = () => sayUnknownTags(document, RT_TAGS);
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', scan, { once: true });
  else scan();
}

// No runtime exports on purpose: an IIFE `var RtMonitor = …` assignment would replace the first
// copy's object when the file is loaded twice. `install()` sets `window.RtMonitor` itself.
export type { RtMonitorGlobal } from './cdn/install.js';
export type { RtClientApi, RtClientOptions };
