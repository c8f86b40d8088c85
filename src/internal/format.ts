/**
 * Locale-aware formatting with cached `Intl` formatters, plus the clamps that
 * make database values safe to draw (out-of-range numbers, unknown enums,
 * null fields, very long text).
 */

import { clockSkew, serverNow } from '../core/server-clock.js';
import { parseTimestamp } from '../core/version.js';
import { firstLocale, localeTag } from './locale.js';

const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat | Intl.RelativeTimeFormat>();
const optionKeys = new WeakMap<object, string>();

/**
 * One formatter per kind, locale and options. The locale is read as everywhere in rt-monitor
 * (src/internal/locale.ts): `" de_DE "` formats as `de-DE`; a tag `Intl` rejects formats in English
 * (said once on the console); none (undefined or blank) is the browser's own locale.
 */
function cached<T extends Intl.NumberFormat | Intl.DateTimeFormat | Intl.RelativeTimeFormat>(
  kind: string,
  locale: string | undefined,
  options: object,
  make: (tag: string | undefined) => T,
): T {
  const tag = firstLocale(locale) ? localeTag(locale) : undefined;
  // Keyed by the options' text, computed once per options object (callers reuse constants).
  let text = optionKeys.get(options);
  if (text === undefined) optionKeys.set(options, (text = JSON.stringify(options)));
  const key = `${kind}|${tag ?? ''}|${text}`;
  let f = cache.get(key) as T | undefined;
  if (!f) cache.set(key, (f = make(tag)));
  return f;
}

const NO_OPTIONS = {};
const PERCENT: Intl.NumberFormatOptions = { style: 'percent', maximumFractionDigits: 0 };
const RELATIVE: Intl.RelativeTimeFormatOptions = { numeric: 'auto', style: 'long' };

export function numberFormat(locale: string | undefined, options: Intl.NumberFormatOptions = NO_OPTIONS): Intl.NumberFormat {
  return cached('n', locale, options, (tag) => new Intl.NumberFormat(tag, options));
}

export function dateFormat(locale: string | undefined, options: Intl.DateTimeFormatOptions = NO_OPTIONS): Intl.DateTimeFormat {
  return cached('d', locale, options, (tag) => new Intl.DateTimeFormat(tag, options));
}

export function relativeFormat(locale: string | undefined, options: Intl.RelativeTimeFormatOptions = NO_OPTIONS): Intl.RelativeTimeFormat {
  return cached('r', locale, options, (tag) => new Intl.RelativeTimeFormat(tag, options));
}

export function formatNumber(locale: string | undefined, value: number): string {
  return numberFormat(locale).format(value);
}

/**
 * A percentage as the whole number it has reached: floored, never rounded up, so work that is not
 * finished never reads "100%" (99.9999 → 99, 42.7 → 42; 100 and more stay as they are). Only
 * floating-point noise within a few units in the last place is rounded away (28.999999999999996,
 * as `0.29 * 100` gives, is 29).
 */
export function wholePercent(pct: number): number {
  const near = Math.round(pct);
  return Math.abs(pct - near) <= Math.abs(near) * 4 * Number.EPSILON ? near : Math.floor(pct);
}

/** `42` → `42%` in the locale's style; a fraction is floored ({@link wholePercent}): `99.9` → `99%`. */
export function formatPercent(locale: string | undefined, pct: number): string {
  return numberFormat(locale, PERCENT).format(wholePercent(pct) / 100);
}

/**
 * Parses an ISO string, epoch ms or Date; `null` for anything unusable. Strings are database
 * timestamps: a zone-less one (`2025-11-24T10:00:00.123456`) is UTC, not the browser's zone.
 */
export function toTime(value: unknown): number | null {
  if (value == null || value === '') return null;
  if (value instanceof Date) return Number.isFinite(value.getTime()) ? value.getTime() : null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string') {
    // Epoch ms written as text (an attribute: `last-updated="1732442400000"`), not a date of the
    // browser's legacy parser ("1" was 1 January 2001; QA48 F2).
    if (/^\s*\d{1,16}\s*$/.test(value)) return Number(value);
    const t = parseTimestamp(value);
    return Number.isFinite(t) ? Math.floor(t) : null;
  }
  return null;
}

