/**
 * Row versions: every monitored table carries `updated_at`, maintained by a trigger with
 * `clock_timestamp()`. It is the version guard of the merge: an older version never
 * overwrites a newer one.
 *
 * Timestamps arrive in several spellings (PostgREST JSON `2025-11-24T10:00:00.123456+00:00`,
 * Realtime `2025-11-24T10:00:00.123456`, Postgres text `2025-11-24 10:00:00.123456+00`), and
 * `Date.parse` drops microseconds, so two updates within one millisecond would compare equal.
 * `versionOf` keeps the microseconds.
 */

const TS = /^(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d(?::\d\d)?)(?:\.(\d+))?\s*(Z|z|[+-]\d\d(?::?\d\d)?)?$/;

/** A sortable number (epoch ms with microseconds as the fraction) or NaN when unparsable (`strict`: when not in one of the spellings above). */
export function parseTimestamp(value: unknown, strict = false): number {
  if (typeof value !== 'string') return Number.NaN;
  const m = TS.exec(value.trim());
  if (!m) {
    // `strict`: only the spellings above (a text column's "10" or "May 5" is text, not a date).
    if (strict) return Number.NaN;
    const t = Date.parse(value);
    return Number.isNaN(t) ? Number.NaN : t;
  }
  const [, date, time, frac = '', tzRaw] = m;
  let tz = tzRaw ?? 'Z';
  if (tz === 'z') tz = 'Z';
  if (tz !== 'Z') {
    const sign = tz[0];
    const digits = tz.slice(1).replace(':', '');
    tz = `${sign}${digits.slice(0, 2)}:${(digits.slice(2) || '00').padEnd(2, '0')}`;
  }
  const base = Date.parse(`${date}T${time.length === 5 ? `${time}:00` : time}${tz}`);
  if (Number.isNaN(base)) return Number.NaN;
  const micros = Number((frac + '000000').slice(0, 6));
  return base + micros / 1000;
}

export interface Versioned {
  updated_at?: string | null;
}

/** The version of a row: its `updated_at`, or -Infinity when it has none. */
export function versionOf(row: Versioned | null | undefined): number {
  const v = parseTimestamp(row?.updated_at);
  return Number.isNaN(v) ? Number.NEGATIVE_INFINITY : v;
}

/** True when `candidate` is older than `current` (so it must not overwrite it). */
export function isOlder(candidate: Versioned, current: Versioned): boolean {
  return versionOf(candidate) < versionOf(current);
}
