/**
 * postgres_changes binding parameters: parsing (`col=op.value`, Supabase's classic operators), the
 * integer binding id (a stable hash of the params, like `:erlang.phash2/1`), and Supabase's error
 * strings for bad parameters.
 */

export type ActionFilter = '*' | 'INSERT' | 'UPDATE' | 'DELETE';
export type FilterOp = 'eq' | 'neq' | 'lt' | 'lte' | 'gt' | 'gte' | 'in' | 'like' | 'ilike' | 'is' | 'match' | 'imatch' | 'isdistinct';
/** The classic set plus what realtime-js 2.119's filter builder emits (newer Realtime servers). */
export const FILTER_OPS: readonly FilterOp[] = ['eq', 'neq', 'lt', 'lte', 'gt', 'gte', 'in', 'like', 'ilike', 'is', 'match', 'imatch', 'isdistinct'];
export const MAX_IN_VALUES = 100;

export interface ParsedFilter {
  column: string;
  op: FilterOp;
  /** Scalar text for comparisons; for `in` the Postgres array literal `{a,b}`. */
  value: string;
  /** The `not.` prefix. */
  negate: boolean;
}

export interface ParsedParams {
  event: ActionFilter;
  schema: string;
  table: string;
  filters: ParsedFilter[];
  select: string[] | null;
}

export type ParseResult = { ok: true; params: ParsedParams } | { ok: false; message: string };

/** Elixir's `inspect` of a list of strings: `["a", "b"]`. */
const inspectList = (xs: string[]) => `[${xs.map((x) => JSON.stringify(x)).join(', ')}]`;

function actionFilter(event: unknown): ActionFilter {
  if (typeof event !== 'string') return '*';
  const up = event.toUpperCase();
  return up === 'INSERT' || up === 'UPDATE' || up === 'DELETE' ? up : '*';
}

/** Splits on top-level commas (commas inside `()` or double quotes are kept). */
function splitTopLevel(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (quoted) {
      cur += ch;
      if (ch === '\\' && i + 1 < s.length) cur += s[++i];
      else if (ch === '"') quoted = false;
      continue;
    }
    if (ch === '"' && (i === 0 || '.(,'.includes(s[i - 1]!))) quoted = true;
    else if (ch === '(') depth++;
    else if (ch === ')') depth = Math.max(0, depth - 1);
    else if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
      continue;
    }
    cur += ch;
  }
  out.push(cur);
  return out;
}

function unquote(value: string): string {
  if (!value.startsWith('"') || !value.endsWith('"') || value.length < 2) return value;
  let out = '';
  for (let i = 1; i < value.length - 1; i++) {
    const ch = value[i]!;
    if (ch === '\\' && i + 1 < value.length - 1) out += value[++i];
    else if (ch === '"') return value;
    else out += ch;
  }
  return out;
}

function parseSegment(segment: string): { ok: true; filter: ParsedFilter } | { ok: false; message: string } {
  const trimmed = segment.trim();
  if (!trimmed) return { ok: false, message: 'filter must not contain empty segments (check for extra commas)' };
  const eq = trimmed.indexOf('=');
  if (eq < 0) return { ok: false, message: inspectList([trimmed]) };
  const column = trimmed.slice(0, eq);
  let opValue = trimmed.slice(eq + 1);
  const negate = opValue.startsWith('not.');
  if (negate) opValue = opValue.slice(4);
  const dot = opValue.indexOf('.');
  if (dot < 0) return { ok: false, message: inspectList([opValue]) };
  const op = opValue.slice(0, dot);
  const value = opValue.slice(dot + 1);
  if (!(FILTER_OPS as readonly string[]).includes(op)) return { ok: false, message: inspectList([op, value]) };
  if (op === 'in') {
    if (value.length < 2 || !value.startsWith('(') || !value.endsWith(')')) {
      return { ok: false, message: '`in` filter value must be wrapped by parentheses' };
    }
    return { ok: true, filter: { column, op: 'in', value: `{${value.slice(1, -1)}}`, negate } };
  }
  return { ok: true, filter: { column, op: op as FilterOp, value: unquote(value), negate } };
}

