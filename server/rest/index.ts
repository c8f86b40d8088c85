/**
 * The PostgREST subset supabase-js emits, at /rest/v1/:
 *   GET/HEAD/POST/PATCH/DELETE /rest/v1/<table>   and   GET/POST /rest/v1/rpc/<function>
 *
 * Every request runs in one transaction as the caller's role with `request.jwt.claims` set
 * (ctx.db.asRole), so grants and RLS apply exactly as on Supabase. Values are bound parameters;
 * identifiers are looked up in the catalog (catalog.ts) and emitted with the catalog's names;
 * response JSON is built by Postgres (json_build_object / json_agg) so PGlite and PostgreSQL
 * answer byte-for-byte alike. Errors use PostgREST's {code, message, details, hint} and statuses.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BackendContext } from '../context.ts';
import type { Claims, Queryable } from '../db.ts';
import { HttpError, readBody } from '../http-util.ts';
import { verifyJwt } from '../jwt.ts';
import { Catalog, qualified, quoteIdent, type RpcFunction, type Table } from './catalog.ts';
import {
  parseColumnsParam,
  parseField,
  parseLogicTree,
  parseNonNegativeInt,
  parseOperation,
  parseOrder,
  parsePrefer,
  parseSelect,
  type Filter,
  type OrderTerm,
  type Prefer,
  type SelectItem,
} from './parse.ts';
import { Params, orderSql, selectJsonSql, unknownPayloadColumn, whereSql } from './sql.ts';

/** Supabase's default `max_rows`: a read returns at most this many rows. */
export const MAX_ROWS = 1000;

const RESERVED = new Set(['select', 'order', 'limit', 'offset', 'on_conflict', 'columns', 'apikey']);

interface ReadRequest {
  select: SelectItem[];
  filters: Filter[];
  order: OrderTerm[];
  limit?: number;
  offset?: number;
}

/** What a statement returns: JSON array text, the row count, the first row (for .single()). */
interface StatementResult {
  body: string;
  n: number;
  first: string | null;
  total?: number;
}

class Rollback {
  constructor(readonly result: unknown) {}
}

function pgrstError(status: number, code: string, message: string, details: string | null = null, hint: string | null = null): HttpError {
  return new HttpError(status, { code, details, hint, message });
}

/** PostgREST's mapping from SQLSTATE to HTTP status (docs/references/errors.rst). */
export function statusForSqlState(code: string, role: string): number {
  switch (code) {
    case '42501':
      return role === 'anon' ? 401 : 403;
    case '23503':
    case '23505':
      return 409;
    case '42P01':
    case '42883':
      return 404;
    case '25006':
      return 405;
    case 'P0001':
      return 400;
    case '42P17':
      return 500;
    case '57014':
      return 500;
    default:
      break;
  }
  const cls = code.slice(0, 2);
  if (cls === '08' || cls === '53') return 503;
  if (cls === '0L' || cls === '0P' || cls === '28') return 403;
  if (['09', '25', '2D', '38', '39', '3B', '40', '54', '55', '57', '58', 'F0', 'HV', 'P0', 'XX'].includes(cls)) return 500;
  return 400;
}

function isPgError(err: unknown): err is { code: string; message: string; detail?: string; hint?: string } {
  return (
    typeof err === 'object' &&
    err !== null &&
    typeof (err as { code?: unknown }).code === 'string' &&
    /^[0-9A-Z]{5}$/.test((err as { code: string }).code) &&
    typeof (err as { message?: unknown }).message === 'string'
  );
}

function toHttpError(err: unknown, role: string): unknown {
  if (!isPgError(err)) return err;
  return new HttpError(statusForSqlState(err.code, role), {
    code: err.code,
    details: err.detail ?? null,
    hint: err.hint ?? null,
    message: err.message,
  });
}

