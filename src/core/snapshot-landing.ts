/**
 * Where a live query's snapshot read lands ({@link SnapshotReader} reads, {@link LiveQueryStore}
 * orchestrates): the rows replace the window with the changes that raced the read folded on top,
 * the count and the overlays follow, and the phase goes live. Three reads are not believed as they
 * come:
 *  - a re-read older than rows the server already sent (a service worker's or a proxy's cached
 *    reply, a lagging read replica) is read once more before it is believed, the query staying as
 *    it was meanwhile: a restored database gives the same rows again, a cache is fresh by then;
 *  - an empty list whose scope the user cannot see (ResolvedFeed.verifyEmpty) reads as that error,
 *    and what the page held from the scope goes too (not kept as "stale");
 *  - a read holding {@link PINNED_LIMIT} pinned rows may not hold them all (`cut`: `state.more`).
 * A list's read after Live also reads, beside it, the rows inserted since the newest it showed
 * live, ties included (`missedSince`): Realtime never sends what was inserted while the channel was
 * down, may still owe what it runs behind on, and the read's newest `limit` rows are not all of
 * them (QA42 F1: of 25 alerts written while a page was offline, the 15 beyond `max-items` never
 * fired `rt-alert`; QA44 F1: three lost when a re-read while Realtime ran behind came first). They
 * are handed on as `missed`, oldest first, at most {@link INSERTED_LIMIT} (the newest); a read
 * whose catch-up read failed fails.
 * Framework-free.
 */
import { INSERTED_LIMIT, type CountResult, type RowChange, type SnapshotQuery, type SnapshotResult } from './client-types.js';
import type { RtError } from './types.js';
import { PINNED_LIMIT, type ResolvedFeed } from './feeds/feed.js';
import { rowKey, type RowWindow, type StoreRow } from './row-window.js';
import { versionOf } from './version.js';
import { knownServerNow } from './server-clock.js';
import type { ChangeMerge } from './change-merge.js';
import type { Overlays } from './overlays.js';
import type { QueryPhase } from './query-phase.js';
import type { UnreadCount } from './unread-count.js';

/** A read whose catch-up read fails is retried this many times in a row, then lands without it. */
export const CATCH_UP_TRIES = 5;

/** A re-read older than the rows held is read again after this long before it is believed (ms). */
export const OLDER_READ_CONFIRM_MS = 1500;

/** The parts of a resolved live query a snapshot lands in. */
export interface SnapshotLandingParts<R extends StoreRow> {
  kind: 'single' | 'list';
  query: SnapshotQuery;
  window: RowWindow<R>;
  /** The unread count, when the query keeps one (read with the snapshot). */
  unread: () => UnreadCount | null;
  merge: () => ChangeMerge<R>;
  overlays: Overlays;
  phase: QueryPhase;
  /** The rows over REST (LiveSource.select). */
  select: (query: SnapshotQuery) => Promise<SnapshotResult<R>>;
  verifyEmpty?: ResolvedFeed['verifyEmpty'];
  /** Read the rows again, unless a read is in flight. */
  readAgain(): void;
  /** What the query shows changed; `read`: its rows were read now (`state.updatedAt`). */
  changed(read: boolean): void;
  /**
   * Where the catch-up read starts (`gte` on the `order` column: CatchUpMark.ask), when a read
   * starting now is a list's read after Live (a resync, a read while the socket is down or Realtime
   * behind, a refill); undefined otherwise (the first read): no catch-up read.
   */
  missedSince?: () => string | undefined;
  /** Rows inserted while the channel was down (the catch-up read, maybe none), oldest first, as its read lands. */
  missed?: (rows: R[]) => void;
  /** Whether Realtime sends `row`'s changes (QueryRows). */
  sends?: (row: R) => boolean;
  /**
   * A list's read, in the channel epoch of the read before it, brought rows Realtime owed: inserted
   * since that read and never delivered (keys; after the read has landed). Their changes must
   * arrive within the grace (UndeliveredWatch.round).
   */
  owed?: (keys: Set<string>) => void;
}

export class SnapshotLanding<R extends StoreRow> {
  /** Errors from `verifyEmpty`: the scope a read found empty is not visible to the user. */
  readonly #scopeGone = new WeakSet<RtError>();
  /** A re-read came back older than rows held: the next read decides. */
  #confirming = false;
  #confirmTimer: ReturnType<typeof setTimeout> | undefined;
  #cut = false;
  /** Catch-up reads failed in a row. */
  #catchUpFailures = 0;
  /** A resync's catch-up rows (maybe none), by the snapshot rows they were read with (SnapshotReader hands those on as they are). */
  readonly #missed = new WeakMap<object, R[]>();

  readonly #parts: SnapshotLandingParts<R>;

  constructor(parts: SnapshotLandingParts<R>) {
    this.#parts = parts;
  }

  /** The last read held {@link PINNED_LIMIT} rows in pinned states: more may be under way. */
  get cut(): boolean {
    return this.#cut;
  }

