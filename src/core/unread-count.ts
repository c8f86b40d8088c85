/**
 * The TRUE count of counted rows (`query.countWhere`, e.g. unread alerts) over the whole table,
 * not only over the bounded rows a live query holds:
 *
 *   total = counted held rows (after optimistic overlays) + outside
 *
 * `outside` (the counted rows not held) is read with every snapshot (`count − counted held`),
 * adjusted live (an UPDATE of a row not held by its old values, rows trimmed out of the window, a
 * DELETE whose old row is known) and re-read when a change makes it ambiguous (a DELETE of an
 * unknown row, changes racing a count read). Failed reads keep the previous value and retry.
 *
 * Every live adjustment is ambiguous too, and is confirmed by a re-read soon after: the count read
 * and the change stream are not ordered with each other. A change committed BEFORE a count was
 * read can be delivered AFTER the read landed (the server's change fan-out runs behind its REST
 * reads, on other connections), and adjusting `outside` by it counts it twice; the select and the
 * count of one snapshot are two reads, so a row inserted between them can be in the count and not
 * in the rows. Adjusting at once keeps the number moving with the data; the re-read (repeated
 * while changes race it) makes it equal the database once changes stop.
 *
 * Changes are ordered against count reads by the server's clock where both are known: a change
 * whose `commit_timestamp` is before the time a count was requested (the server's time as
 * estimated by ./server-clock.ts, never later than the true one) is already in that count, so
 * folding it leaves the total as it is and asks for no re-read (`fold()`). A burst of changes
 * committed together and delivered over seconds (5,000 rows in one statement) is then counted
 * once, never twice while the stream catches up. Without a commit time (broadcast mode) or a
 * clock estimate, every change is adjusted and confirmed as above. This assumes the database's
 * clock and the REST `Date` header's agree within the estimate's slack (NTP-synced servers).
 */
import type { CountResult, RowChange, SnapshotQuery } from './client-types.js';
import { matches, type StoreRow } from './row-window.js';
import { messageOf, rtError, waitsForToken } from './errors.js';
import { clockSkew } from './server-clock.js';

/** Re-read delays (ms): after an ambiguous change, after a failed read; at most MAX_TRIES in a row. */
const RECOUNT_SOON_MS = 300;
const RECOUNT_AFTER_ERROR_MS = 2000;
const RECOUNT_AFTER_WRITE_MS = 1000;
const MAX_TRIES = 5;

export interface UnreadCountOptions {
  query: SnapshotQuery;
  /** `HEAD … Prefer: count=exact` of the table under `eq` (see LiveSource.count). */
  read: (table: SnapshotQuery['table'], eq: ReadonlyArray<readonly [string, string]>) => Promise<CountResult>;
  /** The rows held now (for `count − counted held`). */
  held: () => Iterable<StoreRow>;
  /** A snapshot read (which reads the count too) is in flight. */
  snapshotInFlight: () => boolean;
  /** The total changed. */
  changed: () => void;
  /**
   * A re-read found more counted rows outside the held ones than it knew of, with no change
   * racing it: rows came that no change announced (a table dropped from the publication, a change
   * the server did not deliver). The rows must be read again; the count alone cannot show them.
   */
  missed?: () => void;
}

export class UnreadCount {
  #outside = 0;
  /** Optimistic value of `outside` (markAllAsRead) until the write is confirmed or rolled back. */
  #override: { value: number } | null = null;
  #seq = 0;
  #reading = false;
  /** A change arrived while a count was being read: the count may or may not include it. */
  #dirty = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #tries = 0;
  #disposed = false;
  /** Server time (ms) at which the read in flight / the count in use was requested; -∞: unknown. */
  #asked = -Infinity;
  #countedFrom = -Infinity;
  /** Folding a change the count already includes (`fold()`): it moves nothing, confirms nothing. */
  #settled = false;
  /**
   * Held rows counted beyond the count last read (`counted held − count`, when above 0): their
   * changes, already in that count, are on their way. Each one folded is no row gone out of the
   * window (QA83 F1: after "Mark all as read" over 1,000 held rows, a count read before their
   * changes arrived left each change to add one back: "461 new" under Live, no unread row).
   */
  #ahead = 0;

