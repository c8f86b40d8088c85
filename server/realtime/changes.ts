/**
 * postgres_changes: the subscription registry, the change drain and the fanout.
 *
 * Capture triggers append to `_rt_local.changes` and NOTIFY `rt_local_changes`. ONE serialized
 * loop reads `id > last` in id order (plus ids it saw skipped, which on PostgreSQL may belong to
 * transactions still in flight), so each change is delivered once and in order. Per batch:
 *   - filters are evaluated in SQL, once per table, every distinct filter a boolean column
 *     (values cast to the column's type by Postgres, exactly like Realtime's check_equality_op);
 *   - RLS is checked once per (table, role + claims) for the whole batch as that role
 *     (`db.asRole`), not once per subscription;
 *   - each change is serialized once per (role view), then framed per channel with its ids.
 * DELETEs bypass RLS (as on Supabase) and their old_record is cut to the primary key when the
 * table has RLS enabled.
 */
import type { Claims, Db } from '../db.ts';
import { Catalog, type ColumnMeta, type RoleView, type TableMeta } from './catalog.ts';
import {
  MAX_IN_VALUES,
  exceptionMessage,
  notInPublicationMessage,
  parseParams,
  postgresExceptionText,
  type ActionFilter,
  type FilterOp,
  type ParsedParams,
} from './filters.ts';

/** What the feed needs from a joined channel. */
export interface ChangeSubscriber {
  readonly topicJson: string;
  /** Current claims (updated by `access_token`); read at fanout time. */
  readonly claims: Claims;
  readonly claimsKey: string;
  isOpen(): boolean;
  /** Sends a postgres_changes push whose payload is already JSON text. */
  pushChanges(payloadJson: string): void;
  /** Bytes queued on the socket and not yet sent. */
  bufferedBytes(): number;
}

interface CompiledFilter {
  /** Unique per (column, op, value, negate) within a table: the boolean column in the filter query. */
  key: string;
  column: ColumnMeta;
  op: FilterOp;
  value: string;
  negate: boolean;
}

interface Sub {
  id: number;
  owner: ChangeSubscriber;
  event: ActionFilter;
  table: TableMeta;
  filters: CompiledFilter[];
  select: Set<string> | null;
}

interface Change {
  id: number;
  schema: string;
  table: string;
  op: 'INSERT' | 'UPDATE' | 'DELETE';
  record: string | null;
  oldRecord: string | null;
  /**
   * `commit_timestamp`: when the drain first read the row, so never before its commit (on
   * Supabase, the commit's own time); a change's time of writing could be before its commit.
   */
  ts: string;
  parsedRecord?: Record<string, unknown>;
  parsedOld?: Record<string, unknown>;
}

/** One realtime.messages row (realtime.send / broadcast_changes) taken from the change queue. */
export interface QueuedMessage {
  id: string;
  topic: string;
  event: string;
  private: boolean;
  /** The payload as JSON text. */
  payloadJson: string;
}

export interface Binding {
  id: number;
  params: unknown;
}

export type SubscribeResult = { ok: true } | { ok: false; message: string };

const BATCH = 500;
const GAP_TTL_MS = 5_000;
const MAX_GAPS = 10_000;
const CLEANUP_EVERY_MS = 5_000;
const POLL_MS = 1_000;
const MAX_RECORD_BYTES = 1_048_576;
/** Backpressure: after a batch, wait (bounded) while a subscriber has this much unsent. */
const BACKPRESSURE_BYTES = 8 * 1024 * 1024;
const BACKPRESSURE_MAX_WAIT_MS = 1_000;

const COMPARE_OPS: Partial<Record<FilterOp, string>> = { eq: '=', neq: '<>', lt: '<', lte: '<=', gt: '>', gte: '>=' };
const TEXT_OPS: Partial<Record<FilterOp, string>> = { like: 'like', ilike: 'ilike', match: '~', imatch: '~*' };
const IS_VALUES: Record<string, string> = { null: 'null', true: 'true', false: 'false', unknown: 'unknown' };

