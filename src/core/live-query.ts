/**
 * The live-query store: one feed with one set of parameters, kept equal to the database.
 *
 *  1. subscribe to the (shared) channel BEFORE reading the snapshot;
 *  2. read the snapshot over REST ({@link SnapshotReader}); changes arriving meanwhile are applied
 *     at once AND buffered, then re-applied on top of the snapshot, so nothing slips between them;
 *  3. merge by primary key with `updated_at` as version guard ({@link RowWindow});
 *  4. whenever the channel becomes ready again (reconnect, rejoin, token refresh) the store goes
 *     `stale`, re-reads the snapshot and goes `live` again;
 *  5. subscribers hear at most once per animation frame, and a terminal row state (completed,
 *     failed…) is always delivered before it is replaced;
 *  6. failures land in `state.error` as typed RtErrors; nothing is thrown;
 *  7. feeds with `countWhere` keep the true count over the whole table ({@link UnreadCount});
 *     optimistic patches show over held rows until confirmed ({@link Overlays}).
 *  8. the phase (loading / connecting / live / stale / error) is a state machine ({@link QueryPhase}).
 *  9. while Realtime runs behind the database ({@link RealtimeLag}, shared by a client's queries)
 *     the query is `stale` with that cause, and re-reads its snapshot at most once per
 *     {@link LATE_MS} until changes arrive on time again.
 * 10. a held row that revalidation ({@link reconcile}) finds newer must then arrive over Realtime
 *     within {@link LATE_MS}; if not, the channel is not delivering, and the query (with every
 *     other query on its table) is `stale` with that cause until Realtime delivers again
 *     ({@link UndeliveredWatch}); revalidation keeps reading its rows meanwhile, and the channel
 *     joins again (`LiveSource.rejoin`, spaced): a refusal shows its cause, a new subscription
 *     delivers again.
 */
import { initialState, type CountResult, type LiveSource, type RowChange, type SnapshotQuery, type SnapshotResult } from './client-types.js';
import type { LiveQueryState, RtError } from './types.js';
import { createFrameNotifier, type FrameNotifier } from './frame.js';
import { isRtError, messageOf, rtError, waitsForToken } from './errors.js';
import { realtimeFilter } from './feeds/index.js';
import { PINNED_LIMIT, type ResolvedFeed } from './feeds/feed.js';
import { RowWindow, rowKey, type StoreRow } from './row-window.js';
import { unsafeKey } from './keys.js';
import { versionOf } from './version.js';
import { clockSkew, serverNow } from './server-clock.js';
import { Overlays, type OverlayHandle } from './overlays.js';
import { UnreadCount } from './unread-count.js';
import { QueryPhase } from './query-phase.js';
import { SnapshotReader } from './snapshot-reader.js';
import { retryDelay } from './retry.js';
import { LATE_MS, RealtimeLag } from './realtime-lag.js';
import { UndeliveredWatch } from './undelivered-watch.js';
import { ChangeMerge } from './change-merge.js';

/** While its channel is refused, a query's rows are read over REST this often (ms). */
export const REFUSED_READ_EVERY_MS = 30_000;

/** A re-read older than the rows held is read again after this long before it is believed (ms). */
export const OLDER_READ_CONFIRM_MS = 1500;

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
  now?: () => number;
}

export { initialState };

/** Now on the server's clock (as estimated: never ahead of it), or undefined while it is unknown: when a read's reply came. */
function readTime(): number | undefined {
  return clockSkew() === null ? undefined : serverNow();
}

export class LiveQueryStore<R extends StoreRow, T = R[] | R | null> {
  state: LiveQueryState<T>;