export function formatDateTime(locale: string | undefined, value: unknown): string | null {
  const t = toTime(value);
  return t == null ? null : dateFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(t);
}

const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['year', 365 * 24 * 3600_000],
  ['month', 30 * 24 * 3600_000],
  ['week', 7 * 24 * 3600_000],
  ['day', 24 * 3600_000],
  ['hour', 3600_000],
  ['minute', 60_000],
  ['second', 1000],
];

/** "4 seconds ago", "in 3 seconds", "now" — relative to `now`. */
export function formatRelative(locale: string | undefined, value: unknown, now = Date.now()): string | null {
  const t = toTime(value);
  if (t == null) return null;
  const diff = t - now;
  const abs = Math.abs(diff);
  const rtf = relativeFormat(locale, RELATIVE);
  if (abs < 1000) return rtf.format(0, 'second');
  for (const [unit, ms] of UNITS) {
    if (abs >= ms || unit === 'second') return rtf.format(Math.trunc(diff / ms), unit);
  }
  return null;
}

/**
 * A time this far (ms) ahead of the server's clock, once that clock is known, is a future date in
 * the data, not what is left of the clock offset (latency, a `Date` header's whole seconds).
 */
export const FUTURE_MS = 5 * 60_000;

/** Under this age (ms) a past time reads "just now". */
export const JUST_NOW_MS = 10_000;
/** Under a minute, ages move in steps of this many ms ("10 seconds ago", "20 seconds ago", …). */
export const AGO_SECONDS_STEP_MS = 10_000;

/**
 * "Updated 20 seconds ago" for something that already happened on the server (a row's
 * `updated_at`, `started_at`, `created_at`), against `now` on the server's clock (`serverNow()`,
 * see src/core/server-clock.ts). The wording is coarse on purpose, as people read it at a glance
 * (and so 100 widgets do not repaint every second): under 10 s it is `justNow` ("just now"; the
 * locale's "now" when not given), under a minute it moves in 10 s steps (10, 20 … 50 seconds ago),
 * then whole minutes, hours, days, weeks, months, years (truncated: 1 min 59 s is "1 minute ago").
 * Never reads as future: a timestamp ahead of `now` — what is left of the clock-offset estimate
 * (latency, a `Date` header's whole seconds) or a clock that could not be estimated yet — reads
 * as just now. A time more than {@link FUTURE_MS} ahead of a known server clock is a future date in
 * the data and reads as that date. `null` for an unusable value. {@link nextAgoChange} says when
 * the text changes next.
 */
export function formatAgo(locale: string | undefined, value: unknown, now = serverNow(), justNow?: string): string | null {
  const t = toTime(value);
  if (t == null) return null;
  // Far ahead of a known server clock: not an offset left over but a future date in the row
  // (a writer's wrong clock, bad data). Say the date itself rather than "just now".
  if (t - now > FUTURE_MS && clockSkew() !== null) return formatDateTime(locale, t);
  const age = Math.max(0, now - t);
  if (age < JUST_NOW_MS) return justNow ?? relativeFormat(locale, RELATIVE).format(0, 'second');
  if (age < 60_000) return formatRelative(locale, now - Math.floor(age / AGO_SECONDS_STEP_MS) * AGO_SECONDS_STEP_MS, now);
  return formatRelative(locale, t, now);
}

/**
 * When {@link formatAgo}'s text for `value` changes next (ms on the same clock as `now`), or null
 * for an unusable value: the end of "just now", the next 10 s step, the next whole minute, hour, …
 */
