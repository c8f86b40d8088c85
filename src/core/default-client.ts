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
import { tokenUserId } from './jwt.js';
import { setDefaultClient, slot } from './default-client-slot.js';

// The slot itself (no client code: what widgets import to find the default client).
export { DEFAULT_CLIENT_EVENT, getDefaultClient, onDefaultClientChange, setDefaultClient } from './default-client-slot.js';

/** Configure the page's default client (replacing, and disposing, a previous one it created). */
export function configure(options: RtClientOptions): RtClientApi {
  const s = slot();
  s.unfollow?.();
  s.unfollow = undefined;
  s.options = options;
  const client = setDefaultClient(createRtClient(options), true);
  const offs: Array<(() => void) | undefined> = [];
  // A host SupabaseClient: when its user signs in as someone else or signs out, rebuild over the
  // same host client so every "my …" widget follows the new session.
  if (options.client) {
    offs.push(
      followHostAuth(options.client, () => {
        if (slot().client === client) configure(options);
      }),
    );
  }
  // A token callback (or a third-party-auth host client) that starts returning another user's token.
  offs.push(
    client.onUserChange?.(() => {
      if (slot().client === client) configure(options);
    }),
  );
  // No way to renew: ask the page (`rt-session-expired` on window).
  offs.push(
    client.onSessionExpired?.((error) => {
      if (slot().client !== client || typeof window === 'undefined' || typeof CustomEvent !== 'function') return;
      window.dispatchEvent(
        new CustomEvent('rt-session-expired', { detail: { error, client, setAccessToken: (token: string) => setAccessToken(token) } }),
      );
    }),
  );
  s.unfollow = () => offs.forEach((off) => off?.());
  return client;
}

/**
 * Hand the page default client a new access token (e.g. after `rt-session-expired`, or a page's own
 * refresh). The same user: the client takes it and recovers; another user (or none): the default
 * client is rebuilt with it. Returns the client in use, or undefined when none is configured.
 */
export function setAccessToken(token: string | null): RtClientApi | undefined {
  const s = slot();
  const client = s.client;
  if (!client || !s.owned || !s.options) {
    client?.setAccessToken?.(token);
    return client;
  }
  const previous = s.options.accessToken;
  if (typeof previous === 'function' || tokenUserId(typeof previous === 'string' ? previous : null) === tokenUserId(token)) {
    client.setAccessToken?.(token);
    if (typeof previous !== 'function') s.options = { ...s.options, accessToken: token };
    return client;
  }
  return configure({ ...s.options, accessToken: token });
}
