/**
 * `window.RtMonitor`, shared by both script-tag entries: the all-in file (src/cdn.ts →
 * `dist/rt-monitor.js`) and the on-demand loader (src/cdn/loader.ts → `dist/cdn/rt-monitor-loader.js`).
 *
 * - Reads the page configuration from the script tag's `data-*` (rules: src/internal/script-config.ts)
 *   and configures the page's default client (the one every widget outside an `<rt-provider>` uses).
 * - The first rt-monitor script on the page creates `window.RtMonitor`; a later copy reuses it
 *   (same client, one WebSocket) and warns once (src/internal/other-copy.ts).
 * - Replays `window.RtMonitor.q`, commands a page queued before the script loaded.
 *
 * Both entries call {@link install} BEFORE any element module runs, so elements already in the
 * page upgrade with the page default client in place and a second copy's warning comes first.
 */
import { configScript, optionsKey, optionsOfScript, queuedCommands, type QueuedCommand } from '../internal/script-config.js';
import { configure, getDefaultClient, setDefaultClient, onDefaultClientChange, setAccessToken } from '../core/default-client.js';
import { createRtClient, type RtClientOptions } from '../core/client.js';
import { getRealtimeService } from '../core/realtime-service.js';
import { RT_VERSION as version } from '../core/rt-version.js';
import { standDown, warnOtherCopy } from '../internal/other-copy.js';

/** Every tag rt-monitor defines (the loader's table in src/cdn/loader.ts is checked against it). */
export const TAGS = [
  'rt-provider',
  'rt-connection-status',
  'rt-multi-connection-status',
  'rt-progress',
  'rt-stream-progress',
  'rt-stream-card',
  'rt-scan-progress',
  'rt-agent-executions',
  'rt-signal-alerts',
  'rt-notifications',
  'rt-monitoring-dashboard',
  'rt-diagnostics',
  'rt-live-list',
] as const;

export type RtTag = (typeof TAGS)[number];

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
  /**
   * Resolves when the elements are defined: with the all-in file once it has run; with the loader,
   * when every `rt-*` tag in the document at load time is defined. Rejects when they could not be
   * (a chunk that failed to load; the bundle stopped while loading, e.g. a Trusted Types policy
   * that refuses Lit's `lit-html`), with the cause also in the console.
   */
  ready: Promise<void>;
  /** The tags rt-monitor defines. */
  tags: readonly string[];
  /**
   * Loader only: defines the `rt-*` elements found under `root` (e.g. another component's shadow
   * root, which the document's observer does not see into) and, for a shadow root, those added to it
   * later; resolves when the ones found now are defined.
   */
  discover?: (root: ParentNode) => Promise<void>;
  /**
   * The command queue, also once loaded: `RtMonitor.q.push(['configure', options])` calls at once;
   * `RtMonitor.q.push([(RtMonitor) => …])` calls back with this object (in a microtask, once the
   * script's API is complete: e.g. `defineFeed` on a loader page, whose `RtMonitor` arrives later).
   */
  q: { push(...commands: QueuedCommand[]): number };
  /**
   * Every export of the npm entry in the all-in file (element classes, `registerStrings`, …); the
   * loader's has `defineFeed` and `FEEDS` (for `<rt-live-list>`).
   */
  [name: string]: unknown;
}

const SLOT = Symbol.for('rt-monitor.cdn');
type Globals = Record<symbol, RtMonitorGlobal | undefined> & { RtMonitor?: unknown };
const g = globalThis as unknown as Globals;
/** The object this copy of the code created, if it did. */
let mine: RtMonitorGlobal | undefined;

/**
 * On the first copy's object: how a later all-in file joins it without running its own code (the
 * file's wrapper looks for it before anything else, vite.config.ts `ALL_IN_INTRO`): `(script,
 * version)`, its `<script>` and version. A later copy whose Lit ran took Lit's Trusted Types
 * policy name, which broke the copy serving the page (QA58 F5).
 */
export const JOIN = Symbol.for('rt-monitor.cdn-join');

/** Applies a tag's `data-*` configuration; true when it configured the page default. */
function applyScriptOptions(api: RtMonitorGlobal & { __appliedKey?: string; __appliedFrom?: string }, options: RtClientOptions | null, from: string, warn = warnOtherCopy): boolean {
  if (!options) return false;
  const key = optionsKey(options);
  if (api.__appliedKey === key && api.getDefaultClient()) return false; // the same tag again: keep the one client
  if (api.__appliedKey === undefined && api.getDefaultClient()) {
    // The page configured rt-monitor in code (an app's configure(), the npm build) before this tag
    // ran: code wins, whatever the order of the tags (QA22: a later tag switched the page's user).
    console.warn("rt-monitor: the page already configured rt-monitor in code (configure()); this <script> tag's data-* configuration is ignored.");
    return false;
  }
  if (api.__appliedKey !== undefined && api.__appliedKey !== key) {
    // Another tag with different data-* configuration: the one applied first stays, said once (this
    // copy's only warning: the "loaded twice" one after it stays quiet). Named, because "first" is
    // when a copy runs: the loader, a module, applies its tag's once its client part has arrived,
    // after a classic all-in tag anywhere on the page (QA29).
    warn(
      `rt-monitor: two rt-monitor <script> tags carry different data-* configuration; the one applied first (${api.__appliedFrom}) is kept, not ${from}'s. ` +
        'Call RtMonitor.configure({ url, anonKey, accessToken }) to change the page default on purpose.',
    );
    return false;
  }
  api.configure(options);
  api.__appliedKey = key;
  api.__appliedFrom = from;
  return true;
}

