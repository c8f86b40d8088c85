/**
 * Folds one change into a live query's held rows (src/core/live-query.ts), and decides what only a
 * read can settle: the {@link RowWindow} merges by primary key and version; this part keeps the
 * unread count, optimistic overlays and the query's phase in step with it, never lets coalescing
 * swallow a terminal state, and asks for a read where a change leaves the held rows unsure (a
 * partial change record, a row moved out of a full window, a deleted row's replacement, a scope
 * emptied by deletes). Framework-free.
 */
import type { RowChange } from './client-types.js';
import type { FrameNotifier } from './frame.js';
import type { Overlays } from './overlays.js';
import type { QueryPhase } from './query-phase.js';
import { compareValues, rowKey, type RowWindow, type StoreRow } from './row-window.js';
import type { SnapshotReader } from './snapshot-reader.js';
import type { UnreadCount } from './unread-count.js';

/** The parts of a resolved live query a change is folded into. */
export interface ChangeMergeParts<R extends StoreRow> {
  kind: 'single' | 'list';
  window: RowWindow<R>;
  unread: UnreadCount | null;
  overlays: Overlays;
  /** Reads the rows again (`refill`: the window's rows, without going stale). */
  reader: SnapshotReader<R>;
  phase: QueryPhase;
  /** Tells subscribers at most once per frame; flushed before a terminal row is replaced. */
  notifier: FrameNotifier;
  /** Whether a row is in a final state (completed, failed…), always delivered before it is replaced. */
  isTerminal?: (row: R) => boolean;
  /** The query's scope can say it is gone when a read finds it empty (ResolvedFeed.verifyEmpty). */
  scoped: boolean;
  /** Read the snapshot again, stale meanwhile (LiveQueryStore.refresh). */
  refresh(): void;
}

export class ChangeMerge<R extends StoreRow> {
  readonly #parts: ChangeMergeParts<R>;

  constructor(parts: ChangeMergeParts<R>) {
    this.#parts = parts;
  }

  /**
   * Apply one change: `live` when Realtime delivered it now, not when a buffered one is folded
   * over a snapshot. Returns whether anything visible changed.
   */
  fold(change: RowChange<R>, live: boolean): boolean {
    const { unread } = this.#parts;
    return unread ? unread.fold(change, () => this.#foldRow(change, live)) : this.#foldRow(change, live);
  }

  #foldRow(change: RowChange<R>, live: boolean): boolean {
    const { window, reader, unread, kind, phase } = this.#parts;
    const result = window.fold(change, (current, next) => this.#flushIfTerminal(current, next));
    // A new row is compared with one held (QA21: after a column's rename a new row read "Untitled"
    // under Live until the next re-read; the read names the missing column).
    const held = live && change.new ? (result.previous ?? another(window.values(), change.new)) : undefined;
    // A change without a column the held row has: under REPLICA IDENTITY DEFAULT an unchanged
    // TOASTed value is left out, and a renamed or dropped column is missing too. The merge kept
    // the held value; whether it is still true only a read can tell.
    if (held && lacksColumns(change.new!, held)) reader.refill();
    // A held row whose sort value moved it to the end of a full window (an older created_at): a
    // row not held may now belong before it, and only a read can tell.
    else if (held && window.full && this.#movedToEnd(held)) reader.refill();
    if (result.outside && unread?.foldOutside(change as RowChange<StoreRow>)) result.changed = true;
    if (!result.changed) return false;
    // The count may already include this change (it raced a count read): confirm it.
    if (live) unread?.confirm();
    const key = rowKey(change.type === 'DELETE' ? (change.old as StoreRow | null) ?? change.new : change.new);
    if (key !== null) this.#parts.overlays.settle(key, window.get(key) ?? null);
    if (result.deleted) {
      if (kind === 'single') phase.deleted();
      // A scoped list emptied by deletes (a stream's executions, gone by cascade with the stream):
      // read again, so that a scope that is gone says so (verifyEmpty) instead of "Live · nothing".
      if (live && window.size === 0 && this.#parts.scoped) {
        this.#parts.refresh();
        return true;
      }
      // A full window lost a row: the next one (which we do not hold) belongs in it now. Also when
      // it was no longer full because of earlier deletes: a refill may have read before them.
      if ((result.deleted.windowWasFull || reader.refilling) && live) reader.refill();
    } else if (kind === 'single' && window.size > 0) {
      phase.rowBack();
    }
    return true;
  }

  /** Whether the held row `before` changed its sort value (now under its key) and sorts last. */
  #movedToEnd(before: R): boolean {
    const { window } = this.#parts;
    const col = window.query.order?.column;
    const key = rowKey(before)!;
    const now = window.get(key);
    return !!col && !!now && compareValues(now[col], before[col]) !== 0 && window.isLast(key);
  }

  /**
   * Coalescing must never swallow a terminal state: if subscribers have not yet been told about
   * a row that is terminal, and it is about to become something else, tell them now.
   */
  #flushIfTerminal(current: R, next: R | null): void {
    const { isTerminal, notifier } = this.#parts;
    if (!isTerminal || !notifier.pending) return;
    if (isTerminal(current) && (!next || !isTerminal(next) || next.updated_at !== current.updated_at)) {
      notifier.flushNow();
    }
  }
}

/** A row of `rows` other than `row`. */
function another<R>(rows: Iterable<R>, row: R | null): R | undefined {
  for (const r of rows) if (r !== row) return r;
}

/** Whether `record` lacks a column `held` has (a partial change record). */
function lacksColumns(record: object, held: object): boolean {
  for (const column in held) if (!(column in record)) return true;
  return false;
}