  readonly #options: UnreadCountOptions;

  constructor(options: UnreadCountOptions) {
    this.#options = options;
  }

  /** Whether a (full or partial) row is counted; null when it lacks a counted column. */
  isCounted(row: Partial<StoreRow> | null | undefined): boolean | null {
    const where = this.#options.query.countWhere;
    if (!where || !row) return null;
    for (const [column] of where) if (row[column] === undefined) return null;
    return where.every(([column, value]) => String(row[column]) === value);
  }

  /** The total over `rows` (the held rows as shown, overlays applied) plus the rows not held. */
  total(rows: Iterable<StoreRow>): number {
    return this.#countHeld(rows) + (this.#override?.value ?? this.#outside);
  }

  /** Read the count alongside a snapshot (supersedes a recount in flight). */
  readWithSnapshot(): Promise<CountResult> {
    this.#seq++;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    return this.#readSafely();
  }

  /** The snapshot (and `count`) arrived and the held rows were replaced; buffered changes follow. */
  snapshotRead(count: CountResult): void {
    this.#reading = false;
    if (count.error === null) {
      this.#note(count.count);
      this.#countedFrom = this.#asked;
      this.#tries = 0;
    } else if (!waitsForToken(count.error)) {
      this.schedule(RECOUNT_AFTER_ERROR_MS); // keep the previous value meanwhile
    }
  }

  /**
   * The snapshot read along with the count failed: the count keeps its value, and is read again
   * with the snapshot's own retry (QA31: a rejected key, or a page offline, re-read the count every
   * 2 s besides, for as long as the page was open).
   */
  snapshotFailed(): void {
    this.#reading = false;
  }