/** Replays `window.RtMonitor.q` (commands queued before the bundle loaded) on the real object. */
function replayQueue(api: RtMonitorGlobal, stub: unknown): void {
  const commands = queuedCommands(stub);
  if (!commands) {
    if (stub !== undefined && stub !== api) console.warn('rt-monitor: window.RtMonitor was already set (not an rt-monitor command queue); it was replaced.');
    return;
  }
  api.q.push(...commands);
  // Later pushes onto the stub's queue (a loader that keeps the array) run at once.
  (stub as { q: RtMonitorGlobal['q'] }).q.push = api.q.push;
}

/** Runs one queued command: a method of `api` now, a callback with `api` in a microtask. */
function run(api: RtMonitorGlobal, [method, ...args]: QueuedCommand): void {
  if (typeof method === 'function') return void Promise.resolve(api as never).then(method);
  const fn = api[method];
  if (typeof fn === 'function') (fn as (...a: unknown[]) => unknown)(...args);
  else console.error(`rt-monitor: queued command "${method}" is not a function of RtMonitor; ignored.`);
}

/**
 * Creates (first copy) or reuses (later copies) `window.RtMonitor`, and applies `script`'s
 * `data-*` configuration. `first` is false for a later copy: it must not define anything.
 * The all-in file run after the loader (`viaLoader` false, the loader's tag already run) is a later
 * copy too, though the loader installs only when its client part has arrived: it stands down at
 * once and its `data-*` is compared with the loader's then (QA29: both defined elements, and the
 * second tag's user won).
 */
export function install(script: HTMLScriptElement | null, viaLoader = false): { api: RtMonitorGlobal; first: true } | { api?: RtMonitorGlobal; first: false } {
  const options = optionsOfScript(script);
  const from = script?.getAttribute('src') ?? 'an inline script';
  const existing = g[SLOT];
  const loader = g[Symbol.for('rt-monitor.loader')] as Promise<unknown> | undefined;
  if (!existing && loader && !viaLoader) {
    standDown();
    void loader.then(() => {
      const e = g[SLOT];
      if (e) install(script);
      else warnOtherCopy(`rt-monitor: this copy (${from}) stood down for the loader on the page, whose client part did not load.`);
    });
    return { first: false };
  }
  if (existing) {
    applyScriptOptions(existing, options, from);
    warnOtherCopy(`rt-monitor: the script-tag bundle was loaded twice (version ${existing.version}, then ${version}); the second copy defined nothing.`);
    // Another copy of the code stands down; this same code run for another tag (two loader tags
    // share their chunks, so this module) goes on defining the first tag's elements.
    if (existing !== mine) standDown();
    if (typeof window !== 'undefined' && g.RtMonitor !== existing) {
      const stub = g.RtMonitor;
      g.RtMonitor = existing;
      replayQueue(existing, stub);
    }
    return { api: existing, first: false };
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
    q: { push: (...commands) => (commands.forEach((c) => run(api, c)), 0) },
  };
  // A later all-in file: its script tag's configuration, one warning, and none of its code run.
  (api as unknown as Record<symbol, unknown>)[JOIN] = (script: HTMLScriptElement | null, theirs: string) => {
    let said = false;
    const warn = (message: string) => void (said ||= (console.warn(message), true));
    const from = script?.getAttribute('src') ?? 'an inline script';
    const configured = applyScriptOptions(api, optionsOfScript(configScript(script, document)), from, warn);
    // Its tag's data-* configured the page (the first tag had none): said so, not "did nothing" (QA59 F4).
    warn(`rt-monitor: the script-tag bundle was loaded twice (version ${api.version}, then ${theirs}); the second copy ${configured ? `ran none of its code; its tag's data-* configured the page (${from})` : 'did nothing'}.`);
    if (g.RtMonitor !== api) {
      const stub = g.RtMonitor;
      g.RtMonitor = api;
      replayQueue(api, stub);
    }
  };
  g[SLOT] = mine = api;
  const stub = g.RtMonitor;
  if (typeof window !== 'undefined') g.RtMonitor = api;
  applyScriptOptions(api, options, from);
  if (typeof window !== 'undefined') replayQueue(api, stub); // page code queued before load wins over the tag
  return { api, first: true };
}

declare global {
  interface Window {
    RtMonitor: RtMonitorGlobal;
  }
}
