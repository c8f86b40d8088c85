/**
 * How far a list ordered newest first has seen, so that a read after Live can also read the rows
 * inserted since (the catch-up read, SnapshotLandingParts.missedSince) and tell which of those are
 * new (SnapshotLandingParts.missed → LiveQueryState.inserted).
 *
 * Two marks, because a writer's clock can be wrong:
 * - **credible**: the newest `order` value shown that is not ahead of the server's clock (or, for
 *   `created_at` with none shown yet, the server's time when the list went live). The catch-up
 *   read starts here (`gte`), so rows written with the true time after a row from a fast clock
 *   are still read (QA44 F2).
 * - **shown**: the newest value shown at all. A row the catch-up finds that is ahead of the
 *   server's clock is new only past this one: it was not shown, yet the list's top is newer, so it
 *   sat below a bounded list (and slid in after a DELETE), not written meanwhile.
 *
 * Ties: rows with a mark's value that were seen are remembered by key, so the `gte` read finds the
 * other rows written in the same instant (QA44 F3) and not the ones already told.
 */
import { compareValues, credibleVersion, rowKey, type StoreRow } from './row-window.js';
import { parseTimestamp } from './version.js';
import { knownServerNow } from './server-clock.js';

/** One order value with the keys of the rows seen holding it (none: a stand-in, the server's time). */
class Mark {
  value: string | undefined;
  readonly #keys = new Set<string>();

  /** Moves on to `value` held by `keys` (a stand-in, with no keys, gives way to any value). */
  see(value: string, keys: readonly string[]): void {
    const c = this.value === undefined || !this.#keys.size ? 1 : compareValues(value, this.value);
    if (c < 0) return;
    if (c > 0) {
      this.value = value;
      this.#keys.clear();
    }
    for (const k of keys) this.#keys.add(k);
  }

  /** Stands in `value` until a row is seen. */
  standIn(value: string): void {
    this.value = value;
    this.#keys.clear();
  }

  /** A copy, to judge a read's rows against the mark as it was when the read was asked. */
  clone(): Mark {
    const copy = new Mark();
    copy.value = this.value;
    for (const k of this.#keys) copy.#keys.add(k);
    return copy;
  }

  /** The row with `value` and `key` is past this mark (newer, or tied and not yet seen). */
  passedBy(value: string, key: string): boolean {
    if (this.value === undefined) return true;
    const c = compareValues(value, this.value);
    return c > 0 || (c === 0 && !this.#keys.has(key));
  }
}

export class CatchUpMark<R extends StoreRow> {
  readonly #column: string;
  readonly #credible: Mark;
  readonly #shown: Mark;
  /**
   * The marks when the latest catch-up read was asked (its rows are judged against these); null
   * once one landed ({@link caughtUp}) or before any was asked.
   */
  #asked: { credible: Mark; shown: Mark } | null = null;

  /**
   * `column`: the list's `order` column (descending). `from`: another list of the same subject
   * (another `limit`): this one starts where that one had seen, so its first read also reads what
   * was inserted since (QA46 F1: a new `max-items` during an outage lost the rows beyond it).
   */
  constructor(column: string, from?: CatchUpMark<R>) {
    this.#column = column;
    this.#credible = from ? from.#credible.clone() : new Mark();
    this.#shown = from ? from.#shown.clone() : new Mark();
  }

  /** Where the catch-up read starts (`gte`), or undefined before the list has been live. */
  get since(): string | undefined {
    return this.#credible.value;
  }

  /**
   * A catch-up read is asked now: {@link since}. Its rows are judged against the marks as they are
   * now, not as rows Realtime delivers while it runs move them (those would hide the older rows it
   * was asked for). Only the latest read's rows are judged (a read overtaken is dropped).
   */
  ask(): string | undefined {
    const since = this.since;
    this.#asked = since === undefined ? null : { credible: this.#credible.clone(), shown: this.#shown.clone() };
    return since;
  }

  /**
   * A catch-up read was asked and none has landed since (in flight, failed and retried, overtaken,
   * or its read not believed yet): the marks stay where they are ({@link see} does nothing).
   */
  get owed(): boolean {
    return !!this.#asked;
  }

  /** The latest catch-up read landed with `rows` (newest first): no longer {@link owed}; they move the marks on. */
  caughtUp(rows: readonly R[]): void {
    this.#asked = null;
    this.see(rows);
  }

  /**
   * Rows shown live, newest first, move the marks on; not while a catch-up read is {@link owed}
   * (QA45 F1: rows Realtime delivered after a failed catch-up read moved the mark past the outage).
   */
  see(rows: readonly R[]): void {
    if (this.#asked) return;
    const col = this.#column;
    const value = (r: R) => (typeof r[col] === 'string' ? (r[col] as string) : undefined);
    const credible = (v: string) => credibleVersion(parseTimestamp(v));
    const keysAt = (v: string) => rows.filter((r) => r[col] === v).flatMap((r) => rowKey(r) ?? []);
    const top = rows.map(value).find((v) => v !== undefined);
    if (top !== undefined) this.#shown.see(top, keysAt(top));
    const topCredible = rows.map(value).find((v) => v !== undefined && credible(v));
    if (topCredible !== undefined) this.#credible.see(topCredible, keysAt(topCredible));
    else if (this.#credible.value === undefined && col === 'created_at') {
      const now = knownServerNow();
      if (now !== undefined) this.#credible.standIn(new Date(now).toISOString());
    }
  }

  /**
   * A row the latest catch-up read found (called before {@link caughtUp}) is new: past the credible
   * mark, and if from a fast clock, past the newest shown (both as when that read was asked). A row
   * Realtime delivered meanwhile may be new here too: tell each id once.
   */
  isNew(row: R): boolean {
    const v = row[this.#column];
    const key = rowKey(row);
    const { credible, shown } = this.#asked!;
    if (typeof v !== 'string' || key === null || !credible.passedBy(v, key)) return false;
    return credibleVersion(parseTimestamp(v)) || shown.passedBy(v, key);
  }
}
