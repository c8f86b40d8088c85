/**
 * Snapshot-and-merge for one query: the rows a live query holds, merged by primary key with
 * `updated_at` as the version guard (an older version never overwrites a newer one), kept
 * ordered and bounded by the query's `order` / `limit`. No timers, no I/O, no notification:
 * {@link LiveQueryStore} decides when to read and when to tell subscribers.
 *
 * A held version ahead of the server's clock ({@link credibleVersion}) guards nothing: `updated_at`
 * is whatever the writer sent unless a trigger sets it (the schema's trigger runs on UPDATE only),
 * so a row inserted by a writer whose clock is fast, or in local time without a zone, would
 * otherwise reject every real change after it, and every re-read too.
 *
 * Realtime delivers a table's changes in commit order, and each carries its commit time
 * (`RowChange.committedAt`): a change committed after the last change folded for the same key
 * wins whatever its `updated_at` says (a row deleted and inserted again from a copy or a backup
 * with its old `updated_at`; a writer that set `updated_at` back). A read's rows count as
 * committed when its reply came (`readAt`, the server's time as estimated, never ahead of the
 * true one): a change committed after that is newer than the read, whatever its `updated_at`. The
 * version guard orders the rest: changes committed before the reply (delivered late, or raced by
 * the read), and everything when the server's time is not known.
 */
import type { RowChange, SnapshotQuery } from './client-types.js';
import { parseTimestamp, versionOf } from './version.js';
import { rowKey, sameKey } from './keys.js';
import { knownServerNow, serverNow } from './server-clock.js';

/** A row as the store holds it: a primary key `id` (text, bigint or uuid) and optionally a version. */
export interface StoreRow {
  id: string | number;
  updated_at?: string | null;
  [column: string]: unknown;
}

/** Deleted ids remembered (with their last version) so a late older change cannot resurrect them. */
const TOMBSTONE_LIMIT = 500;
/** Keys of rows pushed out of a list remembered between whole reads. */
const TRIMMED_LIMIT = 2000;

/** A deleted row: its last version (`updated_at`, epoch ms) and the deletion's commit time, when known. */
interface Tombstone {
  version: number;
  committedAt?: number;
}

/**
 * How far (ms) a version may be ahead of the server's clock (as estimated from `commit_timestamp`
 * and HTTP `Date`, src/core/server-clock.ts) and still count: the estimate's own error.
 */
export const VERSION_CLOCK_SLACK_MS = 1000;

/**
 * Whether a held version (`updated_at`, epoch ms) can order changes: not ahead of the server's
 * clock by more than {@link VERSION_CLOCK_SLACK_MS}. A version from the future was written by a
 * client whose clock is wrong; a later change must not lose to it.
 */
export function credibleVersion(version: number, now = serverNow()): boolean {
  return version <= now + VERSION_CLOCK_SLACK_MS;
}

export { rowKey } from './keys.js';

/**
 * How long before the last whole read landed (ms) a row's time must be for the read to have seen
 * it ({@link RowWindow.sinceRead}): the read is asked before it lands, and a transaction's
 * `now()` is its start.
 */
export const READ_SLACK_MS = 5000;

/** What folding one change did (the store turns these into phase, count and notification work). */
export interface FoldResult<R> {
  /** Anything visible changed. */
  changed: boolean;
  /** The held row an UPDATE was merged into, as it was before the merge. */
  previous?: R;
  /** The change touched a row not held (an UPDATE/DELETE of a row outside the window). */
  outside?: boolean;
  /** A held row was deleted (`windowWasFull`: a full window lost a row and needs a refill). */
  deleted?: { windowWasFull: boolean };
}