function wantsSingle(req: IncomingMessage): { single: boolean; stripNulls: boolean } {
  const accept = String(req.headers.accept ?? '');
  return {
    single: /application\/vnd\.pgrst\.object(\+json)?/i.test(accept),
    stripNulls: /nulls=stripped/i.test(accept),
  };
}

function singleError(n: number): HttpError {
  return pgrstError(406, 'PGRST116', 'Cannot coerce the result to a single JSON object', `The result contains ${n} rows`);
}

export function createRestHandler(ctx: BackendContext) {
  const catalog = new Catalog(ctx.db);

  async function authenticate(req: IncomingMessage, url: URL): Promise<Claims> {
    const header = req.headers.authorization;
    let token: string | null = null;
    if (header && /^bearer /i.test(header)) token = header.slice(7).trim();
    else if (typeof req.headers.apikey === 'string') token = req.headers.apikey;
    else token = url.searchParams.get('apikey');
    if (!token) {
      throw new HttpError(401, { message: 'No API key found in request', hint: 'No `apikey` request header or url param was found.' });
    }
    // The API gateway checks the project key before PostgREST sees the user's token, as Supabase's
    // does: also when the key is the only token sent (a signed-out page, a rotated secret).
    const key = typeof req.headers.apikey === 'string' ? req.headers.apikey : url.searchParams.get('apikey');
    const keyCheck = key ? await verifyJwt(ctx.jwtSecret, key) : null;
    // (An expired key is the token's matter, as on the Auth API: PostgREST says "JWT expired".)
    if (keyCheck && !keyCheck.ok && keyCheck.reason !== 'expired') {
      throw new HttpError(401, { message: 'Invalid API key', hint: 'Double check your Supabase `anon` or `service_role` API key.' });
    }
    const v = await verifyJwt(ctx.jwtSecret, token);
    if (v.ok) return v.claims;
    const parts = token.split('.').length;
    const describe =
      v.reason === 'expired'
        ? 'JWT expired'
        : v.reason === 'signature'
          ? 'JWSError JWSInvalidSignature'
          : v.reason === 'claims'
            ? v.message
            : parts !== 3
              ? `Expected 3 parts in JWT; got ${parts}`
              : 'JWSError (CompactDecodeError Invalid JWT)';
    const code = v.reason === 'expired' ? 'PGRST303' : 'PGRST301';
    throw new HttpError(401, { code, details: null, hint: null, message: describe });
  }

  function checkProfile(req: IncomingMessage): void {
    for (const name of ['accept-profile', 'content-profile']) {
      const v = req.headers[name];
      if (typeof v === 'string' && v !== '' && v !== 'public') {
        throw pgrstError(406, 'PGRST106', `Invalid schema: ${v}`, null, 'Only the following schemas are exposed: public');
      }
    }
  }

  function parseRead(url: URL): ReadRequest {
    const q = url.searchParams;
    const filters: Filter[] = [];
    for (const [key, value] of q) {
      if (RESERVED.has(key)) continue;
      if (key === 'or' || key === 'and' || key === 'not.or' || key === 'not.and') {
        const negate = key.startsWith('not.');
        filters.push(parseLogicTree(key.replace('not.', '') as 'and' | 'or', negate, value));
        continue;
      }
      if (key.includes('.') && !key.includes('->')) {
        // `rel.order`, `rel.limit`, `rel.col=…`: filters on embedded resources.
        throw pgrstError(400, 'PGRST108', `'${key.split('.')[0]}' is not an embedded resource in this request`, null, 'The local backend does not support embedded resources.');
      }
      filters.push(parseOperation(parseField(key), value, false));
    }
    const limit = parseNonNegativeInt('limit', q.get('limit'));
    const offset = parseNonNegativeInt('offset', q.get('offset'));
    return {
      select: parseSelect(q.get('select')),
      filters,
      order: q.get('order') ? parseOrder(q.get('order')!) : [],
      limit,
      offset,
    };
  }

  /** Applies a `Range: a-b` request header (PostgREST's other pagination form). */
  function applyRangeHeader(req: IncomingMessage, read: ReadRequest): void {
    const range = req.headers.range;
    if (typeof range !== 'string') return;
    const m = /^\s*(\d{1,15})-(\d{0,15})\s*$/.exec(range);
    if (!m) return;
    const from = Number(m[1]);
    read.offset = read.offset ?? from;
    if (m[2] !== '') read.limit = Math.min(read.limit ?? Infinity, Number(m[2]) - from + 1);
  }

  /** `err` is an undefined column (42703) and `table`'s columns changed in the catalog since it was cached (the cache now holds them). */
  async function changedUnder(err: unknown, table: Table): Promise<boolean> {
    const mapped = toHttpError(err, 'service_role');
    if (!(mapped instanceof HttpError) || mapped.body.code !== '42703') return false;
    const fresh = await catalog.table(table.name, true);
    return !!fresh && fresh.columnOrder.join() !== table.columnOrder.join();
  }

  /** A request's body, read once (a request run again after a schema change reads it again). */
  const bodies = new WeakMap<IncomingMessage, Promise<string>>();
  function bodyOf(req: IncomingMessage): Promise<string> {
    let read = bodies.get(req);
    if (!read) bodies.set(req, (read = readBody(req)));
    return read;
  }

  async function loadTable(name: string): Promise<Table> {
    const table = await catalog.table(name);
    if (!table) {
      throw pgrstError(404, 'PGRST205', `Could not find the table 'public.${name}' in the schema cache`, null, null);
    }
    return table;
  }

  async function run<T>(claims: Claims, prefer: Prefer, fn: (tx: Queryable) => Promise<T>): Promise<T> {
    try {
      return await ctx.db.asRole(claims, async (tx) => {
        const result = await fn(tx);
        if (prefer.tx === 'rollback') throw new Rollback(result);
        return result;
      });
    } catch (err) {
      if (err instanceof Rollback) return err.result as T;
      throw toHttpError(err, String(claims.role));
    }
  }

  function rowsOf(r: { rows: Record<string, unknown>[] }): StatementResult {
    const row = r.rows[0] ?? {};
    return {
      body: String(row.body ?? '[]'),
      n: Number(row.n ?? 0),
      first: row.first === null || row.first === undefined ? null : String(row.first),
      total: row.total === null || row.total === undefined ? undefined : Number(row.total),
    };
  }

  function send(
    res: ServerResponse,
    status: number,
    body: string | null,
    headers: Record<string, string>,
    single: boolean,
  ): void {
    const h: Record<string, string> = { ...headers };
    if (body !== null) h['Content-Type'] = single ? 'application/vnd.pgrst.object+json; charset=utf-8' : 'application/json; charset=utf-8';
    res.writeHead(status, h);
    res.end(body ?? undefined);
  }

  function rangeHeader(offset: number, n: number, total: number | undefined): string {
    const t = total === undefined ? '*' : String(total);
    return n > 0 ? `${offset}-${offset + n - 1}/${t}` : `*/${t}`;
  }

  // ---------------------------------------------------------------- read
  async function handleRead(req: IncomingMessage, res: ServerResponse, url: URL, claims: Claims, table: Table, head: boolean): Promise<void> {
    const prefer = parsePrefer(req.headers.prefer);
    const { single, stripNulls } = wantsSingle(req);
    const read = parseRead(url);
    applyRangeHeader(req, read);
    const params = new Params();
    const json = await selectJsonSql(catalog, table, read.select, params);
    const where = await whereSql(catalog, table, read.filters, params);
    const order = await orderSql(catalog, table, read.order, params);
    const limit = Math.min(read.limit ?? MAX_ROWS, MAX_ROWS);
    const offset = read.offset ?? 0;
    const j = stripNulls ? `json_strip_nulls(${json})` : json;
    const wantCount = !!prefer.count;
    const sql =
      `select coalesce(json_agg(_s._j), '[]')::text as body, count(*)::text as n` +
      (single ? `, (array_agg(_s._j))[1]::text as first` : '') +
      (wantCount ? `, (select count(*) from ${qualified(table)}${where})::text as total` : '') +
      ` from (select ${j} as _j from ${qualified(table)}${where}${order} limit ${params.add(limit, 'int8')} offset ${params.add(offset, 'int8')}) _s`;
    const result = await run(claims, prefer, async (tx) => rowsOf(await tx.query(sql, params.values)));
    if (single && result.n !== 1) throw singleError(result.n);
    const headers: Record<string, string> = {
      'Content-Range': head ? `*/${result.total ?? '*'}` : rangeHeader(offset, result.n, result.total),
    };
    if (prefer.count) headers['Preference-Applied'] = `count=${prefer.count}`;
    let status = 200;
    if (result.total !== undefined && result.n > 0 && result.n < result.total && !single) status = 206;
    if (head) {
      res.writeHead(status, { ...headers, 'Content-Type': 'application/json; charset=utf-8' });
      res.end();
      return;
    }
    send(res, status, single ? result.first! : result.body, headers, single);
  }

  // ---------------------------------------------------------------- writes
  function representation(prefer: Prefer): boolean {
    return prefer.return === 'representation';
  }

  /** The tail of a write: with representation, the selected JSON; otherwise only the row count. */
  async function writeTail(table: Table, url: URL, prefer: Prefer, single: boolean, stripNulls: boolean, params: Params): Promise<string> {
    if (!representation(prefer)) return `select count(*)::text as n from _w`;
    const items = parseSelect(url.searchParams.get('select'));
    const json = await selectJsonSql(catalog, table, items, params);
    const j = stripNulls ? `json_strip_nulls(${json})` : json;
    return (
      `select coalesce(json_agg(_s._j), '[]')::text as body, count(*)::text as n` +
      (single ? `, (array_agg(_s._j))[1]::text as first` : '') +
      ` from (select ${j} as _j from _w) _s`
    );
  }

  function finishWrite(res: ServerResponse, prefer: Prefer, single: boolean, result: StatementResult, okStatus: number, minimalStatus: number): void {
    const applied = [prefer.return && `return=${prefer.return}`, prefer.resolution && `resolution=${prefer.resolution}`, prefer.count && `count=${prefer.count}`, prefer.missing && `missing=${prefer.missing}`]
      .filter(Boolean)
      .join(', ');
    const headers: Record<string, string> = {
      'Content-Range': prefer.count ? rangeHeader(0, result.n, result.n) : okStatus === 201 ? '*/*' : rangeHeader(0, result.n, undefined),
    };
    if (applied) headers['Preference-Applied'] = applied;
    if (representation(prefer)) send(res, okStatus, single ? result.first! : result.body, headers, single);
    else {
      res.writeHead(minimalStatus, headers);
      res.end();
    }
  }

  async function handleInsert(req: IncomingMessage, res: ServerResponse, url: URL, claims: Claims, table: Table): Promise<void> {
    const prefer = parsePrefer(req.headers.prefer);
    const { single, stripNulls } = wantsSingle(req);
    const raw = await bodyOf(req);
    let body: unknown;
    try {
      body = raw.trim() === '' ? undefined : JSON.parse(raw);
    } catch {
      throw pgrstError(400, 'PGRST102', 'Empty or invalid json');
    }
    const rows = Array.isArray(body) ? body : [body];
    if (body === undefined || !rows.every((r) => typeof r === 'object' && r !== null && !Array.isArray(r))) {
      throw pgrstError(400, 'PGRST102', 'Empty or invalid json', 'The request body must be a JSON object or an array of objects');
    }
    const objects = rows as Record<string, unknown>[];
    const columnsParam = url.searchParams.get('columns');
    let allowed: string[];
    if (columnsParam !== null) allowed = parseColumnsParam(columnsParam);
    else allowed = [...new Set(objects.flatMap((o) => Object.keys(o)))];
    for (const c of allowed) if (!(await catalog.column(table, c))) throw unknownPayloadColumn(table, c);
    const allowedSet = new Set(allowed);

    // Rows are inserted in groups sharing a column list. Normally one group (missing keys ⇒ NULL,
    // as PostgREST); with `Prefer: missing=default` each distinct key set is its own group so the
    // omitted columns take their defaults.
    const groups: { columns: string[]; indices: number[] }[] = [];
    if (prefer.missing === 'default') {
      for (let i = 0; i < objects.length; i++) {
        const cols = table.columnOrder.filter((c) => allowedSet.has(c) && Object.hasOwn(objects[i]!, c));
        const last = groups[groups.length - 1];
        if (last && last.columns.join('\u0000') === cols.join('\u0000')) last.indices.push(i + 1);
        else groups.push({ columns: cols, indices: [i + 1] });
      }
    } else {
      groups.push({ columns: table.columnOrder.filter((c) => allowedSet.has(c)), indices: objects.map((_, i) => i + 1) });
    }

    // Conflict handling (upsert).
    let conflict = '';
    if (prefer.resolution) {
      const target = url.searchParams.get('on_conflict');
      const targetCols = target !== null ? parseColumnsParam(target) : table.primaryKey;
      for (const c of targetCols) if (!(await catalog.column(table, c))) throw unknownPayloadColumn(table, c);
      const targetSql = targetCols.length ? ` (${targetCols.map(quoteIdent).join(', ')})` : '';
      conflict = prefer.resolution === 'ignore-duplicates' ? ` on conflict${targetSql} do nothing` : ` on conflict${targetSql} do update set `;
      if (prefer.resolution === 'merge-duplicates' && !targetCols.length) {
        throw pgrstError(400, 'PGRST103', `Table '${table.name}' has no primary key: pass on_conflict for an upsert`);
      }
    }

    const statements: { sql: string; params: Params }[] = [];
    for (const g of groups) {
      const params = new Params();
      const b = params.add(raw, 'json');
      const bodyArr = `(case when json_typeof(${b}) = 'array' then ${b} else json_build_array(${b}) end)`;
      const source =
        groups.length === 1 ? bodyArr : `(select coalesce(json_agg(_x.e order by _x.i), '[]') from json_array_elements(${bodyArr}) with ordinality as _x(e, i) where _x.i = any(${params.add(`{${g.indices.join(',')}}`, 'int[]')}))`;
      let insert: string;
      if (g.columns.length) {
        const cols = g.columns.map(quoteIdent).join(', ');
        insert = `insert into ${qualified(table)} as _t (${cols}) select ${g.columns.map((c) => `_r.${quoteIdent(c)}`).join(', ')} from json_populate_recordset(null::${qualified(table)}, ${source}) _r`;
      } else {
        insert = `insert into ${qualified(table)} as _t select from json_array_elements(${source})`;
      }
      if (conflict.endsWith('do update set ')) {
        insert += g.columns.length ? conflict + g.columns.map((c) => `${quoteIdent(c)} = excluded.${quoteIdent(c)}`).join(', ') : conflict.replace(/do update set $/, 'do nothing');
      } else insert += conflict;
      const returning = representation(prefer) ? ' returning _t.*' : ' returning 1';
      const tail = await writeTail(table, url, prefer, single, stripNulls, params);
      statements.push({ sql: `with _w as (${insert}${returning}) ${tail}`, params });
    }

    const result = await run(claims, prefer, async (tx) => {
      const parts: StatementResult[] = [];
      for (const s of statements) parts.push(rowsOf(await tx.query(s.sql, s.params.values)));
      const merged = mergeResults(parts);
      if (single && merged.n !== 1) throw singleError(merged.n);
      return merged;
    });
    finishWrite(res, prefer, single, result, 201, 201);
  }

  function mergeResults(parts: StatementResult[]): StatementResult {
    if (parts.length === 1) return parts[0]!;
    const bodies = parts.map((p) => p.body.trim()).filter((b) => b !== '[]').map((b) => b.slice(1, -1));
    return {
      body: `[${bodies.join(', ')}]`,
      n: parts.reduce((a, p) => a + p.n, 0),
      first: parts.find((p) => p.first !== null)?.first ?? null,
    };
  }

  async function targetWhere(table: Table, url: URL, params: Params, verb: string): Promise<string> {
    const read = parseRead(url);
    const where = await whereSql(catalog, table, read.filters, params);
    if (!where) {
      throw pgrstError(400, '21000', `${verb} requires a WHERE clause`, null, 'Add a filter (for example .eq("id", …)) to choose the rows.');
    }
    if (read.limit === undefined && !read.order.length) return where;
    const order = await orderSql(catalog, table, read.order, params);
    const limit = read.limit !== undefined ? ` limit ${params.add(read.limit, 'int8')}` : '';
    const offset = read.offset !== undefined ? ` offset ${params.add(read.offset, 'int8')}` : '';
    return ` where ctid in (select ctid from ${qualified(table)}${where}${order}${limit}${offset})`;
  }

  async function handleUpdate(req: IncomingMessage, res: ServerResponse, url: URL, claims: Claims, table: Table): Promise<void> {
    const prefer = parsePrefer(req.headers.prefer);
    const { single, stripNulls } = wantsSingle(req);
    const raw = await bodyOf(req);
    let body: unknown;
    try {
      body = raw.trim() === '' ? undefined : JSON.parse(raw);
    } catch {
      throw pgrstError(400, 'PGRST102', 'Empty or invalid json');
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw pgrstError(400, 'PGRST102', 'Empty or invalid json', 'PATCH takes one JSON object of the columns to change');
    }
    const keys = Object.keys(body);
    for (const k of keys) if (!(await catalog.column(table, k))) throw unknownPayloadColumn(table, k);
    const params = new Params();
    const cols = table.columnOrder.filter((c) => keys.includes(c));
    const bodyParam = cols.length ? params.add(raw, 'json') : '';
    const where = await targetWhere(table, url, params, 'UPDATE');
    const tail = await writeTail(table, url, prefer, single, stripNulls, params);
    const returning = representation(prefer) ? ' returning _t.*' : ' returning 1';
    let sql: string;
    if (!cols.length) {
      // Nothing to change: PostgREST answers as if no row matched.
      sql = `with _w as (select * from ${qualified(table)} _t where false) ${tail}`;
    } else {
      const sets = cols.map((c) => `${quoteIdent(c)} = (select _b.${quoteIdent(c)} from json_populate_record(null::${qualified(table)}, ${bodyParam}) _b)`).join(', ');
      sql = `with _w as (update ${qualified(table)} as _t set ${sets}${where}${returning}) ${tail}`;
    }
    const result = await run(claims, prefer, async (tx) => {
      const r = rowsOf(await tx.query(sql, params.values));
      if (single && r.n !== 1) throw singleError(r.n);
      return r;
    });
    finishWrite(res, prefer, single, result, 200, 204);
  }

  async function handleDelete(req: IncomingMessage, res: ServerResponse, url: URL, claims: Claims, table: Table): Promise<void> {
    const prefer = parsePrefer(req.headers.prefer);
    const { single, stripNulls } = wantsSingle(req);
    await bodyOf(req);
    const params = new Params();
    const where = await targetWhere(table, url, params, 'DELETE');
    const tail = await writeTail(table, url, prefer, single, stripNulls, params);
    const returning = representation(prefer) ? ' returning _t.*' : ' returning 1';
    const sql = `with _w as (delete from ${qualified(table)} as _t${where}${returning}) ${tail}`;
    const result = await run(claims, prefer, async (tx) => {
      const r = rowsOf(await tx.query(sql, params.values));
      if (single && r.n !== 1) throw singleError(r.n);
      return r;
    });
    finishWrite(res, prefer, single, result, 200, 204);
  }

  // ---------------------------------------------------------------- rpc
  async function handleRpc(req: IncomingMessage, res: ServerResponse, url: URL, claims: Claims, name: string): Promise<void> {
    const prefer = parsePrefer(req.headers.prefer);
    const { single } = wantsSingle(req);
    let args: Record<string, unknown> = {};
    let raw = '{}';
    if (req.method === 'POST') {
      raw = await readBody(req);
      if (raw.trim() === '') raw = '{}';
      let body: unknown;
      try {
        body = JSON.parse(raw);
      } catch {
        throw pgrstError(400, 'PGRST102', 'Empty or invalid json');
      }
      if (typeof body !== 'object' || body === null) throw pgrstError(400, 'PGRST102', 'Empty or invalid json', 'RPC arguments are one JSON object');
      args = body as Record<string, unknown>;
    } else if (req.method === 'GET' || req.method === 'HEAD') {
      for (const [k, v] of url.searchParams) if (!RESERVED.has(k)) args[k] = v;
      raw = JSON.stringify(args);
    } else {
      throw pgrstError(405, 'PGRST101', 'Only GET, HEAD and POST are allowed for RPC');
    }
    const keys = Array.isArray(args) ? [] : Object.keys(args);
    const candidates = await catalog.functionsNamed(name);
    const matches = candidates.filter((f) => {
      if (f.singleUnnamedJson) return true;
      const names = new Set(f.args.map((a) => a.name));
      if (!keys.every((k) => names.has(k))) return false;
      return f.args.every((a) => a.hasDefault || keys.includes(a.name));
    });
    // Prefer the exact named match over the single-json-argument form.
    const named = matches.filter((f) => !f.singleUnnamedJson);
    const fn: RpcFunction | undefined = named.length === 1 ? named[0] : named.length === 0 ? matches[0] : undefined;
    if (!fn) {
      if (named.length > 1) throw pgrstError(300, 'PGRST203', `Could not choose the best candidate function between overloads of public.${name}`);
      const sig = [...keys].sort().join(', ');
      throw pgrstError(
        404,
        'PGRST202',
        `Could not find the function public.${name}(${sig}) in the schema cache`,
        `Searched for the function public.${name} with parameter${keys.length === 1 ? '' : 's'} ${sig || '(none)'} or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache.`,
      );
    }
    const params = new Params();
    let call: string;
    let from = '';
    const fq = `"public".${quoteIdent(fn.name)}`;
    if (fn.singleUnnamedJson) {
      call = `${fq}(${params.add(raw, fn.args[0]!.type)})`;
    } else {
      const used = fn.args.filter((a) => keys.includes(a.name));
      if (used.length) {
        from = ` from json_to_record(${params.add(raw, 'json')}) as _a(${used.map((a) => `${quoteIdent(a.name)} ${a.type}`).join(', ')})`;
      }
      call = `${fq}(${used.map((a) => `${quoteIdent(a.name)} => _a.${quoteIdent(a.name)}`).join(', ')})`;
    }
    const limit = parseNonNegativeInt('limit', url.searchParams.get('limit'));
    const offset = parseNonNegativeInt('offset', url.searchParams.get('offset'));
    let sql: string;
    let kind: 'array' | 'value' | 'void';
    if (fn.returnsSet) {
      kind = 'array';
      const page = `${limit !== undefined ? ` limit ${params.add(limit, 'int8')}` : ''}${offset !== undefined ? ` offset ${params.add(offset, 'int8')}` : ''}`;
      const source = from ? `${from} cross join lateral ${call} as _f` : ` from ${call} as _f`;
      sql =
        `select coalesce(json_agg(_r._v), '[]')::text as body, count(*)::text as n, (array_agg(_r._v))[1]::text as first` +
        ` from (select to_json(_f) as _v${source}${page}) _r`;
    } else if (fn.returnKind === 'void') {
      kind = 'void';
      sql = `select ${call}${from}`;
    } else {
      kind = 'value';
      sql = `select to_json(${call})::text as body, 1 as n${from}`;
    }
    const result = await run(claims, prefer, async (tx) => {
      const r = await tx.query(sql, params.values);
      if (kind === 'void') return { body: '', n: 0, first: null } as StatementResult;
      const row = r.rows[0] ?? {};
      return {
        body: row.body === null || row.body === undefined ? 'null' : String(row.body),
        n: Number(row.n ?? 0),
        first: row.first === null || row.first === undefined ? null : String(row.first),
      } as StatementResult;
    });
    if (kind === 'void') {
      res.writeHead(204);
      res.end();
      return;
    }
    if (single && kind === 'array') {
      if (result.n !== 1) throw singleError(result.n);
      send(res, 200, result.first!, {}, true);
      return;
    }
    const headers: Record<string, string> = kind === 'array' ? { 'Content-Range': rangeHeader(offset ?? 0, result.n, prefer.count ? result.n : undefined) } : {};
    if (req.method === 'HEAD') {
      res.writeHead(200, headers);
      res.end();
      return;
    }
    send(res, 200, result.body, headers, false);
  }

  // ---------------------------------------------------------------- routing
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const rest = url.pathname.slice('/rest/v1/'.length).replace(/\/+$/, '');
    let segments: string[];
    try {
      segments = rest === '' ? [] : rest.split('/').map((s) => decodeURIComponent(s));
    } catch {
      throw pgrstError(400, 'PGRST100', 'Invalid percent-encoding in the request path');
    }
    const claims = await authenticate(req, url);
    checkProfile(req);
    const method = req.method ?? 'GET';
    try {
      if (segments.length === 0) {
        // The OpenAPI root: a minimal description is enough for clients probing the endpoint.
        res.writeHead(200, { 'Content-Type': 'application/openapi+json; charset=utf-8' });
        res.end(JSON.stringify({ swagger: '2.0', info: { title: 'rt-monitor local PostgREST subset', version: '13' }, paths: {} }));
        return;
      }
      if (segments[0] === 'rpc' && segments.length === 2) return await handleRpc(req, res, url, claims, segments[1]!);
      if (segments.length !== 1) throw pgrstError(404, 'PGRST125', `Invalid path specified in request URL`);
      const table = await loadTable(segments[0]!);
      const handle = (t: Table): Promise<void> => {
        switch (method) {
          case 'GET':
          case 'HEAD':
            return handleRead(req, res, url, claims, t, method === 'HEAD');
          case 'POST':
            return handleInsert(req, res, url, claims, t);
          case 'PATCH':
            return handleUpdate(req, res, url, claims, t);
          case 'DELETE':
            return handleDelete(req, res, url, claims, t);
          default:
            throw pgrstError(405, 'PGRST117', `Unsupported HTTP method: ${method}`);
        }
      };
      try {
        return await handle(table);
      } catch (err) {
        // A column renamed or dropped since the table was cached (`select=*` names them all): read
        // the catalog again and, if the table changed, run the request on it (a failed write was
        // rolled back; its body is kept). PostgREST reloads its schema cache on DDL (its NOTIFY),
        // so such a request does not fail there either.
        if (!(await changedUnder(err, table))) throw err;
        return await handle(await loadTable(table.name));
      }
    } catch (err) {
      const mapped = toHttpError(err, String(claims.role));
      if (mapped instanceof HttpError && mapped.status >= 500) ctx.log(`REST ${method} ${url.pathname}: ${mapped.message}`);
      throw mapped;
    }
  };
}

