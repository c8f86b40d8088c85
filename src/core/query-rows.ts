/**
 * The rows of one resolved live query ({@link LiveQueryStore}), and when to read them over REST:
 * the {@link RowWindow} they are held in, the {@link SnapshotReader} that reads them, the
 * {@link SnapshotLanding} a read lands in, the {@link UnreadCount} (when the feed counts), and the
 * {@link ChangeMerge} that folds a change into all of these. Built once the query's parameters are
 * resolved, so that nothing here is ever half there. It reads the rows again, without going stale:
 *  - when a change cannot be folded (a rounded bigint);
 *  - when revalidation finds the server's copies differ from the rows held (`reconcile`);
 *  - while the channel is refused (every {@link REFUSED_READ_EVERY_MS});
 *  - while Realtime runs behind (at most once per {@link LATE_MS}).
 * The store decides the phase, the channel and what subscribers hear. Framework-free.
 */
import type { LiveSource, RowChange } from './client-types.js';
import type { ResolvedFeed } from './feeds/feed.js';
import type { FrameNotifier } from './frame.js';
import { waitsForToken } from './errors.js';
import { RowWindow, rowKey, type StoreRow } from './row-window.js';
import { unsafeKey } from './keys.js';
import { versionOf } from './version.js';
import { knownServerNow } from './server-clock.js';
import type { Overlays } from './overlays.js';
import { UnreadCount } from './unread-count.js';
import type { QueryPhase } from './query-phase.js';
import { SnapshotReader } from './snapshot-reader.js';
import { SnapshotLanding } from './snapshot-landing.js';
import { ChangeMerge } from './change-merge.js';
import { LATE_MS } from './realtime-lag.js';

/** While its channel is refused, a query's rows are read over REST this often (ms). */
export const REFUSED_READ_EVERY_MS = 30_000;

export interface QueryRowsOptions<R extends StoreRow> {
  kind: 'single' | 'list';
  feed: ResolvedFeed;
  source: LiveSource;
  overlays: Overlays;
  phase: QueryPhase;
  /** The store's frame notifier (flushed before a terminal row is replaced). */
  notifier: FrameNotifier;
  isTerminal?: (row: R) => boolean;
  /** Retry delays for failed reads (ms); the last one repeats. */
  retryDelays?: number[];
  /** Read the snapshot again, stale meanwhile (LiveQueryStore.refresh). */
  refresh(): void;
  /** What the query shows changed; `read`: its rows were read or changed now (`state.updatedAt`). */
  changed(read: boolean): void;
  /** A list's resync: read the rows inserted after this `order` value too (SnapshotLandingParts.missedSince). */
  missedSince?: () => string | undefined;
  /** The rows inserted while the channel was down, oldest first (SnapshotLandingParts.missed). */
  missed?: (rows: R[]) => void;
  /** Rows a read brought that Realtime owed (SnapshotLandingParts.owed). */
  owed?: (keys: Set<string>) => void;
}

export class QueryRows<R extends StoreRow> {
  readonly window: RowWindow<R>;
  readonly reader: SnapshotReader<R>;
  /** The true count over the whole table (null: the feed keeps none). */
  readonly unread: UnreadCount | null = null;
  readonly #landing: SnapshotLanding<R>;
  readonly #merge: ChangeMerge<R>;
  /** When Realtime running behind last had the rows read (ms, local clock). */
  #behindRead = -Infinity;
  /** Reads the rows every REFUSED_READ_EVERY_MS while the channel is refused. */
  #refusedTimer: ReturnType<typeof setInterval> | undefined;
  #stopped = false;

  readonly #options: QueryRowsOptions<R>;

