/**
 * An in-memory {@link RtClientApi} for element and controller tests: fast and exact, no network.
 * It runs the real live-query stores (same merge, ordering, bounding, coalescing and errors as
 * the real client); only the transport is a pair of maps.
 *
 *   const client = new MemoryClient({ userId: ALICE });
 *   client.setRows('streams', [{ id: 's1', org_id: 'o1', name: 'Onboarding', goal_status: 'in_progress',
 *                                current_progress: { percentage: 40, completed: 4, total: 10 } }]);
 *   const el = await fixture(html`<rt-provider .client=${client}><rt-stream-progress stream-id="s1"></rt-stream-progress></rt-provider>`);
 *   client.update('streams', { id: 's1', goal_status: 'completed' });   // merged into the row, new updated_at
 *   client.setConnection({ status: 'disconnected' });                    // stores go stale, status follows
 *   client.fail('signal_alerts', { code: 'server', message: 'boom' });   // snapshot reads fail
 *   client.hold('notifications');                                        // snapshot reads never finish
 *   client.readCalls                                                     // markAsRead / markAllAsRead calls
 */
import type {
  ChangeListener,
  ChannelSpec,
  ChannelState,
  LiveSource,
  ReadableTable,
  RowChange,
  RtClientApi,
  SnapshotQuery,
  SnapshotResult,
} from '../../src/core/client-types.js';
import type { ConnectionDetail, MonitoredTable, RtError, SubscriptionInfo, TableRows } from '../../src/core/types.js';
import { LiveHub, type WriteReadRequest } from '../../src/core/live-hub.js';
import { PINNED_LIMIT } from '../../src/core/feeds/feed.js';
import { compareValues } from '../../src/core/row-window.js';

type AnyRow = Record<string, unknown> & { id: string };
export type RowInput<T extends MonitoredTable> = Partial<TableRows[T]> & { id?: string };

let clockMicros = 0;
/** Strictly increasing ISO timestamps with microseconds (two calls never return the same). */
export function stamp(): string {
  const nowMicros = Date.now() * 1000;
  clockMicros = Math.max(clockMicros + 1, nowMicros);
  const ms = Math.floor(clockMicros / 1000);
  const micro = String(clockMicros % 1000).padStart(3, '0');
  return new Date(ms).toISOString().replace('Z', `${micro}Z`);
}

const DEFAULTS: { [T in MonitoredTable]: () => Partial<TableRows[T]> } = {
  streams: () => ({ name: 'Stream', goal_status: 'pending', current_progress: { percentage: 0, completed: 0, total: 0 } }),
  acquisition_scans: () => ({
    name: 'Scan', status: 'queued', progress_percentage: 0, current_step: null, targets_identified: 0, targets_analyzed: 0,
    started_at: null, completed_at: null, error: null, org_id: null,
  }),
  agent_executions: () => ({ agent_id: 'agent', status: 'queued', started_at: null, completed_at: null, output: null, error: null }),
  signal_alerts: () => ({ business_name: 'Business', signal_type: 'signal', priority: 'medium', details: null, read: false, org_id: null }),
  notifications: () => ({ title: 'Notification', body: null, type: 'info', link: null, read: false }),
};

export interface ReadCall {
  table: ReadableTable;
  id?: string;
  userId?: string;
  all: boolean;
}

interface Sub {
  spec: ChannelSpec;
  listener: ChangeListener<any>;
}

const HEALTHY: ConnectionDetail = {
  status: 'connected', attempt: 0, nextRetryAt: null, latencyMs: 12, lastHeartbeatAt: null, lastError: null, staleSince: null, tokenExpiresAt: null,
};

function uuid(): string {
  return (globalThis.crypto as Crypto | undefined)?.randomUUID?.() ?? `mem-${Math.random().toString(16).slice(2)}-${Date.now()}`;
}

function filterMatches(filter: string | null, row: AnyRow | null | undefined): boolean {
  if (!filter) return true;
  if (!row) return false;
  const m = /^([^=]+)=eq\.(.*)$/.exec(filter);
  if (!m) return true;
  const v = row[m[1]];
  return v === undefined ? true : String(v) === m[2];
}

export interface MemoryClientOptions {
  /** The "signed-in" user (token `sub`); default null (anonymous). */
  userId?: string | null;
  orgId?: string | null;
  connection?: Partial<ConnectionDetail>;
}

