/**
 * The live-query store: one feed with one set of parameters, kept equal to the database.
 *
 *  1. subscribe to the (shared) channel BEFORE reading the snapshot;
 *  2. read the snapshot over REST; changes arriving meanwhile are applied at once AND buffered,
 *     then re-applied on top of the snapshot, so nothing slips between snapshot and stream;
 *  3. merge by primary key with `updated_at` as version guard: an older version never overwrites
 *     a newer one; INSERT / UPDATE / DELETE; ordered, bounded lists stay ordered and bounded;
 *  4. whenever the channel becomes ready again (reconnect, rejoin, token refresh) the store goes
 *     `stale`, re-reads the snapshot and goes `live` again;
 *  5. subscribers hear at most once per animation frame, and a terminal row state (completed,
 *     failed…) is always delivered before it is replaced;
 *  6. failures land in `state.error` as typed RtErrors; nothing is thrown;
 *  7. feeds with `countWhere` (unread alerts / notifications) also keep the TRUE count over the
 *     whole table, not only over the bounded rows held: counted held rows (after optimistic
 *     overlays) + `outside`, the counted rows not held. `outside` is read with every snapshot
 *     (`count - counted held`), adjusted live (an UPDATE of a row not held by its old/new values,
 *     rows trimmed out of the window, a DELETE whose old row is known) and re-read when a change
 *     makes it ambiguous (a DELETE of an unknown row, changes racing a count read).
 */
import type { ChangeListener, ChannelState, CountResult, LiveSource, RowChange, SnapshotQuery, SnapshotResult } from './client-types.js';
import type { ConnectionStatus, LiveQueryPhase, LiveQueryState, RtError } from './types.js';
import { createFrameNotifier, type FrameNotifier } from './frame.js';
import { isRtError, messageOf, rtError } from './errors.js';
import { parseTimestamp, versionOf } from './version.js';
import { realtimeFilter } from './feeds/index.js';
import type { ResolvedFeed } from './feeds/feed.js';

export interface StoreRow {
  id: string;
  updated_at?: string | null;
  [column: string]: unknown;
}

export interface LiveQueryStoreOptions<R extends StoreRow> {
  kind: 'single' | 'list';
  source: LiveSource;
  /** Resolves parameters (user / org defaults) into a query; may fail with an RtError. */
  resolve: () => Promise<ResolvedFeed | RtError>;
  isTerminal?: (row: R) => boolean;
  /** Injected for tests; defaults to a per-frame notifier. */
  createNotifier?: (flush: () => void) => FrameNotifier;
  /** Retry delays for failed snapshots (ms). */
  retryDelays?: number[];
  now?: () => number;
}

interface Overlay {
  patch: Record<string, unknown>;
  /** Version of the row when the patch was made; a newer server version supersedes the patch. */
  baseVersion: number;
  expiresAt: number | null;
}

const DEFAULT_RETRY = [1000, 2000, 5000, 10_000, 30_000];
const TOMBSTONE_LIMIT = 500;

export function initialState<T>(kind: 'single' | 'list'): LiveQueryState<T> {
  return { phase: 'loading', data: (kind === 'list' ? [] : null) as T, error: null, status: 'connecting', updatedAt: null };
}

export class LiveQueryStore<R extends StoreRow, T = R[] | R | null> {
  state: LiveQueryState<T>;
  /** How many times subscribers were notified (diagnostics and tests). */
  notifications = 0;

