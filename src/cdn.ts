/**
 * rt-monitor, script-tag entry (built to `dist/rt-monitor.js`, an IIFE with everything inside).
 *
 * ```html
 * <script src="rt-monitor.js" data-supabase-url="https://xyz.supabase.co" data-anon-key="…"></script>
 * <rt-stream-progress stream-id="…"></rt-stream-progress>
 * ```
 *
 * - Reads `data-supabase-url`, `data-anon-key` and `data-access-token` from its own `<script>` tag
 *   and configures the page's default client (the one every widget outside an `<rt-provider>` uses).
 * - Registers every element. Registration runs one microtask after the script (the elements'
 *   `define()` calls are held back, see src/internal/registration.ts), so a second copy of this
 *   file can decide to do nothing at all: no second client, no registration errors, one console
 *   warning. `RtMonitor.ready` resolves once the elements are defined.
 * - Exposes `window.RtMonitor` = `{ configure, getRealtimeService, getDefaultClient, version, ready, … }`;
 *   after `ready`, also every export of the npm entry (element classes, `registerStrings`, controllers…).
 * - Runs under a strict Content-Security-Policy: no eval, no inline code or styles (Lit uses
 *   constructable stylesheets), no blob: workers (realtime-js runs with `worker: false`).
 */
import * as npmEntry from './index.js';
import { releaseRegistrations } from './internal/registration.js';
import { configScript, optionsKey, optionsOfScript, queuedCommands, type QueuedCommand } from './internal/script-config.js';
import { configure, getDefaultClient, setDefaultClient, onDefaultClientChange, setAccessToken } from './core/default-client.js';
import { createRtClient, type RtClientOptions } from './core/client.js';
import { getRealtimeService } from './core/realtime-service.js';
import type { RtClientApi } from './core/client-types.js';
import { RT_TAGS } from './generated/tags.js';

declare const __RT_VERSION__: string;

/** Version of this bundle (from package.json at build time). */
const version: string = typeof __RT_VERSION__ === 'string' ? __RT_VERSION__ : 'dev';

/** Every tag the bundle defines (used to notice an rt-monitor copy that was loaded before this one). */
const TAGS = RT_TAGS;

/** The `window.RtMonitor` object. */
export interface RtMonitorGlobal {
  /** Version of the copy that created this object (the first one loaded). */
  version: string;
  /** Configure the page default client: `{ url, anonKey, accessToken }` or `{ client: supabase }`. */
  configure: typeof configure;
  /** The page default client (undefined until configured). */
  getDefaultClient: typeof getDefaultClient;
  setDefaultClient: typeof setDefaultClient;
  onDefaultClientChange: typeof onDefaultClientChange;
  /** A standalone client (not the page default). */
  createRtClient: typeof createRtClient;
  /** The original design's RealtimeService on the page default client (or on `client`). */
  getRealtimeService: typeof getRealtimeService;
  /** Hand the page default client a new access token (e.g. answering `rt-session-expired` on window). */
  setAccessToken: typeof setAccessToken;
  /** Resolves when every element is defined. */
  ready: Promise<void>;
  /** The tags this bundle defines. */
  tags: readonly string[];
  /** Every export of the npm entry, after `ready` (element classes, `registerStrings`, …). */
  [name: string]: unknown;
}

const SLOT = Symbol.for('rt-monitor.cdn');
type Globals = Record<symbol, RtMonitorGlobal | undefined> & { RtMonitor?: unknown };
const g = globalThis as unknown as Globals;

/** The script tag's configuration, if it carries any (rules: src/internal/script-config.ts). */
function scriptOptions(): RtClientOptions | null {
  if (typeof document === 'undefined') return null;
  return optionsOfScript(configScript(document.currentScript as HTMLScriptElement | null, document));
}

