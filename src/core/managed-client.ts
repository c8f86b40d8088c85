/**
 * One managed client: the rt-monitor client that `<rt-provider>` and `RtMonitor.configure()`
 * both hold. It follows the host's user and keeps exactly one client alive:
 *
 * - a host SupabaseClient whose user signs in as someone else or signs out, or a token callback
 *   that starts returning another user's token → a fresh client over the same options (every
 *   "my …" query changes user), the old one disposed once consumers moved to the new one;
 * - a token handed over for the same user → the client takes it (an expired session recovers);
 *   for another user → a fresh client;
 * - the session expired with no way to renew it → `sessionExpired` (the owner asks the page);
 * - `dispose()` stops following and disposes the client: nothing it registered stays behind
 *   (host auth subscription, socket observers, channels, timers).
 */
import type { RtClientApi } from './client-types.js';
import type { RtError } from './types.js';
import { createRtClient } from './client.js';
import type { RtClientOptions } from './transport.js';
import { followHostAuth } from './host-auth.js';
import { tokenUserId } from './jwt.js';
import { refusedHandOver } from './tokens.js';

export interface ManagedClientEvents {
  /** A new client replaced the previous one (undefined: none, the options are empty). */
  changed(client: RtClientApi | undefined): void;
  /** The session of `client` expired with no way to renew it. */
  sessionExpired?(error: RtError, client: RtClientApi): void;
}

export class ManagedClient {
  #client: RtClientApi | undefined;
  #options: RtClientOptions | undefined;
  #offs: Array<() => void> = [];
  #disposed = false;

  constructor(private readonly events: ManagedClientEvents) {}

  /** The client in use (undefined before `use()` or with no options). */
  get current(): RtClientApi | undefined {
    return this.#client;
  }

  /** Build a client for these options (replacing, then disposing, the previous one). */
  use(options: RtClientOptions | undefined): RtClientApi | undefined {
    if (this.#disposed) return undefined;
    this.#options = options;
    this.#replace(options ? createRtClient(options) : undefined);
    return this.#client;
  }

  /**
   * A new access token: the same user (or a token callback, which is asked again) → the client
   * takes it; another user (or none) → a fresh client with it.
   */
  setAccessToken(token: string | null): RtClientApi | undefined {
    const client = this.#client;
    if (!client || !this.#options) return client;
    const previous = this.#options.accessToken;
    if (typeof previous === 'string' && refusedHandOver(token, previous)) return client;
    if (typeof previous === 'function' || tokenUserId(typeof previous === 'string' ? previous : null) === tokenUserId(token)) {
      client.setAccessToken?.(token);
      if (typeof previous !== 'function') this.#options = { ...this.#options, accessToken: token };
      return client;
    }
    return this.use({ ...this.#options, accessToken: token });
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#replace(undefined);
    this.#disposed = true;
  }

  #replace(next: ReturnType<typeof createRtClient> | undefined): void {
    for (const off of this.#offs.splice(0)) off();
    const previous = this.#client;
    this.#client = next;
    if (next) this.#follow(next);
    if (!this.#disposed) this.events.changed(next);
    // After consumers moved to the new client (their context / default-client listeners ran);
    // what it held back for the page's scripts is dropped now (QA57 F4).
    (previous as { retire?(): void } | undefined)?.retire?.();
    if (previous) setTimeout(() => previous.dispose(), 0);
  }

  #follow(client: RtClientApi): void {
    const rebuild = () => {
      if (this.#client === client) this.use(this.#options);
    };
    const host = this.#options?.client;
    if (host) this.#offs.push(followHostAuth(host, rebuild));
    const offUser = client.onUserChange?.(rebuild);
    if (offUser) this.#offs.push(offUser);
    const offExpired = client.onSessionExpired?.((error) => {
      if (this.#client === client) this.events.sessionExpired?.(error, client);
    });
    if (offExpired) this.#offs.push(offExpired);
  }
}