export class RowWindow<R extends StoreRow> {
  #rows = new Map<string, R>();
  readonly #tombstones = new Map<string, Tombstone>();
  /** Commit time (server clock, epoch ms) of the last change folded for a held key, when it had one. */
  readonly #committed = new Map<string, number>();
  /** {@link orderKey}s by row object, for `#compare`. */
  readonly #keys = new WeakMap<R, readonly [OrderKey, OrderKey]>();
  /**
   * When the rows were last read whole ({@link replace}; the server's time as estimated, epoch ms):
   * Realtime delivers every change committed after it. +Infinity until known.
   */
  readAt = Number.POSITIVE_INFINITY;
  /** Keys of rows pushed out of the bounded list since {@link readAt} (at most TRIMMED_LIMIT; more: {@link unsure}). */
  readonly #trimmed = new Set<string>();
  /** The last row within the limit of the last whole read, when it filled the list ({@link lastInLimit}). */
  #readLast: R | undefined;
  /**
   * Keys of rows a revalidation round's list read took in while a whole read was under way or due
   * (QueryRows.reconcileList): that read's landing judges them as rows it did not hold
   * ({@link sinceRead}). QA67 F2: a round that found a held row deleted from a full list started a
   * refill, its list read then took a new row in unjudged, the refill found it held, and an insert
   * Realtime never delivered was never owed.
   */
  readonly unjudged = new Set<string>();
  /** Up to this server time (epoch ms), what Realtime sent is not known in full ({@link unsure}). */
  #unsureUntil = Number.NEGATIVE_INFINITY;

  /**
   * @param kind `single` holds at most one row; `list` holds `query.limit` rows in `query.order`.
   * @param onTrimmed called with each row pushed out of a bounded list (it stays in the table).
   */
  constructor(
    readonly kind: 'single' | 'list',
    readonly query: SnapshotQuery,
    private readonly onTrimmed: (row: R) => void = () => {},
  ) {}

  get size(): number {
    return this.#rows.size;
  }

  get(key: string): R | undefined {
    return this.#rows.get(key);
  }

  values(): IterableIterator<R> {
    return this.#rows.values();
  }

  /** The last row within the limit of a bounded list at its limit (pinned rows held beyond it aside); else undefined. */
  get lastInLimit(): R | undefined {
    return this.full ? this.sorted()[this.query.limit! - 1] : undefined;
  }

  /** Whether the window is a bounded list at its limit. */
  get full(): boolean {
    return this.kind === 'list' && this.query.limit !== undefined && this.#rows.size >= this.query.limit;
  }

