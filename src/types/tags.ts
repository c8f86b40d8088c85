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

/** The settable data properties of an element: its own fields (no methods, no Lit internals) plus locale/theme. */
export type RtElementProps<E> = {
  [K in keyof E as K extends keyof LitElement ? never : E[K] extends (...args: never[]) => unknown ? never : K]?: E[K];
} & (E extends RtElement ? { locale?: string; theme?: RtElement['theme'] } : unknown);

type Camel<S extends string> = S extends `${infer A}-${infer B}` ? `${Capitalize<A>}${Camel<B>}` : Capitalize<S>;

/** `{ 'rt-alert': RtAlertEvent }` → `{ onRtAlert?: (e: RtAlertEvent) => void }` (Vue's and the React wrappers' spelling). */
export type RtEventProps<Ev> = { [K in keyof Ev & string as `on${Camel<K>}`]?: (event: Ev[K]) => void };

/** Any kebab-case attribute, e.g. `stream-id="…"`, `max-items="5"`. */
export type RtAttributes = { [attribute: `${string}-${string}`]: string | number | boolean | null | undefined };