/**
 * One filter as a SQL boolean over the populated row `r`; the value is bound as parameter `$n`
 * and cast to the column's type by Postgres. Identifiers and types come from the catalog.
 */
function filterSql(f: { column: ColumnMeta; op: FilterOp; value: string; negate: boolean }, n: number): string {
  const col = `r.${f.column.ident}`;
  let expr: string;
  if (f.op === 'in') expr = `${col} = any($${n}::text::${f.column.castType}[])`;
  else if (f.op === 'is') expr = `${col} is ${IS_VALUES[f.value.toLowerCase()] ?? 'null'} and $${n}::text is not null`;
  else if (f.op === 'isdistinct') expr = `${col} is distinct from $${n}::text::${f.column.castType}`;
  else if (TEXT_OPS[f.op]) expr = `${col}::text ${TEXT_OPS[f.op]} $${n}::text`;
  else expr = `${col} ${COMPARE_OPS[f.op]} $${n}::text::${f.column.castType}`;
  return f.negate ? `coalesce(not (${expr}), false)` : `coalesce(${expr}, false)`;
}

export class ChangeFeed {
  readonly catalog: Catalog;
  private subsByTable = new Map<string, Set<Sub>>();
  private subsByOwner = new Map<ChangeSubscriber, Sub[]>();
  private last = 0;
  private gaps = new Map<number, number>();
  private pending = false;
  private running: Promise<void> | null = null;
  private stopped = false;
  private unlisten: (() => Promise<void>) | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private lastCleanup = 0;
  private lastMessagesCleanup = 0;
  private failing = false;
  /** Changes delivered (pushes sent), for diagnostics and the benchmark. */
  pushes = 0;
  /** RLS visibility queries run (one per table, distinct claims and batch), for the benchmark. */
  rlsQueries = 0;
  /** Wall time of postgres_changes fanouts (filters, RLS, framing, pushes), ms. */
  fanoutMs = 0;
  /**
   * Broadcast from Database: rows inserted into realtime.messages by realtime.send(), handed over
   * in queue (commit) order, each batch before the batch's postgres_changes fanout.
   */
  onMessages: ((messages: QueuedMessage[]) => void) | null = null;

  /** The last lagged batch's delivery (dev control lag-realtime); null when none is waiting. */
  private lagged: Promise<void> | null = null;

  /** `lagMs()`: hold each change until that long after its commit (the dev control lag-realtime). */
  constructor(
    private readonly db: Db,
    private readonly log: (line: string) => void,
    private readonly lagMs: () => number = () => 0,
  ) {
    this.catalog = new Catalog(db);
  }

  async start(): Promise<void> {
    this.unlisten = await this.db.listen('rt_local_changes', () => this.wake());
    const r = await this.db.query<{ max: string }>(`select coalesce(max(id), 0)::text as max from _rt_local.changes`);
    this.last = Number(r.rows[0]?.max ?? 0);
    // Changes from before this start (a persisted data dir) are never delivered: drop them.
    await this.db.query(`delete from _rt_local.changes where id <= $1`, [this.last]);
    this.lastCleanup = Date.now();
    this.pollTimer = setInterval(() => this.wake(), POLL_MS);
    this.pollTimer.unref?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.pollTimer) clearInterval(this.pollTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.pollTimer = this.retryTimer = null;
    const unlisten = this.unlisten;
    this.unlisten = null;
    await unlisten?.().catch(() => {});
    await this.running?.catch(() => {});
    this.subsByTable.clear();
    this.subsByOwner.clear();
  }

  // ---- subscriptions -----------------------------------------------------------------------