  private readonly listeners = new Set<(state: LiveQueryState<T>) => void>();
  private readonly notifier: FrameNotifier;
  private rows = new Map<string, R>();
  private readonly overlays = new Map<string, Overlay>();
  private readonly tombstones = new Map<string, number>();
  private buffer: RowChange<R>[] | null = null;
  private fetchSeq = 0;
  private snapshotEpoch = -1;
  private everLoaded = false;
  private channel: ChannelState = { status: 'connecting', ready: false, epoch: 0, error: null };
  /** The query has been `live` at least once (then a later drop reads `stale`, not `connecting`). */
  private everLive = false;
  private resolved: ResolvedFeed | null = null;
  private releaseChannel: (() => void) | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private refillTimer: ReturnType<typeof setTimeout> | undefined;
  /** A refill read (after a full window lost rows) is in flight. */
  private refilling = false;
  private retries = 0;
  private started = false;
  private stopped = false;
  private phase: LiveQueryPhase = 'loading';
  private error: RtError | null = null;
  private fatal: RtError | null = null;
  private updatedAt: number | null = null;
  private readonly now: () => number;
  /** Counted rows (`query.countWhere`) of the query that are not held: total = counted held + outside. */
  private outside = 0;
  /** Optimistic value of `outside` (markAllAsRead) until the write is confirmed or rolled back. */
  private outsideOverride: { value: number } | null = null;
  private countSeq = 0;
  private countReading = false;
  /** A change arrived while a count was being read: the count may or may not include it. */
  private countDirty = false;
  private recountTimer: ReturnType<typeof setTimeout> | undefined;
  private recountTries = 0;

  constructor(private readonly options: LiveQueryStoreOptions<R>) {
    this.state = initialState<T>(options.kind);
    this.notifier = (options.createNotifier ?? createFrameNotifier)(() => this.deliver());
    this.now = options.now ?? Date.now;
  }

  get table(): string | null {
    return this.resolved?.query.table ?? null;
  }

  /** The resolved query (null until resolved). */
  get query(): SnapshotQuery | null {
    return this.resolved?.query ?? null;
  }

  subscribe(listener: (state: LiveQueryState<T>) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    void this.boot();
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.notifier.cancel();
    clearTimeout(this.retryTimer);
    clearTimeout(this.refillTimer);
    clearTimeout(this.recountTimer);
    this.releaseChannel?.();
    this.releaseChannel = null;
    this.listeners.clear();
  }

  /** Re-read the snapshot now. */
  refresh(): void {
    if (!this.resolved || this.stopped) return;
    if (this.everLoaded && this.phase === 'live') this.phase = 'stale';
    this.emit();
    void this.fetch();
  }

  /** Fold one change in (also used by tests with fakes). */
  applyChange(change: RowChange<R>): void {
    if (this.stopped || !this.resolved) return;
    if (this.buffer) this.buffer.push(change);
    if (this.countReading) this.countDirty = true;
    const changed = this.fold(change, true);
    if (changed) {
      this.updatedAt = this.now();
      this.emit();
    }
  }

  /**
   * Show `patch` on row `id` until the server confirms it (a newer version arrives) or
   * `rollback()` is called. Returns null when the store does not hold the row.
   */
  patchOptimistic(id: string, patch: Record<string, unknown>): { rollback(): void; confirm(): void } | null {
    const row = this.rows.get(id);
    if (!row) return null;
    const overlay: Overlay = { patch, baseVersion: versionOf(row), expiresAt: null };
    const previous = this.overlays.get(id);
    this.overlays.set(id, overlay);
    this.emit();
    return {
      rollback: () => {
        if (this.overlays.get(id) !== overlay) return;
        if (previous) this.overlays.set(id, previous);
        else this.overlays.delete(id);
        this.emit();
      },
      confirm: () => {
        // Keep showing the patch until the server's own change (or a snapshot) arrives, at most 10 s.
        overlay.expiresAt = this.now() + 10_000;
        setTimeout(() => {
          if (this.overlays.get(id) === overlay) {
            this.overlays.delete(id);
            this.emit();
          }
        }, 10_050);
      },
    };
  }

