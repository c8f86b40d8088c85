/**
 * Parsing of the PostgREST query language as supabase-js emits it: `select=`, filters
 * (`col=op.value`, `not.`, `in.(…)`, `is.`), logic trees (`or=(…)`, `and=(…)`, nested),
 * `order=`, `limit`/`offset`, `Prefer`. Produces plain data; nothing here touches SQL.
 * Identifiers stay unresolved strings until query.ts looks them up in the catalog.
 */
import { HttpError } from '../http-util.ts';

export interface PathStep {
  arrow: '->' | '->>';
  key: string;
}

export interface Field {
  column: string;
  path: PathStep[];
}

export type SelectItem =
  | { kind: 'star' }
  | { kind: 'field'; field: Field; alias?: string; cast?: string }
  | { kind: 'embed'; text: string };

export interface Condition {
  kind: 'cond';
  field: Field;
  negate: boolean;
  op: string;
  /** `fts(english)` language or `eq(any)` quantifier. */
  modifier?: string;
  value: string;
  /** Values of `in` (already unquoted). */
  list?: string[];
  /** The value came quoted inside a logic tree. */
  quoted?: boolean;
}

export interface Logic {
  kind: 'logic';
  op: 'and' | 'or';
  negate: boolean;
  children: Filter[];
}

export type Filter = Condition | Logic;

export interface OrderTerm {
  field: Field;
  dir?: 'asc' | 'desc';
  nulls?: 'first' | 'last';
}

export interface Prefer {
  return?: 'minimal' | 'representation' | 'headers-only';
  count?: 'exact' | 'planned' | 'estimated';
  resolution?: 'merge-duplicates' | 'ignore-duplicates';
  missing?: 'default' | 'null';
  tx?: 'commit' | 'rollback';
}

export const KNOWN_OPS = new Set([
  'eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'like', 'ilike', 'match', 'imatch', 'in', 'is', 'isdistinct',
  'cs', 'cd', 'ov', 'sl', 'sr', 'nxr', 'nxl', 'adj', 'fts', 'plfts', 'phfts', 'wfts',
]);

export function parseError(message: string, details: string | null = null): HttpError {
  return new HttpError(400, { code: 'PGRST100', details, hint: null, message });
}

/**
 * Splits on `sep` outside parentheses, braces and double quotes (backslash escapes inside quotes).
 * `listItems`: as PostgREST reads `in.(…)` items, a quote opens a quoted item only at its start
 * (`q"uote` is a value), and an item whose quote never closes is an error.
 */
export function splitTopLevel(text: string, sep = ',', listItems = false): string[] {
  const out: string[] = [];
  let depth = 0;
  let inQuote = false;
  let cur = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inQuote) {
      cur += ch;
      if (ch === '\\' && i + 1 < text.length) cur += text[++i];
      else if (ch === '"') inQuote = false;
      continue;
    }
    if (ch === '"' && (!listItems || cur.trim() === '')) inQuote = true;
    else if (listItems) {
      if (ch === sep) {
        out.push(cur);
        cur = '';
        continue;
      }
    } else if (ch === '(' || ch === '{') depth++;
    else if (ch === ')' || ch === '}') depth = Math.max(0, depth - 1);
    else if (ch === sep && depth === 0) {
      out.push(cur);
      cur = '';
      continue;
    }
    cur += ch;
  }
  if (inQuote && listItems) throw parseError(`failed to parse list "(${text})"`, 'unterminated quoted value');
  out.push(cur);
  return out;
}

function unquote(text: string): { value: string; quoted: boolean } {
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) {
    return { value: text.slice(1, -1).replace(/\\(.)/g, '$1'), quoted: true };
  }
  return { value: text, quoted: false };
}

/** `col`, `col->a->>b`, `col->0`. */
export function parseField(text: string): Field {
  const parts = text.split(/(->>?)/);
  const column = unquote(parts[0] ?? '').value;
  if (!column) throw parseError(`failed to parse field "${text}"`);
  const path: PathStep[] = [];
  for (let i = 1; i < parts.length; i += 2) {
    const key = unquote(parts[i + 1] ?? '').value;
    if (key === '') throw parseError(`failed to parse json path in "${text}"`);
    path.push({ arrow: parts[i] as PathStep['arrow'], key });
  }
  return { column, path };
}

export function parseSelect(text: string | null): SelectItem[] {
  if (text === null || text.trim() === '') return [{ kind: 'star' }];
  const items: SelectItem[] = [];
  for (const raw of splitTopLevel(text)) {
    const part = raw.trim();
    if (part === '') throw parseError('failed to parse select parameter', `empty item in "${text}"`);
    if (part === '*') {
      items.push({ kind: 'star' });
      continue;
    }
    if (part.includes('(') || part.startsWith('...')) {
      items.push({ kind: 'embed', text: part });
      continue;
    }
    let rest = part;
    let alias: string | undefined;
    const aliasMatch = /^((?:"(?:[^"\\]|\\.)*")|[^:"]+):(?!:)/.exec(rest);
    if (aliasMatch) {
      alias = unquote(aliasMatch[1]!).value;
      rest = rest.slice(aliasMatch[0].length);
    }
    let cast: string | undefined;
    const castAt = rest.lastIndexOf('::');
    if (castAt > 0) {
      cast = rest.slice(castAt + 2);
      rest = rest.slice(0, castAt);
    }
    items.push({ kind: 'field', field: parseField(rest), alias, cast });
  }
  return items;
}

