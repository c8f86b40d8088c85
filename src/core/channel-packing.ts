/**
 * Channels by table, not by widget: the packing decisions, as pure functions (no realtime-js, no
 * timers; ./channel-registry.ts applies them). Supabase allows {@link CHANNELS_PER_CONNECTION}
 * channels per connection (and limits joins per second), so subscriptions are *packed*:
 *
 * - subscriptions with an equality filter on the same (table, column) — `id=eq.<a>`, `id=eq.<b>`,
 *   … — share channels subscribed with one `in` filter (`id=in.(a,b,…)`, at most
 *   {@link IN_LIMIT} values, Supabase's limit for `in`): 200 stream cards = 2 channels for
 *   `streams`, not 200;
 * - a subscription without a filter (or with a filter that cannot be packed) has a channel of its
 *   own, shared by every subscription with the same (table, filter);
 * - changes are routed on the client to the subscriptions whose value the row carries (before or
 *   after the change, ./channel-delivery.ts); a DELETE that carries only the primary key goes to
 *   every subscription of the channel (stores ignore rows they do not hold).
 */
import type { ChannelSpec } from './client-types.js';

/** Supabase's limit on the values of one `in` filter. */
export const IN_LIMIT = 100;
/** Supabase's limit on channels per connection (diagnostics show how close a page is). */
export const CHANNELS_PER_CONNECTION = 100;
/**
 * A re-pack folds new values into a live channel only when it carries at most this many wanted
 * values: each moves to the replacement and its subscriptions re-read quietly (changes in flight
 * on the old channel may be lost with it). Beyond, new values get a channel of their own, so one
 * card added beside fifty costs its own reads, not fifty re-reads; channels then grow about one
 * per this many values added one at a time.
 */
export const MOVE_LIMIT = 8;
/**
 * From this many live channels in one group, new values are folded into the emptiest one whatever
 * it carries (the moves {@link MOVE_LIMIT} spares cost less than running out of channels: values
 * added one at a time would otherwise open a channel per ~{@link MOVE_LIMIT}, and a connection
 * has {@link CHANNELS_PER_CONNECTION}).
 */
export const CROWDED_GROUP = 16;

const EQ = /^([A-Za-z_][A-Za-z0-9_]*)=eq\.(.+)$/;
/** Values that cannot go into an `in (…)` list unquoted stay on a channel of their own. */
const PACKABLE = /^[^,()"\\\s]+$/;

/** An equality filter `col=eq.value` as its column and value; null for any other filter (or none). */
export function parseEqFilter(filter: string | null): { column: string; value: string } | null {
  const m = filter ? EQ.exec(filter) : null;
  return m ? { column: m[1], value: m[2] } : null;
}

/** Whether `value` can go into an `in (…)` list unquoted (no comma, parenthesis, quote, backslash or space). */
export function isPackable(value: string): boolean {
  return PACKABLE.test(value);
}

/** Where a subscription belongs: the group (one key per set of channels) and its place in it. */
export interface Grouping {
  /** Subscriptions with the same key share channels. */
  key: string;
  /** The equality column whose values are packed into `in` filters; null: one channel for `filter`. */
  column: string | null;
  /** The exact filter of an unpacked group (null: the whole table, or a private topic). */
  filter: string | null;
  /** The packed value (`<a>` of `col=eq.<a>`), or null for a channel of its own. */
  value: string | null;
}

/**
 * The group of a subscription: packed by (table, column) when its filter is `col=eq.<packable
 * value>`, else by its exact (table, filter). `topic` (broadcast mode, a private topic such as
 * `org:<id>`) groups by topic alone and never packs.
 */
export function groupingOf(spec: ChannelSpec, topic: string | null): Grouping {
  const eq = topic ? null : parseEqFilter(spec.filter);
  if (eq && isPackable(eq.value)) return { key: `${spec.table}|${eq.column}|in`, column: eq.column, filter: null, value: eq.value };
  if (topic) return { key: `topic|${topic}`, column: null, filter: null, value: null };
  return { key: `${spec.table}|${spec.filter ?? ''}`, column: null, filter: spec.filter, value: null };
}

/** The filter of a packed channel: `col=eq.<v>` for one value, `col=in.(<a>,<b>,…)` for several. */
export function packedFilter(column: string, values: Iterable<string>): string {
  const vals = [...values];
  return vals.length === 1 ? `${column}=eq.${vals[0]}` : `${column}=in.(${vals.join(',')})`;
}

/** What the planner needs to know of a channel of a group. */
export interface PackedChannelView {
  readonly closed: boolean;
  /** The channel replacing this one (a re-pack under way), or null. */
  readonly retiring: object | null;
  /** Values of its `in` filter (packed groups); null for a channel of its own. */
  readonly values: ReadonlySet<string> | null;
  /** Channels this one replaces. */
  readonly replaces: { readonly size: number };
}

/**
 * A live (not closed, not retiring) channel of a group that carries `value` (null: the group's
 * one unpacked channel), or null when none does and a re-pack is needed.
 */
export function carrierOf<C extends PackedChannelView>(chans: Iterable<C>, value: string | null): C | null {
  let best: C | null = null;
  for (const c of chans) {
    if (c.closed || c.retiring) continue;
    if (value === null ? c.values === null : c.values?.has(value)) {
      // Prefer a channel that replaces others (the newest packing) over one being replaced.
      if (!best || c.replaces.size > 0) best = c;
    }
  }
  return best;
}

/** A re-pack: the channels to close, and the channels to open (each replacing one, or none). */
export interface PackPlan<C> {
  /** Live channels none of whose values are wanted (their members are gone). */
  close: C[];
  /** New channels, each with at most {@link IN_LIMIT} values; `replaces` hands its members over. */
  open: Array<{ values: string[]; replaces: C | null }>;
}

/**
 * How a packed group's channels come to carry exactly the `wanted` values (make-before-break: no
 * live channel is changed, new ones are planned). Values already carried by a live channel stay
 * there (a channel that carries values no longer wanted keeps them until it closes). Uncovered
 * values are folded into the emptiest live channel that has room for them all and carries at most
 * {@link MOVE_LIMIT} wanted values (any number once the group has {@link CROWDED_GROUP} channels),
 * as a replacement carrying those plus the new ones; otherwise they go to new channels of at most
 * {@link IN_LIMIT} values each.
 */
export function planPacking<C extends PackedChannelView>(wanted: Iterable<string>, chans: Iterable<C>): PackPlan<C> {
  const want = new Set(wanted);
  const live = [...chans].filter((c) => !c.closed && !c.retiring);
  const wantedOf = (c: C) => [...(c.values ?? [])].filter((v) => want.has(v));
  const covered = new Set(live.flatMap(wantedOf));
  const uncovered = [...want].filter((v) => !covered.has(v));
  const close = live.filter((c) => wantedOf(c).length === 0);
  if (!uncovered.length) return { close, open: [] };

  const candidates = live
    .filter((c) => !close.includes(c))
    .map((c) => ({ c, keep: wantedOf(c) }))
    .sort((a, b) => a.keep.length - b.keep.length);
  const open: PackPlan<C>['open'] = [];
  let rest = uncovered;
  const first = candidates[0];
  const few = first && (first.keep.length <= MOVE_LIMIT || candidates.length >= CROWDED_GROUP);
  if (first && few && first.keep.length + rest.length <= IN_LIMIT) {
    open.push({ values: [...first.keep, ...rest], replaces: first.c });
    rest = [];
  }
  for (let i = 0; i < rest.length; i += IN_LIMIT) open.push({ values: rest.slice(i, i + IN_LIMIT), replaces: null });
  return { close, open };
}
