/**
 * The generic live-query controller: the Lit equivalent of the original `use…` hooks.
 *
 *   private progress = new LiveQueryController(this, 'stream', () => ({ streamId: this.streamId }));
 *   render() { const { data, phase, error } = this.progress; … }
 *
 * Subscribes in hostConnected, releases in hostDisconnected, re-subscribes when the parameters
 * returned by `paramsFn` change (checked before each update), and requests a host update at
 * most once per animation frame.
 */
import { feedOf, type DataFor, type FeedRef, type ParamsFor, type RtClientApi, type LiveQuery } from '../core/client-types.js';
import type { ConnectionStatus, LiveQueryPhase, LiveQueryState, RtError } from '../core/types.js';
import { initialState } from '../core/live-query.js';
import { ClientController, NOT_CONFIGURED, type RtHost } from './client-controller.js';

export class LiveQueryController<F extends FeedRef> extends ClientController {
  /** The latest state (data, phase, status, error, updatedAt). */
  state: LiveQueryState<DataFor<F>>;

  #query: LiveQuery<DataFor<F>> | undefined;
  #off: (() => void) | undefined;
  #key: string | undefined;
  #activeClient: RtClientApi | undefined;
  #generation = 0;

  constructor(
    host: RtHost,
    readonly feed: F,
    private readonly paramsFn: () => ParamsFor<F>,
  ) {
    super(host);
    this.state = initialState<DataFor<F>>(feedOf(feed)?.kind ?? 'list');
  }

  /**
   * Which subscription `state` comes from: changes whenever the controller subscribes anew (other
   * parameters, another client or user) or loses its client. Rows of one generation can be compared
   * (what arrived since the last look); rows of another belong to another subject.
   */
  get generation(): number {
    return this.#generation;
  }

  get data(): DataFor<F> {
    return this.state.data;
  }
  get phase(): LiveQueryPhase {
    return this.state.phase;
  }
  get status(): ConnectionStatus {
    return this.state.status;
  }
  get error(): RtError | null {
    return this.state.error;
  }
  get isConnected(): boolean {
    return this.state.status === 'connected';
  }

  /** Re-read the snapshot now. */
  refresh(): void {
    this.#query?.refresh();
  }

  hostUpdate(): void {
    if (!this.connected || !this.#activeClient) return;
    const key = this.#keyOf(this.#activeClient);
    if (key !== this.#key) this.#resubscribe(this.#activeClient);
  }

  override hostDisconnected(): void {
    super.hostDisconnected();
    this.#unsubscribe();
  }

  protected clientChanged(client: RtClientApi | undefined): void {
    this.#activeClient = client;
    if (!this.connected) return;
    if (!client) {
      this.#unsubscribe();
      this.#generation++;
      const initial = initialState<DataFor<F>>(feedOf(this.feed)?.kind ?? 'list');
      this.#setState(this.waitingForClient ? initial : { ...initial, phase: 'error', status: 'error', error: NOT_CONFIGURED });
      return;
    }
    this.#resubscribe(client);
  }

  #keyOf(client: RtClientApi): string {
    return client.liveQuery(this.feed, this.#params()).key;
  }

  #params(): ParamsFor<F> {
    try {
      return (this.paramsFn() ?? {}) as ParamsFor<F>;
    } catch {
      return {} as ParamsFor<F>;
    }
  }

  #resubscribe(client: RtClientApi): void {
    this.#unsubscribe();
    this.#generation++;
    const query = client.liveQuery(this.feed, this.#params());
    this.#query = query;
    this.#key = query.key;
    this.#off = query.subscribe((state) => this.#setState(state));
    this.#setState(query.getState());
  }

  #unsubscribe(): void {
    this.#off?.();
    this.#off = undefined;
    this.#query = undefined;
    this.#key = undefined;
  }

  #setState(state: LiveQueryState<DataFor<F>>): void {
    if (state === this.state) return;
    this.state = state;
    this.host.requestUpdate();
  }
}