export function nextAgoChange(value: unknown, now = serverNow()): number | null {
  const t = toTime(value);
  if (t == null) return null;
  const age = Math.max(0, now - t);
  const base = Math.min(t, now);
  if (age < JUST_NOW_MS) return base + JUST_NOW_MS;
  if (age < 60_000) return base + (Math.floor(age / AGO_SECONDS_STEP_MS) + 1) * AGO_SECONDS_STEP_MS;
  for (const [, ms] of UNITS) {
    if (age >= ms) return base + (Math.floor(age / ms) + 1) * ms;
  }
  return base + 60_000;
}

/** `42 ms` in the locale's style. */
export function formatMilliseconds(locale: string | undefined, ms: number): string {
  return numberFormat(locale, { style: 'unit', unit: 'millisecond', unitDisplay: 'short', maximumFractionDigits: 0 }).format(ms);
}

/**
 * A duration in ms as "1 h 4 min", "2 min 5 s", "12 s" using Intl unit formatting; null for an
 * unusable one (not finite, or negative: an end before its start is bad data, not "0 s").
 */
export function formatDuration(locale: string | undefined, ms: number | null): string | null {
  if (ms == null || !Number.isFinite(ms) || ms < 0) return null;
  const total = Math.floor(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const unit = (value: number, u: string) =>
    numberFormat(locale, { style: 'unit', unit: u, unitDisplay: 'short' }).format(value);
  if (h > 0) return `${unit(h, 'hour')} ${unit(m, 'minute')}`;
  if (m > 0) return `${unit(m, 'minute')} ${unit(s, 'second')}`;
  return unit(s, 'second');
}

// ---- clamps ---------------------------------------------------------------

/** A number written in decimal, as Postgres and JSON write one (`12`, `-0.5`, `1e3`). */
const DECIMAL = /^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i;

/**
 * A finite number from a database field (a number or a numeric string in decimal), or null.
 * Anything else (a boolean from a JSON column, an array, an object, a blank string, JavaScript's
 * own spellings such as `0x10` or `0b101`) is not a number: `Number(true)` would be 1,
 * `Number(' ')` 0 and `Number('0x10')` 16.
 */
export function finiteNumber(value: unknown): number | null {
  const n = decimalValue(value);
  return Number.isFinite(n) ? n : null;
}

/** A number or a numeric string in decimal as a number (±Infinity when too large for a double), else NaN. */
function decimalValue(value: unknown): number {
  return typeof value === 'number' ? value : typeof value === 'string' && DECIMAL.test(value) ? Number(value) : NaN;
}

/**
 * A percentage in [0, 100], or null when unknown (drawn as indeterminate). A number too large for
 * a double (`1e309`, 400 digits) is clamped as 150 is, not unknown (QA88a F6: "—" and an empty bar
 * beside its own "Out of range" badge).
 */
export function clampPercent(value: unknown): number | null {
  const n = decimalValue(value);
  return Number.isNaN(n) ? null : Math.min(100, Math.max(0, n));
}

/** A non-negative whole count (a fraction is floored: 2.5 done of 3 is "2 of 3", not "3 of 3"), or null when unknown. */
export function clampCount(value: unknown): number | null {
  const n = finiteNumber(value);
  return n == null ? null : Math.max(0, Math.floor(n));
}

/** `value` if it is one of `allowed`, otherwise `'unknown'`. */
export function knownOr<T extends string>(value: unknown, allowed: readonly T[]): T | 'unknown' {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value) ? (value as T) : 'unknown';
}

export const MAX_TEXT = 120;

const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;

/** Cap (UTF-16 units) of the untruncated text `clip` hands out for a `title`. */
const MAX_FULL = 2000;

let graphemes: Intl.Segmenter | null | undefined;

/**
 * Where to cut `s` to keep `max - 1` user-perceived characters (grapheme clusters with
 * `Intl.Segmenter`, else code points), as a UTF-16 index; null when `s` has no more than `max`
 * characters and needs no cut. Lazy: it stops at the `max + 1`-th character, however long `s` is.
 */
