/**
 * Where the page-level default client lives (src/core/default-client.ts configures it):
 * `globalThis[Symbol.for('rt-monitor.default-client')]`, so two copies of the bundle on one page
 * share it. Widgets read it from here; this module imports no client code, so a widget's module
 * (and the script-tag loader's element chunks) can draw before the client code has arrived.
 */
import type { RtClientApi } from './client-types.js';

const SLOT = Symbol.for('rt-monitor.default-client');
export const DEFAULT_CLIENT_EVENT = 'rt-monitor-configured';

/** What `configure()` keeps in the slot: the managed client (see ./managed-client.ts). */
export interface ManagedLike {
  readonly current: RtClientApi | undefined;
  setAccessToken(token: string | null): RtClientApi | undefined;
  dispose(): void;
}

export interface Slot {
  client: RtClientApi | undefined;
  /** Whether we created it (then we dispose it when replaced). */
  owned: boolean;
  target: EventTarget;
  /** The client made by `configure()` (it follows the host's user). */
  managed?: ManagedLike;
}

/** The page's slot (created on first use). */
export function slot(): Slot {
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

/** Install an existing client (e.g. a MemoryClient in tests) as the default; null removes it. */
export function setDefaultClient(client: RtClientApi | null, owned = false): RtClientApi {
  const s = slot();
  if (s.managed && client !== s.managed.current) {
    // Replacing what configure() made: stop following and dispose it.
    const managed = s.managed;
    s.managed = undefined;
    installClient(client ?? undefined, owned);
    managed.dispose();
    return client as RtClientApi;
  }
  return installClient(client ?? undefined, owned);
}

/** Put `client` in the slot (disposing the previous one if the slot owned it) and announce it. */
export function installClient(client: RtClientApi | undefined, owned: boolean): RtClientApi {
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