export class MemoryClient extends LiveHub implements RtClientApi {
  userId: string | null;
  orgId: string | null;
  /** Every markAsRead / markAllAsRead that reached the "server". */
  readonly readCalls: ReadCall[] = [];
  /** Snapshot reads per table (tests can assert how many happened). */
  readonly selectCount: Record<string, number> = {};
  /** markAsRead writes wait here while held (`holdWrites()`), to observe the optimistic state. */
  private writeGate: { promise: Promise<void>; open: () => void } | null = null;

  private readonly tables = new Map<MonitoredTable, Map<string, AnyRow>>();
  private readonly failures = new Map<MonitoredTable, RtError>();
  private readonly writeFailures = new Map<MonitoredTable, RtError>();
  private readonly holds = new Map<MonitoredTable, Array<() => void>>();
  private readonly subs = new Set<Sub>();
  private readonly connectionListeners = new Set<(d: ConnectionDetail) => void>();
  private readonly subscriptionListeners = new Set<(s: SubscriptionInfo[]) => void>();
  private detail: ConnectionDetail;
  private epoch = 1;

  protected readonly source: LiveSource = {
    subscribe: <R>(spec: ChannelSpec, listener: ChangeListener<R>) => {
      const sub: Sub = { spec, listener };
      this.subs.add(sub);
      listener.onState(this.channelState()); // current state, synchronously (as a shared channel does)
      this.emitSubscriptions();
      return () => {
        if (this.subs.delete(sub)) this.emitSubscriptions();
      };
    },
    select: <R>(query: SnapshotQuery) => this.select<R>(query),
    count: async (table, eq) => {
      await Promise.resolve();
      const failure = this.failures.get(table);
      if (failure) return { count: null, error: failure };
      return { count: [...this.table(table).values()].filter((r) => eq.every(([c, v]) => String(r[c]) === v)).length, error: null };
    },
  };

  constructor(options: MemoryClientOptions = {}) {
    super();
    this.userId = options.userId ?? null;
    this.orgId = options.orgId ?? null;
    this.detail = { ...HEALTHY, ...options.connection };
  }

  // ---- test controls ----------------------------------------------------------------------

  /** Replace all rows of a table (missing columns get defaults). Live queries see the difference. */
  setRows<T extends MonitoredTable>(table: T, rows: RowInput<T>[]): AnyRow[] {
    const before = this.table(table);
    const next = new Map<string, AnyRow>();
    for (const input of rows) {
      const row = this.complete(table, input as AnyRow, before.get(String(input.id)));
      next.set(row.id, row);
    }
    this.tables.set(table, next);
    for (const [id, old] of before) if (!next.has(id)) this.emit(table, { type: 'DELETE', new: null, old });
    for (const [id, row] of next) this.emit(table, { type: before.has(id) ? 'UPDATE' : 'INSERT', new: row, old: before.get(id) ?? null });
    return [...next.values()];
  }

  /** Insert a row (defaults filled in) and deliver an INSERT. */
  insert<T extends MonitoredTable>(table: T, input: RowInput<T>): TableRows[T] {
    const row = this.complete(table, input as AnyRow);
    this.table(table).set(row.id, row);
    this.emit(table, { type: 'INSERT', new: row, old: null });
    return row as unknown as TableRows[T];
  }

  /** Merge `patch` into an existing row, bump `updated_at` (unless given) and deliver an UPDATE. */
  update<T extends MonitoredTable>(table: T, patch: RowInput<T> & { id: string }): TableRows[T] {
    const rows = this.table(table);
    const old = rows.get(patch.id);
    const row = { ...(old ?? this.complete(table, { id: patch.id })), ...(patch as AnyRow) } as AnyRow;
    if (!('updated_at' in patch) || !patch.updated_at) row.updated_at = stamp();
    rows.set(row.id, row);
    this.emit(table, { type: 'UPDATE', new: row, old: old ?? null });
    return row as unknown as TableRows[T];
  }

  /** Deliver a change as-is without touching the stored rows (e.g. an out-of-order, older UPDATE). */
  deliver<T extends MonitoredTable>(table: T, change: RowChange<TableRows[T]>): void {
    this.emit(table, change as unknown as RowChange<AnyRow>);
  }

  /** Delete a row and deliver a DELETE (carrying only the primary key, as Realtime does under RLS). */
  remove(table: MonitoredTable, id: string): void {
    const rows = this.table(table);
    const old = rows.get(id);
    rows.delete(id);
    this.emit(table, { type: 'DELETE', new: null, old: old ?? { id } }, old ?? { id });
  }

