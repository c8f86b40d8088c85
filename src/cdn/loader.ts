/**
 * rt-monitor, on-demand script-tag entry (built to `dist/cdn/rt-monitor-loader.js`, an ES module
 * of about 1.3 KB brotli; everything else comes as chunks from `dist/cdn/chunks/` when a page needs it).
 *
 * ```html
 * <script type="module" src="cdn/rt-monitor-loader.js" data-supabase-url="…" data-anon-key="…"></script>
 * <rt-stream-progress stream-id="…"></rt-stream-progress>
 * ```
 *
 * 1. Imports the client part (src/cdn/install-loader.ts: realtime-js, postgrest-js, rt-monitor's
 *    core; no Lit) and installs `window.RtMonitor` with the `data-*` configuration of the loader's own
 *    tag (the `<script>` whose src is `import.meta.url`, src/internal/script-config.ts).
 * 2. At the same time, imports the module of each `rt-*` tag in the document (the same element
 *    modules as the npm build, which define their tag as they run), and of each `rt-*` tag added
 *    later (a MutationObserver on the document). Elements inside another component's open shadow
 *    root: those there when the page has loaded are found by one look; for roots made later,
 *    `RtMonitor.discover(shadowRoot)`. An element draws its pending state ("Connecting…") as soon
 *    as its own chunks are in, and goes live when the client part has configured the page default.
 *
 * A page with one `<rt-stream-progress>` downloads this file, that element's chunks (its first
 * paint) and the client part, nothing else (measured: scripts/check-size.mjs and
 * test/e2e/dist-loader.test.ts).
 */
import type { RtTag } from './install.js';
import { failure, showFailure } from './fallback.js';
import { sayUnknownTags } from './unknown-tags.js';

/** One import per tag (the bundler makes each a chunk; shared code goes to common chunks). */
const ELEMENTS: Record<RtTag, () => Promise<unknown>> = {
  'rt-provider': () => import('../elements/rt-provider/rt-provider.js'),
  'rt-connection-status': () => import('../elements/rt-connection-status/rt-connection-status.js'),
  'rt-multi-connection-status': () => import('../elements/rt-multi-connection-status/rt-multi-connection-status.js'),
  'rt-progress': () => import('../elements/rt-progress/rt-progress.js'),
  'rt-stream-progress': () => import('../elements/rt-stream-progress/rt-stream-progress.js'),
  'rt-stream-card': () => import('../elements/rt-stream-card/rt-stream-card.js'),
  'rt-scan-progress': () => import('../elements/rt-scan-progress/rt-scan-progress.js'),
  'rt-agent-executions': () => import('../elements/rt-agent-executions/rt-agent-executions.js'),
  'rt-signal-alerts': () => import('../elements/rt-signal-alerts/rt-signal-alerts.js'),
  'rt-notifications': () => import('../elements/rt-notifications/rt-notifications.js'),
  'rt-monitoring-dashboard': () => import('../elements/rt-monitoring-dashboard/rt-monitoring-dashboard.js'),
  'rt-diagnostics': () => import('../elements/rt-diagnostics/rt-diagnostics.js'),
  'rt-live-list': () => import('../elements/rt-live-list/rt-live-list.js'),
};
const SELECTOR = Object.keys(ELEMENTS).join(',');

/**
 * A load failure in words. A module that failed to load stays failed in this document (browsers
 * keep the failed import in their module map; its tag is taken by the fallback element), so the
 * way out is a reload, said unless the cause is the page's Trusted Types policy (reloading would
 * not help; `failure` names its fix).
 */
const loadFailure = (err: unknown): string => {
  const cause = failure(err);
  return cause === `${err}` ? `${cause}. Reload the page to try again.` : cause;
};

// One loader per page defines elements: a copy loaded after it (or after the all-in file) only
// hands its data-* to the first copy's RtMonitor (src/cdn/install.ts), which warns once.
const g = globalThis as unknown as Record<symbol, Promise<unknown> | undefined>;
const LOADER = Symbol.for('rt-monitor.loader');
const first = !g[Symbol.for('rt-monitor.cdn')] && !g[LOADER];

const requested = new Map<string, Promise<unknown>>();