  readonly #listeners = new Set<(state: LiveQueryState<T>) => void>();
  readonly #notifier: FrameNotifier;
  readonly #overlays: Overlays;
  #window: RowWindow<R> | null = null;
  #unread: UnreadCount | null = null;
  #reader: SnapshotReader<R> | null = null;
  /** Folds changes into the window, the count and the overlays (set with the window). */
  #merge: ChangeMerge<R> | null = null;
  readonly #phase = new QueryPhase();
  #resolved: ResolvedFeed | null = null;
  #releaseChannel: (() => void) | null = null;
  /** Errors from `ResolvedFeed.verifyEmpty`: the scope a read found empty is not visible to the user. */
  readonly #scopeGone = new WeakSet<RtError>();
  #started = false;
  #stopped = false;
  /** The problem last told to the subscription list (LiveSource.problemChanged). */
  #problem: RtError | null = null;
  #updatedAt: number | null = null;
  readonly #now: () => number;
  /** A re-read came back older than rows held: the next read decides (#snapshotRead). */
  #confirming = false;
  #confirmTimer: ReturnType<typeof setTimeout> | undefined;
  /** The parameters could not be resolved for a cause that may pass: booted again (see #boot). */
  #unresolved = false;
  #bootTries = 0;
  #bootTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #lag: RealtimeLag;
  #offLag: (() => void) | null = null;
  /** When Realtime running behind last asked for a re-read (ms, local clock). */
  #lateRead = 0;
  /** Reads the rows every REFUSED_READ_EVERY_MS while this query's channel is refused. */
  #refusedTimer: ReturnType<typeof setInterval> | undefined;
  /** The last read held PINNED_LIMIT rows in pinned states: more may be under way (`state.more`). */
  #cut = false;
  /** Whether Realtime delivers the changes revalidation finds (item 10). */
  readonly #watch: UndeliveredWatch;