/** Mirrors `Subscriptions.parse_subscription_params/1` (classic operator set, comma-joined AND). */
export function parseParams(raw: unknown): ParseResult {
  const noParams = (shown: string): ParseResult => ({
    ok: false,
    message: `No subscription params provided. Please provide at least a \`schema\` or \`table\` to subscribe to: ${shown}`,
  });
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return noParams(inspectValue(raw));
  const p = raw as Record<string, unknown>;
  const event = actionFilter(p.event);
  let select: string[] | null = null;
  if (Array.isArray(p.select)) {
    const cols = p.select.filter((c): c is string => typeof c === 'string');
    select = cols.length ? cols : null;
  } else if (typeof p.select === 'string') {
    return { ok: false, message: 'Error parsing `select` params: expected a list of column name strings, e.g. select: ["col1", "col2"]' };
  }
  const has = (k: string) => p[k] !== undefined && p[k] !== null;
  let schema: string;
  let table: string;
  let filters: ParsedFilter[] = [];
  if (typeof p.schema === 'string' && typeof p.table === 'string' && typeof p.filter === 'string') {
    schema = p.schema;
    table = p.table;
    const f = p.filter.trim();
    if (f) {
      for (const seg of splitTopLevel(f)) {
        const r = parseSegment(seg);
        if (!r.ok) return { ok: false, message: `Error parsing \`filter\` params: ${r.message}` };
        filters.push(r.filter);
      }
    }
  } else if (typeof p.schema === 'string' && typeof p.table === 'string' && !has('filter')) {
    schema = p.schema;
    table = p.table;
  } else if (typeof p.schema === 'string' && !has('table') && !has('filter')) {
    schema = p.schema;
    table = '*';
  } else if (typeof p.table === 'string' && !has('schema') && !has('filter')) {
    schema = 'public';
    table = p.table;
  } else {
    if ('user_token' in p || 'auth_token' in p) return noParams('<redacted>');
    return noParams(inspectValue(p));
  }
  if (select && (schema === '*' || table === '*')) {
    return { ok: false, message: 'Column selection is not supported for wildcard subscriptions. Provide an explicit schema and table name.' };
  }
  filters = filters.slice();
  return { ok: true, params: { event, schema, table, filters, select } };
}

/** A rough Elixir `inspect` for log-shaped messages. */
function inspectValue(v: unknown): string {
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    const entries = Object.entries(v as Record<string, unknown>).map(([k, x]) => `${JSON.stringify(k)} => ${inspectValue(x)}`);
    return `%{${entries.join(', ')}}`;
  }
  if (Array.isArray(v)) return `[${v.map(inspectValue).join(', ')}]`;
  if (v === null || v === undefined) return 'nil';
  return JSON.stringify(v);
}

/** `[event: *, schema: public, table: x, filters: [], select: nil]` as Supabase logs the params. */
export function paramsToLog(p: ParsedParams): string {
  const filters = `[${p.filters.map((f) => `{${JSON.stringify(f.column)}, ${JSON.stringify(f.op)}, ${JSON.stringify(f.value)}, ${f.negate}}`).join(', ')}]`;
  const select = p.select ? `[${p.select.map((c) => JSON.stringify(c)).join(', ')}]` : 'nil';
  return `event: ${p.event}, schema: ${p.schema}, table: ${p.table}, filters: ${filters}, select: ${select}`;
}

export const notInPublicationMessage = (p: ParsedParams) =>
  `Unable to subscribe to changes with given parameters. Please check Realtime is enabled for the given connect parameters: [${paramsToLog(p)}]`;

export const exceptionMessage = (p: ParsedParams, exception: string) =>
  `Unable to subscribe to changes with given parameters. An exception happened so please check your connect parameters: [${paramsToLog(p)}]. Exception: ${exception}`;

const CONDITION_NAMES: Record<string, string> = {
  P0001: 'raise_exception',
  '22P02': 'invalid_text_representation',
  '22007': 'invalid_datetime_format',
  '22008': 'datetime_field_overflow',
  '22003': 'numeric_value_out_of_range',
  '22023': 'invalid_parameter_value',
  '22001': 'string_data_right_truncation',
  '2202E': 'array_subscript_error',
  '22004': 'null_value_not_allowed',
  '42704': 'undefined_object',
  '42804': 'datatype_mismatch',
  '42883': 'undefined_function',
};

/** Postgrex's `Exception.message/1` for a server error: `ERROR 22P02 (invalid_text_representation) msg`. */
export function postgresExceptionText(err: unknown): string {
  const e = err as { code?: string; message?: string };
  const code = typeof e?.code === 'string' ? e.code : 'XX000';
  return `ERROR ${code} (${CONDITION_NAMES[code] ?? 'internal_error'}) ${e?.message ?? String(err)}`;
}

/**
 * The binding id echoed in the join reply and carried in `ids`: a stable 27-bit hash of the
 * params map (key order ignored), never 0 (the client treats 0 as "no id").
 */
export function bindingId(params: unknown): number {
  const canon = canonicalJson(params);
  let h = 0x811c9dc5;
  for (let i = 0; i < canon.length; i++) {
    h ^= canon.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  const id = h & 0x7ffffff;
  return id === 0 ? 1 : id;
}

function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const keys = Object.keys(v as object).filter((k) => (v as Record<string, unknown>)[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}