  /**
   * Replace the rows by a snapshot: the server's copies as they are, even when a held copy has a
   * newer `updated_at`. Changes that arrive while the snapshot is read are buffered and folded on
   * top of it afterwards (SnapshotReader), so the snapshot is never older than what the page had
   * seen before the read began; a held copy newer than it was not there to keep (the database was
   * restored from a backup, or a writer set `updated_at` back). Rows without a key are dropped.
   */
  replace(snapshot: readonly R[], readAt?: number): void {
    const next = new Map<string, R>();
    this.#committed.clear();
    this.#trimmed.clear();
    this.unjudged.clear();
    this.readAt = readAt ?? Number.POSITIVE_INFINITY;
    if (this.#unsureUntil === Number.POSITIVE_INFINITY) this.#unsureUntil = Number.NEGATIVE_INFINITY;
    for (const row of snapshot) {
      const key = rowKey(row);
      if (key === null) continue;
      next.set(key, row);
      if (readAt !== undefined) this.#committed.set(key, readAt);
    }
    this.#rows = next;
    this.#readLast = this.lastInLimit;
  }

  /**
   * The changes a re-read of held rows by key implies (`fresh`: the server's copies by key; `asked`:
   * the keys asked for; `askedAt`: the server's time when they were asked for, as estimated, never
   * after the true one; `readAt`: when the reply came). Realtime sends nothing when a row leaves the
   * user's view (Row Level Security: moved to another org, given to another user, membership
   * removed): a held row the server no longer returns is a DELETE committed at `askedAt` (a change
   * committed after the ask still wins over it), and one with another version an UPDATE committed
   * when the reply came (it wins over every change folded before).
   *
   * The server read the rows somewhere between `askedAt` and `readAt`. A held row Realtime changed
   * after `askedAt` may be newer than its copy, so that copy is folded by the version guard alone,
   * and its absence means nothing (QA40 M2: a revalidation read mid-burst whose reply came after
   * the burst's last change put a stream's bar back to 20% under Live, the database at 99%).
   */
  diff(fresh: ReadonlyMap<string, R>, asked: ReadonlySet<string>, askedAt?: number, readAt?: number): RowChange<R>[] {
    const changes: RowChange<R>[] = [];
    const at = readAt === undefined ? {} : { committedAt: readAt };
    // A row missing from the reply was gone by some time between the ask and the read: its removal
    // counts as of the ask, so that a change committed after the ask (a row inserted again from a
    // copy, its updated_at unchanged) still wins when Realtime delivers it after the reply.
    const removedAt = askedAt === undefined ? {} : { committedAt: askedAt };
    for (const [key, held] of this.#rows) {
      if (!asked.has(key)) continue;
      const since = this.#committed.get(key);
      const changedSince = since !== undefined && (askedAt === undefined || since > askedAt);
      const row = fresh.get(key);
      if (!row) {
        if (!changedSince) changes.push({ type: 'DELETE', new: null, old: held, ...removedAt });
      } else if (versionOf(row) !== versionOf(held)) changes.push({ type: 'UPDATE', new: row, old: null, ...(changedSince ? {} : at) });
    }
    return changes;
  }

  /** Fold one INSERT / UPDATE / DELETE in. `beforeReplace` runs before a held row changes. */
  fold(change: RowChange<R>, beforeReplace?: (current: R, next: R | null) => void): FoldResult<R> {
    // A change to it came: nothing left for a read to judge.
    this.unjudged.delete(rowKey(change.new as StoreRow | null)!);
    this.unjudged.delete(rowKey(change.old as StoreRow | null)!);
    if (change.type === 'DELETE') {
      const key = rowKey(change.old as StoreRow | null) ?? rowKey(change.new as StoreRow | null);
      if (key === null) return { changed: false };
      const current = this.#rows.get(key);
      if (!current) return { changed: false, outside: true };
      const windowWasFull = this.full;
      beforeReplace?.(current, null);
      this.#rows.delete(key);
      this.#remember(key, versionOf(current), change.committedAt);
      return { changed: true, deleted: { windowWasFull } };
    }
    const row = change.new;
    const key = rowKey(row);
    if (!row || key === null) return { changed: false };
    // An UPDATE that changed the primary key: the row under the old key is gone (the old record
    // carries the key under any replica identity).
    const oldKey = change.type === 'UPDATE' ? rowKey(change.old as StoreRow | null) : null;
    const moved = oldKey !== null && oldKey !== key ? this.#rows.get(oldKey) : undefined;
    const wasFull = this.full;
    if (moved) {
      beforeReplace?.(moved, null);
      this.#rows.delete(oldKey!);
      this.#remember(oldKey!, versionOf(moved), change.committedAt);
    }
    // The row under the old key left: a deletion unless the row is held again under its new key.
    const gone = (result: FoldResult<R>): FoldResult<R> =>
      moved && !this.#rows.has(key) ? { changed: true, deleted: { windowWasFull: wasFull } } : moved ? { ...result, changed: true, outside: false } : result;
    const current = this.#rows.get(key);
    if (!matches(this.query, row)) {
      // The row moved out of this query (e.g. its user_id changed): remembered as deleted, so that
      // a copy read before the move (revalidation's list read) does not bring it back.
      if (!current) return gone({ changed: false });
      this.#rows.delete(key);
      this.#remember(key, versionOf(row), change.committedAt);
      return gone({ changed: true });
    }
    // Committed after the last change folded for this key (held or deleted): in commit order, it wins.
    const at = change.committedAt;
    const later = (t: number | undefined) => at !== undefined && t !== undefined && at > t;
    // Older than the held version: never wins, unless the held version is from the future.
    if (current && versionOf(row) < versionOf(current) && credibleVersion(versionOf(current)) && !later(this.#committed.get(key))) return gone({ changed: false });
    const tomb = this.#tombstones.get(key);
    if (!current && tomb && versionOf(row) <= tomb.version && credibleVersion(tomb.version) && !later(tomb.committedAt)) return gone({ changed: false }); // deleted already
    const merged = (current ? { ...current, ...row } : row) as R;
    if (current) beforeReplace?.(current, merged);
    this.#rows.set(key, merged);
    this.#tombstones.delete(key);
    if (at !== undefined) this.#committed.set(key, at);
    else this.#committed.delete(key);
    // Only a new row grows the list. A held row that leaves a pinned state (a run that completed)
    // stays, so its end is shown; the next read leaves it out if it is not among the newest.
    if (!current) this.trim();
    return gone({ changed: true, outside: !current && change.type === 'UPDATE', previous: current });
  }

  /**
   * Realtime sent something that could not be folded (a change sent as "Error 413", one with a
   * rounded bigint, changes lost in a channel hand-over): which rows it was about is not known, so
   * nothing committed up to now (the server's time) is held against it ({@link sinceRead},
   * {@link changedSinceRead}).
   */
  unsure(): void {
    this.#unsureUntil = Math.max(this.#unsureUntil, knownServerNow() ?? Number.POSITIVE_INFINITY);
  }

  /**
   * What `row`, not held, found by a read of the list, tells, by its time: its order value in a
   * list newest first by a timestamp, else its version (`updated_at`: a list by name, oldest first):
   * - `1`: after the rows were last read whole ({@link readAt}), not ahead of the server's clock:
   *   it was inserted or changed into the list since, and Realtime was to deliver it;
   * - `-1`: well before that read ({@link READ_SLACK_MS}), its version too, yet the read did not return it: it came
   *   into the user's view since without an event (a policy widened, a membership granted), so rows
   *   committed meanwhile may have been hidden from the user then, not undelivered (QA66 F1);
   * - `0`: neither is known (no time, no clock, or a row the read may have missed in flight).
   * Only a row above that read's last row within the limit when it filled the list, and above
   * `last` (the same now); not one this list held and pushed out since (it slides back up when a
   * row above it leaves), nor one from before Realtime last sent what could not be folded.
   */
  sinceRead(row: R, last?: R): -1 | 0 | 1 {
    const order = this.query.order;
    const above = (r: R | undefined) => !r || this.compare(row, r) < 0;
    if (!order || this.kind !== 'list' || this.#trimmed.has(rowKey(row)!) || !above(this.#readLast) || !above(last)) return 0;
    const v = versionOf(row);
    let t = order.ascending ? Number.NaN : parseTimestamp(row[order.column], true);
    // The version when there is no order time: an ascending list over a table out of the
    // publication stayed Live with no channel.
    if (Number.isNaN(t)) t = v;
    const readAt = this.readAt;
    const old = (x: number) => readAt < Infinity && x <= readAt - READ_SLACK_MS;
    // Unchanged since, too: an old row moved into the list by an UPDATE is no widened view (QA67 F1).
    return t > readAt && t > this.#unsureUntil && credibleVersion(t) ? 1 : t > -Infinity && old(t) && old(v) ? -1 : 0;
  }

  /** Whether `row` (read whole) is a newer version of `held` than Realtime delivered, after what it could not fold. */
  changedSinceRead(row: R, held: R): boolean {
    const v = versionOf(row);
    return v > versionOf(held) && v > this.#unsureUntil;
  }

  /** Keep a bounded list at its limit, pinned rows aside (rows pushed out are reported through `onTrimmed`). */
  trim(): void {
    const limit = this.query.limit;
    if (this.kind !== 'list' || limit === undefined || this.#rows.size <= limit) return;
    const pinned = this.query.pinned;
    const kept: R[] = [];
    this.sorted().forEach((r, i) => {
      if (i < limit || (pinned && pinned.values.includes((r as Record<string, unknown>)[pinned.column] as string))) kept.push(r);
      else {
        const key = rowKey(r)!;
        this.#committed.delete(key);
        this.#trimmed.add(key);
        // Too many to remember: the ones forgotten could be taken for undelivered.
        if (this.#trimmed.size > TRIMMED_LIMIT) {
          this.#trimmed.clear();
          this.unsure();
        }
        this.onTrimmed(r);
      }
    });
    this.#rows = new Map(kept.map((r) => [rowKey(r)!, r]));
  }

  /** The rows in the query's order (ties broken by key). */
  sorted(): R[] {
    const rows = [...this.#rows.values()];
    const order = this.query.order;
    if (!order) return rows;
    return rows.sort((a, b) => this.#compare(a, b));
  }

  /** Below 0 when `a` comes before `b` in the query's order (ties broken by key); the query has an order. */
  compare(a: R, b: R): number {
    return this.#compare(a, b);
  }

  /** Whether the held row under `key` sorts last in the query's order (false without an order). */
  isLast(key: string): boolean {
    const row = this.#rows.get(key);
    if (!row || !this.query.order) return false;
    for (const other of this.#rows.values()) if (other !== row && this.#compare(other, row) > 0) return false;
    return true;
  }

  /** Two held rows in the query's order (ties broken by key); the query has an order. */
  #compare(a: R, b: R): number {
    const [byA, idA] = this.#orderKeys(a);
    const [byB, idB] = this.#orderKeys(b);
    // Ties by key, in the order the database reads them by (rest-source.ts): integer keys by value.
    return (compareKeys(byA, byB) || compareKeys(idA, idB)) * (this.query.order!.ascending ? 1 : -1);
  }

  /** A held row's order and key values, read once per row object (rows are replaced, never changed in place). */
  #orderKeys(row: R): readonly [OrderKey, OrderKey] {
    let keys = this.#keys.get(row);
    if (!keys) this.#keys.set(row, (keys = [orderKey(row[this.query.order!.column]), orderKey(row.id)]));
    return keys;
  }

  #remember(key: string, version: number, committedAt: number | undefined): void {
    this.#committed.delete(key);
    this.#tombstones.set(key, { version, committedAt });
    if (this.#tombstones.size > TOMBSTONE_LIMIT) {
      const first = this.#tombstones.keys().next().value;
      if (first !== undefined) this.#tombstones.delete(first);
    }
  }
}

/**
 * Whether a row belongs to the query by its equality filters. Columns the row lacks (a partial
 * record, or an old record carrying only the primary key) are not held against it.
 */
export function matches(query: SnapshotQuery, row: Partial<StoreRow>): boolean {
  for (const [col, value] of query.eq) {
    const v = row[col];
    if (v === undefined) continue;
    if (!sameKey(v, value) && String(v) !== value) return false;
  }
  return true;
}

/** An integer as a bigint: a JS integer, or the exact text of one beyond 2^53 (16+ digits, as rest.ts keeps them); else null. */
function exactInteger(v: unknown): bigint | null {
  return typeof v === 'number' ? (Number.isInteger(v) ? BigInt(v) : null) : typeof v === 'string' && /^-?\d{16,}$/.test(v) ? BigInt(v) : null;
}

/**
 * A column value as {@link compareKeys} orders it, read once: a sort compares each row's value
 * about log2(n) times, and parsing a timestamp at every comparison made the sort of a 1,000-row
 * list the largest script cost of a busy page (QA62 F2).
 */
export interface OrderKey {
  readonly value: unknown;
  /** {@link exactInteger} of the value. */
  readonly integer: bigint | null;
  /** The instant of a timestamp in one of PostgreSQL's spellings (`parseTimestamp` strict), else NaN. */
  readonly instant: number;
}

export function orderKey(value: unknown): OrderKey {
  return { value, integer: exactInteger(value), instant: typeof value === 'string' ? parseTimestamp(value, true) : Number.NaN };
}

/**
 * Order of two column values as PostgreSQL orders them by default (the order REST reads in):
 * nulls last (so first when descending: QA61 F2), numbers numerically, timestamps by instant
 * (equal instants in other spellings tie, to be broken by key), else text by code unit (the `C`
 * collation; a database collation that orders text otherwise is not known here).
 */
export function compareKeys(x: OrderKey, y: OrderKey): number {
  const a = x.value;
  const b = y.value;
  if (a === b) return 0;
  const noA = a === null || a === undefined;
  const noB = b === null || b === undefined;
  if (noA || noB) return noA && noB ? 0 : noA ? 1 : -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (x.integer !== null && y.integer !== null) return x.integer < y.integer ? -1 : x.integer > y.integer ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') {
    if (!Number.isNaN(x.instant) && !Number.isNaN(y.instant)) return x.instant < y.instant ? -1 : x.instant > y.instant ? 1 : 0;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  return String(a) < String(b) ? -1 : 1;
}

/** {@link compareKeys} of two values, for a single comparison (a sort reads {@link orderKey}s once). */
export function compareValues(a: unknown, b: unknown): number {
  return a === b ? 0 : compareKeys(orderKey(a), orderKey(b));
}
