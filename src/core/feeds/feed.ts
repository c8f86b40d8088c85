/**
 * A feed is a declaration: one table, how parameters become equality filters, ordering, the
 * bound on a list, which rows are terminal (never coalesced away) and which are counted (unread).
 * {@link defineFeed} turns a declaration into what a live query runs; the five monitored tables
 * are declared this way in this folder, and a page declares feeds for its own tables the same
 * way through the public API:
 *
 *   const workOrders = defineFeed<WorkOrder, { teamId?: string }>({
 *     name: 'work-orders', table: 'work_orders', kind: 'list',
 *     filters: [{ column: 'team_id', param: 'teamId', fallback: 'org' }],
 *     order: { column: 'created_at', ascending: false }, limit: 50,
 *     terminal: { column: 'status', values: ['done', 'failed'] },
 *   });
 *   new LiveQueryController(this, workOrders, () => ({ teamId: this.teamId }));
 *
 * Rows need a primary key column `id` (text, bigint or uuid) and, for the version guard, an
 * `updated_at` kept by a trigger.
 */
import type { ResolveContext, SnapshotQuery } from '../client-types.js';
import type { RtError } from '../types.js';
import { isRtError, rtError } from '../errors.js';
import { keyProblem, normalizeKey } from '../keys.js';

export interface ResolvedFeed {
  query: SnapshotQuery;
  /** Original-design style name, e.g. `stream:<id>:progress`. */
  name: string;
  /**
   * For a list whose snapshot came back empty: why, when it is not "no rows" — the parent a filter
   * points at (a stream, an org) is not visible to the signed-in user, or an explicit user id is
   * another user's. Null: the empty list is the truth. Row Level Security returns an empty list
   * for rows the user may not read, so without this check such a widget said "Live · nothing here".
   */
  verifyEmpty?: () => Promise<RtError | null>;
  /**
   * The parent rows `verifyEmpty` checks, as `[table, id]` (a stream for `agent_executions`): when
   * one arrives over Realtime while the list reads "not found", the list is read again at once
   * (QA35: an agent activity list said "No stream id …" for ~10 s beside the stream's own data).
   */
  parents?: ReadonlyArray<readonly [table: string, id: string]>;
}

/** One equality filter: `column = params[param]`, or (when omitted) the signed-in user / their org. */
export interface FeedFilter<P> {
  column: string;
  param: keyof P & string;
  /** What the value is, for messages ("stream id"). Default: the parameter name. */
  what?: string;
  /** When the parameter is omitted: the token's user (`user`), or that user's first org (`org`). Else required. */
  fallback?: 'user' | 'org';
  /**
   * The table whose row `id = value` this filter points at (e.g. `streams` for
   * `agent_executions.stream_id`; `orgs` is implied for `fallback: 'org'`). When a list comes back
   * empty for a value given explicitly, that row is read: if the user cannot see it, the widget
   * says "Not found or no access" instead of its empty state.
   */
  parent?: string;
}

export interface FeedDeclaration<R, P> {
  /** The feed's name (diagnostics, store identity), e.g. `work-orders`. */
  name: string;
  /** The table (rt-monitor's standard name, mapped by the `tables` option, or your own table). */
  table: string;
  /** `single`: one row (e.g. by id; missing or deleted reads "not found"); `list`: ordered, bounded rows. */
  kind: 'single' | 'list';
  /**
   * Equality filters, in order; the first is also the realtime filter (`col=eq.value`). Left out
   * (or empty): every row of the table the user may read (Row Level Security decides).
   */
  filters?: ReadonlyArray<FeedFilter<P>>;
  /** List order (a `list` default: `created_at` newest first). */
  order?: { column: string; ascending: boolean };
  /** List bound: the default number of rows (a `limit` parameter may ask for 1 … 1000). Default 50. */
  limit?: number;
  /** Rows in these states reach subscribers even when changes are coalesced. */
  terminal?: { column: keyof R & string; values: readonly string[] };
  /**
   * A list's rows in these states are held beyond `limit` (work under way: a running agent behind
   * a hundred newer finished ones is still shown, and counted as running), up to {@link PINNED_LIMIT}.
   */
  pinned?: { column: keyof R & string; values: readonly string[] };
  /** Also count, over the whole table, the rows where `column = value` (e.g. unread: `read = false`). */
  counted?: { column: string; value: string };
  /** Original-design channel name from the filter values, e.g. `(v) => \`stream:${v.id}:progress\``. */
  label?: (values: Readonly<Record<string, string>>) => string;
}

