/**
 * The live-query store: one feed with one set of parameters, kept equal to the database. It
 * orchestrates named parts, each in its own file:
 *  - {@link FeedResolution}: the parameters (user / org defaults) → a query, retried while the
 *    cause may pass;
 *  - {@link QueryRows}: the rows ({@link RowWindow}: merged by primary key, `updated_at` the
 *    version guard), their reads ({@link SnapshotReader}, {@link SnapshotLanding}), their count
 *    ({@link UnreadCount}) and the folding of a change into them ({@link ChangeMerge});
 *  - {@link QueryPhase}: loading / connecting / live / stale / error, and the cause shown;
 *  - {@link RealtimeLag} (shared by a client's queries) and {@link UndeliveredWatch}: whether
 *    Realtime can be trusted: it runs behind, or did not deliver a change revalidation found;
 *  - {@link StateDelivery}: subscribers hear at most once per animation frame.
 * The store keeps the order that makes a query true:
 *  1. subscribe to the (shared) channel BEFORE reading the snapshot; changes arriving during the
 *     read are applied at once AND re-applied on top of the snapshot, so nothing slips between;
 *  2. whenever the channel becomes ready again (reconnect, rejoin, token refresh) the query goes
 *     `stale`, re-reads the snapshot and goes `live` again;
 *  3. a terminal row state (completed, failed…) is delivered before it is replaced; optimistic
 *     patches ({@link Overlays}) show over held rows until confirmed;
 *  4. while Realtime runs behind, or did not deliver a change revalidation ({@link reconcile})
 *     found within {@link LATE_MS}, the query (with the table's other queries) is `stale` with
 *     that cause, its rows read over REST meanwhile and its channel joined again (spaced);
 *  5. failures land in `state.error` as typed RtErrors; nothing is thrown.
 */
import { initialState, INSERTED_LIMIT, type LiveSource, type RowChange, type SnapshotQuery } from './client-types.js';
import type { LiveQueryState, RtError } from './types.js';
import type { FrameNotifier } from './frame.js';
import { StateDelivery } from './state-delivery.js';
import { waitsForToken } from './errors.js';
import { realtimeFilter } from './feeds/index.js';
import type { ResolvedFeed } from './feeds/feed.js';
import { matches, rowKey, type StoreRow } from './row-window.js';
import { versionOf } from './version.js';
import { CatchUpMark } from './catch-up-mark.js';
import { Overlays, type OverlayHandle } from './overlays.js';
import { QueryPhase } from './query-phase.js';
import { FeedResolution } from './feed-resolution.js';
import { QueryRows } from './query-rows.js';
import { RealtimeLag } from './realtime-lag.js';
import { UndeliveredWatch } from './undelivered-watch.js';

export type { StoreRow } from './row-window.js';

export interface LiveQueryStoreOptions<R extends StoreRow> {
  kind: 'single' | 'list';
  source: LiveSource;
  /** Resolves parameters (user / org defaults) into a query; may fail with an RtError. */
  resolve: () => Promise<ResolvedFeed | RtError>;
  isTerminal?: (row: R) => boolean;
  /** Whether Realtime runs behind, shared by the client's queries (default: this query's own). */
  lag?: RealtimeLag;
  /** Injected for tests; defaults to the page's frame notifier. */
  createNotifier?: (flush: () => void) => FrameNotifier;
  /** Retry delays for failed snapshots (ms). */
  retryDelays?: number[];
  /** How long a change revalidation found may take to arrive over Realtime (ms; default {@link LATE_MS}). */
  deliveryGraceMs?: number;
  /** A change of `table` (standard name) arrived over Realtime: other queries may wait for its row ({@link parentArrived}). */
  arrived?: (table: string, change: RowChange<StoreRow>) => void;
  /** How far another live query of `subject` has seen (LiveQueryState.subject; another `limit`: {@link markOf}), to start from there. */
  seen?: (subject: string) => CatchUpMark<StoreRow> | undefined;
  /** A state was delivered (its phase may be another: the client's status counts it). */
  told?: () => void;
  now?: () => number;
}