/** Tags added later, in the document and in every shadow root given to `discover`. */
const watcher = new MutationObserver((records) => {
  for (const r of records) {
    for (const node of r.addedNodes) {
      if (node instanceof Element && (node.localName.startsWith('rt-') || node.firstElementChild)) discover(node).catch(() => {}); // the console and the tag's box say why
    }
  }
});
const WATCH = { childList: true, subtree: true };

/**
 * Imports (once) the module of every rt-monitor tag at or under `root`; a shadow root is also
 * watched from then on, so tags added to it later are defined too.
 */
function discover(root: ParentNode): Promise<void> {
  if (!first) return Promise.resolve();
  if (root instanceof ShadowRoot) watcher.observe(root, WATCH);
  sayUnknownTags(root, Object.keys(ELEMENTS));
  const found = new Set<string>();
  if (root instanceof Element && root.localName in ELEMENTS) found.add(root.localName);
  for (const el of root.querySelectorAll(SELECTOR)) found.add(el.localName);
  const loads: Promise<unknown>[] = [];
  for (const tag of found) {
    let load = requested.get(tag);
    if (!load) {
      load = ELEMENTS[tag as RtTag]();
      load.catch((err: unknown) => {
        const message = `rt-monitor: could not load <${tag}>: ${loadFailure(err)}`;
        console.error(message);
        showFailure([tag], message); // its boxes say why, not blank
      });
      requested.set(tag, load);
    }
    loads.push(load);
  }
  return Promise.all(loads).then(() => undefined);
}

let markReady!: () => void;
let markFailed!: (error: unknown) => void;
const ready = new Promise<void>((resolve, reject) => ((markReady = resolve), (markFailed = reject)));
ready.catch(() => {}); // rejected only for those who wait on it (the console says why)

// The client code (realtime-js, postgrest-js, rt-monitor's core) loads in parallel with the
// elements: an element draws at once in its pending state ("Loading…") and goes live when the
// page default client is configured (ClientController listens to the default-client slot).
// Copies install in the order they ran (each after the one before): the first copy's tag
// configures the page, a later copy's is only compared with it (one warning).
// When the client part cannot be downloaded, RtMonitor is not installed (it is in that part): the
// console and every widget say why (src/cdn/client-part-failed.ts), and nothing is left unhandled.
g[LOADER] = Promise.resolve(g[LOADER])
  .catch(() => {})
  .then(() => import('./install-loader.js'))
  .then(
    ({ installLoader }) => installLoader(import.meta.url, first ? { ready, discover } : null),
    (err: unknown) => {
      if (!first) return; // the first copy said it
      const message = `rt-monitor: its client part (realtime-js, postgrest-js, rt-monitor's core) could not load: ${failure(err)}`;
      console.error(`${message}. Reload the page to try again.`);
      import('./client-part-failed.js').then(({ clientPartFailed }) => clientPartFailed(message), () => {}); // the boxes say to reload
    },
  );
void discover(document).then(markReady, (err: unknown) => markFailed(new Error(`rt-monitor: an element could not load: ${loadFailure(err)}`)));
watcher.observe(document.documentElement, WATCH);

const UNDEFINED = Object.keys(ELEMENTS).map((tag) => `${tag}:not(:defined)`).join(',');

/**
 * Open shadow roots under `root` (and within them) that hold an rt-monitor tag not yet defined.
 * rt-monitor's own elements are skipped: their modules import what they hold.
 */
function rootsWithTags(root: ParentNode, out: ShadowRoot[] = []): ShadowRoot[] {
  for (const el of root.querySelectorAll('*')) {
    const shadow = el.shadowRoot;
    if (!shadow || el.localName in ELEMENTS) continue;
    if (shadow.querySelector(UNDEFINED)) out.push(shadow);
    rootsWithTags(shadow, out);
  }
  return out;
}

// The observer does not see into shadow roots: a tag used only inside another component's (a
// design system's card, a declarative shadow root) stayed an empty box unless the page called
// `discover` (QA58 F6). Once the page has loaded (its components rendered), the open shadow roots
// are looked into once and those holding rt-monitor tags are discovered (and watched from then on).
// Roots made later still need `RtMonitor.discover(shadowRoot)`; closed ones cannot be seen.
if (first) {
  const look = () => setTimeout(() => rootsWithTags(document).forEach((root) => void discover(root).catch(() => {})));
  if (document.readyState === 'complete') look();
  else addEventListener('load', look, { once: true });
}