  /**
   * Validates every binding of a channel as the channel's role and registers them all, or none
   * (Realtime inserts a channel's subscriptions in one transaction). Replaces earlier ones.
   */
  async subscribe(owner: ChangeSubscriber, bindings: Binding[]): Promise<SubscribeResult> {
    const subs: Sub[] = [];
    const role = String(owner.claims.role);
    for (const b of bindings) {
      const parsed = parseParams(b.params);
      if (!parsed.ok) return { ok: false, message: parsed.message };
      const p = parsed.params;
      const tables = await this.catalog.publishedTables(p.schema, p.table);
      if (!tables.length) return { ok: false, message: notInPublicationMessage(p) };
      for (const t of tables) {
        const meta = await this.catalog.table(t.schema, t.table);
        if (!meta) return { ok: false, message: notInPublicationMessage(p) };
        const view = await this.catalog.roleView(meta, role);
        if (!view.exists) {
          return { ok: false, message: exceptionMessage(p, postgresExceptionText({ code: '22023', message: `role "${role}" does not exist` })) };
        }
        const compiled: CompiledFilter[] = [];
        for (const f of p.filters) {
          // As realtime.subscription_check_filters: the column must EXIST and the value must cast to
          // its type. Privileges are not checked here (a channel joined before its user token is
          // set runs as anon); they shape `columns` and RLS at delivery, with the claims current then.
          const column = meta.columns.find((c) => c.name === f.column);
          if (!column) {
            return { ok: false, message: exceptionMessage(p, postgresExceptionText({ code: 'P0001', message: `invalid column for filter ${f.column}` })) };
          }
          const err = await this.checkValue(p, meta.qname, { column, op: f.op, value: f.value, negate: f.negate });
          if (err) return { ok: false, message: err };
          compiled.push({ key: `${column.attnum}|${f.op}|${f.negate}|${f.value}`, column, op: f.op, value: f.value, negate: f.negate });
        }
        subs.push({ id: b.id, owner, event: p.event, table: meta, filters: compiled, select: p.select ? new Set(p.select) : null });
      }
    }
    if (!owner.isOpen()) return { ok: true };
    this.unsubscribe(owner);
    for (const s of subs) {
      let set = this.subsByTable.get(s.table.key);
      if (!set) this.subsByTable.set(s.table.key, (set = new Set()));
      set.add(s);
    }
    this.subsByOwner.set(owner, subs);
    return { ok: true };
  }

  /** Casts the filter value to the column type the way Realtime's subscription trigger does. */
  private async checkValue(p: ParsedParams, qname: string, f: { column: ColumnMeta; op: FilterOp; value: string; negate: boolean }): Promise<string | null> {
    const { column, op, value } = f;
    try {
      if (op === 'in') {
        const r = await this.db.query<{ n: number | null }>(`select cardinality($1::text::${column.castType}[]) as n`, [value]);
        if (Number(r.rows[0]?.n ?? 0) > MAX_IN_VALUES) {
          return exceptionMessage(p, postgresExceptionText({ code: 'P0001', message: `too many values for \`in\` filter. Maximum ${MAX_IN_VALUES}` }));
        }
      } else if (op === 'is') {
        if (!IS_VALUES[value.toLowerCase()]) {
          return exceptionMessage(p, postgresExceptionText({ code: '22P02', message: `invalid value for \`is\` filter: "${value}" (use null, true, false or unknown)` }));
        }
      } else if (op === 'match' || op === 'imatch') {
        await this.db.query(`select '' ~ $1::text as v`, [value]); // invalid regular expression ⇒ 2201B
      } else if (!TEXT_OPS[op]) {
        await this.db.query(`select $1::text::${column.castType} as v`, [value]);
      }
      // The whole expression must type-check too (e.g. `lt` on a type without ordering).
      await this.db.query(`select ${filterSql(f, 1)} as v from jsonb_populate_recordset(null::${qname}, '[]'::jsonb) r`, [value]);
      return null;
    } catch (err) {
      return exceptionMessage(p, postgresExceptionText(err));
    }
  }

  unsubscribe(owner: ChangeSubscriber): void {
    const subs = this.subsByOwner.get(owner);
    if (!subs) return;
    this.subsByOwner.delete(owner);
    for (const s of subs) {
      const set = this.subsByTable.get(s.table.key);
      set?.delete(s);
      if (set && !set.size) this.subsByTable.delete(s.table.key);
    }
  }

