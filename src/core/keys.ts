/**
 * Keys of any type — `text`, `bigint` and `uuid` primary keys and foreign keys — in the one form
 * rt-monitor compares, sends in filters and uses as map keys:
 *
 * - a UUID (any case, surrounding spaces) → lower case, as Postgres prints it;
 * - a JS number or bigint (e.g. `.streamId=${42}`) → its decimal text, as PostgREST and Realtime
 *   send bigint columns (JSON numbers; beyond 2^53 they lose precision in any JS client);
 * - other text → as given, trimmed.
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
  if (!v) return null;
  return UUID.test(v) ? v.toLowerCase() : v;
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
 * The row's primary key as a string (the map key): text and uuid keys as given, bigint keys (JSON
 * numbers or their decimal text) as decimal text. Null when the row has no usable key.
 */
export function rowKey(row: { id?: unknown } | null | undefined): string | null {
  return normalizeKey(row?.id);
}

/** A value read as a JSON number beyond 2^53: rounded, so as a key it may name another row (rest.ts keeps such values exact as text). */
export const unsafeKey = (value: unknown): boolean => typeof value === 'number' && Math.abs(value) > Number.MAX_SAFE_INTEGER;