function cutIndex(s: string, max: number): number | null {
  if (graphemes === undefined) {
    graphemes = typeof Intl.Segmenter === 'function' ? new Intl.Segmenter(undefined, { granularity: 'grapheme' }) : null;
  }
  let count = 0;
  let cut = 0;
  const chars: Iterable<{ index: number; segment: string }> = graphemes ? graphemes.segment(s) : codePoints(s);
  for (const { index } of chars) {
    if (count === max - 1) cut = index;
    if (count === max) return cut;
    count++;
  }
  return null;
}

function* codePoints(s: string): Generator<{ index: number; segment: string }> {
  let index = 0;
  for (const segment of s) {
    yield { index, segment };
    index += segment.length;
  }
}

/**
 * Text safe to draw: non-strings become '' (or `fallback`), bidi controls are dropped, whitespace
 * collapses, and anything longer than `max` characters is cut to `max - 1` characters and an
 * ellipsis. A character is what a reader sees as one (a grapheme cluster: an emoji with its
 * modifiers, a letter with its accents; a code point where `Intl.Segmenter` is missing), so a cut
 * never leaves half of one (a lone surrogate draws as "�"). `full` is the untruncated text (capped
 * at 2,000 UTF-16 units, at a code point boundary) for a `title` attribute, or undefined when
 * nothing was cut.
 */
/**
 * Something that shows: not only spaces, zero-width or other invisible format characters, Hangul
 * fillers, the combining grapheme joiner, variation selectors or the blank braille pattern.
 */
const VISIBLE = /[^\p{Z}\p{Cc}\p{Cf}\u034F\u115F\u1160\u2800\u3164\uFE00-\uFE0F\uFFA0]/u;

/**
 * A value typed by hand (an attribute) or set as a property, as trimmed text: a number (an id set as
 * `.streamId=${42}`) is its digits, anything else not a string is ''. Blank ids, headings and labels
 * read as not given (QA38), and a number never throws.
 */
export function trimmed(value: unknown): string {
  return typeof value === 'string' ? value.trim() : typeof value === 'number' && Number.isFinite(value) ? String(value) : '';
}

/** Whether `value` is a string with something visible in it (a name made of U+200B is not). */
export function hasText(value: unknown): value is string {
  return typeof value === 'string' && VISIBLE.test(value);
}

export function clip(value: unknown, max = MAX_TEXT, fallback = ''): { text: string; full: string | undefined } {
  let s = typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
  // Bidi embedding, override and isolate controls are dropped: "\u202Egnp.exe" would read
  // "exe.png" (a spoofed name); without them the text shows in its real order.
  // So is a run of combining marks past 8 (no script stacks more on one letter): "Z" with 600 of
  // them is one character no line can break, drawn wider than any box (QA60 F2).
  s = s.replace(BIDI_CONTROLS, '').replace(/(\p{M}{8})\p{M}+/gu, '$1').replace(/\s+/g, ' ').trim();
  if (!VISIBLE.test(s)) return { text: fallback, full: undefined };
  // No more UTF-16 units than `max` is no more characters than `max`: the common case costs nothing.
  if (s.length <= max) return { text: s, full: undefined };
  const at = cutIndex(s, max);
  if (at == null) return { text: s, full: undefined };
  const cut = s.slice(0, at);
  return { text: `${cut.trimEnd()}…`, full: s.length > MAX_FULL ? `${s.slice(0, codePointEnd(s, MAX_FULL))}…` : s };
}

/** `end`, moved back one unit if it would split a surrogate pair of `s`. */
function codePointEnd(s: string, end: number): number {
  const c = s.charCodeAt(end - 1);
  return c >= 0xd800 && c <= 0xdbff ? end - 1 : end;
}

/** Only http(s), mailto and same-origin relative links are followed; anything else is not linked. */
export function safeHref(value: unknown): string | null {
  if (typeof value !== 'string' || !value.trim()) return null;
  try {
    const u = new URL(value.trim(), document.baseURI);
    return ['http:', 'https:', 'mailto:'].includes(u.protocol) ? u.href : null;
  } catch {
    return null;
  }
}
