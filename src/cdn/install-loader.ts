/**
 * The loader's shared part (src/cdn/loader.ts imports it): installs `window.RtMonitor`.
 * A module script has no `document.currentScript`: the configuration is the loader's own tag, the
 * `<script>` whose src is the loader's URL (rules: src/internal/script-config.ts).
 *
 * One module for every loader copy on the page (their chunks share one URL): each copy calls
 * {@link installLoader} with its own URL, in the order the copies ran, so the first copy's tag
 * configures the page and a later copy's is checked against it, with one warning (src/cdn/install.ts).
 */
import { install } from './install.js';
import { configScript } from '../internal/script-config.js';
import { defineFeed, FEEDS } from '../core/feeds/index.js';

/** What only the first loader copy adds to `RtMonitor`: `ready` and `discover`. */
export type LoaderApi = { ready: Promise<void>; discover(root: ParentNode): Promise<void> };

/**
 * Installs (first copy) or joins (later copies) `window.RtMonitor` with the `data-*` of the tag
 * whose src is `url`. `extra` (the first loader copy's) is added before any queued callback runs
 * (they run in a microtask), as are a loader page's own feeds for `<rt-live-list>` (the all-in file
 * has every npm export).
 */
export function installLoader(url: string, extra: LoaderApi | null): void {
  const installed = install(configScript(null, document, url), true);
  if (installed.first) Object.assign(installed.api, { defineFeed, FEEDS }, extra);
}
