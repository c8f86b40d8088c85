/**
 * How rt-monitor reads a locale value, in one place, for every source (an element's or the
 * provider's `locale`, the page's `lang`) and every use (words, `Intl` formatting, plural rules,
 * `registerStrings` / `loadStrings` / `stringsFor`):
 *
 * - surrounding spaces are trimmed and `_` is read as `-` (`" de_DE "` is `de-DE`);
 * - the tag is canonicalised by `Intl.getCanonicalLocales` (`DE-de` → `de-DE`);
 * - a value it rejects (`"de DE!"`) gives English, with one `console.warn` naming the value (once
 *   per value and page, not per render).
 *
 * Which language the words are in (a language rt-monitor has no strings for gives English) is
 * decided on top of this by `labelLocale` (strings.ts).
 */

/** Canonical tags by the raw value (read on every render; canonicalising costs more than a lookup). */
const canonical = new Map<string, string | null>();
/** Rejected values already warned about. */
const warned = new Set<string>();

/**
 * `value` as the BCP 47 tag it means: trimmed, `_` → `-`, canonicalised by `Intl.getCanonicalLocales`;
 * `''` when there is nothing (not a string, or blank), `null` when `Intl` rejects it. Never warns.
 */
export function canonicalLocale(value: unknown): string | null {
  if (typeof value !== 'string') return '';
  let tag = canonical.get(value);
  if (tag === undefined) {
    const trimmed = value.trim().replace(/_/g, '-');
    try {
      tag = trimmed ? (Intl.getCanonicalLocales(trimmed)[0] ?? null) : '';
    } catch {
      tag = null;
    }
    canonical.set(value, tag);
  }
  return tag;
}

/**
 * The tag to use for `value`: its canonical form; `fallback` when there is none (blank or not a
 * string); `en` for a value `Intl` rejects, said once on the console (naming the value).
 */
export function localeTag(value: unknown, fallback = 'en'): string {
  const tag = canonicalLocale(value);
  if (tag === null) {
    const raw = value as string;
    if (!warned.has(raw)) {
      warned.add(raw);
      console.warn(`rt-monitor: locale "${raw}" is not a valid language tag (BCP 47, e.g. "de" or "de-DE"); showing English.`);
    }
    return 'en';
  }
  return tag || fallback;
}

/** The first of `values` that is not blank (a `locale=""` or `"  "` counts as not set), else ''. */
export function firstLocale(...values: unknown[]): string {
  for (const v of values) if (typeof v === 'string' && v.trim() !== '') return v;
  return '';
}

/** The language subtag of a locale value, lower case (`" DE_de"` → `de`); '' for none. */
export function languageOf(value: unknown): string {
  const tag = canonicalLocale(value) ?? (typeof value === 'string' ? value.trim() : '');
  return tag.toLowerCase().split(/[-_]/)[0];
}