export { initialState };

export class LiveQueryStore<R extends StoreRow, T = R[] | R | null> {
  /** Tells subscribers the state, at most once per frame. */
  readonly #delivery: StateDelivery<LiveQueryState<T>>;
  readonly #overlays: Overlays;
  /** The rows, their reads and their count (null until the parameters are resolved). */
  #rows: QueryRows<R> | null = null;
  readonly #phase = new QueryPhase();
  readonly #resolution: FeedResolution;
  #resolved: ResolvedFeed | null = null;
  /** Rows inserted over Realtime since the last built state (LiveQueryState.inserted). */
  #inserted: R[] = [];
  /** The last delivered state that named rows inserted, and the same without them ({@link state}). */
  #read?: [told: LiveQueryState<T>, later: LiveQueryState<T>];
  /** A list ordered newest first: how far it has seen, for the catch-up read (null otherwise). */
  #mark: CatchUpMark<R> | null = null;
  /** LiveQueryState.subject (undefined until resolved). */
  #subject: string | undefined;
  #releaseChannel: (() => void) | null = null;
  #started = false;
  #stopped = false;
  /** The problem last told to the subscription list (LiveSource.problemChanged). */
  #problem: RtError | null = null;
  #updatedAt: number | null = null;
  readonly #now: () => number;
  readonly #lag: RealtimeLag;
  #offLag: (() => void) | null = null;
  /** Whether Realtime delivers the changes revalidation finds (item 10). */
  readonly #watch: UndeliveredWatch;

  readonly #options: LiveQueryStoreOptions<R>;