  subscriptionCount(): number {
    let n = 0;
    for (const set of this.subsByTable.values()) n += set.size;
    return n;
  }

  // ---- drain loop --------------------------------------------------------------------------

  private wake(): void {
    if (this.stopped) return;
    this.pending = true;
    if (!this.running && !this.retryTimer) this.running = this.loop().finally(() => (this.running = null));
  }

  private async loop(): Promise<void> {
    while (this.pending && !this.stopped) {
      this.pending = false;
      try {
        const n = await this.drainOnce();
        if (n >= BATCH) this.pending = true;
        if (Date.now() - this.lastCleanup > CLEANUP_EVERY_MS) await this.cleanup();
        this.failing = false;
      } catch (err) {
        if (this.stopped) return;
        if (!this.failing) this.log(`realtime: change drain failed: ${(err as Error)?.message ?? String(err)} (retrying)`);
        this.failing = true;
        this.retryTimer = setTimeout(() => {
          this.retryTimer = null;
          this.wake();
        }, 1000);
        this.retryTimer.unref?.();
        return;
      }
    }
  }

  private async cleanup(): Promise<void> {
    this.lastCleanup = Date.now();
    const keep = JSON.stringify([...this.gaps.keys()]);
    await this.db.query(
      `delete from _rt_local.changes where id <= $1 and id not in (select jsonb_array_elements_text($2::jsonb)::bigint)`,
      [this.last, keep],
    );
    // realtime.messages: Supabase drops partitions after a few days; keep three days (replay).
    if (Date.now() - this.lastMessagesCleanup > 60_000) {
      this.lastMessagesCleanup = Date.now();
      await this.db.query(`delete from realtime.messages where inserted_at < now() - interval '3 days'`);
    }
  }

  private async drainOnce(): Promise<number> {
    const now = Date.now();
    for (const [id, seen] of this.gaps) if (now - seen > GAP_TTL_MS) this.gaps.delete(id);
    const gapList = JSON.stringify([...this.gaps.keys()]);
    const r = await this.db.query<{ id: string; schema_name: string; table_name: string; op: string; record: string | null; old_record: string | null; ts: string }>(
      `select id::text as id, schema_name, table_name, op, record::text as record, old_record::text as old_record,
              to_char(greatest(commit_ts, clock_timestamp()) at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as ts
         from _rt_local.changes
        where id > $1 or id in (select jsonb_array_elements_text($2::jsonb)::bigint)
        order by id limit $3`,
      [this.last, gapList, BATCH],
    );
    if (!r.rows.length) return 0;
    const changes: Change[] = [];
    const messages: QueuedMessage[] = [];
    for (const row of r.rows) {
      const id = Number(row.id);
      if (id <= this.last) {
        if (!this.gaps.delete(id)) continue; // already delivered
      } else {
        if (id > this.last + 1 && id - this.last - 1 <= MAX_GAPS && this.gaps.size < MAX_GAPS) {
          for (let g = this.last + 1; g < id; g++) this.gaps.set(g, now);
        }
        this.last = id;
      }
      const op = row.op === 'INSERT' || row.op === 'UPDATE' || row.op === 'DELETE' ? row.op : null;
      if (!op) continue;
      if (row.schema_name === 'realtime' && row.table_name === 'messages') {
        const m = parse(row.record);
        if (op === 'INSERT' && typeof m.topic === 'string' && typeof m.event === 'string') {
          messages.push({ id: String(m.id), topic: m.topic, event: m.event, private: m.private === true, payloadJson: JSON.stringify(m.payload ?? null) });
        }
        continue;
      }
      changes.push({ id, schema: row.schema_name, table: row.table_name, op, record: row.record, oldRecord: row.old_record, ts: row.ts });
    }
    const send = async () => {
      if (messages.length) this.onMessages?.(messages);
      if (this.subsByTable.size && changes.length) {
        const started = performance.now();
        await this.fanout(changes);
        this.fanoutMs += performance.now() - started;
      }
    };
    // Lagging (dev control): each batch goes out `lag` ms after it was read, in order, while the
    // drain goes on reading (so commit timestamps stay true).
    const lag = this.lagMs();
    if (lag > 0 || this.lagged) {
      const tail = (this.lagged ?? Promise.resolve()).then(async () => {
        // The lag in force now: lifting it (0) sends what waits at once.
        for (let wait; !this.stopped && (wait = now + this.lagMs() - Date.now()) > 0; ) {
          await new Promise((go) => setTimeout(go, Math.min(wait, 100)));
        }
        if (!this.stopped) await send().catch((err) => this.log(`realtime: lagged fanout failed: ${(err as Error)?.message ?? String(err)}`));
      });
      this.lagged = tail;
      void tail.then(() => {
        if (this.lagged === tail) this.lagged = null;
      });
    } else await send();
    return r.rows.length;
  }

