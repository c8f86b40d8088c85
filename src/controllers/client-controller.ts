/**
 * Finding the client: the nearest <rt-provider> (context, kept up to date), else the page's
 * default client (RtMonitor.configure), else none — then controllers report a clear
 * 'not-configured' error instead of showing a blank box.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { ContextConsumer } from '@lit/context';
import { rtClientContext, ensureContextRoot } from '../context/rt-context.js';
import type { RtClientApi } from '../core/client-types.js';
import type { RtError } from '../core/types.js';
import { getDefaultClient, onDefaultClientChange } from '../core/default-client-slot.js';

export const NOT_CONFIGURED: RtError = {
  code: 'not-configured',
  message:
    'rt-monitor is not configured: put the element inside <rt-provider supabase-url="…" anon-key="…">, or call RtMonitor.configure({ url, anonKey }).',
};

/** No client, inside an `<rt-provider>` that has none (QA41: told to put it inside a provider). */
const PROVIDER_HAS_NO_CLIENT: RtError = {
  code: 'not-configured',
  message: 'The <rt-provider> around this element has no Supabase client: set its supabase-url and anon-key attributes, or its client property.',
};

export type RtHost = ReactiveControllerHost & HTMLElement;

/**
 * Base of every rt-monitor controller: resolves the client and re-runs `clientChanged` when it changes.
 *
 * With no client yet, a controller is *pending* (its host shows "Connecting…"), not in error: pages
 * often hand the provider its client or token after their own sign-in. Only when no client has
 * arrived {@link ClientController.noClientTimeoutMs} after the host connected does it report
 * `not-configured`.
 */
export abstract class ClientController implements ReactiveController {
  /** How long (ms) a host waits for a client before reporting `not-configured`. Default 10 000. */
  static noClientTimeoutMs = 10_000;
  protected readonly host: RtHost;
  /** The provider's answer: a client, `null` (it has none, on purpose: no page default), or undefined. */
  #contextClient: RtClientApi | null | undefined;
  #offDefault: (() => void) | undefined;
  #current: RtClientApi | undefined;
  protected connected = false;
  #waitTimer: ReturnType<typeof setTimeout> | undefined;
  #gaveUp = false;
  readonly #consumer: ContextConsumer<typeof rtClientContext, RtHost>;
  #released = false;
  #awaitingProvider = false;
  /** An `<rt-provider>` answered (with a client or none). */
  #inProvider = false;

  constructor(host: RtHost) {
    this.host = host;
    ensureContextRoot();
    // The consumer is registered before this controller, so on connect the provider's answer
    // (synchronous when the provider is already there) arrives before our first subscription.
    this.#consumer = new ContextConsumer(host, {
      context: rtClientContext,
      subscribe: true,
      callback: (client) => {
        this.#inProvider = true;
        this.#contextClient = client;
        this.#sync();
      },
    });
    // On a host that is already connected (a controller made in willUpdate or connectedCallback),
    // Lit would call hostConnected() inside this constructor, before a subclass's own fields exist:
    // join after the constructors have run.
    if (host.isConnected) queueMicrotask(() => this.#released || host.addController(this));
    else host.addController(this);
  }

  /**
   * Stops for good while the host lives on (a controller replaced by another, e.g. when
   * `<rt-live-list>` gets another feed): unsubscribes, stops following the provider and the page
   * default, and leaves the host. Lit's `removeController()` alone would keep the subscription.
   */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    this.hostDisconnected();
    this.#consumer.hostDisconnected();
    this.host.removeController(this.#consumer);
    this.host.removeController(this);
  }

  /** Why there is no client: inside a provider that has none, that; else how to configure one ({@link NOT_CONFIGURED}). */
  protected get notConfigured(): RtError {
    return this.#inProvider ? PROVIDER_HAS_NO_CLIENT : NOT_CONFIGURED;
  }

  /**
   * The client in use: the provider's; else, outside any provider or inside one that sets nothing
   * of the client's, the page default; none inside a provider whose own client is missing.
   */
  get client(): RtClientApi | undefined {
    if (this.#contextClient === null) return undefined;
    return this.#contextClient ?? (this.#providerPending() ? undefined : getDefaultClient());
  }

  /**
   * Inside an `<rt-provider>` that has not answered yet (not defined: the loader fetches each tag's
   * file on its own, and the provider's may come after this element's; or defined a moment ago):
   * no page default, which may be another user's client, until it answers (QA51 F4: Alice's
   * stream, Live, inside Bob's provider). "Inside" as the context request travels: across shadow
   * roots, and from a slotted element through its slot (a widget in a component's shadow root,
   * or slotted into one that holds the provider, showed Alice's stream Live).
   */
  #providerPending(): boolean {
    const registry = globalThis.customElements;
    const pending = !this.#inProvider && insideProvider(this.host);
    if (pending && registry && !registry.get('rt-provider') && !this.#awaitingProvider) {
      this.#awaitingProvider = true;
      void registry.whenDefined('rt-provider').then(() => this.#sync());
    }
    return pending;
  }

  /** No client, and still within the grace period: show pending, not an error. */
  get waitingForClient(): boolean {
    return !this.client && !this.#gaveUp;
  }

  hostConnected(): void {
    this.connected = true;
    this.#offDefault = onDefaultClientChange(() => this.#sync());
    this.#sync(true);
  }

  hostDisconnected(): void {
    this.connected = false;
    this.#inProvider = false;
    // The provider's answer held only while connected under it: a host moved out of its provider
    // (or whose provider is gone) asks again on connect and, with no provider to answer, uses the
    // page default or reports not-configured. Keeping it followed a removed provider's client.
    this.#contextClient = undefined;
    this.#offDefault?.();
    this.#offDefault = undefined;
    clearTimeout(this.#waitTimer);
    this.#waitTimer = undefined;
    this.#gaveUp = false;
    const had = this.#current;
    this.#current = undefined;
    if (had) this.clientChanged(undefined, had);
  }

  #sync(force = false): void {
    if (!this.connected) return;
    const next = this.client;
    if (!force && next === this.#current) return;
    const previous = this.#current;
    if (next === previous && force && previous) return;
    this.#current = next;
    if (next) {
      clearTimeout(this.#waitTimer);
      this.#waitTimer = undefined;
      this.#gaveUp = false;
    } else if (!this.#waitTimer && !this.#gaveUp) {
      this.#waitTimer = setTimeout(() => {
        this.#waitTimer = undefined;
        if (!this.connected || this.client) return;
        this.#gaveUp = true;
        this.clientChanged(undefined, undefined);
      }, (this.constructor as typeof ClientController).noClientTimeoutMs);
    }
    this.clientChanged(next, previous);
  }

  /** The client appeared, changed or went away: (re)subscribe. */
  protected abstract clientChanged(client: RtClientApi | undefined, previous: RtClientApi | undefined): void;
}

/** Whether an `<rt-provider>` is on `el`'s composed path (its slot, its shadow root's host, and so on up). */
function insideProvider(el: Element): boolean {
  for (let n: Node | null = el; (n = (n as Element).assignedSlot ?? n.parentNode ?? (n as ShadowRoot).host); ) if ((n as Element).localName === 'rt-provider') return true;
  return false;
}