  constructor(options: LiveQueryStoreOptions<R>) {
    this.#options = options;
    this.#delivery = new StateDelivery(initialState<T>(options.kind), () => this.#built(), options.createNotifier, options.told);
    this.#now = options.now ?? Date.now;
    // A confirmed write whose change is late (realtime lagging): read the rows, do not show them as before the write.
    this.#overlays = new Overlays(() => this.#emit(), this.#now, () => this.#rows?.readAgain());
    const lag = (this.#lag = options.lag ?? new RealtimeLag());
    this.#watch = new UndeliveredWatch({
      lag,
      table: () => this.#resolved!.query.table,
      epoch: () => this.#phase.channel.epoch,
      checked: () => this.checked,
      changed: () => this.#behindChanged(),
      rejoin: (table) => this.#options.source.rejoin?.(table),
      graceMs: options.deliveryGraceMs,
    });
    this.#resolution = new FeedResolution({
      resolve: options.resolve,
      retryDelays: options.retryDelays,
      resolved: (feed) => this.#boot(feed),
      failed: (error) => {
        this.#phase.failed(error);
        this.#emit();
      },
    });
  }

  get table(): string | null {
    return this.#resolved?.query.table ?? null;
  }

  /** How far this list has seen, when it is of `subject` and has been live (LiveQueryStoreOptions.seen). */
  markOf(subject: string): CatchUpMark<R> | undefined {
    return subject === this.#subject && this.#mark?.since !== undefined ? this.#mark : undefined;
  }

  /** The resolved query (null until resolved). */
  get query(): SnapshotQuery | null {
    return this.#resolved?.query ?? null;
  }

  /**
   * The state last delivered to subscribers, without its `inserted` rows: those were news to the
   * listeners that frame told, not to a reader later (a new subscriber reading `getState()` would
   * tell them again). The same object until the next delivery.
   */
  /** The query's own error while it is not live (a read refused: RestSource.outage), as of now, not of the last frame; null otherwise. */
  get readError(): RtError | null {
    return this.#phase.phase !== 'live' ? this.#phase.error : null;
  }

  /** Whether a snapshot read is in flight. */
  get reading(): boolean {
    return !!this.#rows?.reader.reading;
  }

  get state(): LiveQueryState<T> {
    const told = this.#delivery.state;
    if (!told.inserted) return (this.#read = undefined), told;
    if (this.#read?.[0] !== told) this.#read = [told, { ...told, inserted: undefined }];
    return this.#read[1];
  }

  /** `listener` hears the state at most once per animation frame; returns its unsubscribe. */
  subscribe(listener: (state: LiveQueryState<T>) => void): () => void {
    return this.#delivery.subscribe(listener);
  }

  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#resolution.start();
  }

  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#resolution.stop();
    this.#rows?.stop();
    this.#offLag?.();
    // Its evidence stays with the table's other queries (QA30 4: closing the widget that found it put them back on "Live").
    this.#watch.stop();
    if (!this.#options.lag) this.#lag.dispose();
    this.#delivery.stop();
    this.#overlays.dispose();
    this.#releaseChannel?.();
    this.#releaseChannel = null;
  }

  /** Re-read the snapshot now. */
  refresh(): void {
    if (this.#stopped) return;
    // Not resolved: tried again now if the cause may have passed (a new token).
    if (!this.#resolved) return this.#resolution.retry();
    this.#phase.rereading();
    this.#emit();
    void this.#rows!.reader.read();
  }

  /**
   * The server's copies of held rows, read again by key (`asked`: the keys asked for; `askedAt`: the
   * server's time when they were asked for, as estimated by src/core/server-clock.ts, never after
   * the true one; undefined when not known), folded in as the changes {@link RowWindow.diff} finds
   * (Realtime sends nothing when a row leaves the user's view; QueryRows.reconcile). A row Realtime
   * changed after `askedAt` keeps what Realtime said unless the copy's version is newer. Returns the
   * held rows the server no longer returned.
   */
  reconcile(fresh: ReadonlyMap<string, R>, asked: ReadonlySet<string>, askedAt: number | undefined): R[] {
    if (this.#stopped || !this.#rows) return [];
    const { epoch } = this.#phase.channel;
    const { gone, owed } = this.#rows.reconcile(fresh, asked, askedAt);
    if (owed) this.#watch.round(owed, epoch);
    return gone;
  }

  /**
   * Whether revalidation reads this query's rows again (src/core/live-hub.ts): it is live, or held
   * off Live only because Realtime did not deliver a change (item 10), its channel joined.
   */
  get checked(): boolean {
    if (this.#stopped || !this.#resolved) return false;
    const { phase, error, channel } = this.#phase;
    return phase === 'live' || (phase === 'stale' && channel.ready && error !== null && error === this.#watch.cause);
  }

  /**
   * Revalidation could not read the held rows again (an error, not an answer): read the snapshot
   * again, so that its failure shows with its cause (a renamed column, a refused token) instead of
   * "Live" over rows nobody can confirm.
   */
  revalidationFailed(): void {
    if (this.checked) this.#rows!.readAgain();
  }

  /**
   * The realtime connection cannot open: read the snapshot over REST meanwhile, without going
   * stale or live (the channel is not confirmed). Fresh rows while a proxy blocks WebSockets, or,
   * when REST fails too, its cause (a rejected API key) instead of the socket's.
   */
  readWhileDown(): void {
    this.#rows?.readAgain();
  }

  /**
   * Revalidation's first step (src/core/live-hub.ts), without going stale. Re-reads what cannot be
   * checked by key: the snapshot when nothing is held (an empty list, a row not found: it may have
   * come into the user's view without an event), and the unread count (a counted row not held can
   * leave the user's view, and Realtime says nothing of it). Returns the keys of the rows held, in
   * order, to read again by key; null when this query's rows are not {@link checked}.
   */
  recheck(): string[] | null {
    const { phase, error } = this.state;
    const empty = (phase === 'live' && this.#rows?.window.size === 0) || (phase === 'error' && error?.code === 'not-found');
    if (empty) this.#rows?.readAgain();
    if (!this.checked) return null;
    this.#rows!.unread?.confirm();
    return this.#ordered().map((r) => rowKey(r)!);
  }

  /**
   * Revalidation's list read (src/core/live-hub.ts): the query to read this list's rows again by,
   * as a whole, when it is {@link checked} and holds rows (an empty one is read again by
   * {@link recheck}); null otherwise.
   */
  listed(): SnapshotQuery | null {
    return this.#options.kind === 'list' && this.checked && this.#rows!.window.size > 0 ? this.#resolved!.query : null;
  }

  /**
   * The list's rows read again as a whole, asked for at the server's time `askedAt` (as
   * estimated): rows it lacks are folded in (QueryRows.reconcileList), and those Realtime owes must
   * arrive within the grace, as a held row found newer must (item 10). When some are new (past the
   * newest shown live), the rows are read again with the catch-up read of a resync, which tells
   * every row inserted since as inserted (`state.inserted`), oldest first, also those beyond the
   * list's limit; the mark stays where it was until then.
   */
  reconcileList(rows: readonly R[], askedAt: number | undefined): void {
    if (this.#stopped || !this.#rows || !this.checked) return;
    const { epoch } = this.#phase.channel;
    const mark = this.#mark;
    // Held still while the rows found are shown (they would move it past the rows to tell).
    const held = !!mark && !mark.owed && mark.ask() !== undefined;
    const { found, owed } = this.#rows.reconcileList(rows, askedAt);
    if (held) {
      if (found.some((row) => mark!.isNew(row))) this.#rows.reader.refill();
      else mark!.caughtUp([]);
    }
    this.#watch.round(owed, epoch);
  }

  /**
   * A resync's catch-up read landed with `missed`, oldest first: the new ones (past the newest
   * shown live) are told as inserted, then those Realtime inserted that these did not hold (each
   * once; QA45 F2: with more than INSERTED_LIMIT found, the cap dropped the newest, delivered ones).
   */
  #missed(missed: R[]): void {
    const mark = this.#mark!;
    const found = missed.filter((row) => matches(this.#resolved!.query, row) && mark.isNew(row));
    const keys = new Set(found.map(rowKey));
    this.#inserted = [...found, ...this.#inserted.filter((r) => !keys.has(rowKey(r)))].slice(-INSERTED_LIMIT);
    mark.caughtUp([...missed].reverse());
  }

  /** Fold one change delivered by Realtime in (also used by tests with fakes). */
  applyChange(change: RowChange<R>): void {
    const rows = this.#rows;
    if (this.#stopped || !rows) return;
    if (this.#watch.cause) this.#watch.deliversAgain(); // Realtime delivers again
    this.#lag.delivered(this.table!); // to the table: its other queries too
    // A change that cannot be folded (a rounded bigint): the rows are read again, all of them.
    if (!rows.accept(change)) return this.#watch.forgetOwed();
    // Broadcast mode: when the database sent it stands for its commit (just after); else a bound.
    const at = change.committedAt ?? change.sentAt;
    this.#lag.observe(at ?? this.#heldSince(change), at === undefined);
    this.#watch.arrived(rowKey((change.new ?? change.old) as StoreRow));
    rows.fold(change);
    this.#options.arrived?.(this.table!, change as RowChange<StoreRow>);
    // Each new row of a list, also one the bounded window does not keep (QA40: 20 of 30 rt-alert
    // events lost in a burst), for the next delivered state.
    if (change.type === 'INSERT' && change.new && this.#options.kind === 'list' && matches(this.#resolved!.query, change.new)) {
      if (this.#inserted.push(change.new) > INSERTED_LIMIT) this.#inserted.shift();
    }
  }

  /**
   * Without a commit time (broadcast mode): when `change` is older than the row held (read over
   * REST meanwhile), the held version's `updated_at` (kept by a trigger on the server's clock, after
   * this change committed: the row was locked until then). Realtime delivers it at least that late
   * (QA61 F1: "Live" over values 20 s old). Undefined otherwise.
   */
  #heldSince(change: RowChange<R>): number | undefined {
    const key = change.type === 'UPDATE' ? rowKey(change.new as StoreRow | null) : null;
    const held = key === null ? undefined : this.#rows?.window.get(key);
    const [mine, theirs] = [versionOf(change.new as StoreRow), held ? versionOf(held) : Number.NaN];
    return mine < theirs ? theirs : undefined;
  }

  /**
   * Row `key` of `table` arrived over Realtime (for another query): when this list reads "not found"
   * because that row was not visible (ResolvedFeed.parents: the stream of an agent activity list),
   * it is read again now, not at its next retry.
   */
  parentArrived(table: string, key: string | null): void {
    if (this.#stopped || this.#phase.error?.code !== 'not-found') return;
    if (this.#resolved?.parents?.some(([t, id]) => t === table && id === key)) this.#rows?.readAgain();
  }

  /** Off Live while Realtime runs behind, or did not deliver a change (item 10); live again when neither. */
  #behindChanged(): void {
    this.#watch.follow();
    if (this.#phase.late(this.#lag.cause ?? this.#watch.cause)) this.#emit();
  }

  /**
   * Show `patch` on row `id` until the server confirms it (a newer version arrives) or
   * `rollback()` is called. Returns null when the store does not hold the row.
   */
  patchOptimistic(id: string | number, patch: Record<string, unknown>): OverlayHandle | null {
    const key = rowKey({ id });
    const row = key === null ? undefined : this.#rows?.window.get(key);
    return row ? this.#overlays.add(row, patch) : null;
  }

  /**
   * Show `value` as the count of counted rows not held (markAllAsRead: 0) until `confirm()` makes
   * it the real value or `rollback()` drops it. Null when the store keeps no count.
   */
  patchCountOptimistic(value: number): OverlayHandle | null {
    return this.#rows?.unread?.patch(value) ?? null;
  }

  // ---- resolved ---------------------------------------------------------------------------

  /** The parameters resolved: the query's parts, its channel (1. subscribe first), then its snapshot (2.). */
  #boot(resolved: ResolvedFeed): void {
    this.#phase.resolved();
    this.#resolved = resolved;
    const { query } = resolved;
    const subject = (this.#subject = query.table + JSON.stringify(query.eq) + query.order?.column);
    const from = this.#options.seen?.(subject) as CatchUpMark<R> | undefined;
    const mark = (this.#mark = query.order && !query.order.ascending ? new CatchUpMark<R>(query.order.column, from) : null);
    const rows = (this.#rows = new QueryRows<R>({
      kind: this.#options.kind,
      feed: resolved,
      source: this.#options.source,
      overlays: this.#overlays,
      phase: this.#phase,
      notifier: this.#delivery.notifier,
      isTerminal: this.#options.isTerminal,
      retryDelays: this.#options.retryDelays,
      refresh: () => this.refresh(),
      changed: (read) => {
        if (read) this.#updatedAt = this.#now();
        this.#emit();
      },
      // Every read after Live (a resync, a read while down or while Realtime runs behind, a refill):
      // also the rows inserted since the newest shown live, which Realtime may never deliver (QA44
      // F1: rows a re-read showed while Realtime was behind moved that mark past three it then lost
      // in an outage).
      missedSince: () => mark?.ask(),
      // Oldest first: the new rows it found, then those Realtime inserted that it did not (each once;
      // QA45 F2: with more than INSERTED_LIMIT found, the cap dropped the newest, delivered ones).
      missed: (missed) => this.#missed(missed),
      owed: (keys) => this.#watch.round(keys, this.#phase.channel.epoch),
    }));
    const { reader } = rows;
    this.#releaseChannel = this.#options.source.subscribe<R>({ table: query.table, filter: realtimeFilter(query.eq), name: resolved.name }, {
      onChange: (c) => this.applyChange(c),
      onState: (s) => {
        if (this.#stopped) return;
        reader.channel(s, this.#phase.channelChanged(s));
        // Refused or failed: that cause is named now, and a new join re-reads in a new epoch (QA30:
        // after a trigger was put back, "not arriving" stayed for a revalidation interval).
        if (s.status === 'error' && this.#watch.cause) this.#watch.deliversAgain();
        rows.channelChanged();
        this.#emit();
      },
      problem: () => this.#phase.error,
    });
    // Realtime runs behind (or caught up): off Live with the cause, the rows read over REST meanwhile.
    this.#offLag = this.#lag.subscribe(() => {
      if (this.#lag.cause) rows.readBehind();
      this.#behindChanged();
    });
    this.#watch.follow(); // a table already found not delivering
    this.#phase.late(this.#lag.cause ?? this.#watch.cause); // a client already behind: not live until it has caught up
    // … then read the snapshot (unless the channel's state already started one).
    if (!reader.started) void reader.read();
  }

  // ---- delivering -------------------------------------------------------------------------

  #ordered(): R[] {
    return this.#rows ? this.#overlays.apply(this.#rows.window.sorted()) : [];
  }

  /**
   * The session failed, its cause changed, or it recovered (`recovered`: a new token replaced the
   * one that failed it, so this query's own refusal of that one is no cause any more): the next
   * frame shows it ({@link LiveSource.sessionFailed}).
   */
  causeChanged(recovered = false): void {
    if (recovered) this.#phase.tokenRenewed();
    this.#emit();
  }

  #emit(): void {
    if (this.#stopped) return;
    this.#delivery.schedule();
    if (this.#phase.error !== this.#problem) {
      this.#problem = this.#phase.error;
      this.#options.source.problemChanged?.();
    }
  }

  /** The state a frame delivers: the phase's, with the rows (optimistic patches on top) and the count. */
  #built(): LiveQueryState<T> {
    const rows = this.#ordered();
    const data = (this.#options.kind === 'list' ? rows : (rows[0] ?? null)) as T;
    const state: LiveQueryState<T> = { ...this.#phase.shown(), data, updatedAt: this.#updatedAt, subject: this.#subject };
    // Not live while the session has failed (expired, or its token refused): that is the cause, not
    // an older token's failure nor the network's while the socket was down (QA36), unless the query
    // has a cause of its own (a wrong column, no access). A query still live on the token the page
    // gave up (an expired one handed over is never sent: the channels keep the old one for a while)
    // is stale from then, as the connection is (QA37 N3: "Live" for ~8 s beside "Session expired").
    // Rows shown before the first read landed (changes that came during it) are not all there is:
    // "Connecting…", not the skeleton's silence (QA88a F1: two alerts of 43, with no badge).
    if (state.phase === 'loading' && (Array.isArray(data) ? data.length : data)) state.phase = 'connecting';
    const failed = this.#options.source.sessionFailed?.();
    if (failed && state.phase === 'live') state.phase = 'stale';
    if (failed && (!state.error || waitsForToken(state.error) || /^(unauthorized|network|server)$/.test(state.error.code))) state.error = failed;
    const { unread, cut, window } = this.#rows ?? {};
    if (unread) state.unreadCount = unread.total(rows);
    const more = cut ? 'pinned' : window?.full ? 'rows' : 0;
    if (more) state.more = more;
    // A catch-up read owed (in flight, or failed and retried): rows Realtime inserts meanwhile wait
    // for the rows it finds, and all come oldest first in one state (QA44 F4: one written after an
    // outage fired before it; QA45 F4: also when the socket was back before REST).
    if (this.#mark?.owed) state.catchingUp = true;
    // Kept while no one hears (released, lingering: an element moved in the DOM across a frame).
    else if (this.#inserted.length && this.#delivery.heard) {
      state.inserted = this.#inserted;
      this.#inserted = [];
    }
    // Shown to someone: not while released and lingering (QA47 F3: rows delivered then to no one
    // moved the mark past them, and a list re-added later fired only its newest).
    if (state.phase === 'live' && this.#delivery.heard) this.#mark?.see(rows);
    return state;
  }
}