  /** A change arrived: it races a count being read unless it was committed before that read was requested. */
  noteChange(change: RowChange<unknown>): void {
    if (this.#reading && !this.#before(change, this.#asked)) this.#dirty = true;
  }

  /**
   * Folds `change` in through `apply` (which may call `trimmed()` / `foldOutside()`) and returns
   * what it returns. A change committed before the count in use was requested is in that count:
   * rows may move between held and not held, the total stays as it was, and nothing is re-read.
   */
  fold<T>(change: RowChange<unknown>, apply: () => T): T {
    if (!this.#before(change, this.#countedFrom)) return apply();
    const before = this.#raw();
    this.#settled = true;
    try {
      return apply();
    } finally {
      this.#settled = false;
      const delta = before - this.#raw();
      const ahead = Math.min(this.#ahead, Math.max(0, delta));
      this.#ahead -= ahead;
      this.#outside = Math.max(0, this.#outside + delta - ahead);
    }
  }

  /** A counted row left a bounded window: it is still in the table. */
  trimmed(row: StoreRow): void {
    if (!this.isCounted(row)) return;
    this.#outside++;
    this.confirm();
  }

  /**
   * A change to a row not held: account for its previous state (its new state is added back by
   * `trimmed()` if it stays out of the window). Returns whether the total moved.
   */
  foldOutside(change: RowChange<StoreRow>): boolean {
    if (change.type === 'INSERT') return false;
    const old = change.old as Partial<StoreRow> | null;
    const counted = this.isCounted(old);
    if (counted === null || !old || !matches(this.#options.query, old)) {
      // Unknown previous state (e.g. a DELETE carrying only the primary key under RLS).
      if (counted === null) this.schedule();
      return false;
    }
    if (!counted) return false;
    this.#outside = Math.max(0, this.#outside - 1);
    this.confirm();
    return true;
  }

  /**
   * Show `value` as the count of rows not held (markAllAsRead: 0) until `confirm()` makes it the
   * real value or `rollback()` drops it.
   */
  patch(value: number): { rollback(): void; confirm(): void } {
    const override = { value };
    this.#override = override;
    this.#options.changed();
    return {
      rollback: () => {
        if (this.#override !== override) return;
        this.#override = null;
        this.#options.changed();
      },
      confirm: () => {
        if (this.#override !== override) return;
        this.#override = null;
        this.#outside = value;
        this.#ahead = 0;
        this.#options.changed();
        this.schedule(RECOUNT_AFTER_WRITE_MS); // cheap insurance against a write racing the count
      },
    };
  }

  /** Re-read the count after `delay` ms (one pending re-read at a time). */
  schedule(delay = RECOUNT_SOON_MS): void {
    if (this.#disposed || this.#settled) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#recount();
    }, delay);
  }

  /**
   * A live change moved the total, and the last count may already include it: re-read it soon.
   * Not only `outside`: a re-read's `outside` is `count − counted held` with the held rows as they
   * are when it lands, so a change to a held row committed before the count but delivered after
   * the re-read landed is in both the count and (then) the rows. A re-read already pending is not
   * pushed back (a steady stream of changes must not starve it); one in flight is marked dirty by
   * `noteChange()` and repeats.
   */
  confirm(): void {
    if (this.#reading || this.#timer !== undefined) return;
    this.schedule();
  }

  dispose(): void {
    this.#disposed = true;
    clearTimeout(this.#timer);
  }

  /** A count read: the rows not held, and how many held rows it no longer counts ({@link #ahead}). */
  #note(count: number): void {
    const diff = count - this.#countHeld(this.#options.held());
    this.#outside = Math.max(0, diff);
    this.#ahead = Math.max(0, -diff);
  }

  /** Whether `change` was committed before server time `at` (commit times are whole ms, truncated). */
  #before(change: RowChange<unknown>, at: number): boolean {
    return change.committedAt !== undefined && change.committedAt + 1 <= at;
  }

  /** The total without an optimistic override. */
  #raw(): number {
    return this.#countHeld(this.#options.held()) + this.#outside;
  }

  #countHeld(rows: Iterable<StoreRow>): number {
    let n = 0;
    for (const row of rows) if (this.isCounted(row)) n++;
    return n;
  }

  /** Marks a read as started now; the server's time is known only once the clock has an estimate. */
  async #readSafely(): Promise<CountResult> {
    const { query } = this.#options;
    const skew = clockSkew();
    this.#asked = skew === null ? -Infinity : Date.now() - skew;
    this.#reading = true;
    this.#dirty = false;
    try {
      return await this.#options.read(query.table, [...query.eq, ...(query.countWhere ?? [])]);
    } catch (err) {
      return { count: null, error: rtError('server', messageOf(err)) };
    }
  }

  async #recount(): Promise<void> {
    if (this.#disposed) return;
    if (this.#options.snapshotInFlight()) {
      // The snapshot read (which reads the count too) re-counts if needed.
      this.#dirty = true;
      return;
    }
    const seq = ++this.#seq;
    const res = await this.#readSafely();
    if (this.#disposed || seq !== this.#seq) return;
    this.#reading = false;
    if (res.error !== null || (this.#dirty && this.#tries < MAX_TRIES)) {
      // Failed, or changes raced it (it may or may not include them): try again, a few times.
      if (this.#tries++ < MAX_TRIES && !waitsForToken(res.error)) this.schedule(res.error !== null ? RECOUNT_AFTER_ERROR_MS : RECOUNT_SOON_MS);
      return;
    }
    this.#tries = 0;
    // Changes kept racing the re-reads: take this one, and read again once things are calmer.
    if (this.#dirty) this.schedule(RECOUNT_AFTER_ERROR_MS);
    const was = this.#outside;
    this.#note(res.count);
    if (this.#outside > was && !this.#dirty) this.#options.missed?.();
    this.#countedFrom = this.#asked;
    if (this.#outside !== was) this.#options.changed();
  }
}