  rows<T extends MonitoredTable>(table: T): TableRows[T][] {
    return [...this.table(table).values()] as unknown as TableRows[T][];
  }

  /** Make snapshot reads of `table` fail with `error` (null: succeed again). Live queries re-read. */
  fail(table: MonitoredTable, error: RtError | null): void {
    if (error) this.failures.set(table, error);
    else this.failures.delete(table);
    this.resync(table);
  }

  /** Make writes (markAsRead) of `table` fail with `error` (null: succeed again). */
  failWrites(table: MonitoredTable, error: RtError | null): void {
    if (error) this.writeFailures.set(table, error);
    else this.writeFailures.delete(table);
  }

  /** Keep markAsRead / markAllAsRead writes pending until `releaseWrites()`. */
  holdWrites(): void {
    if (this.writeGate) return;
    let open!: () => void;
    const promise = new Promise<void>((r) => (open = r));
    this.writeGate = { promise, open };
  }

  /** Let held writes (and later ones) complete. */
  releaseWrites(): void {
    this.writeGate?.open();
    this.writeGate = null;
  }

  /** Keep snapshot reads of `table` pending until `release(table)` (live queries stay 'loading'). */
  hold(table: MonitoredTable): void {
    if (!this.holds.has(table)) this.holds.set(table, []);
  }

  /** Let held snapshot reads of `table` finish. */
  release(table: MonitoredTable): void {
    const waiting = this.holds.get(table) ?? [];
    this.holds.delete(table);
    for (const go of waiting) go();
  }

  /**
   * Change the connection detail. Moving away from 'connected' marks live queries stale; moving
   * back to 'connected' makes them re-read their snapshot (as after a real reconnect).
   */
  setConnection(patch: Partial<ConnectionDetail>): void {
    const wasConnected = this.detail.status === 'connected';
    this.detail = { ...this.detail, ...patch };
    const isConnected = this.detail.status === 'connected';
    if (!wasConnected && isConnected) this.epoch++;
    if (wasConnected && !isConnected && this.detail.staleSince === null && !('staleSince' in patch)) this.detail.staleSince = Date.now();
    if (isConnected && !('staleSince' in patch)) this.detail.staleSince = null;
    const snapshot = { ...this.detail };
    for (const cb of [...this.connectionListeners]) cb(snapshot);
    const state = this.channelState();
    for (const sub of [...this.subs]) sub.listener.onState(state);
    this.emitSubscriptions();
  }

  // ---- RtClientApi --------------------------------------------------------------------------

  getConnection(): ConnectionDetail {
    return { ...this.detail };
  }

  onConnection(callback: (detail: ConnectionDetail) => void): () => void {
    this.connectionListeners.add(callback);
    return () => this.connectionListeners.delete(callback);
  }

  getActiveSubscriptions(): SubscriptionInfo[] {
    const byKey = new Map<string, SubscriptionInfo>();
    for (const { spec } of this.subs) {
      const key = `${spec.table}|${spec.filter ?? ''}`;
      const existing = byKey.get(key);
      if (existing) existing.refCount++;
      else byKey.set(key, { name: spec.name, table: spec.table, filter: spec.filter, status: this.detail.status, refCount: 1, lastError: null });
    }
    return [...byKey.values()];
  }

  onSubscriptionsChange(callback: (subscriptions: SubscriptionInfo[]) => void): () => void {
    this.subscriptionListeners.add(callback);
    return () => this.subscriptionListeners.delete(callback);
  }

  async getUserId(): Promise<string | null> {
    return this.userId;
  }

  async getOrgId(): Promise<string | null> {
    return this.orgId;
  }

  reconnect(): void {
    this.setConnection({ status: 'connecting' });
    setTimeout(() => this.setConnection({ status: 'connected', attempt: 0 }), 0);
  }

  dispose(): void {
    this.disposed = true;
    this.stopAllStores();
    this.subs.clear();
  }

  protected async writeRead(request: WriteReadRequest): Promise<RtError | null> {
    this.readCalls.push({ table: request.table, id: request.id, userId: request.userId, all: !request.id });
    if (this.writeGate) await this.writeGate.promise;
    const failure = this.writeFailures.get(request.table);
    if (failure) return failure;
    const rows = this.table(request.table);
    for (const row of [...rows.values()]) {
      const early = request.before === undefined || Date.parse(String(row.created_at)) <= Date.parse(request.before);
      const hit = request.id ? row.id === request.id : row.user_id === request.userId && !row.read && early;
      if (hit) this.update(request.table, { id: row.id, read: true } as never);
    }
    return null;
  }