  // ---- fanout ------------------------------------------------------------------------------

  private async fanout(changes: Change[]): Promise<void> {
    // Group the batch by table; only tables somebody listens to cost anything.
    const byTable = new Map<string, { idx: number; change: Change }[]>();
    changes.forEach((change, idx) => {
      const key = Catalog.key(change.schema, change.table);
      if (!this.subsByTable.has(key)) return;
      let list = byTable.get(key);
      if (!list) byTable.set(key, (list = []));
      list.push({ idx, change });
    });
    if (!byTable.size) return;

    // matched[idx] = subscriptions (with the role view they see the change through) per change.
    const matched: { sub: Sub; view: RoleView; error401: boolean }[][] = changes.map(() => []);
    await Promise.all([...byTable.entries()].map(([key, list]) => this.matchTable(key, list, matched)));

    const touched = new Set<ChangeSubscriber>();
    for (let i = 0; i < changes.length; i++) {
      const m = matched[i]!;
      if (!m.length) continue;
      const change = changes[i]!;
      // One push per channel: the ids of all its matching bindings, in binding order, deduplicated.
      const perOwner = new Map<ChangeSubscriber, { ids: number[]; sub: Sub; view: RoleView; error401: boolean }>();
      for (const { sub, view, error401 } of m) {
        if (!sub.owner.isOpen()) continue;
        const entry = perOwner.get(sub.owner);
        if (!entry) perOwner.set(sub.owner, { ids: [sub.id], sub, view, error401 });
        else if (!entry.ids.includes(sub.id)) entry.ids.push(sub.id);
      }
      const dataCache = new Map<string, string>();
      for (const [owner, { ids, sub, view, error401 }] of perOwner) {
        const cacheKey = `${view.columnsJson}|${sub.select ? [...sub.select].join(',') : ''}|${error401}`;
        let data = dataCache.get(cacheKey);
        if (data === undefined) dataCache.set(cacheKey, (data = this.buildData(change, sub.table, view, sub.select, error401)));
        owner.pushChanges(`{"ids":${JSON.stringify(ids)},"data":${data}}`);
        this.pushes++;
        touched.add(owner);
      }
    }
    // A burst is paced by the slowest reader (bounded, so one stuck socket cannot stall the
    // feed; a socket far behind is closed by the server instead of buffering without limit).
    const started = Date.now();
    const behind = () => [...touched].some((o) => o.isOpen() && o.bufferedBytes() > BACKPRESSURE_BYTES);
    while (!this.stopped && behind() && Date.now() - started < BACKPRESSURE_MAX_WAIT_MS) await new Promise((r) => setTimeout(r, 5));
  }