  /**
   * The snapshot (with a resync's catch-up read beside it); an empty list whose scope is not visible
   * to the user reads as that error. A catch-up read that fails fails the read (retried), the mark
   * staying where it was: the rows it was to find are found by the retry (QA45 F1: a catch-up read
   * that timed out lost the outage's rows beyond `max-items`); after {@link CATCH_UP_TRIES} failures
   * in a row the read lands without it, those rows untold.
   */
  async select(): Promise<SnapshotResult<R>> {
    const { query, verifyEmpty } = this.#parts;
    const since = query.order && !query.order.ascending ? this.#parts.missedSince?.() : undefined;
    const catchUp = since === undefined ? null : { ...query, since, limit: INSERTED_LIMIT, pinned: undefined };
    const [result, missed] = await Promise.all([this.#parts.select(query), catchUp && this.#parts.select(catchUp)]);
    // Failed: the read fails (retried); after CATCH_UP_TRIES in a row the rows land without it (a
    // catch-up of 1000 wide rows that times out on a slow link does not keep the list off Live).
    if (result.rows && missed && !missed.rows && ++this.#catchUpFailures < CATCH_UP_TRIES) return missed;
    if (missed) this.#catchUpFailures = 0;
    const problem = result.rows?.length === 0 && verifyEmpty ? await verifyEmpty() : null;
    if (problem) this.#scopeGone.add(problem);
    if (result.rows && missed) this.#missed.set(result.rows, missed.rows ?? []);
    return problem ? { rows: null, error: problem } : result;
  }

  /** A read started in `epoch` landed: its rows, with the changes that raced it (in arrival order) on top. */
  landed(snapshot: R[], buffered: RowChange<R>[], count: CountResult | null, epoch: number): void {
    const { window, overlays, phase } = this.#parts;
    const unread = this.#parts.unread();
    const merge = this.#parts.merge();
    if (!this.#confirming && snapshot.some((r) => versionOf(r) < versionOf(window.get(rowKey(r)!)) && versionOf(r) > -Infinity)) {
      this.#confirming = true;
      for (const change of buffered) merge.fold(change, false);
      this.#parts.changed(false);
      this.#confirmTimer = setTimeout(() => this.#parts.readAgain(), OLDER_READ_CONFIRM_MS);
      return;
    }
    this.#confirming = false;
    // A read with the channel joined since the read before it (a refill, the count's: it found
    // rows no change announced; a refresh): a row it brings that was inserted since, or a newer
    // version of a held row, that Realtime did not deliver (not raced in) is owed. QA65 F1: taken
    // in as any row read, a row of a table out of the publication was never watched for, and the
    // list stayed Live.
    const owed = new Set<string>();
    if (epoch >= 0 && epoch === phase.snapshotEpoch && phase.channel.ready && epoch === phase.channel.epoch) {
      const raced = new Set(buffered.map((c) => rowKey((c.new ?? c.old) as StoreRow | null)));
      const found = new Set<string>();
      let widened = false;
      for (const row of snapshot) {
        const key = rowKey(row);
        const held = key === null ? undefined : window.get(key);
        if (key === null || raced.has(key)) continue;
        const judged = held && !window.unjudged.has(key);
        const since = judged ? +window.changedSinceRead(row, held) : window.sinceRead(row);
        if (since > 0 && this.#parts.sends?.(row) !== false) (judged ? owed : found).add(key);
        widened ||= since < 0;
      }
      // A row from before the last read came into view: the rows not held that it brings may have
      // been hidden from the user when committed (QueryRows.reconcileList; QA66 F1).
      if (!widened) for (const key of found) owed.add(key);
    }
    window.replace(snapshot, knownServerNow());
    const pin = window.query.pinned;
    this.#cut = !!pin && snapshot.filter((r) => pin.values.includes(r[pin.column] as string)).length >= PINNED_LIMIT;
    if (count) unread!.snapshotRead(count);
    for (const change of buffered) merge.fold(change, false);
    window.trim();
    overlays.expire((key) => window.get(key));
    // Changes that raced the reads may or may not be in the count: read it again.
    if (count && buffered.length > 0) unread!.schedule();
    phase.snapshotRead(epoch, this.#parts.kind === 'single' && window.size === 0);
    const missed = this.#missed.get(snapshot);
    if (missed) this.#parts.missed?.(missed.reverse());
    if (owed.size) this.#parts.owed?.(owed);
    this.#parts.changed(true);
  }

  /** The latest read failed (SnapshotReader retries it); `count`: a count was read with it. */
  failed(error: RtError, count: CountResult | null): void {
    if (this.#scopeGone.has(error)) this.#parts.window.replace([]);
    if (count) this.#parts.unread()!.snapshotFailed();
    this.#parts.phase.snapshotFailed(error);
    this.#parts.changed(false);
  }

  stop(): void {
    clearTimeout(this.#confirmTimer);
  }
}
