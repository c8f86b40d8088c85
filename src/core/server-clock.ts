/**
 * A page-wide estimate of the server's clock, so relative times ("Updated 4 seconds ago") and
 * running durations are right when the browser's clock is off.
 *
 *   skew = localNow − serverNow        serverNow() = Date.now() − skew
 *
 * Every server timestamp we receive gives an upper bound of the skew: a reply or change stamped
 * `serverTs` arrives at local time `localReceive` no earlier than it was made, so
 * `localReceive − serverTs = skew + latency ≥ skew`. The estimate is the minimum of those bounds
 * over a recent window (the sample with the least latency wins; late or cached timestamps only
 * give looser bounds and never pull the estimate off). The window lets a changed clock be
 * followed; a jump of the local wall clock (seen against the monotonic `performance.now()`)
 * moves every sample by the jump: the server's clock did not jump, so neither does `serverNow()`.
 *
 * Sources: `commit_timestamp` of realtime postgres_changes (millisecond precision) and the HTTP
 * `Date` header of REST replies (whole seconds: the server's time was somewhere in
 * `[Date, Date + 1 s)`, so `localReceive − Date` is still an upper bound, at most 1 s loose; the
 * minimum over several replies tightens it), and the `iat` of the user's access tokens (whole
 * seconds, Supabase Auth's clock; a token kept for long only gives a loose bound). Without a
 * source other than Realtime, a backlog present from the first change would read as skew.
 * Row `updated_at` values are not used: a writer may set them on INSERT, from any clock.
 *
 * No estimate yet means no correction (skew 0). Framework-free; shared by every copy of the
 * bundle on the page through a `Symbol.for` slot.
 */

import { parseTimestamp } from './version.js';

/** How long a sample counts (ms). */
export const SKEW_WINDOW_MS = 5 * 60_000;
/** Samples are kept as the minimum per bucket of this length (ms): bounded memory under bursts. */
const BUCKET_MS = 15_000;
/** A local wall-clock jump larger than this (against the monotonic clock) resets the estimate. */
const JUMP_MS = 1_000;

interface Bucket {
  /** Local time (ms) the bucket started. */
  start: number;
  /** Smallest upper bound of the skew seen in it. */
  skew: number;
}

interface ClockState {
  buckets: Bucket[];
  /** `Date.now() − performance.now()` when last looked: a change means the wall clock jumped. */
  base: number | null;
}

const KEY = Symbol.for('rt-monitor.server-clock');
const g = globalThis as unknown as Record<symbol, ClockState | undefined>;
const state: ClockState = (g[KEY] ??= { buckets: [], base: null });

const perf: { now(): number } | undefined = (globalThis as { performance?: { now(): number } }).performance;

/**
 * Follows a jump of the local wall clock since the last look (seen against the monotonic clock):
 * every sample moves with it (the server's clock did not jump), so `serverNow()` stays continuous.
 */
function checkJump(local: number): void {
  if (!perf) return;
  const base = local - perf.now();
  const jump = state.base == null ? 0 : base - state.base;
  if (Math.abs(jump) > JUMP_MS) {
    for (const b of state.buckets) {
      b.start += jump;
      b.skew += jump;
    }
  }
  state.base = base;
}

/** Forgets samples older than the window, but always keeps the newest bucket (a quiet page keeps its estimate). */
function prune(local: number): void {
  const b = state.buckets;
  while (b.length > 1 && local - b[0]!.start > SKEW_WINDOW_MS) b.shift();
}

/** A server timestamp as epoch ms: ISO strings in any of Postgres' spellings (zone-less means UTC), epoch ms or Date. */
export function parseServerTime(value: unknown): number | null {
  if (value instanceof Date) value = value.getTime();
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  const t = parseTimestamp(value);
  return Number.isFinite(t) ? t : null;
}

/**
 * Record one server timestamp, received at `localReceive` (default: now). A truncated timestamp
 * (an HTTP `Date` header) needs no adjustment: the true server time was at or after it, so
 * `localReceive − serverTs` stays an upper bound of the skew.
 */
export function observeServerTime(serverTime: unknown, localReceive = Date.now()): void {
  const server = parseServerTime(serverTime);
  if (server == null || !Number.isFinite(localReceive)) return;
  checkJump(Date.now());
  const skew = localReceive - server;
  const b = state.buckets;
  const last = b[b.length - 1];
  if (last && localReceive - last.start < BUCKET_MS) {
    if (skew < last.skew) last.skew = skew;
  } else {
    b.push({ start: localReceive, skew });
  }
  prune(localReceive);
}

/**
 * Record the `Date` header of an HTTP reply. Optional: a browser sees it only when the server lists
 * it in `Access-Control-Expose-Headers` (the local backend does; a Supabase project may not).
 * Whole seconds, truncated: the bound is at most 1 s looser than a
 * commit timestamp's, and the minimum over several replies tightens it.
 */
export function observeDateHeader(date: string | null | undefined, localReceive = Date.now()): void {
  if (!date) return;
  const t = Date.parse(date);
  if (Number.isFinite(t)) observeServerTime(t, localReceive);
}

function estimate(): number | null {
  let min: number | null = null;
  for (const x of state.buckets) if (min == null || x.skew < min) min = x.skew;
  return min;
}

/** The current estimate of `localNow − serverNow` in ms, or null before any sample. */
export function clockSkew(): number | null {
  const now = Date.now();
  checkJump(now);
  prune(now);
  return estimate();
}

/** The server's current time (ms since the epoch) as best known; `Date.now()` before any sample. */
export function serverNow(): number {
  const now = Date.now();
  checkJump(now);
  prune(now);
  return now - (estimate() ?? 0);
}

/** Forget every sample (tests; a page switching to another backend). */
export function resetServerClock(): void {
  state.buckets = [];
  state.base = null;
}