  private async matchTable(
    key: string,
    list: { idx: number; change: Change }[],
    matched: { sub: Sub; view: RoleView; error401: boolean }[][],
  ): Promise<void> {
    const subs = [...(this.subsByTable.get(key) ?? [])];
    if (!subs.length) return;
    const meta = subs[0]!.table;

    // 1. Filters: one query for the table, one boolean column per distinct filter.
    const distinct = new Map<string, CompiledFilter>();
    for (const s of subs) for (const f of s.filters) distinct.set(f.key, f);
    const filterResults = new Map<string, boolean[]>(); // key → per list position
    if (distinct.size) {
      const filters = [...distinct.values()];
      const params: unknown[] = [`[${list.map(({ change }) => (change.op === 'DELETE' ? change.oldRecord : change.record) ?? 'null').join(',')}]`];
      const exprs = filters.map((f, j) => {
        params.push(f.value);
        return `${filterSql(f, params.length)} as f${j}`;
      });
      const sql = `select r.ordinality::int as i, ${exprs.join(', ')}
                     from rows from (jsonb_populate_recordset(null::${meta.qname}, $1::jsonb)) with ordinality as r`;
      const r = await this.db.query<Record<string, unknown>>(sql, params);
      filters.forEach((f) => filterResults.set(f.key, new Array(list.length).fill(false)));
      for (const row of r.rows) {
        const pos = Number(row.i) - 1;
        filters.forEach((f, j) => {
          if (row[`f${j}`] === true) filterResults.get(f.key)![pos] = true;
        });
      }
    }
    const passes = (s: Sub, pos: number) => s.filters.every((f) => filterResults.get(f.key)?.[pos] === true);
    const eventOk = (s: Sub, c: Change) => s.event === '*' || s.event === c.op;

    // 2. Role views and RLS, per distinct claims, for the candidate non-DELETE changes only.
    const groups = new Map<string, { claims: Claims; subs: Sub[] }>();
    for (const s of subs) {
      const g = groups.get(s.owner.claimsKey);
      if (g) g.subs.push(s);
      else groups.set(s.owner.claimsKey, { claims: s.owner.claims, subs: [s] });
    }
    await Promise.all(
      [...groups.values()].map(async ({ claims, subs: gsubs }) => {
        const view = await this.catalog.roleView(meta, String(claims.role));
        if (!view.exists) return;
        const candidates: number[] = []; // list positions needing an RLS check
        const results: { pos: number; sub: Sub; error401: boolean }[] = [];
        list.forEach(({ change }, pos) => {
          let needsCheck = false;
          for (const s of gsubs) {
            if (!eventOk(s, change)) continue;
            if (change.op !== 'DELETE' && !view.pkSelectable) {
              results.push({ pos, sub: s, error401: true }); // Realtime skips filters here
              continue;
            }
            if (!passes(s, pos)) continue;
            results.push({ pos, sub: s, error401: false });
            if (change.op !== 'DELETE') needsCheck = true;
          }
          if (needsCheck) candidates.push(pos);
        });
        let visible: Set<number> | null = null; // null ⇒ everything visible
        if (candidates.length && meta.rls && !view.bypassRls) {
          visible = await this.visibleRows(meta, claims, candidates.map((pos) => list[pos]!.change));
          visible = new Set([...visible].map((k) => candidates[k]!));
        }
        for (const { pos, sub, error401 } of results) {
          const change = list[pos]!.change;
          if (!error401 && change.op !== 'DELETE' && visible && !visible.has(pos)) continue;
          matched[list[pos]!.idx]!.push({ sub, view, error401 });
        }
      }),
    );
  }

  /** One query as the subscriber's role: which of these rows can it SELECT right now? */
  private async visibleRows(meta: TableMeta, claims: Claims, changes: Change[]): Promise<Set<number>> {
    if (!meta.pkColumns.length) return new Set();
    const json = `[${changes.map((c) => c.record ?? 'null').join(',')}]`;
    const cond = meta.pkColumns.map((c) => `t.${c.ident} = r.${c.ident}`).join(' and ');
    this.rlsQueries++;
    try {
      const r = await this.db.asRole(claims, (tx) =>
        tx.query<{ i: number }>(
          `select r.ordinality::int as i
             from rows from (jsonb_populate_recordset(null::${meta.qname}, $1::jsonb)) with ordinality as r
            where exists (select 1 from ${meta.qname} t where ${cond})`,
          [json],
        ),
      );
      return new Set(r.rows.map((x) => Number(x.i) - 1));
    } catch (err) {
      this.log(`realtime: RLS check on ${meta.key} as ${String(claims.role)} failed: ${(err as Error)?.message ?? String(err)}`);
      return new Set();
    }
  }