/** What a live query runs: made by {@link defineFeed}. */
export interface FeedDef<R = any, P = any, D = R[] | R | null> {
  readonly feed: string;
  readonly table: string;
  readonly kind: 'single' | 'list';
  /** Identity of the store for these parameters (before defaults are resolved). */
  key(params: P): string;
  /** Resolve defaults (user / org from the token) and build the query, or explain why not. */
  resolve(params: P, ctx: ResolveContext): Promise<ResolvedFeed | RtError>;
  /** Rows in a state that must reach subscribers even when coalescing (completed, failed…). */
  isTerminal?(row: R): boolean;
  /** Type carriers (never set): the row and parameter types of the feed. */
  readonly __row?: R;
  readonly __params?: P;
  /** `state.data`: the row (or null) for `single` feeds, the rows for `list` feeds. */
  readonly __data?: D;
}

export type RowOf<F> = F extends FeedDef<infer R, any, any> ? R : never;
export type ParamsOf<F> = F extends FeedDef<any, infer P, any> ? P : never;
export type DataOf<F> = F extends FeedDef<any, any, infer D> ? D : never;

export const DEFAULT_LIST_LIMIT = 50;
export const MAX_LIST_LIMIT = 1000;
/**
 * A list's rows in its `pinned` states (work under way) are read up to this many, whatever its
 * `limit`; when that many are read, more may be under way (`LiveQueryState.more`: `'pinned'`).
 */
export const PINNED_LIMIT = 1000;

export function clampLimit(limit: number | undefined, fallback = DEFAULT_LIST_LIMIT): number {
  if (limit === undefined || limit === null || !Number.isFinite(limit)) return fallback;
  return Math.max(1, Math.min(MAX_LIST_LIMIT, Math.floor(limit)));
}

/** A required id parameter (text, bigint or uuid; see ../keys.ts) in canonical form, or why not. */
export function requireId(value: unknown, what: string): string | RtError {
  const v = normalizeKey(value);
  if (v === null) return rtError('bad-config', `No ${what} given.`);
  return keyProblem(v, what) ?? v;
}

/** Resolve an optional user id: the given one, else the token's `sub`. */
export async function resolveUser(userId: unknown, ctx: ResolveContext): Promise<string | RtError> {
  if (normalizeKey(userId) !== null) return requireId(userId, 'user id');
  const me = await ctx.getUserId();
  return me ?? (await ctx.tokenProblem?.()) ?? rtError('forbidden', 'Not signed in: pass a user id, or give the client a signed-in user\'s access token.', 'not-signed-in');
}

/** Resolve an optional org id: the given one, else the signed-in user's org. */
export async function resolveOrg(orgId: unknown, ctx: ResolveContext): Promise<string | RtError> {
  if (normalizeKey(orgId) !== null) return requireId(orgId, 'org id');
  const me = await ctx.getUserId();
  if (!me) return (await ctx.tokenProblem?.()) ?? rtError('forbidden', 'Not signed in: pass an org id, or give the client a signed-in user\'s access token.', 'not-signed-in');
  const org = await (ctx.defaultOrg ?? ctx.getOrgId).call(ctx);
  if (isRtError(org)) return org;
  return org ?? rtError('forbidden', 'No access: the signed-in user is not a member of any organisation (org_members).');
}

/**
 * Why a list filtered on explicitly given values may be empty for another reason than "no rows":
 * a value is another user's id, or its parent row is not visible (`parent`, or `orgs` for an org).
 */
