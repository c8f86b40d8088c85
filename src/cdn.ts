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
import { configure, getDefaultClient, setDefaultClient, onDefaultClientChange, setAccessToken } from './core/default-client.js';
import { tokenExpiry } from './core/jwt.js';
import { createRtClient, type RtClientOptions } from './core/client.js';
import { getRealtimeService } from './core/realtime-service.js';
import type { RtClientApi } from './core/client-types.js';

declare const __RT_VERSION__: string;

/** Version of this bundle (from package.json at build time). */
const version: string = typeof __RT_VERSION__ === 'string' ? __RT_VERSION__ : 'dev';

/** Every tag the bundle defines (used to notice an rt-monitor copy that was loaded before this one). */
const TAGS = [
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
] as const;

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

/** The script tag's configuration, if it carries any. */
function scriptOptions(): RtClientOptions | null {
  if (typeof document === 'undefined') return null;
  const script = document.currentScript as HTMLScriptElement | null;
  const data = script?.dataset;
  if (!data) return null;
  const url = data.supabaseUrl?.trim() || undefined;
  const anonKey = data.anonKey?.trim() || undefined;
  const fixed = data.accessToken?.trim() || undefined;
  const renew = tokenRenewal(data.accessTokenUrl?.trim(), data.accessTokenCallback?.trim(), script?.src);
  if (!url && !anonKey && !fixed && !renew) return null;
  if (!renew) return { url, anonKey, accessToken: fixed };
  // A fixed token is used first (no request at load); the renewal source gives the next ones.
  let first = fixed;
  const accessToken = async () => {
    if (first && (tokenExpiry(first) ?? Infinity) - Date.now() > 30_000) return first;
    first = undefined;
    return renew();
  };
  return { url, anonKey, accessToken };
}

/**
 * How a script-tag page renews its token, from `data-access-token-url` (GET with the page's
 * cookies; the reply is JSON `{ "access_token": "…" }` (also `token` / `accessToken`) or the bare
 * token as text) or `data-access-token-callback` (the name of a global function, looked up at each
 * call so it may be defined after this script, returning the token or a promise of it).
 */
function tokenRenewal(url: string | undefined, callback: string | undefined, base: string | undefined): (() => Promise<string | null>) | null {
  if (callback) {
    return async () => {
      const fn = callback.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], globalThis);
      if (typeof fn !== 'function') {
        console.error(`rt-monitor: data-access-token-callback names "${callback}", but window.${callback} is not a function.`);
        return null;
      }
      return ((await (fn as () => unknown)()) as string | null | undefined) ?? null;
    };
  }
  if (url) {
    const href = new URL(url, base || document.baseURI).href;
    return async () => {
      const res = await fetch(href, { credentials: 'include', headers: { accept: 'application/json, text/plain' } });
      if (!res.ok) throw new Error(`data-access-token-url answered HTTP ${res.status}`);
      const text = (await res.text()).trim();
      if (text.startsWith('{')) {
        const body = JSON.parse(text) as Record<string, unknown>;
        const token = body.access_token ?? body.token ?? body.accessToken;
        return typeof token === 'string' && token ? token : null;
      }
      return text.replace(/^"|"$/g, '') || null;
    };
  }
  return null;
}

/** Which script-tag configuration made the current default client (so a second identical tag is a no-op). */
const optionsKey = (o: RtClientOptions) =>
  JSON.stringify([o.url ?? '', o.anonKey ?? '', typeof o.accessToken === 'string' ? o.accessToken : typeof o.accessToken]);

function applyScriptOptions(api: RtMonitorGlobal & { __appliedKey?: string }, options: RtClientOptions | null): void {
  if (!options) return;
  const key = optionsKey(options);
  if (api.__appliedKey === key && api.getDefaultClient()) return; // the same tag again: keep the one client
  api.configure(options);
  api.__appliedKey = key;
}

function install(): RtMonitorGlobal {
  const options = scriptOptions(); // document.currentScript is only set while this runs synchronously
  const first = g[SLOT];
  if (first) {
    // A second copy of the script-tag bundle: reuse the first one entirely.
    console.warn(`rt-monitor: the script-tag bundle was loaded twice (version ${first.version}, then ${version}); the second copy did nothing.`);
    releaseRegistrations(false);
    applyScriptOptions(first, options);
    if (typeof window !== 'undefined' && !g.RtMonitor) g.RtMonitor = first;
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
  if (typeof window !== 'undefined') g.RtMonitor = api;
  applyScriptOptions(api, options);

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
