/**
 * The page-level default client, for widgets outside any <rt-provider>.
 *
 *   RtMonitor.configure({ url, anonKey, accessToken });    // or { client: supabase }
 *
 * Stored on `globalThis[Symbol.for('rt-monitor.default-client')]` so two copies of the bundle on
 * one page share it; widgets that asked before configuration hear about it through
 * `onDefaultClientChange` (and the page through a `rt-monitor-configured` event on window).
 */
import type { RtClientApi } from './client-types.js';
import { createRtClient, type RtClientOptions } from './client.js';
import { followHostAuth } from './host-auth.js';

const SLOT = Symbol.for('rt-monitor.default-client');
export const DEFAULT_CLIENT_EVENT = 'rt-monitor-configured';

interface Slot {
  client: RtClientApi | undefined;
  /** Whether we created it (then we dispose it when replaced). */
  owned: boolean;
  target: EventTarget;
  /** Stops following the host SupabaseClient given to `configure({ client })`. */
  unfollow?: () => void;
}

function slot(): Slot {
  const g = globalThis as unknown as Record<symbol, Slot | undefined>;
  let s = g[SLOT];
  if (!s) {
    s = { client: undefined, owned: false, target: new EventTarget() };
    g[SLOT] = s;
  }
  return s;
}

function announce(s: Slot): void {
  s.target.dispatchEvent(new Event('change'));
  if (typeof window !== 'undefined' && typeof CustomEvent === 'function') {
    window.dispatchEvent(new CustomEvent(DEFAULT_CLIENT_EVENT, { detail: { client: s.client } }));
  }
}

/** Configure the page's default client (replacing, and disposing, a previous one it created). */
export function configure(options: RtClientOptions): RtClientApi {
  const s = slot();
  s.unfollow?.();
  s.unfollow = undefined;
  const client = setDefaultClient(createRtClient(options), true);
  // A host SupabaseClient: when its user signs in as someone else or signs out, rebuild over the
  // same host client so every "my …" widget follows the new session.
  if (options.client) {
    s.unfollow = followHostAuth(options.client, () => {
      if (slot().client === client) configure(options);
    });
  }
  return client;
}

/** Install an existing client (e.g. a MemoryClient in tests) as the default; null removes it. */
export function setDefaultClient(client: RtClientApi | null, owned = false): RtClientApi {
  const s = slot();
  const previous = s.client;
  if (previous === client) return client as RtClientApi;
  s.client = client ?? undefined;
  const wasOwned = s.owned;
  s.owned = !!client && owned;
  announce(s);
  if (previous && wasOwned) previous.dispose();
  return client as RtClientApi;
}

export function getDefaultClient(): RtClientApi | undefined {
  return slot().client;
}

/** Hear when the default client is configured or replaced. */
export function onDefaultClientChange(callback: (client: RtClientApi | undefined) => void): () => void {
  const s = slot();
  const listener = () => callback(s.client);
  s.target.addEventListener('change', listener);
  return () => s.target.removeEventListener('change', listener);
}
