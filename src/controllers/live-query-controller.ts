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
import { feedOf, initialState, INSERTED_LIMIT, type DataFor, type FeedRef, type ParamsFor, type RtClientApi, type LiveQuery } from '../core/client-types.js';
import type { ConnectionStatus, LiveQueryPhase, LiveQueryState, RtError } from '../core/types.js';
import { ClientController, type RtHost } from './client-controller.js';
import { lineageOf } from '../core/client-lineage.js';

/** Parameters changed in place were said on the console (once per page). */
let saidInPlace = false;

/** Subjects per client whose generation a controller keeps (LiveQueryController.generation). */
const KNOWN_SUBJECTS = 4;

export class LiveQueryController<F extends FeedRef> extends ClientController {
  /** The latest state (data, phase, status, error, updatedAt). */
  state: LiveQueryState<DataFor<F>>;

  #query: LiveQuery<DataFor<F>> | undefined;
  #off: (() => void) | undefined;
  #key: string | undefined;
  /** The parameters #key was made from (a copy), and the object they were given as. */
  #lastParams: ParamsFor<F> | undefined;
  #lastGiven: ParamsFor<F> | undefined;
  #activeClient: RtClientApi | undefined;
  #generation = 0;
  /** Generations given so far (each new subject of a client gets the next). */
  #generations = 0;
  /** The generation of each subject a client's states named (the last few): a subject shown again gets its own back. */
  readonly #known = new WeakMap<object, Map<string, number>>();
  /** LiveQueryState.subject of the latest state that named one (undefined: none yet, or another client since). */
  #subject: string | undefined;
  /** The client last subscribed to. */
  #client: RtClientApi | undefined;

  constructor(
    host: RtHost,
    readonly feed: F,
    private readonly paramsFn: () => ParamsFor<F>,
  ) {
    super(host);
    this.state = initialState<DataFor<F>>(feedOf(feed)?.kind ?? 'list');
  }

  /**
   * Which subject `state` comes from (LiveQueryState.subject: the resolved table and filters):
   * changes whenever a state names another one (other parameters), or comes from another client
   * (another user). Rows of one generation can be compared (what arrived since the last look); rows
   * of another belong to another subject. A new `limit`, a `user-id` naming the signed-in user,
   * the same client lost and back (the element moved in the DOM): the same generation (QA45 F3,
   * QA46 F3: rows written while the list was read again were taken for its first look and never
   * fired). A subject shown again (of the same client) after another gets its generation back:
   * moved to another user's provider and back, a `user-id` set and removed (QA68 F2).
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
    const params = this.#params();
    // The same parameters give the same key: skip building a query per render to read it.
    if (this.#key !== undefined && sameParams(params, this.#lastParams)) return;
    if (params === this.#lastGiven && !saidInPlace) {
      // Changed in place (a Vue reactive() object, `el.params.teamId = …`): seen only now, at an
      // update that came for another reason; nothing tells the element when it happened (QA86 M3).
      saidInPlace = true;
      console.warn(`rt-monitor: <${this.host.localName}> params changed in place are seen only at its next update; give a new object ({ ...params }).`);
    }
    const key = this.#activeClient.liveQuery(this.feed, params).key;
    if (key !== this.#key) this.#resubscribe(this.#activeClient);
    else this.#lastParams = { ...params };
    this.#lastGiven = params;
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
      const initial = initialState<DataFor<F>>(feedOf(this.feed)?.kind ?? 'list');
      this.#setState(this.waitingForClient ? initial : { ...initial, phase: 'error', status: 'error', error: this.notConfigured });
      return;
    }
    // Another client is another user (rt-provider makes one per user): a new generation, also
    // for rows of the same table and filters (an org's streams).
    if (client !== this.#client) this.#subject = undefined;
    this.#client = client;
    this.#resubscribe(client);
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
    const params = this.#params();
    const query = client.liveQuery(this.feed, params);
    // A copy: a caller's object changed in place (`el.params.streamId = …`) must not read as unchanged.
    this.#lastParams = { ...params };
    this.#lastGiven = params;
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
    this.#lastParams = this.#lastGiven = undefined;
  }

  #setState(state: LiveQueryState<DataFor<F>>): void {
    if (state === this.state) return;
    this.state = state;
    const { subject } = state;
    if (subject && subject !== this.#subject) {
      this.#subject = subject;
      // Per line of clients: one its provider made again after a while away carries on (QA86 M2).
      const line = this.#client && lineageOf(this.#client);
      const known = (line && this.#known.get(line)) || new Map<string, number>();
      if (line) this.#known.set(line, known);
      this.#generation = known.get(subject) ?? ++this.#generations;
      known.delete(subject);
      known.set(subject, this.#generation);
      if (known.size > KNOWN_SUBJECTS) known.delete(known.keys().next().value!);
      this.#inserted = [];
    }
    if (this.collectsInserted && state.inserted) {
      this.#inserted.push(...state.inserted);
      if (this.#inserted.length > INSERTED_LIMIT) this.#inserted.splice(0, this.#inserted.length - INSERTED_LIMIT);
    }
    this.host.requestUpdate();
  }

  /** Whether {@link takeInserted} is kept (a feed whose new rows fire events: UserFeedController). */
  protected readonly collectsInserted: boolean = false;
  #inserted: unknown[] = [];

  /**
   * The rows Realtime inserted since the last call, in commit order, from every state delivered
   * meanwhile (LiveQueryState.inserted: also rows the bounded list did not keep); at most
   * INSERTED_LIMIT. Always [] unless the controller {@link collectsInserted}.
   */
  takeInserted(): unknown[] {
    const rows = this.#inserted;
    this.#inserted = [];
    return rows;
  }
}

/**
 * Same own keys with the same primitive values (an object value, which could have been changed in
 * place, never counts as the same: the key is computed then).
 */
function sameParams(a: object, b: object | undefined): boolean {
  if (!b) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) {
    const v = (a as Record<string, unknown>)[k];
    if ((typeof v === 'object' && v !== null) || typeof v === 'function' || v !== (b as Record<string, unknown>)[k]) return false;
  }
  return true;
}
