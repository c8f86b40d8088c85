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
import { installClient, slot } from './default-client-slot.js';

// The slot itself (no client code: what widgets import to find the default client).
export { DEFAULT_CLIENT_EVENT, getDefaultClient, onDefaultClientChange, setDefaultClient } from './default-client-slot.js';

/** Configure the page's default client (replacing, and disposing, a previous one it created). */
export function configure(options: RtClientOptions): RtClientApi {
  const s = slot();
  const previous = s.managed;
  const managed = new ManagedClient({
    changed: (client) => {
      if (slot().managed === managed) installClient(client, false);
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