  // ---- internals ----------------------------------------------------------------------------

  private table(table: MonitoredTable): Map<string, AnyRow> {
    let rows = this.tables.get(table);
    if (!rows) this.tables.set(table, (rows = new Map()));
    return rows;
  }

  private complete(table: MonitoredTable, input: AnyRow, existing?: AnyRow): AnyRow {
    const now = stamp();
    return {
      ...(DEFAULTS[table]() as Record<string, unknown>),
      created_at: existing?.created_at ?? now,
      ...(existing ?? {}),
      ...input,
      id: input.id ? String(input.id) : uuid(),
      updated_at: input.updated_at ?? (existing && sameRow(existing, input) ? existing.updated_at : now),
    } as AnyRow;
  }

  private muted = 0;
  private lagging = false;

  /** Realtime lagging behind the database: changes are not delivered while on (they are lost). */
  lag(on: boolean): void {
    this.lagging = on;
  }

  /** Run `fn` without delivering its changes (writes "while the socket is down"). */
  silently<T>(fn: () => T): T {
    this.muted++;
    try {
      return fn();
    } finally {
      this.muted--;
    }
  }

  private emit(table: MonitoredTable, change: RowChange<AnyRow>, matchRow?: AnyRow): void {
    if (this.muted || this.lagging) return;
    const row = matchRow ?? change.new ?? (change.old as AnyRow | null);
    for (const sub of [...this.subs]) {
      if (sub.spec.table !== table) continue;
      if (!filterMatches(sub.spec.filter, row) && !filterMatches(sub.spec.filter, change.old as AnyRow | null)) continue;
      sub.listener.onChange(change);
    }
  }

  private channelState(): ChannelState {
    const status = this.detail.status;
    return { status, ready: status === 'connected', epoch: this.epoch, error: status === 'error' ? this.detail.lastError : null };
  }

  /** Make the live queries of `table` re-read their snapshot (as after a rejoin). */
  private resync(table: MonitoredTable): void {
    this.epoch++;
    const state = this.channelState();
    for (const sub of [...this.subs]) if (sub.spec.table === table) sub.listener.onState(state);
  }

  private async select<R>(query: SnapshotQuery): Promise<SnapshotResult<R>> {
    this.selectCount[query.table] = (this.selectCount[query.table] ?? 0) + 1;
    // The snapshot is read NOW; holding only delays the reply (as a slow network would).
    const failure = this.failures.get(query.table);
    let rows = [...this.table(query.table).values()].filter((r) => query.eq.every(([c, v]) => String(r[c]) === v) && (!query.ids || query.ids.includes(String(r.id))));
    const since = query.since;
    if (since !== undefined && query.order) rows = rows.filter((r) => r[query.order!.column] != null && compareValues(r[query.order!.column], since) >= 0); // `gte`: never NULL
    if (query.order) {
      const { column, ascending } = query.order;
      // PostgreSQL's default order (nulls last ascending, first descending), as the live stores keep it.
      rows.sort((a, b) => compareValues(a[column], b[column]) * (ascending ? 1 : -1));
    }
    if (query.limit !== undefined) {
      // As RestSource: the first `limit` rows and, when they are a full list, up to PINNED_LIMIT
      // pinned ones (work under way) wherever they are.
      const pinned = query.pinned;
      const first = rows.slice(0, query.limit);
      const full = pinned && !query.single && !query.ids && first.length >= query.limit;
      const more = full ? rows.filter((r) => pinned.values.includes(String(r[pinned.column]))).slice(0, PINNED_LIMIT) : [];
      rows = [...first, ...more.filter((r) => !first.includes(r))];
    }
    const result = failure ? { rows: null, error: failure } : { rows: rows.map((r) => ({ ...r })) as unknown as R[], error: null };
    const waiting = this.holds.get(query.table);
    if (waiting) await new Promise<void>((resolve) => waiting.push(resolve));
    await Promise.resolve();
    return result as SnapshotResult<R>;
  }

  private emitSubscriptions(): void {
    const list = this.getActiveSubscriptions();
    for (const cb of [...this.subscriptionListeners]) cb(list);
  }
}

function sameRow(a: AnyRow, b: AnyRow): boolean {
  for (const k of Object.keys(b)) if (k !== 'updated_at' && JSON.stringify(a[k]) !== JSON.stringify(b[k])) return false;
  return true;
}