  /**
   * Show `value` as the count of counted rows not held (markAllAsRead: 0) until `confirm()` makes
   * it the real value or `rollback()` drops it. Null when the store keeps no count.
   */
  patchCountOptimistic(value: number): { rollback(): void; confirm(): void } | null {
    if (!this.resolved?.query.countWhere) return null;
    const override = { value };
    this.outsideOverride = override;
    this.emit();
    return {
      rollback: () => {
        if (this.outsideOverride !== override) return;
        this.outsideOverride = null;
        this.emit();
      },
      confirm: () => {
        if (this.outsideOverride !== override) return;
        this.outsideOverride = null;
        this.outside = value;
        this.emit();
        this.scheduleRecount(1000); // cheap insurance against a write racing the count
      },
    };
  }

  /** Ids of the rows held (after overlays), in order. */
  rowIds(): string[] {
    return this.ordered().map((r) => r.id);
  }

  // ---- internals ------------------------------------------------------------------------

  private async boot(): Promise<void> {
    let resolved: ResolvedFeed | RtError;
    try {
      resolved = await this.options.resolve();
    } catch (err) {
      resolved = rtError('bad-config', messageOf(err));
    }
    if (this.stopped) return;
    if (isRtError(resolved)) {
      this.fatal = resolved;
      this.phase = 'error';
      this.error = resolved;
      this.channel = { ...this.channel, status: 'error' };
      this.emit();
      return;
    }
    this.resolved = resolved;
    const listener: ChangeListener<R> = {
      onChange: (c) => this.applyChange(c),
      onState: (s) => this.onChannelState(s),
    };
    // 1. subscribe first …
    this.releaseChannel = this.options.source.subscribe<R>(
      { table: resolved.query.table, filter: realtimeFilter(resolved.query.eq), name: resolved.name },
      listener,
    );
    // 2. … then read the snapshot (unless the channel's state already started one), and again
    //    once the channel is confirmed ready if it is not yet.
    if (this.fetchSeq === 0) void this.fetch();
  }

  private onChannelState(s: ChannelState): void {
    if (this.stopped) return;
    this.channel = s;
    if (s.ready && s.epoch !== this.snapshotEpoch && this.resolved) {
      // Reconnected / rejoined: whatever happened while we were away, re-read it.
      if (this.everLoaded && this.phase === 'live') this.phase = 'stale';
      void this.fetch();
    } else if (!s.ready && this.everLoaded && this.phase === 'live') {
      this.phase = 'stale';
    }
    this.emit();
  }

  private async fetch(): Promise<void> {
    if (!this.resolved || this.stopped) return;
    clearTimeout(this.retryTimer);
    const seq = ++this.fetchSeq;
    const epoch = this.channel.ready ? this.channel.epoch : -1;
    const query = this.resolved.query;
    const counting = this.counts();
    this.buffer = [];
    if (counting) {
      // The count is read with the snapshot; a recount in flight is superseded.
      this.countSeq++;
      this.countReading = true;
      this.countDirty = false;
      clearTimeout(this.recountTimer);
    }
    const [result, count] = await Promise.all([
      Promise.resolve()
        .then(() => this.options.source.select<R>(query))
        .catch((err): SnapshotResult<R> => ({ rows: null, error: rtError('server', messageOf(err)) })),
      counting ? this.readCount(query) : Promise.resolve(null),
    ]);
    if (this.stopped || seq !== this.fetchSeq) return;
    if (counting) this.countReading = false;
    const buffered = this.buffer ?? [];
    this.buffer = null;
    if (result.error) {
      this.error = result.error;
      if (!this.everLoaded) this.phase = 'error';
      else this.phase = this.everLive ? 'stale' : 'connecting';
      this.scheduleRetry();
      this.emit();
      return;
    }
    this.retries = 0;
    this.applySnapshot(result.rows, buffered, count);
    this.snapshotEpoch = epoch;
    this.everLoaded = true;
    this.updatedAt = this.now();
    this.settlePhase();
    this.emit();
  }

