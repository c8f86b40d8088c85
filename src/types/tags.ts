/**
 * Type-level description of every rt-monitor tag: the element class and the events it fires
 * (containers also hear their children's events, which bubble and are composed). Used by the
 * JSX and Vue declarations in this folder.
 */
import type { LitElement } from 'lit';
import type { RtElement } from '../internal/rt-element.js';
import type { RtTags } from '../generated/tag-types.js';

/** Tag → [element class, events it fires]: generated from custom-elements.json (scripts/generate-lists.mjs). */
export type { RtTags };

export type RtTagName = keyof RtTags;

/** `K` when `T[K]` can be assigned (not `readonly`, not a getter without a setter), else `never`. */
type Writable<T, K extends keyof T> =
  (<X>() => X extends { [Q in K]: T[K] } ? 1 : 2) extends <X>() => X extends { -readonly [Q in K]: T[K] } ? 1 : 2 ? K : never;

/**
 * The settable data properties of an element: its own writable fields (no methods, no Lit
 * internals, no read-only values such as `unreadCount` or `effectiveLocale`, which a framework
 * would fail to set: QA41) plus locale/theme.
 */
export type RtElementProps<E> = {
  [K in keyof E as K extends keyof LitElement ? never : E[K] extends (...args: never[]) => unknown ? never : Writable<E, K>]?: E[K];
} & (E extends RtElement ? { locale?: string; theme?: RtElement['theme'] } : unknown);

type Camel<S extends string> = S extends `${infer A}-${infer B}` ? `${Capitalize<A>}${Camel<B>}` : Capitalize<S>;

/** `{ 'rt-alert': RtAlertEvent }` → `{ onRtAlert?: (e: RtAlertEvent) => void }` (Vue's and the React wrappers' spelling). */
export type RtEventProps<Ev> = { [K in keyof Ev & string as `on${Camel<K>}`]?: (event: Ev[K]) => void };

/** Any kebab-case attribute, e.g. `stream-id="…"`, `max-items="5"`. */
export type RtAttributes = { [attribute: `${string}-${string}`]: string | number | boolean | null | undefined };