/** `(a,"b,c",d)` → ['a', 'b,c', 'd']. */
export function parseList(text: string): string[] {
  if (!text.startsWith('(') || !text.endsWith(')')) throw parseError(`failed to parse list "${text}"`, 'expected "(" … ")"');
  const inner = text.slice(1, -1);
  if (inner.trim() === '') return [];
  return splitTopLevel(inner, ',', true).map((v) => unquote(v.trim()).value);
}

/** `op.value`, `not.op.value`, `op(mod).value` as in a query parameter's value. */
export function parseOperation(field: Field, text: string, inLogicTree: boolean): Condition {
  let rest = text;
  let negate = false;
  if (rest.startsWith('not.')) {
    negate = true;
    rest = rest.slice(4);
  }
  const m = /^([a-z]+)(?:\(([^)]*)\))?\.([\s\S]*)$/.exec(rest);
  if (!m) throw parseError(`failed to parse filter (${text})`, 'expected an operator such as eq., in., is.');
  const op = m[1]!;
  const modifier = m[2];
  let value = m[3]!;
  if (!KNOWN_OPS.has(op)) throw parseError(`failed to parse filter (${text})`, `unknown operator "${op}"`);
  let quoted = false;
  if (inLogicTree && op !== 'in') {
    const u = unquote(value);
    value = u.value;
    quoted = u.quoted;
  }
  const cond: Condition = { kind: 'cond', field, negate, op, modifier, value, quoted };
  if (op === 'in') cond.list = parseList(value);
  return cond;
}

/** The inside of a logic tree: `(a.eq.1,or(b.gt.2,c.is.null))`. */
export function parseLogicTree(op: 'and' | 'or', negate: boolean, text: string, depth = 0): Logic {
  if (depth > 20) throw parseError('logic tree nested too deeply');
  if (!text.startsWith('(') || !text.endsWith(')')) throw parseError(`failed to parse logic tree (${text})`, 'expected "(" … ")"');
  const inner = text.slice(1, -1);
  const children: Filter[] = [];
  for (const raw of splitTopLevel(inner)) {
    const item = raw.trim();
    const nested = /^(not\.)?(and|or)(\([\s\S]*\))$/.exec(item);
    if (nested) {
      children.push(parseLogicTree(nested[2] as 'and' | 'or', !!nested[1], nested[3]!, depth + 1));
      continue;
    }
    // field.op.value — the field ends at the first '.' outside quotes.
    let fieldEnd = -1;
    let inQuote = false;
    for (let i = 0; i < item.length; i++) {
      const ch = item[i];
      if (ch === '"') inQuote = !inQuote;
      else if (ch === '.' && !inQuote) {
        fieldEnd = i;
        break;
      }
    }
    if (fieldEnd <= 0) throw parseError(`failed to parse logic tree (${text})`, `cannot read condition "${item}"`);
    children.push(parseOperation(parseField(item.slice(0, fieldEnd)), item.slice(fieldEnd + 1), true));
  }
  if (!children.length) throw parseError(`failed to parse logic tree (${text})`, 'empty logic tree');
  return { kind: 'logic', op, negate, children };
}

export function parseOrder(text: string): OrderTerm[] {
  const terms: OrderTerm[] = [];
  for (const raw of splitTopLevel(text)) {
    const item = raw.trim();
    if (!item) throw parseError(`failed to parse order (${text})`);
    const segs = item.split('.');
    let nulls: OrderTerm['nulls'];
    let dir: OrderTerm['dir'];
    const last = segs[segs.length - 1];
    if (segs.length > 1 && (last === 'nullsfirst' || last === 'nullslast')) {
      nulls = last === 'nullsfirst' ? 'first' : 'last';
      segs.pop();
    }
    const d = segs[segs.length - 1];
    if (segs.length > 1 && (d === 'asc' || d === 'desc')) {
      dir = d;
      segs.pop();
    }
    terms.push({ field: parseField(segs.join('.')), dir, nulls });
  }
  return terms;
}

export function parseNonNegativeInt(name: string, text: string | null): number | undefined {
  if (text === null) return undefined;
  if (!/^\d{1,15}$/.test(text.trim())) throw parseError(`"${name}" must be a non-negative integer`, `got "${text.slice(0, 100)}"`);
  return Number(text.trim());
}

export function parsePrefer(header: string | string[] | undefined): Prefer {
  const prefer: Prefer = {};
  const text = Array.isArray(header) ? header.join(',') : (header ?? '');
  for (const token of text.split(',')) {
    const [k, v] = token.trim().split('=').map((s) => s.trim());
    switch (k) {
      case 'return':
        if (v === 'minimal' || v === 'representation' || v === 'headers-only') prefer.return = v;
        break;
      case 'count':
        if (v === 'exact' || v === 'planned' || v === 'estimated') prefer.count = v;
        break;
      case 'resolution':
        if (v === 'merge-duplicates' || v === 'ignore-duplicates') prefer.resolution = v;
        break;
      case 'missing':
        if (v === 'default' || v === 'null') prefer.missing = v;
        break;
      case 'tx':
        if (v === 'commit' || v === 'rollback') prefer.tx = v;
        break;
      default:
        break;
    }
  }
  return prefer;
}

/** `"a","b"` (insert's columns parameter). */
export function parseColumnsParam(text: string): string[] {
  return splitTopLevel(text)
    .map((c) => unquote(c.trim()).value)
    .filter((c) => c !== '');
}