async function scopeProblem<P>(scoped: ReadonlyArray<[FeedFilter<P>, string, string]>, ctx: ResolveContext): Promise<RtError | null> {
  for (const [f, what, value] of scoped) {
    if (f.fallback === 'user') {
      const me = await ctx.getUserId();
      if (me !== null && me !== value) return rtError('forbidden', `Nothing visible for ${what} ${value}: not the signed-in user.`, 'other-user');
      continue;
    }
    const parent = f.parent ?? (f.fallback && 'orgs');
    if (parent && (await ctx.rowVisible?.(parent, value)) === false) return rtError('not-found', `No ${what} ${value}, or no access to it.`);
  }
  return null;
}

/** Turn a declaration into a feed (validated: a mistake in it throws at declaration time). */
export function defineFeed<R, P extends object = Record<string, unknown>>(decl: FeedDeclaration<R, P> & { kind: 'single' }): FeedDef<R, P, R | null>;
export function defineFeed<R, P extends object = Record<string, unknown>>(decl: FeedDeclaration<R, P> & { kind: 'list' }): FeedDef<R, P, R[]>;
export function defineFeed<R, P extends object>(decl: FeedDeclaration<R, P>): FeedDef<R, P> {
  if (!decl.name || !decl.table) throw new Error('defineFeed: a feed needs a name and a table.');
  if (decl.kind !== 'single' && decl.kind !== 'list') throw new Error(`defineFeed(${decl.name}): kind must be "single" or "list".`);
  // Script-tag pages have no types to say what a filter is: a wrong shape is named here, not a
  // TypeError in a widget that then reads "Loading…" for good (QA38).
  const filters = decl.filters ?? [];
  if (!Array.isArray(filters) || filters.some((f) => !f || typeof f.column !== 'string' || typeof f.param !== 'string')) {
    throw new Error(`defineFeed(${decl.name}): filters must be an array of { column, param }, or left out (every row the user may read).`);
  }
  const list = decl.kind === 'list';
  const order = decl.order ?? (list ? { column: 'created_at', ascending: false } : undefined);
  const limitOf = (p: P) => clampLimit((p as { limit?: number }).limit, decl.limit ?? DEFAULT_LIST_LIMIT);
  const terminal = decl.terminal ? new Set<unknown>(decl.terminal.values) : null;
  return {
    feed: decl.name,
    table: decl.table,
    kind: decl.kind,
    key(p) {
      const values = filters.map((f) => normalizeKey((p as Record<string, unknown>)[f.param]) ?? `@${f.fallback ?? 'none'}`);
      return [decl.name, decl.table, ...values, ...(list ? [String(limitOf(p))] : [])].join('|');
    },
    async resolve(p, ctx) {
      const eq: Array<[string, string]> = [];
      const values: Record<string, string> = {};
      const scoped: Array<[FeedFilter<P>, string, string]> = [];
      for (const f of filters) {
        const given = (p as Record<string, unknown>)[f.param];
        const what = f.what ?? (f.fallback ? `${f.fallback} id` : f.param);
        const value =
          f.fallback === 'user' ? await resolveUser(given, ctx) : f.fallback === 'org' ? await resolveOrg(given, ctx) : requireId(given, what);
        if (isRtError(value)) return value;
        eq.push([f.column, value]);
        values[f.column] = value;
        // Given values, and the signed-in user's default org (looked up once: the membership may
        // have been removed since).
        if (list && (normalizeKey(given) !== null || f.fallback === 'org')) scoped.push([f, what, value]);
      }
      const query: SnapshotQuery = { table: decl.table as SnapshotQuery['table'], eq };
      if (list) Object.assign(query, { order, limit: limitOf(p) }, decl.pinned && { pinned: decl.pinned });
      else query.single = true;
      if (decl.counted) query.countWhere = [[decl.counted.column, decl.counted.value]];
      const name = decl.label?.(values) ?? `${decl.name}:${eq.map(([, v]) => v).join(':')}`;
      if (!scoped.length) return { name, query };
      const parents = scoped.flatMap(([f, , value]) => {
        const parent = f.parent ?? (f.fallback && 'orgs');
        return parent ? [[parent, value] as const] : [];
      });
      return { name, query, verifyEmpty: () => scopeProblem(scoped, ctx), parents };
    },
    ...(terminal ? { isTerminal: (row: R) => terminal.has((row as Record<string, unknown>)[decl.terminal!.column]) } : {}),
  };
}