  constructor(private readonly options: LiveQueryStoreOptions<R>) {
    this.state = initialState<T>(options.kind);
    this.#notifier = (options.createNotifier ?? createFrameNotifier)(() => this.#deliver());
    this.#now = options.now ?? Date.now;
    // A confirmed write whose change is late (realtime lagging): read the rows, do not show them as before the write.
    this.#overlays = new Overlays(() => this.#emit(), this.#now, () => this.#readAgain());
    const lag = (this.#lag = options.lag ?? new RealtimeLag());
    this.#watch = new UndeliveredWatch({
      lag,
      table: () => this.#resolved!.query.table,
      epoch: () => this.#phase.channel.epoch,
      checked: () => this.checked,
      changed: () => this.#behindChanged(),
      rejoin: (table) => this.options.source.rejoin?.(table),
      graceMs: options.deliveryGraceMs,
    });
  }

  get table(): string | null {
    return this.#resolved?.query.table ?? null;
  }

  /** The resolved query (null until resolved). */
  get query(): SnapshotQuery | null {
    return this.#resolved?.query ?? null;
  }

  subscribe(listener: (state: LiveQueryState<T>) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get listenerCount(): number {
    return this.#listeners.size;
  }

  start(): void {
    if (this.#started) return;
    this.#started = true;
    void this.#boot();
  }

  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    clearTimeout(this.#confirmTimer);
    clearTimeout(this.#bootTimer);
    clearInterval(this.#refusedTimer);
    this.#offLag?.();
    // Its evidence stays with the table's other queries (QA30 4: closing the widget that found it put them back on "Live").
    this.#watch.stop();
    if (!this.options.lag) this.#lag.dispose();
    this.#notifier.cancel();
    this.#reader?.stop();
    this.#unread?.dispose();
    this.#overlays.dispose();
    this.#releaseChannel?.();
    this.#releaseChannel = null;
    this.#listeners.clear();
  }

  /** Re-read the snapshot now. */
  refresh(): void {
    if (this.#stopped) return;
    if (!this.#resolved) {
      if (this.#unresolved) {
        this.#unresolved = false;
        clearTimeout(this.#bootTimer);
        void this.#boot();
      }
      return;
    }
    this.#phase.rereading();
    this.#emit();
    void this.#reader!.read();
  }

  /**
   * The server's copies of held rows, read again by key (`asked`: the keys asked for), folded in as
   * the changes {@link RowWindow.diff} finds (Realtime sends nothing when a row leaves the user's
   * view). Returns how many held rows the server no longer returned.
   */
  reconcile(fresh: ReadonlyMap<string, R>, asked: ReadonlySet<string>): number {
    if (this.#stopped || !this.#window) return 0;
    const changes = this.#window.diff(fresh, asked, readTime());
    const gone = changes.filter((c) => c.type === 'DELETE').length;
    // Every row of a list left the user's view: read the snapshot again instead (stale meanwhile),
    // so that a list whose scope the user lost says so (ResolvedFeed.verifyEmpty), as on a first
    // read, and never shows "nothing here" as Live in between.
    if (gone > 0 && this.options.kind === 'list' && gone === this.#window.size) {
      this.refresh();
      return gone;
    }
    const { epoch } = this.#phase.channel;
    const found = new Set<string>();
    for (const change of changes) {
      const key = rowKey(change.new);
      const before = key === null ? undefined : this.#window.get(key);
      this.#apply(change, false);
      // Newer than held, and held as the server has it now: Realtime owes this change (not one
      // that left the filter, nor one set back in time, whose delivery the version guard refused).
      const held = key === null ? undefined : this.#window.get(key);
      // Nor one Realtime never sends (Broadcast mode: a row without a topic id).
      if (before && held && versionOf(change.new) > versionOf(before) && versionOf(held) === versionOf(change.new) && this.options.source.sends?.(this.#resolved!.query.table, held) !== false) found.add(key!);
    }
    this.#watch.round(found, epoch);
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
    if (this.checked) this.#readAgain();
  }

  /**
   * The realtime connection cannot open: read the snapshot over REST meanwhile, without going
   * stale or live (the channel is not confirmed). Fresh rows while a proxy blocks WebSockets, or,
   * when REST fails too, its cause (a rejected API key) instead of the socket's.
   */
  readWhileDown(): void {
    this.#readAgain();
  }

  /**
   * Refused (a table not in the publication, too many channels): the rows are read over REST every
   * {@link REFUSED_READ_EVERY_MS} meanwhile, as while the socket cannot open; not for a refused
   * token (the session asks for a new one; a read would be refused too).
   */
  #whileRefused(): void {
    const { status, error } = this.#phase.channel;
    const refused = !this.#stopped && status === 'error' && !waitsForToken(error) && error?.code !== 'unauthorized';
    // Called on every channel state (and stop clears it): the timer runs exactly while refused.
    if (!refused) this.#refusedTimer = void clearInterval(this.#refusedTimer);
    else this.#refusedTimer ??= setInterval(() => this.#readAgain(), REFUSED_READ_EVERY_MS);
  }

  /**
   * Re-reads the snapshot without going stale, when this store holds nothing to check by key: an
   * empty list or a row not found (it may have come into the user's view without an event).
   */
  revalidateEmpty(): void {
    const { phase, error } = this.state;
    const empty = (phase === 'live' && this.#window?.size === 0) || (phase === 'error' && error?.code === 'not-found');
    if (empty) this.#readAgain();
  }

  /** Read the snapshot again now, unless a read is under way (or none ever started, or stopped). */
  #readAgain(): void {
    if (!this.#stopped && this.#reader?.started && !this.#reader.reading) void this.#reader.read();
  }

  /**
   * Re-reads the unread count (revalidation): a counted row outside the window that leaves the
   * user's view (given to another user) moves the count, and Realtime says nothing of it.
   */
  revalidateCount(): void {
    if (this.checked) this.#unread?.confirm();
  }

  /** Fold one change delivered by Realtime in (also used by tests with fakes). */
  applyChange(change: RowChange<R>): void {
    if (this.#stopped) return;
    if (this.#watch.cause) this.#watch.deliversAgain(); // Realtime delivers again
    if (this.table) this.#lag.delivered(this.table); // to the table: its other queries too
    this.#apply(change, true);
  }

  /** Fold one change in: from Realtime (its lateness measured), or read again by key (reconcile). */
  #apply(change: RowChange<R>, delivered: boolean): void {
    if (this.#stopped || !this.#window) return;
    // A bigint beyond 2^53 in a realtime change is rounded (realtime-js reads int8 as a number):
    // as a key or a filtered column it may name another row, elsewhere it would show a figure the
    // database does not hold. The rows are read again over REST, where such values stay exact (rest.ts).
    if ([change.new, change.old].some((row) => row && Object.values(row).some(unsafeKey))) {
      if (delivered) this.#watch.forgetOwed(); // delivered, under a key rounded: the refill reads them all
      return this.#reader!.refill();
    }
    this.#reader!.note(change);
    this.#unread?.noteChange(change);
    if (delivered) {
      this.#lag.observe(change.committedAt);
      this.#watch.arrived(rowKey((change.new ?? change.old) as StoreRow));
    }
    if (this.#merge!.fold(change, true)) {
      this.#updatedAt = this.#now();
      this.#emit();
    }
  }

  /** Realtime runs behind (or caught up): off Live with the cause, and the rows read over REST meanwhile. */
  #lagChanged(): void {
    if (this.#lag.cause && this.#reader && Date.now() - this.#lateRead > LATE_MS) {
      this.#lateRead = Date.now();
      this.#reader.refill(); // the database's rows now, not when Realtime gets to them
    }
    this.#behindChanged();
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
    const row = key === null ? undefined : this.#window?.get(key);
    return row ? this.#overlays.add(row, patch) : null;
  }

  /**
   * Show `value` as the count of counted rows not held (markAllAsRead: 0) until `confirm()` makes
   * it the real value or `rollback()` drops it. Null when the store keeps no count.
   */
  patchCountOptimistic(value: number): OverlayHandle | null {
    return this.#unread?.patch(value) ?? null;
  }

  /** Keys of the rows held, in order (revalidation asks the server for these, src/core/live-hub.ts). */
  rowIds(): string[] {
    return this.#ordered().map((r) => rowKey(r)!);
  }

  // ---- reading ----------------------------------------------------------------------------

  async #boot(): Promise<void> {
    let resolved: ResolvedFeed | RtError;
    try {
      resolved = await this.options.resolve();
    } catch (err) {
      resolved = rtError('bad-config', messageOf(err));
    }
    if (this.#stopped) return;
    if (isRtError(resolved)) {
      this.#phase.failed(resolved);
      this.#emit();
      // A cause that may pass (the default org's lookup on an expired session, the network): asked
      // again on refresh (a new token) and, unless waiting for a token, after the retry backoff.
      this.#unresolved = ['network', 'server', 'unauthorized', 'session-expired'].includes(resolved.code);
      if (this.#unresolved && !waitsForToken(resolved)) this.#bootTimer = setTimeout(() => this.refresh(), retryDelay(this.options.retryDelays, this.#bootTries++));
      return;
    }
    this.#phase.resolved();
    this.#resolved = resolved;
    const { query } = resolved;
    this.#window = new RowWindow<R>(this.options.kind, query, (row) => this.#unread?.trimmed(row));
    const reader = (this.#reader = new SnapshotReader<R>({
      select: () => this.#select(query, resolved),
      count: () => this.#unread?.readWithSnapshot(),
      epoch: () => this.#phase.readEpoch(),
      read: (rows, buffered, count, epoch) => this.#snapshotRead(rows, buffered, count, epoch),
      failed: (error, count) => {
        // The scope is gone for this user: what the page held from it goes too (not kept as "stale").
        if (this.#scopeGone.has(error)) this.#window!.replace([]);
        if (count) this.#unread!.snapshotFailed();
        this.#phase.snapshotFailed(error);
        this.#emit();
      },
      retryDelays: this.options.retryDelays,
      holdUntil: () => this.options.source.retryAt?.() ?? 0,
    }));
    if (query.countWhere && typeof this.options.source.count === 'function') {
      this.#unread = new UnreadCount({
        query,
        read: this.options.source.count.bind(this.options.source),
        held: () => this.#window!.values(),
        snapshotInFlight: () => reader.reading,
        changed: () => this.#emit(),
        missed: () => reader.refill(),
      });
    }
    this.#merge = new ChangeMerge<R>({
      kind: this.options.kind,
      window: this.#window,
      unread: this.#unread,
      overlays: this.#overlays,
      reader,
      phase: this.#phase,
      notifier: this.#notifier,
      isTerminal: this.options.isTerminal,
      scoped: !!resolved.verifyEmpty,
      refresh: () => this.refresh(),
    });
    // 1. subscribe first … 2. … then read the snapshot (unless the channel's state already started one).
    this.#releaseChannel = this.options.source.subscribe<R>({ table: query.table, filter: realtimeFilter(query.eq), name: resolved.name }, {
      onChange: (c) => this.applyChange(c),
      onState: (s) => {
        if (this.#stopped) return;
        reader.channel(s, this.#phase.channelChanged(s));
        // Refused or failed: that cause is named now, and a new join re-reads in a new epoch (QA30:
        // after a trigger was put back, "not arriving" stayed for a revalidation interval).
        if (s.status === 'error' && this.#watch.cause) this.#watch.deliversAgain();
        this.#whileRefused();
        this.#emit();
      },
      problem: () => this.#phase.error,
    });
    this.#offLag = this.#lag.subscribe(() => this.#lagChanged());
    this.#watch.follow(); // a table already found not delivering
    this.#phase.late(this.#lag.cause ?? this.#watch.cause); // a client already behind: not live until it has caught up
    if (!reader.started) void reader.read();
  }

  /** The snapshot; an empty list whose scope is not visible to the user reads as that error (ResolvedFeed.verifyEmpty). */
  async #select(query: SnapshotQuery, resolved: ResolvedFeed): Promise<SnapshotResult<R>> {
    const result = await this.options.source.select<R>(query);
    const problem = result.rows?.length === 0 && resolved.verifyEmpty ? await resolved.verifyEmpty() : null;
    if (problem) this.#scopeGone.add(problem);
    return problem ? { rows: null, error: problem } : result;
  }

  /** A snapshot read in `epoch` landed: its rows, with the changes that raced the read on top. */
  #snapshotRead(snapshot: R[], buffered: RowChange<R>[], count: CountResult | null, epoch: number): void {
    const window = this.#window!;
    // A re-read older than rows the server already sent (a service worker's or a proxy's cached
    // reply, a lagging read replica) is read once more before it is believed, the query staying
    // as it was meanwhile: a restored database gives the same rows again, a cache is fresh by then.
    if (!this.#confirming && snapshot.some((r) => versionOf(r) < versionOf(window.get(rowKey(r)!)) && versionOf(r) > -Infinity)) {
      this.#confirming = true;
      for (const change of buffered) this.#merge!.fold(change, false);
      this.#emit();
      this.#confirmTimer = setTimeout(() => this.#readAgain(), OLDER_READ_CONFIRM_MS);
      return;
    }
    this.#confirming = false;
    window.replace(snapshot, readTime());
    const pin = window.query.pinned;
    this.#cut = !!pin && snapshot.filter((r) => pin.values.includes(r[pin.column] as string)).length >= PINNED_LIMIT;
    if (count) this.#unread!.snapshotRead(count);
    for (const change of buffered) this.#merge!.fold(change, false);
    window.trim();
    this.#overlays.expire((key) => window.get(key));
    // Changes that raced the reads may or may not be in the count: read it again.
    if (count && buffered.length > 0) this.#unread!.schedule();
    this.#phase.snapshotRead(epoch, this.options.kind === 'single' && window.size === 0);
    this.#updatedAt = this.#now();
    this.#emit();
  }

  // ---- delivering -------------------------------------------------------------------------

  #ordered(): R[] {
    return this.#window ? this.#overlays.apply(this.#window.sorted()) : [];
  }

  #emit(): void {
    if (this.#stopped) return;
    this.#notifier.schedule();
    if (this.#phase.error !== this.#problem) {
      this.#problem = this.#phase.error;
      this.options.source.problemChanged?.();
    }
  }

  #deliver(): void {
    if (this.#stopped) return;
    const rows = this.#ordered();
    const data = (this.options.kind === 'list' ? rows : (rows[0] ?? null)) as T;
    this.state = { ...this.#phase.shown(), data, updatedAt: this.#updatedAt };
    if (this.#unread) this.state.unreadCount = this.#unread.total(rows);
    const more = this.#cut ? 'pinned' : this.#window?.full ? 'rows' : 0;
    if (more) this.state.more = more;
    for (const listener of [...this.#listeners]) {
      try {
        listener(this.state);
      } catch (err) {
        // A subscriber's bug must not break the others (nor the page).
        console.error('[rt-monitor] live query subscriber failed:', err);
      }
    }
  }
}
