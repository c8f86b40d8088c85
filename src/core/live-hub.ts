/**
 * The part of a client that is the same whatever the transport: shared live-query stores
 * (one per feed + parameters, ref-counted, released after a short linger), and optimistic
 * mark-as-read across every store that shows the row. Used by the real client and by the
 * in-memory client of the tests.
 */
import { feedOf, type DataFor, type FeedRef, type ParamsFor, type LiveQuery, type LiveSource, type ReadableTable, type ResolveContext, type RowChange } from './client-types.js';
import type { LiveQueryState, RtError } from './types.js';
import { LiveQueryStore, initialState, type StoreRow } from './live-query.js';
import { rowKey } from './row-window.js';
import type { FrameNotifier } from './frame.js';
import { rtError } from './errors.js';
import { parseTimestamp } from './version.js';
import { RealtimeLag } from './realtime-lag.js';
import { knownServerNow } from './server-clock.js';
import type { CatchUpMark } from './catch-up-mark.js';
import { lineageOf } from './client-lineage.js';

/** How long an unused store stays alive (an element moved in the DOM re-attaches to it). */
export const STORE_LINGER_MS = 250;
/** Marks kept of stopped stores (LiveHub.#marks): keys and subjects. */
const MARKS_LIMIT = 64;

/** Keys per revalidation request (`id=in.(…)` stays well inside URL limits). */
const REVALIDATE_CHUNK = 100;

/** While the socket cannot open, widgets read over REST at most this often (ms). */
const DOWN_READ_EVERY_MS = 30_000;

/**
 * The marks of each line of clients (./client-lineage.ts): a client made again by its provider
 * after a while away reads on from where the one before it was (QA86 M2).
 */
const lineMarks = new WeakMap<object, Map<string, CatchUpMark<StoreRow>>>();

interface StoreEntry {
  store: LiveQueryStore<StoreRow, unknown>;
  refs: number;
  linger: ReturnType<typeof setTimeout> | undefined;
}

export interface WriteReadRequest {
  table: ReadableTable;
  /** One row … */
  id?: string;
  /** … or all unread rows of a user … */
  userId?: string;
  /**
   * … created at or before this `created_at` (the newest row the user's widgets hold, as the server
   * wrote it): an alert that arrives while "Mark all as read" is in flight stays unread. Absent when
   * no widget holds a row (a call from code): every unread row.
   */
  before?: string;
}

