/**
 * Keys of any type — `text`, `bigint` and `uuid` primary keys and foreign keys — in the one form
 * rt-monitor compares, sends in filters and uses as map keys:
 *
 * - a row's key ({@link rowKey}) → exactly as the database sent it (text keys are case- and
 *   space-sensitive: `'AAAA…'` and `'aaaa…'`, `'dup'` and `' dup'` are different rows);
 * - a parameter ({@link normalizeKey}, e.g. `stream-id`) → as given; a UUID or an integer with
 *   spaces around trimmed; a UUID in any case finds its row (Postgres compares `uuid` columns by
 *   value: {@link sameKey});
 * - a JS number or bigint (e.g. `.streamId=${42}`) → its decimal text, as PostgREST and Realtime
 *   send bigint columns (JSON numbers; beyond 2^53 they lose precision in any JS client).
 *
 * No type is assumed: a value is refused only when no request could carry it.
 */
import { rtError } from './errors.js';
import type { RtError } from './types.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Longest key accepted (characters). */
export const MAX_KEY_LENGTH = 256;
/**
 * Characters a Realtime filter cannot carry: `,`, `(` and `)` delimit `in.(…)` lists, and control
 * characters never belong in a key.
 */
const UNSENDABLE = /[,()\u0000-\u001f\u007f]/;

/** The canonical text of a key; null when there is none (null, undefined, blank, NaN, objects). */
export function normalizeKey(value: unknown): string | null {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : null;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'string') return null;
  const v = value.trim();
  // Spaces around a UUID or an integer, or line breaks around anything, are a page's slip (no such
  // key has them; no filter could carry a line break); other text is exact.
  return !v ? null : UUID.test(v) || /^-?\d+$/.test(v) || UNSENDABLE.test(value.replace(v, '')) ? v : value;
}

/** A UUID as Postgres prints it (lower case); other text as given (Broadcast topics are named so). */
export const uuidCase = (value: string): string => (UUID.test(value) ? value.toLowerCase() : value);

/** Whether `value` is a UUID in any case (as a Postgres `uuid` accepts it in its canonical form). */
export const isUuid = (value: string): boolean => UUID.test(value);

/**
 * Whether a row's column value `v` is the parameter `value` ({@link normalizeKey} form): the same
 * text, or the same UUID in another case (as a `uuid` column compares; a `text` column holding
 * both spellings is told apart by the server's filters, never here).
 */
export function sameKey(v: unknown, value: string): boolean {
  const k = typeof v === 'string' ? v : normalizeKey(v);
  return k === value || (k !== null && uuidCase(k) === uuidCase(value));
}

/** Why `value` cannot be used as a key for `column`, or null when it can. */
export function keyProblem(value: string, column: string): RtError | null {
  if (value.length > MAX_KEY_LENGTH) {
    return rtError('bad-config', `The value given for ${column} is ${value.length} characters long; keys are at most ${MAX_KEY_LENGTH}.`);
  }
  if (UNSENDABLE.test(value)) {
    return rtError('bad-config', `"${value}" cannot be used as ${column}: realtime filters cannot carry ",", "(", ")" or control characters in a key.`);
  }
  return null;
}

/** The first problem among equality filters on key columns, or null. */
export function checkKeys(eq: ReadonlyArray<readonly [string, string]>): RtError | null {
  for (const [column, value] of eq) {
    const problem = keyProblem(value, column);
    if (problem) return problem;
  }
  return null;
}

/**
 * The row's primary key as a string (the map key): text and uuid keys exactly as sent, bigint keys (JSON
 * numbers or their decimal text) as decimal text. Null when the row has no usable key.
 */
export function rowKey(row: { id?: unknown } | null | undefined): string | null {
  const id = row?.id;
  return typeof id === 'string' ? id || null : normalizeKey(id);
}

/** A value read as a JSON number beyond 2^53: rounded, so as a key it may name another row (rest.ts keeps such values exact as text). */
export const unsafeKey = (value: unknown): boolean => typeof value === 'number' && Math.abs(value) > Number.MAX_SAFE_INTEGER;
