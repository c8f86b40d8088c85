import { MAX_LIST_LIMIT } from '../core/feeds/feed.js';
import { finiteNumber } from './format.js';

/**
 * Numeric attributes, read the same way by every element (`max-items`, `heading-level`,
 * `revalidate-ms`, rt-progress's `percentage` / `completed` / `total`) and by the script tag's
 * `data-revalidate-ms`. An attribute is text and a property may be set to anything, so each value
 * goes through {@link readNumber} with its attribute's {@link NumberRule}:
 *
 * - not set (`null` / `undefined`, the attribute removed): the default, quietly;
 * - not a number (`"abc"`, `""`, `"NaN"`, `"Infinity"`, an object): the default;
 * - a setting (`whole`): a fraction is floored (`"2.5"` → 2); below `min` (`"0"`, `"-3"` for
 *   `max-items`) gives the default; above `max` (`"1e9"`) is clamped to `max`;
 * - a data value (`percentage`, `completed`, `total`): any finite number is kept as given (the
 *   elements draw it clamped and say so with their "Out of range" badge).
 *
 * Every value changed this way is said once on the console (`console.warn`), naming the element,
 * the attribute, the value and what is used instead: once per element type, attribute and value,
 * not per render.
 */

export interface NumberRule<D extends number | null | undefined = number | null | undefined> {
  /** The attribute's name, for the warning (`max-items`). */
  attribute: string;
  /** Used when the value is not set, not a number, or below `min`. */
  default: D;
  /** A whole number (a setting): fractions are floored, and the range below is enforced. */
  whole?: boolean;
  /** Smallest value allowed; below it the default is used. */
  min?: number;
  /** Largest value allowed; above it the value is clamped to it. */
  max?: number;
}

/**
 * `heading-level` of a card's title (and a dashboard's): 1–6. Its sections are one level below.
 * Below 1 or not a number: the element's default; above 6: 6.
 */
export const headingLevelRule = (fallback: number): NumberRule<number> => ({ attribute: 'heading-level', default: fallback, whole: true, min: 1, max: 6 });

const warned = new Set<string>();

/** What the value is called in the warning: `"abc"` for text, `2.5` for a number. */
const shown = (value: unknown) => (typeof value === 'string' ? JSON.stringify(value) : String(value));

function warn(owner: string, rule: NumberRule, value: unknown, used: unknown, why: string): void {
  const key = `${owner}|${rule.attribute}|${typeof value}|${String(value)}`;
  if (warned.has(key)) return;
  warned.add(key);
  const instead = used == null ? 'treated as not set' : used === rule.default ? `using the default (${used})` : `using ${used}`;
  console.warn(`rt-monitor: <${owner}> ${rule.attribute}=${shown(value)} ${why}; ${instead}.`);
}

/** The range a setting allows, in words ("a whole number from 1 to 1000"). */
function range(rule: NumberRule): string {
  const what = rule.whole ? 'a whole number' : 'a number';
  if (rule.min !== undefined && rule.max !== undefined) return `${what} from ${rule.min} to ${rule.max}`;
  if (rule.min !== undefined) return `${what} of at least ${rule.min}`;
  if (rule.max !== undefined) return `${what} of at most ${rule.max}`;
  return what;
}

/**
 * `value` (an attribute's text or a property's value) read by `rule`; `owner` names the element
 * (its tag) in the one warning given for a value that had to be changed.
 */
export function readNumber<D extends number | null | undefined>(owner: string, rule: NumberRule<D>, value: unknown): number | D {
  if (value === null || value === undefined) return rule.default;
  const n = finiteNumber(value);
  if (n === null) {
    warn(owner, rule, value, rule.default, `is not ${range(rule)}`);
    return rule.default;
  }
  if (!rule.whole) return n;
  let v = Math.floor(n);
  if (rule.min !== undefined && v < rule.min) {
    warn(owner, rule, value, rule.default, `is not ${range(rule)}`);
    return rule.default;
  }
  if (rule.max !== undefined && v > rule.max) v = rule.max;
  if (v !== n) warn(owner, rule, value, v, v < n && v === rule.max ? `is more than ${rule.max}` : 'is not a whole number');
  return v;
}

/**
 * Lit converter for these attributes: hands the attribute's text to the property as it is (the
 * property's setter reads it with {@link readNumber}, so the warning can quote it).
 */
export const numberAttribute = { fromAttribute: (value: string | null): unknown => value };

/**
 * Decorator for such a property, written under its `@property(…)`: every value set (the attribute's
 * text through {@link numberAttribute}, or a value from code) is stored as {@link readNumber} reads
 * it by `rule`. It puts an accessor on the prototype, which `@property` then wraps (Lit calls
 * `requestUpdate` with the old value).
 *
 * ```ts
 * @property({ attribute: 'max-items', converter: numberAttribute })
 * @numberRule(maxItemsRule(10))
 * maxItems = 10;
 * ```
 */
export function numberRule(rule: NumberRule) {
  return (proto: object, name: string): void => {
    const key = Symbol(name);
    type Holder = Element & Record<symbol, unknown>;
    Object.defineProperty(proto, name, {
      get(this: Holder) {
        return key in this ? this[key] : rule.default;
      },
      set(this: Holder, value: unknown) {
        this[key] = readNumber(this.localName, rule, value);
      },
      configurable: true,
    });
  };
}

/** `max-items`: rows shown, 1 to 1000 (the most a list feed holds, src/core/feeds/feed.ts). */
export const MAX_ITEMS_MAX = MAX_LIST_LIMIT;
export const maxItemsRule = (fallback: number): NumberRule<number> => ({ attribute: 'max-items', default: fallback, whole: true, min: 1, max: MAX_ITEMS_MAX });

/** `revalidate-ms` (the provider) and `data-revalidate-ms` (the script tag): 0 (off) to a day. */
export const REVALIDATE_MS: NumberRule<undefined> = { attribute: 'revalidate-ms', default: undefined, whole: true, min: 0, max: 86_400_000 };
