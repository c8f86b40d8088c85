/**
 * The loader's shared part (src/cdn/loader.ts imports it first): installs `window.RtMonitor`.
 * A module script has no `document.currentScript`: the configuration is the loader's own tag, the
 * `<script>` whose src is the loader's URL (src/cdn/loader.ts puts it in the global slot below;
 * rules: src/internal/script-config.ts).
 */
import { install } from './install.js';
import { configScript } from '../internal/script-config.js';
import { defineFeed, FEEDS } from '../core/feeds/index.js';

const own = (globalThis as unknown as Record<symbol, unknown>)[Symbol.for('rt-monitor.loader')];
export const installed = install(configScript(null, document, typeof own === 'string' ? own : undefined));
// A loader page's own feeds for <rt-live-list> (the all-in file has every npm export). Queued
// callbacks (`RtMonitor.q.push([(RtMonitor) => …])`) run in a microtask, so they see these.
if (installed.first) Object.assign(installed.api, { defineFeed, FEEDS });