  constructor(options: QueryRowsOptions<R>) {
    this.#options = options;
    const { kind, feed, source, overlays, phase } = options;
    const { query } = feed;
    const window = (this.window = new RowWindow<R>(kind, query, (row) => this.unread?.trimmed(row)));
    const landing = (this.#landing = new SnapshotLanding<R>({
      kind,
      query,
      window,
      unread: () => this.unread,
      merge: () => this.#merge,
      overlays,
      phase,
      select: (q) => source.select<R>(q),
      verifyEmpty: feed.verifyEmpty,
      readAgain: () => this.readAgain(),
      changed: options.changed,
      missedSince: options.missedSince,
      missed: options.missed,
      sends: (row) => this.#sends(row),
      owed: options.owed,
    }));
    const reader = (this.reader = new SnapshotReader<R>({
      select: () => landing.select(),
      count: () => this.unread?.readWithSnapshot(),
      epoch: () => phase.readEpoch(),
      read: (rows, buffered, count, epoch) => landing.landed(rows, buffered, count, epoch),
      failed: (error, count) => landing.failed(error, count),
      retryDelays: options.retryDelays,
      holdUntil: () => source.retryAt?.() ?? 0,
      quiet: () => window.unsure(),
    }));
    if (query.countWhere && typeof source.count === 'function') {
      this.unread = new UnreadCount({
        query,
        read: source.count.bind(source),
        held: () => window.values(),
        snapshotInFlight: () => reader.reading,
        changed: () => options.changed(false),
        missed: () => reader.refill(),
      });
    }
    this.#merge = new ChangeMerge<R>({
      kind,
      window,
      unread: this.unread,
      overlays,
      reader,
      phase,
      notifier: options.notifier,
      isTerminal: options.isTerminal,
      scoped: !!feed.verifyEmpty,
      refresh: options.refresh,
    });
  }

  /** The last read held PINNED_LIMIT rows in pinned states: more may be under way (`state.more`). */
  get cut(): boolean {
    return this.#landing.cut;
  }

  /**
   * Takes one change in (the read in flight, if any, buffers it unless `buffer` is false; the count
   * notes it), or, for a
   * change with a bigint beyond 2^53 (realtime-js reads int8 as a number, rounded: as a key or a
   * filtered column it may name another row, elsewhere it would show a figure the database does not
   * hold), reads the rows again over REST, where such values stay exact (rest.ts), and returns false.
   */
  accept(change: RowChange<R>, buffer = true): boolean {
    if ([change.new, change.old].some((row) => row && Object.values(row).some(unsafeKey))) {
      this.window.unsure();
      this.reader.refill();
      return false;
    }
    if (buffer) this.reader.note(change);
    this.unread?.noteChange(change);
    return true;
  }

  /** Folds an accepted change in, as delivered now. */
  fold(change: RowChange<R>): void {
    if (this.#merge.fold(change, true)) this.#options.changed(true);
  }

  /**
   * The server's copies of held rows, read again by key (`asked`: the keys asked for, at the server's
   * time `askedAt` as estimated), folded in as the changes {@link RowWindow.diff} finds (Realtime
   * sends nothing when a row leaves the user's view). Returns the held rows the server no longer returned, and the keys of the changes
   * Realtime owes (null: every row of a list left the user's view, and the snapshot is read again).
   */
  reconcile(fresh: ReadonlyMap<string, R>, asked: ReadonlySet<string>, askedAt: number | undefined): { gone: R[]; owed: Set<string> | null } {
    const { window } = this;
    const changes = window.diff(fresh, asked, askedAt, knownServerNow());
    const gone = changes.flatMap((c) => (c.type === 'DELETE' ? [c.old as R] : []));
    // The list's snapshot instead (stale meanwhile), so that a list whose scope the user lost says
    // so (ResolvedFeed.verifyEmpty), as on a first read, never "nothing here" as Live in between.
    if (gone.length && this.#options.kind === 'list' && gone.length === window.size) {
      this.#options.refresh();
      return { gone, owed: null };
    }
    const owed = new Set<string>();
    for (const change of changes) {
      const key = rowKey(change.new);
      const before = key === null ? undefined : window.get(key);
      // Folded into the rows held now, never buffered for a snapshot in flight: that read may have
      // been asked after this one, and folding the re-check's copy over it would set it back (a row
      // that came back into view would stay removed, and nothing would read it again).
      if (this.accept(change, false)) this.fold(change);
      // Newer than held, and held as the server has it now: Realtime owes this change (not one
      // that left the filter, nor one set back in time, whose delivery the version guard refused).
      const held = key === null ? undefined : window.get(key);
      // Nor one Realtime never sends (Broadcast mode: a row without a topic id).
      if (before && held && versionOf(change.new) > versionOf(before) && versionOf(held) === versionOf(change.new) && this.#sends(held)) owed.add(key!);
    }
    return { gone, owed };
  }

  /**
   * A list's rows read again as its query reads them (`rows`, asked for at the server's time
   * `askedAt`, as estimated): a row among them that the window lacks came into the user's view
   * without an event (a policy widened: QA64 F2) or was never delivered (its table taken out of the
   * publication while only inserts happen: QA64 F1). Each is folded in as an INSERT committed at
   * `askedAt`, so that a deletion Realtime delivered after the ask still wins. Returns the rows
   * folded in and held, in the list's order, and the keys of those Realtime owes: inserted (by the
   * list's order column, newest first, a timestamp; else by version) after the rows were last read
   * whole ({@link RowWindow.readAt}), when Realtime was to deliver them, and above the last row
   * held then (not a row that slid up from below the limit when a row left), with no read under
   * way; none when a row from well before that read came into view ({@link RowWindow.sinceRead}).
   */
  reconcileList(rows: readonly R[], askedAt: number | undefined): { found: R[]; owed: Set<string> } {
    const { window, reader } = this;
    const found = new Set<string>();
    const owed = new Set<string>();
    const last = window.lastInLimit;
    let widened = false;
    for (const row of rows) {
      const key = rowKey(row);
      if (key === null || window.get(key)) continue;
      const change: RowChange<R> = { type: 'INSERT', new: row, old: null, committedAt: askedAt };
      if (!this.accept(change, false)) break; // a rounded bigint: every row is read again
      this.fold(change);
      // Not held: deleted since the ask, or pushed out by rows Realtime delivered since.
      const held = window.get(key);
      if (!held) continue;
      found.add(key);
      // A whole read under way (or due) judges it when it lands.
      const later = reader.reading || reader.refilling;
      if (later) window.unjudged.add(key);
      const since = later ? 0 : window.sinceRead(held, last);
      if (since > 0 && this.#sends(held)) owed.add(key);
      widened ||= since < 0;
    }
    // A row from before the last read came into view: the user's view widened, and the rows
    // committed meanwhile may have been hidden from the user then (QA66 F1).
    return { found: found.size ? window.sorted().filter((r) => found.has(rowKey(r)!)) : [], owed: widened ? new Set() : owed };
  }

  /** Whether Realtime sends `row`'s changes (not Broadcast mode's row without a topic id). */
  #sends(row: R): boolean {
    return this.#options.source.sends?.(this.#options.feed.query.table, row) !== false;
  }

  /** Read the snapshot again now, unless a read is under way (or none ever started, or stopped). */
  readAgain(): void {
    if (!this.#stopped && this.reader.started && !this.reader.reading) void this.reader.read();
  }

  /** Realtime runs behind: the database's rows now, not when Realtime gets to them (at most once per LATE_MS). */
  readBehind(): void {
    // Intervals on the monotonic clock: the page's clock set back must not hold them (QA71 F1).
    if (performance.now() - this.#behindRead <= LATE_MS) return;
    this.#behindRead = performance.now();
    this.reader.refill();
  }

  /**
   * The channel's state changed. Refused (a table not in the publication, too many channels): the
   * rows are read every {@link REFUSED_READ_EVERY_MS}, as while the socket cannot open; not for a
   * refused token (the session asks for a new one; a read would be refused too).
   */
  channelChanged(): void {
    const { status, error } = this.#options.phase.channel;
    const refused = !this.#stopped && status === 'error' && !waitsForToken(error) && error?.code !== 'unauthorized';
    // The timer runs exactly while refused.
    if (!refused) this.#refusedTimer = void clearInterval(this.#refusedTimer);
    else this.#refusedTimer ??= setInterval(() => this.readAgain(), REFUSED_READ_EVERY_MS);
  }

  stop(): void {
    this.#stopped = true;
    clearInterval(this.#refusedTimer);
    this.#landing.stop();
    this.reader.stop();
    this.unread?.dispose();
  }
}