  private settlePhase(): void {
    if (this.options.kind === 'single' && this.rows.size === 0) {
      this.phase = 'error';
      this.error = rtError('not-found', 'Not found, or you do not have access to it.');
      return;
    }
    this.error = null;
    this.phase = this.notLivePhase();
  }

  /**
   * `live` only when this query's own channel is joined and confirmed AND the snapshot shown was
   * read after that confirmation; otherwise `connecting` (never live yet) or `stale` (was live).
   */
  private notLivePhase(): LiveQueryPhase {
    if (this.channel.ready && this.snapshotEpoch === this.channel.epoch) {
      this.everLive = true;
      return 'live';
    }
    return this.everLive ? 'stale' : 'connecting';
  }

  private scheduleRetry(): void {
    const delays = this.options.retryDelays ?? DEFAULT_RETRY;
    const delay = delays[Math.min(this.retries, delays.length - 1)];
    this.retries++;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.fetch(), delay);
  }

  private applySnapshot(snapshot: R[], buffered: RowChange<R>[], count: CountResult | null): void {
    const next = new Map<string, R>();
    for (const row of snapshot) {
      if (!row || typeof row.id !== 'string') continue;
      const current = this.rows.get(row.id);
      // Keep a newer row we already hold (its change was applied before this snapshot was read).
      next.set(row.id, current && versionOf(current) > versionOf(row) ? current : row);
    }
    this.rows = next;
    if (count) {
      if (count.error === null) {
        this.outside = Math.max(0, count.count - this.countHeld(this.rows.values()));
        this.recountTries = 0;
      } else {
        this.scheduleRecount(2000); // keep the previous value meanwhile
      }
    }
    for (const change of buffered) this.fold(change, false);
    this.trim();
    this.expireOverlays();
    // Changes that raced the reads may or may not be in the count: read it again.
    if (count && buffered.length > 0) this.scheduleRecount();
  }

  // ---- the count of counted rows (unread) over the whole table ----------------------------

  private counts(): boolean {
    return !!this.resolved?.query.countWhere && typeof this.options.source.count === 'function';
  }

  /** Whether a (full or partial) row is counted; null when it lacks a counted column. */
  private isCounted(row: Partial<StoreRow> | null | undefined): boolean | null {
    const where = this.resolved?.query.countWhere;
    if (!where || !row) return null;
    for (const [column] of where) if (row[column] === undefined) return null;
    return where.every(([column, value]) => String(row[column]) === value);
  }

  private countHeld(rows: Iterable<StoreRow>): number {
    let n = 0;
    for (const row of rows) if (this.isCounted(row)) n++;
    return n;
  }

  private adjustOutside(delta: number): void {
    this.outside = Math.max(0, this.outside + delta);
  }

  /**
   * A change to a row we do not hold: account for its previous state in `outside` (the row's new
   * state is added back by `trim()` if it stays out of the window). Returns whether the count moved.
   */
  private foldOutside(change: RowChange<R>): boolean {
    const query = this.resolved?.query;
    if (!query?.countWhere || change.type === 'INSERT') return false;
    const old = change.old as Partial<StoreRow> | null;
    const counted = this.isCounted(old);
    if (counted === null || !old || !matchesPartial(query, old)) {
      // Unknown previous state (e.g. a DELETE carrying only the primary key under RLS).
      if (counted === null) this.scheduleRecount();
      return false;
    }
    if (!counted) return false;
    this.adjustOutside(-1);
    return true;
  }

  private async readCount(query: SnapshotQuery): Promise<CountResult> {
    try {
      return await this.options.source.count!(query.table, [...query.eq, ...(query.countWhere ?? [])]);
    } catch (err) {
      return { count: null, error: rtError('server', messageOf(err)) };
    }
  }

  private scheduleRecount(delay = 300): void {
    if (!this.counts() || this.stopped) return;
    clearTimeout(this.recountTimer);
    this.recountTimer = setTimeout(() => void this.recount(), delay);
  }

  private async recount(): Promise<void> {
    const query = this.resolved?.query;
    if (!query || !this.counts() || this.stopped) return;
    if (this.buffer !== null) {
      // A snapshot read (which reads the count too) is in flight; it re-counts if needed.
      this.countDirty = true;
      return;
    }
    const seq = ++this.countSeq;
    this.countReading = true;
    this.countDirty = false;
    const res = await this.readCount(query);
    if (this.stopped || seq !== this.countSeq) return;
    this.countReading = false;
    if (res.error !== null || (this.countDirty && this.recountTries < 5)) {
      // Failed, or changes raced it (it may or may not include them): try again, a few times.
      if (this.recountTries++ < 5) this.scheduleRecount(res.error !== null ? 2000 : 300);
      return;
    }
    this.recountTries = 0;
    const next = Math.max(0, res.count - this.countHeld(this.rows.values()));
    if (next !== this.outside) {
      this.outside = next;
      this.emit();
    }
  }

  /** Apply one change to `rows`; returns whether anything visible changed. */
  private fold(change: RowChange<R>, live: boolean): boolean {
    const query = this.resolved?.query;
    if (!query) return false;
    if (change.type === 'DELETE') {
      const id = (change.old as StoreRow | null)?.id ?? (change.new as StoreRow | null)?.id;
      if (typeof id !== 'string') return false;
      const current = this.rows.get(id);
      if (!current) return this.foldOutside(change);
      const wasFull = this.options.kind === 'list' && query.limit !== undefined && this.rows.size >= query.limit;
      this.flushIfTerminal(current, null);
      this.rows.delete(id);
      this.overlays.delete(id);
      this.remember(id, versionOf(current));
      if (this.options.kind === 'single') {
        this.phase = 'error';
        this.error = rtError('not-found', 'Not found: it was deleted.');
      }
      // A full window lost a row: the next one (which we do not hold) belongs in it now. Also when
      // it was no longer full because of earlier deletes: a refill may have read before them.
      if ((wasFull || this.refillTimer !== undefined || this.refilling) && live) this.scheduleRefill();
      return true;
    }
    const row = change.new;
    if (!row || typeof row.id !== 'string') return false;
    const current = this.rows.get(row.id);
    if (!matches(query, row)) {
      // The row moved out of this query (e.g. its user_id changed).
      if (!current) return false;
      this.rows.delete(row.id);
      return true;
    }
    if (current && versionOf(row) < versionOf(current)) return false; // older: never wins
    const tomb = this.tombstones.get(row.id);
    if (!current && tomb !== undefined && versionOf(row) <= tomb) return false; // deleted already
    // An UPDATE of a row we do not hold (older than the window): it was counted outside.
    if (!current) this.foldOutside(change);
    const merged = (current ? { ...current, ...row } : row) as R;
    this.flushIfTerminal(current ?? null, merged);
    this.rows.set(row.id, merged);
    const overlay = this.overlays.get(row.id);
    if (overlay && versionOf(merged) > overlay.baseVersion) this.overlays.delete(row.id);
    if (this.options.kind === 'single' && this.error?.code === 'not-found') {
      this.error = null;
      this.phase = this.notLivePhase();
    }
    this.trim();
    return true;
  }

  /**
   * Coalescing must never swallow a terminal state: if subscribers have not yet been told about
   * a row that is terminal, and it is about to become something else, tell them now.
   */
  private flushIfTerminal(current: R | null, next: R | null): void {
    const isTerminal = this.options.isTerminal;
    if (!isTerminal || !current || !this.notifier.pending) return;
    if (isTerminal(current) && (!next || !isTerminal(next) || next.updated_at !== current.updated_at)) {
      this.notifier.flushNow();
    }
  }

  private remember(id: string, version: number): void {
    this.tombstones.set(id, version);
    if (this.tombstones.size > TOMBSTONE_LIMIT) {
      const first = this.tombstones.keys().next().value;
      if (first !== undefined) this.tombstones.delete(first);
    }
  }

  private scheduleRefill(): void {
    clearTimeout(this.refillTimer);
    this.refillTimer = setTimeout(() => {
      this.refillTimer = undefined;
      if (this.stopped) return;
      if (this.buffer !== null) return this.scheduleRefill(); // a read in flight: refill after it
      this.refilling = true;
      void this.fetch().finally(() => (this.refilling = false));
    }, 250);
  }

  private trim(): void {
    const limit = this.resolved?.query.limit;
    if (this.options.kind !== 'list' || limit === undefined || this.rows.size <= limit) return;
    const sorted = this.sortRows([...this.rows.values()]);
    // Rows leaving the window stay in the count.
    for (const dropped of sorted.slice(limit)) if (this.isCounted(dropped)) this.adjustOutside(1);
    this.rows = new Map(sorted.slice(0, limit).map((r) => [r.id, r]));
  }

  private expireOverlays(): void {
    const now = this.now();
    for (const [id, o] of this.overlays) {
      const row = this.rows.get(id);
      if (!row || versionOf(row) > o.baseVersion || (o.expiresAt !== null && o.expiresAt <= now)) this.overlays.delete(id);
    }
  }

  private sortRows(rows: R[]): R[] {
    const order = this.resolved?.query.order;
    if (!order) return rows;
    const dir = order.ascending ? 1 : -1;
    const col = order.column;
    return rows.sort((a, b) => {
      const c = compareValues(a[col], b[col]);
      if (c !== 0) return c * dir;
      return a.id < b.id ? -dir : a.id > b.id ? dir : 0;
    });
  }

  private ordered(): R[] {
    const rows = this.sortRows([...this.rows.values()]);
    if (!this.overlays.size) return rows;
    return rows.map((r) => {
      const o = this.overlays.get(r.id);
      return o ? ({ ...r, ...o.patch } as R) : r;
    });
  }

  private emit(): void {
    if (this.stopped) return;
    this.notifier.schedule();
  }

  private deliver(): void {
    if (this.stopped) return;
    const rows = this.ordered();
    const data = (this.options.kind === 'list' ? rows : (rows[0] ?? null)) as T;
    const status: ConnectionStatus = this.fatal ? 'error' : this.channel.status;
    // A channel that failed for a reason of its own (refused token, no access, too many channels)
    // is this query's error too: the widget must say why it is not live.
    const error = this.error ?? (this.channel.status === 'error' && this.phase !== 'live' ? this.channel.error : null);
    this.state = { phase: this.phase, data, error, status, updatedAt: this.updatedAt };
    if (this.resolved?.query.countWhere) {
      this.state.unreadCount = this.countHeld(rows) + (this.outsideOverride?.value ?? this.outside);
    }
    this.notifications++;
    for (const listener of [...this.listeners]) {
      try {
        listener(this.state);
      } catch (err) {
        // A subscriber's bug must not break the others (nor the page).
        console.error('[rt-monitor] live query subscriber failed:', err);
      }
    }
  }
}

function matches(query: SnapshotQuery, row: StoreRow): boolean {
  for (const [col, value] of query.eq) {
    const v = row[col];
    if (v === undefined) continue; // column not sent (partial record): trust the server filter
    if (String(v) !== value) return false;
  }
  return true;
}

/** Like `matches`, for a partial (old) row: columns it lacks are not held against it. */
function matchesPartial(query: SnapshotQuery, row: Partial<StoreRow>): boolean {
  return matches(query, row as StoreRow);
}

function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') {
    const ta = parseTimestamp(a);
    const tb = parseTimestamp(b);
    if (!Number.isNaN(ta) && !Number.isNaN(tb) && ta !== tb) return ta < tb ? -1 : 1;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  return String(a) < String(b) ? -1 : 1;
}
