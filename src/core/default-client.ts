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

const SLOT = Symbol.for('rt-monitor.default-client');
export const DEFAULT_CLIENT_EVENT = 'rt-monitor-configured';

interface Slot {
  client: RtClientApi | undefined;
  /** Whether we created it (then we dispose it when replaced). */
  owned: boolean;
  target: EventTarget;
  /** Stops following the host SupabaseClient given to `configure({ client })`. */
  unfollow?: () => void;
  /** The options of the last `configure()` (to rebuild for another user). */
  options?: RtClientOptions;
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