export abstract class LiveHub implements ResolveContext {
  /**
   * How often (ms) the rows live widgets hold are read again from the server, one request per table
   * (`id=in.(…)`, under the user's Row Level Security); 0 turns it off. Realtime sends nothing when
   * a row leaves the user's view (moved to another org, given to another user, a membership
   * removed), so without it such a row stayed on screen, marked Live, until the next reconnect.
   * This is the longest it stays. Default 60 000.
   */
  static revalidateMs = 60_000;
  /** This hub's own interval (the client's `revalidateMs` option), else the static default. */
  protected revalidateEvery: number | undefined;
  readonly #stores = new Map<string, StoreEntry>();
  /**
   * How far the lists of a subject had seen when their store stopped, by store key and by
   * LiveQueryState.subject (the latest {@link MARKS_LIMIT}; taken when used): a list of that key,
   * else subject, made later starts there, so the rows written meanwhile fire (QA47 F3: a list
   * re-added two seconds later fired only its newest `max-items`). One map per line of clients.
   */
  get #marks(): Map<string, CatchUpMark<StoreRow>> {
    const line = lineageOf(this);
    let marks = lineMarks.get(line);
    if (!marks) lineMarks.set(line, (marks = new Map()));
    return marks;
  }
  #revalidateTimer: ReturnType<typeof setTimeout> | undefined;
  /** When the stores last read over REST because the socket could not open (readWhileDown). */
  #downReadAt = -Infinity;
  protected disposed = false;
  /** Whether Realtime runs behind the database: one for all of this client's queries. */
  protected readonly realtimeLag = new RealtimeLag();
  /** Injected by tests to control frames. */
  createNotifier?: (flush: () => void) => FrameNotifier;

  protected abstract readonly source: LiveSource;
  abstract getUserId(): Promise<string | null>;
  abstract getOrgId(): Promise<string | null>;
  /** Performs the write; resolves to null or the error. */
  protected abstract writeRead(request: WriteReadRequest): Promise<RtError | null>;

  liveQuery<F extends FeedRef>(feed: F, given: ParamsFor<F>): LiveQuery<DataFor<F>> {
    type D = DataFor<F>;
    // A copy: the store is shared by key and resolves its parameters again on every re-read; the
    // caller's object changed in place must not turn it to another row under the same key.
    const params = { ...given };
    const def = feedOf(feed);
    if (!def) {
      const state = { ...initialState<D>('list'), phase: 'error' as const, error: rtError('bad-config', `Unknown feed "${String(feed)}".`) };
      return { key: `invalid|${String(feed)}`, getState: () => state, subscribe: () => () => {}, refresh() {} };
    }
    const key = def.key(params as never);
    const hub = this;
    let idle: LiveQueryState<D> = initialState<D>(def.kind);
    return {
      key,
      getState() {
        const entry = hub.#stores.get(key);
        return (entry ? entry.store.state : idle) as LiveQueryState<D>;
      },
      subscribe(listener) {
        if (hub.disposed) return () => {};
        const entry = hub.#acquireStore(key, () =>
          new LiveQueryStore<StoreRow, unknown>({
            kind: def.kind,
            source: hub.source,
            resolve: () => def.resolve(params as never, hub),
            isTerminal: def.isTerminal as ((row: StoreRow) => boolean) | undefined,
            lag: hub.realtimeLag,
            createNotifier: hub.createNotifier,
            // A row another query may wait for (an agent activity list, for its stream).
            // Called for every change delivered: no array built, and each store returns at once
            // unless it reads "not found".
            arrived: (table, change) => {
              hub.delivered(table, change);
              if (change.type === 'DELETE' || !change.new) return;
              const id = rowKey(change.new);
              for (const e of hub.#stores.values()) e.store.parentArrived(table, id);
            },
            // Another limit of the same rows, also one lingering (a new `max-items`), or one stopped: how far it has seen.
            // The list's own, when it was shown before (another list's may be past rows it never
            // told: QA47 review), else a live one's, else the subject's last.
            told: () => hub.#told(),
            seen: (subject) => {
              const own = hub.#take(key);
              if (own) return own;
              for (const e of hub.#stores.values()) {
                const mark = e.store.markOf(subject);
                if (mark) return mark;
              }
              return hub.#take(subject);
            },
          }),
        );
        const off = entry.store.subscribe(listener as (s: LiveQueryState<unknown>) => void);
        let done = false;
        return () => {
          if (done) return;
          done = true;
          off();
          idle = entry.store.state as LiveQueryState<D>;
          hub.#releaseStore(key, entry);
        };
      },
      refresh() {
        hub.#stores.get(key)?.store.refresh();
      },
    };
  }

  #telling = false;

  /** A store delivered a state: {@link phasesChanged} once, after this task (stores deliver in one frame). */
  #told(): void {
    if (this.#telling) return;
    this.#telling = true;
    queueMicrotask(() => {
      this.#telling = false;
      if (!this.disposed) this.phasesChanged();
    });
  }

  /** A live query's delivered state (its phase) may have changed: the real client's status counts queries catching up. */
  protected phasesChanged(): void {}

  /** Live stores (diagnostics and tests). */
  protected liveStores(): LiveQueryStore<StoreRow, unknown>[] {
    return [...this.#stores.values()].map((e) => e.store);
  }

  /**
   * The socket failed to open again: every store reads its snapshot over REST meanwhile, at most
   * every {@link DOWN_READ_EVERY_MS}: fresh rows (not live) while WebSockets are blocked, or the
   * cause REST gives (a rotated JWT secret: "the API key was rejected") where the socket gives none.
   */
  protected readWhileDown(): void {
    const now = performance.now();
    if (now - this.#downReadAt < DOWN_READ_EVERY_MS) return;
    this.#downReadAt = now;
    for (const store of this.liveStores()) store.readWhileDown();
  }

  async markAsRead(table: ReadableTable, id: string): Promise<RtError | null> {
    if (!id) return rtError('bad-config', 'markAsRead needs an id.');
    const patches = this.liveStores()
      .filter((s) => s.table === table)
      .map((s) => s.patchOptimistic(id, { read: true }))
      .filter((p): p is NonNullable<typeof p> => !!p);
    const error = await this.#safeWrite({ table, id });
    for (const p of patches) (error ? p.rollback() : p.confirm());
    return error;
  }

  async markAllAsRead(table: ReadableTable, userId?: string | null): Promise<RtError | null> {
    const user = userId || (await this.getUserId());
    if (!user) return rtError('forbidden', 'Not signed in: markAllAsRead needs a signed-in user or a user id.', 'not-signed-in');
    const patches = [];
    let before: string | undefined;
    for (const store of this.liveStores()) {
      if (store.table !== table) continue;
      const q = store.query;
      if (!q || !q.eq.some(([c, v]) => c === 'user_id' && v === user)) continue;
      const rows = (Array.isArray(store.state.data) ? store.state.data : []) as Array<StoreRow & { read?: boolean; created_at?: string }>;
      for (const row of rows) {
        const created = row.created_at;
        if (typeof created === 'string' && (before === undefined || later(created, before))) before = created;
        if (row.read) continue;
        const p = store.patchOptimistic(row.id, { read: true });
        if (p) patches.push(p);
      }
      // Unread rows beyond the ones held (the list is bounded) are read too.
      const counted = store.patchCountOptimistic(0);
      if (counted) patches.push(counted);
    }
    const error = await this.#safeWrite({ table, userId: user, before });
    for (const p of patches) (error ? p.rollback() : p.confirm());
    return error;
  }

  async #safeWrite(request: WriteReadRequest): Promise<RtError | null> {
    try {
      return await this.writeRead(request);
    } catch (err) {
      return rtError('server', err instanceof Error ? err.message : String(err));
    }
  }

  #armRevalidation(): void {
    const every = this.revalidateEvery ?? (this.constructor as typeof LiveHub).revalidateMs;
    if (this.#revalidateTimer !== undefined || this.disposed || !(every > 0) || this.#stores.size === 0) return;
    this.#revalidateTimer = setTimeout(() => void this.#revalidate(), every);
  }

  /** Reads the held rows of every live store again, by table, then each list as a whole, and reconciles each store. */
  async #revalidate(): Promise<void> {
    try {
      await this.#revalidateOnce();
    } finally {
      this.#revalidateTimer = undefined;
      this.#armRevalidation();
    }
  }

  async #revalidateOnce(): Promise<void> {
    const gone = new Map<string, StoreRow[]>();
    this.source.recheckSources?.(); // Broadcast mode: a trigger dropped shows even on a quiet or insert-only table
    const byTable = new Map<string, { stores: LiveQueryStore<StoreRow, unknown>[]; keys: Set<string> }>();
    for (const store of this.liveStores()) {
      // Reads what cannot be checked by key (nothing held, the count); the keys of the rows held.
      const held = store.recheck();
      if (!held) continue;
      const group = byTable.get(store.table!) ?? { stores: [], keys: new Set<string>() };
      byTable.set(store.table!, group);
      group.stores.push(store);
      for (const key of held) group.keys.add(key);
    }
    for (const [table, { stores, keys }] of byTable) {
      const all = [...keys];
      for (let i = 0; i < all.length; i += REVALIDATE_CHUNK) {
        const ids = all.slice(i, i + REVALIDATE_CHUNK);
        // The server reads them after this (QA40 M2): a change Realtime delivers meanwhile may be newer than the copy.
        const askedAt = knownServerNow();
        const res = await this.source.select<StoreRow>({ table: table as ReadableTable, eq: [], ids }).catch(() => null);
        if (this.disposed) return;
        if (!res || res.error) {
          // Nothing learned, and nothing confirmed: each store reads its snapshot again, which
          // shows the cause (a renamed column, a refused token) or confirms the rows.
          for (const store of stores) store.revalidationFailed();
          continue;
        }
        const fresh = new Map<string, StoreRow>();
        for (const row of res.rows) {
          const key = rowKey(row);
          if (key !== null) fresh.set(key, row);
        }
        const asked = new Set(ids);
        for (const store of stores) {
          const rows = store.checked ? store.reconcile(fresh, asked, askedAt) : [];
          if (!rows.length) continue;
          const held = gone.get(table);
          if (held) held.push(...rows);
          else gone.set(table, rows);
        }
      }
    }
    if (gone.size) this.rowsLeftView(gone);
    // Each list read again as a whole: a row it lacks came into the user's view without an event,
    // or Realtime never delivered it (QA64 F1, F2). Rows found by key above are held by now.
    for (const store of this.liveStores()) {
      const query = store.listed();
      if (!query) continue;
      const askedAt = knownServerNow();
      const res = await this.source.select<StoreRow>(query).catch(() => null);
      if (this.disposed) return;
      if (!res || res.error) store.revalidationFailed();
      else store.reconcileList(res.rows, askedAt);
    }
  }

  /**
   * Revalidation found held rows the server no longer returns (by table, standard names): the
   * user's access changed, or (Broadcast mode) a topic sends rows the table's read policy hides.
   */
  protected rowsLeftView(_gone: ReadonlyMap<string, readonly StoreRow[]>): void {}

  /** A change of `table` (standard name) arrived over Realtime, for one of the queries. */
  protected delivered(_table: string, _change: RowChange<StoreRow>): void {}

  /** The mark kept under `k` (a store key or a subject), no longer kept. */
  #take(k: string): CatchUpMark<StoreRow> | undefined {
    const mark = this.#marks.get(k);
    this.#marks.delete(k);
    return mark;
  }

  #acquireStore(key: string, create: () => LiveQueryStore<StoreRow, unknown>): StoreEntry {
    let entry = this.#stores.get(key);
    if (!entry) {
      entry = { store: create(), refs: 0, linger: undefined };
      this.#stores.set(key, entry);
      entry.store.start();
    }
    clearTimeout(entry.linger);
    entry.linger = undefined;
    entry.refs++;
    this.#armRevalidation();
    return entry;
  }

  #releaseStore(key: string, entry: StoreEntry): void {
    entry.refs--;
    if (entry.refs > 0) return;
    clearTimeout(entry.linger);
    entry.linger = setTimeout(() => {
      if (entry.refs > 0 || this.#stores.get(key) !== entry) return;
      this.#stores.delete(key);
      this.#stopKeepingMark(key, entry);
    }, STORE_LINGER_MS);
  }

  /** Stops a store, keeping how far it had seen for a store of its key or subject made later. */
  #stopKeepingMark(key: string, entry: StoreEntry): void {
    const { subject } = entry.store.state;
    const mark = subject && entry.store.markOf(subject);
    if (mark) {
      const marks = this.#marks;
      for (const k of [key, subject]) marks.delete(k), marks.set(k, mark);
      // The latest MARKS_LIMIT (a page that opened hundreds of streams keeps no more).
      for (const k of marks.keys()) if (marks.size > MARKS_LIMIT) marks.delete(k);
    }
    entry.store.stop();
  }

  /** Stop every store (dispose). */
  protected stopAllStores(): void {
    clearTimeout(this.#revalidateTimer);
    this.#revalidateTimer = undefined;
    // Marks kept: a client that carries on from this one (its provider back) reads on from them.
    for (const [key, entry] of this.#stores) {
      clearTimeout(entry.linger);
      this.#stopKeepingMark(key, entry);
    }
    this.#stores.clear();
  }
}

/** Whether timestamp text `a` is later than `b`, to the microsecond (Postgres' precision). */
function later(a: string, b: string): boolean {
  const ms = parseTimestamp(a) - parseTimestamp(b);
  const micros = (t: string) => Number((/\.\d{3}(\d{0,3})/.exec(t)?.[1] ?? '').padEnd(3, '0'));
  return ms > 0 || (ms === 0 && micros(a) > micros(b));
}