function applyScriptOptions(api: RtMonitorGlobal & { __appliedKey?: string }, options: RtClientOptions | null): void {
  if (!options) return;
  const key = optionsKey(options);
  if (api.__appliedKey === key && api.getDefaultClient()) return; // the same tag again: keep the one client
  if (api.__appliedKey !== undefined && api.__appliedKey !== key) {
    // Another tag with different data-* configuration: the first one wins, said once.
    console.warn(
      'rt-monitor: a second rt-monitor <script> tag carries different data-* configuration; the first one is kept. ' +
        'Call RtMonitor.configure({ url, anonKey, accessToken }) to change the page default on purpose.',
    );
    return;
  }
  api.configure(options);
  api.__appliedKey = key;
}

/** Replays `window.RtMonitor.q` (commands queued before the bundle loaded) on the real object. */
function replayQueue(api: RtMonitorGlobal, stub: unknown): void {
  const commands = queuedCommands(stub);
  if (!commands) {
    if (stub !== undefined && stub !== api) console.warn('rt-monitor: window.RtMonitor was already set (not an rt-monitor command queue); it was replaced.');
    return;
  }
  for (const [method, ...args] of commands) {
    const fn = api[method];
    if (typeof fn === 'function') (fn as (...a: unknown[]) => unknown)(...args);
    else console.error(`rt-monitor: queued command "${method}" is not a function of RtMonitor; ignored.`);
  }
  // Later pushes onto the stub's queue (a loader that keeps the array) run at once.
  (stub as { q: { push: (...c: QueuedCommand[]) => number } }).q.push = (...more: QueuedCommand[]) => {
    for (const [method, ...args] of more) (api[method] as ((...a: unknown[]) => unknown) | undefined)?.(...args);
    return 0;
  };
}

function install(): RtMonitorGlobal {
  const options = scriptOptions(); // document.currentScript is only set while this runs synchronously
  const first = g[SLOT];
  if (first) {
    // A second copy of the script-tag bundle: reuse the first one entirely.
    console.warn(`rt-monitor: the script-tag bundle was loaded twice (version ${first.version}, then ${version}); the second copy did nothing.`);
    releaseRegistrations(false);
    applyScriptOptions(first, options);
    if (typeof window !== 'undefined' && g.RtMonitor !== first) {
      const stub = g.RtMonitor;
      g.RtMonitor = first;
      replayQueue(first, stub);
    }
    return first;
  }

  const api: RtMonitorGlobal = {
    version,
    configure,
    getDefaultClient,
    setDefaultClient,
    onDefaultClientChange,
    createRtClient,
    getRealtimeService,
    setAccessToken,
    tags: TAGS,
    ready: Promise.resolve(),
  };
  g[SLOT] = api;
  const stub = g.RtMonitor;
  if (typeof window !== 'undefined') g.RtMonitor = api;
  applyScriptOptions(api, options);
  if (typeof window !== 'undefined') replayQueue(api, stub); // page code queued before load wins over the tag

  const registry = typeof customElements === 'undefined' ? undefined : customElements;
  const taken = registry ? TAGS.filter((t) => registry.get(t)) : [];
  if (!registry) {
    releaseRegistrations(false);
    api.ready = Promise.resolve();
  } else if (taken.length) {
    // rt-monitor's npm build (or another copy) already defined the elements: they read the same
    // page default client (a globalThis slot), so configuring it here is all that is needed.
    releaseRegistrations(false);
    console.warn(`rt-monitor: <${taken[0]}> is already defined by another copy of rt-monitor; the script-tag bundle (version ${version}) registered nothing.`);
    api.ready = Promise.resolve();
  } else {
    // Only the first copy registers the elements, one microtask from now.
    api.ready = Promise.resolve().then(() => {
      releaseRegistrations(true);
      for (const [name, value] of Object.entries(npmEntry)) if (!(name in api)) api[name] = value;
    });
  }
  return api;
}

install();

// No runtime exports on purpose: an IIFE `var RtMonitor = …` assignment would replace the first
// copy's object when the file is loaded twice. `install()` sets `window.RtMonitor` itself.
declare global {
  interface Window {
    RtMonitor: RtMonitorGlobal;
  }
}
export type { RtClientApi, RtClientOptions };
