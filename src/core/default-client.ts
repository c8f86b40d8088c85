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
import type { RtClientOptions } from './transport.js';
import { ManagedClient } from './managed-client.js';

const SLOT = Symbol.for('rt-monitor.default-client');
export const DEFAULT_CLIENT_EVENT = 'rt-monitor-configured';

interface Slot {
  client: RtClientApi | undefined;
  /** Whether we created it (then we dispose it when replaced). */
  owned: boolean;
  target: EventTarget;
  /** The client made by `configure()` (it follows the host's user; see ./managed-client.ts). */
  managed?: ManagedClient;
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
  const previous = s.managed;
  const managed = new ManagedClient({
    changed: (client) => {
      if (slot().managed === managed) install(client, false);
    },
    sessionExpired: (error, client) => {
      // No way to renew: ask the page (`rt-session-expired` on window).
      if (typeof window === 'undefined' || typeof CustomEvent !== 'function') return;
      window.dispatchEvent(
        new CustomEvent('rt-session-expired', { detail: { error, client, setAccessToken: (token: string) => setAccessToken(token) } }),
      );
    },
  });
  s.managed = managed;
  const client = managed.use(options)!;
  previous?.dispose();
  return client;
}

/**
 * Hand the page default client a new access token (e.g. after `rt-session-expired`, or a page's own
 * refresh). The same user: the client takes it and recovers; another user (or none): the default
 * client is rebuilt with it. Returns the client in use, or undefined when none is configured.
 */
export function setAccessToken(token: string | null): RtClientApi | undefined {
  const s = slot();
  if (s.managed && s.client === s.managed.current) return s.managed.setAccessToken(token);
  s.client?.setAccessToken?.(token);
  return s.client;
}

/** Install an existing client (e.g. a MemoryClient in tests) as the default; null removes it. */
export function setDefaultClient(client: RtClientApi | null, owned = false): RtClientApi {
  const s = slot();
  if (s.managed && client !== s.managed.current) {
    // Replacing what configure() made: stop following and dispose it.
    const managed = s.managed;
    s.managed = undefined;
    install(client ?? undefined, owned);
    managed.dispose();
    return client as RtClientApi;
  }
  return install(client ?? undefined, owned);
}

function install(client: RtClientApi | undefined, owned: boolean): RtClientApi {
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
