/**
 * Turns parsed PostgREST requests into SQL. Identifiers are resolved against the catalog and
 * emitted with the catalog's own (quoted) names; every value from the request, including JSON
 * path keys and output key names, is a bound parameter. Resolution (catalog look-ups) happens
 * here, before the request's transaction starts, because PGlite has a single connection.
 */
import { HttpError } from '../http-util.ts';
import { quoteIdent, type Catalog, type Table } from './catalog.ts';
import type { Condition, Field, Filter, OrderTerm, SelectItem } from './parse.ts';
import { parseError } from './parse.ts';

export class Params {
  readonly values: unknown[] = [];
  add(value: unknown, cast?: string): string {
    this.values.push(value);
    return `$${this.values.length}${cast ? `::${cast}` : ''}`;
  }
}

export function unknownColumn(table: Table, column: string): HttpError {
  return new HttpError(400, {
    code: '42703',
    details: null,
    hint: null,
    message: `column ${table.name}.${column} does not exist`,
  });
}

export function unknownPayloadColumn(table: Table, column: string): HttpError {
  return new HttpError(400, {
    code: 'PGRST204',
    details: null,
    hint: null,
    message: `Could not find the '${column}' column of '${table.name}' in the schema cache`,
  });
}

/** SQL for a column with an optional JSON path (keys bound as parameters). */
export async function fieldSql(catalog: Catalog, table: Table, field: Field, params: Params): Promise<string> {
  const col = await catalog.column(table, field.column);
  if (!col) throw unknownColumn(table, field.column);
  let sql = quoteIdent(col.name);
  for (const step of field.path) {
    const key = /^-?\d+$/.test(step.key) && Math.abs(Number(step.key)) < 2 ** 31 ? params.add(Number(step.key), 'int') : params.add(step.key, 'text');
    sql = `(${sql}${step.arrow}${key})`;
  }
  return sql;
}