  // ---- payload -----------------------------------------------------------------------------

  private buildData(change: Change, meta: TableMeta, view: RoleView, select: Set<string> | null, error401: boolean): string {
    const head = `{"schema":${JSON.stringify(change.schema)},"table":${JSON.stringify(change.table)},"commit_timestamp":${JSON.stringify(change.ts)},"type":${JSON.stringify(change.op)}`;
    if (error401) {
      const rec = change.op === 'DELETE' ? '"old_record":{}' : change.op === 'UPDATE' ? '"record":{},"old_record":{}' : '"record":{}';
      return `${head},"columns":[],${rec},"errors":["Error 401: Unauthorized"]}`;
    }
    const cols = select ? view.columns.filter((c) => select.has(c.name)) : view.columns;
    const columnsJson = cols.length === view.columns.length ? view.columnsJson : JSON.stringify(cols.map((c) => ({ name: c.name, type: c.typname })));
    const errors: string[] = [];
    const allColumns = cols.length === meta.columns.length;
    let recordJson: string | null = null;
    let oldJson: string | null = null;
    if (change.op !== 'DELETE') {
      if (allColumns && change.record) recordJson = change.record;
      else recordJson = JSON.stringify(pick((change.parsedRecord ??= parse(change.record)), cols));
      if (recordJson.length > MAX_RECORD_BYTES) {
        recordJson = JSON.stringify(dropLarge((change.parsedRecord ??= parse(change.record)), cols));
        errors.push('Error 413: Payload Too Large');
      }
    }
    if (change.op !== 'INSERT') {
      // Old values as wal2json's identity gives them: all columns with REPLICA IDENTITY FULL,
      // else the key; a DELETE on an RLS table is cut to the primary key.
      const identityAll = meta.replident === 'f' && !(change.op === 'DELETE' && meta.rls);
      const oldCols = identityAll ? cols : meta.replident === 'n' ? [] : cols.filter((c) => c.pk);
      if (identityAll && allColumns && change.oldRecord) oldJson = change.oldRecord;
      else oldJson = JSON.stringify(pick((change.parsedOld ??= parse(change.oldRecord)), oldCols));
      if (oldJson.length > MAX_RECORD_BYTES) {
        oldJson = JSON.stringify(dropLarge((change.parsedOld ??= parse(change.oldRecord)), oldCols));
        if (!errors.length) errors.push('Error 413: Payload Too Large');
      }
    }
    const rec = change.op === 'INSERT' ? `"record":${recordJson}` : change.op === 'UPDATE' ? `"record":${recordJson},"old_record":${oldJson}` : `"old_record":${oldJson}`;
    return `${head},"columns":${columnsJson},${rec},"errors":${errors.length ? JSON.stringify(errors) : 'null'}}`;
  }
}

function parse(text: string | null): Record<string, unknown> {
  if (!text) return {};
  try {
    const v = JSON.parse(text);
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function pick(obj: Record<string, unknown>, cols: ColumnMeta[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of cols) if (c.name in obj) out[c.name] = obj[c.name];
  return out;
}

/** Over max_record_bytes Realtime keeps only fields whose JSON value is ≤ 64 bytes. */
function dropLarge(obj: Record<string, unknown>, cols: ColumnMeta[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of cols) {
    if (!(c.name in obj)) continue;
    const v = obj[c.name];
    if (Buffer.byteLength(JSON.stringify(v) ?? 'null') <= 64) out[c.name] = v;
  }
  return out;
}