/** The JSON object expression for one output row: json_build_object($key, expr, …). */
export async function selectJsonSql(catalog: Catalog, table: Table, items: SelectItem[], params: Params): Promise<string> {
  const pairs: string[] = [];
  for (const item of items) {
    if (item.kind === 'star') {
      for (const name of table.columnOrder) pairs.push(`${params.add(name, 'text')}, ${quoteIdent(name)}`);
      continue;
    }
    if (item.kind === 'embed') {
      const name = item.text.replace(/^\.\.\./, '').split(/[(!]/)[0]!.split(':').pop() ?? item.text;
      throw new HttpError(400, {
        code: 'PGRST200',
        details: `Searched for a foreign key relationship between '${table.name}' and '${name}' in the schema 'public', but no matches were found.`,
        hint: 'The local backend does not support embedded resources; select columns of one table per request.',
        message: `Could not find a relationship between '${table.name}' and '${name}' in the schema cache`,
      });
    }
    let expr = await fieldSql(catalog, table, item.field, params);
    if (item.cast) {
      const type = await catalog.typeName(item.cast);
      if (!type) throw new HttpError(400, { code: '42704', details: null, hint: null, message: `type "${item.cast}" does not exist` });
      expr = `(${expr})::${type}`;
    }
    const key = item.alias ?? (item.field.path.length ? item.field.path[item.field.path.length - 1]!.key : item.field.column);
    pairs.push(`${params.add(key, 'text')}, ${expr}`);
  }
  if (!pairs.length) return `'{}'::json`;
  // json_build_object takes at most 100 arguments: chunk wide selections (jsonb merge keeps all keys).
  if (pairs.length <= 50) return `json_build_object(${pairs.join(', ')})`;
  const chunks: string[] = [];
  for (let i = 0; i < pairs.length; i += 50) chunks.push(`jsonb_build_object(${pairs.slice(i, i + 50).join(', ')})`);
  return `(${chunks.join(' || ')})::json`;
}

const COMPARE: Record<string, string> = { eq: '=', neq: '<>', gt: '>', gte: '>=', lt: '<', lte: '<=' };
const PATTERN: Record<string, string> = { like: 'like', ilike: 'ilike', match: '~', imatch: '~*' };
const RANGE: Record<string, string> = { cs: '@>', cd: '<@', ov: '&&', sl: '<<', sr: '>>', nxr: '&<', nxl: '&>', adj: '-|-' };
const FTS: Record<string, string> = { fts: 'to_tsquery', plfts: 'plainto_tsquery', phfts: 'phraseto_tsquery', wfts: 'websearch_to_tsquery' };

async function conditionSql(catalog: Catalog, table: Table, c: Condition, params: Params): Promise<string> {
  const lhs = await fieldSql(catalog, table, c.field, params);
  let sql: string;
  const quantifier = c.modifier === 'any' || c.modifier === 'all' ? c.modifier : undefined;
  if (c.modifier !== undefined && !quantifier && !FTS[c.op]) throw parseError(`failed to parse filter (${c.op}(${c.modifier}))`, `unexpected modifier "${c.modifier}"`);
  if (quantifier && !(c.op in COMPARE || c.op in PATTERN)) throw parseError(`failed to parse filter (${c.op}(${quantifier}))`, `"${c.op}" takes no quantifier`);
  if (c.op in COMPARE) {
    sql = quantifier ? `${lhs} ${COMPARE[c.op]} ${quantifier}(${params.add(c.value)})` : `${lhs} ${COMPARE[c.op]} ${params.add(c.value)}`;
  } else if (c.op in PATTERN) {
    // PostgREST accepts * as the wildcard for like/ilike.
    const v = c.op === 'like' || c.op === 'ilike' ? c.value.replace(/\*/g, '%') : c.value;
    sql = quantifier
      ? `(${lhs})::text ${PATTERN[c.op]} ${quantifier}(${params.add(v, 'text[]')})`
      : `(${lhs})::text ${PATTERN[c.op]} ${params.add(v, 'text')}`;
  } else if (c.op === 'in') {
    const list = c.list ?? [];
    sql = list.length ? `${lhs} in (${list.map((v) => params.add(v)).join(', ')})` : 'false';
  } else if (c.op === 'is') {
    const v = c.value.toLowerCase();
    const kw = ({ null: 'null', not_null: 'not null', true: 'true', false: 'false', unknown: 'unknown' } as Record<string, string>)[v];
    if (!kw) throw parseError(`failed to parse filter (is.${c.value.slice(0, 100)})`, 'is. takes null, not_null, true, false or unknown');
    sql = `${lhs} is ${kw}`;
  } else if (c.op === 'isdistinct') {
    sql = `${lhs} is distinct from ${params.add(c.value)}`;
  } else if (c.op in RANGE) {
    // `ov` accepts PostgREST's list form (a,b) for arrays.
    const v = c.op === 'ov' && c.value.startsWith('(') && c.value.endsWith(')') ? `{${c.value.slice(1, -1)}}` : c.value;
    sql = `${lhs} ${RANGE[c.op]} ${params.add(v)}`;
  } else if (c.op in FTS) {
    sql = c.modifier
      ? `${lhs} @@ ${FTS[c.op]}(${params.add(c.modifier, 'regconfig')}, ${params.add(c.value, 'text')})`
      : `${lhs} @@ ${FTS[c.op]}(${params.add(c.value, 'text')})`;
  } else {
    throw parseError(`failed to parse filter (${c.op})`, `unknown operator "${c.op}"`);
  }
  return c.negate ? `not (${sql})` : `(${sql})`;
}

export async function filterSql(catalog: Catalog, table: Table, f: Filter, params: Params): Promise<string> {
  if (f.kind === 'cond') return conditionSql(catalog, table, f, params);
  const parts: string[] = [];
  for (const child of f.children) parts.push(await filterSql(catalog, table, child, params));
  const joined = `(${parts.join(f.op === 'and' ? ' and ' : ' or ')})`;
  return f.negate ? `not ${joined}` : joined;
}

export async function whereSql(catalog: Catalog, table: Table, filters: Filter[], params: Params): Promise<string> {
  if (!filters.length) return '';
  const parts: string[] = [];
  for (const f of filters) parts.push(await filterSql(catalog, table, f, params));
  return ` where ${parts.join(' and ')}`;
}

export async function orderSql(catalog: Catalog, table: Table, terms: OrderTerm[], params: Params): Promise<string> {
  if (!terms.length) return '';
  const parts: string[] = [];
  for (const t of terms) {
    let s = await fieldSql(catalog, table, t.field, params);
    if (t.dir) s += ` ${t.dir}`;
    if (t.nulls) s += ` nulls ${t.nulls}`;
    parts.push(s);
  }
  return ` order by ${parts.join(', ')}`;
}
