/**
 * A page-wide estimate of the server's clock, so relative times ("Updated 4 seconds ago") and
 * running durations are right when the browser's clock is off.
 *
 *   skew = localNow − serverNow        serverNow() = Date.now() − skew
 *
 * Every server timestamp we receive gives an upper bound of the skew: a reply or change stamped
 * `serverTs` arrives at local time `localReceive` no earlier than it was made, so
 * `localReceive − serverTs = skew + latency ≥ skew`. The estimate is the minimum of those bounds
 * (the sample with the least latency wins; late or cached timestamps only give looser bounds and
 * never pull the estimate off). A bound loosens with its age by {@link DRIFT_PER_MS} (two clocks
 * drift apart at most that fast) and counts for {@link SKEW_WINDOW_MS}, so a changed clock is
 * followed; a sample is forgotten sooner once a newer one is as tight. The window is long on
 * purpose: when Realtime runs behind steadily, every new commit timestamp is late, and only an
 * older tight bound (a token's `iat`, an earlier on-time change) still tells that lag from skew
 * (./realtime-lag.ts). A jump of the local wall clock back (seen against the monotonic
 * `performance.now()`) moves every sample by the jump: the server's clock did not jump, so
 * neither does `serverNow()`. A jump forward is also what a sleep looks like (a closed lid, a
 * suspended VM: the monotonic clock stands still while the wall clock and the server's run on),
 * and then the samples are still true (QA54: moved by a 45 s sleep, they made a change 20 s late
 * read on time, and a stream 47 s old "Updated just now"). So a jump forward is held, the samples
 * as they were, until the next sample tells: one looser than them by at least half the jump says
 * the wall clock was set ahead, and they move by it; else it was a sleep.
 *
 * Sources: `commit_timestamp` of realtime postgres_changes (millisecond precision) and the HTTP
 * `Date` header of REST replies (whole seconds: the server's time was somewhere in
 * `[Date, Date + 1 s)`, so `localReceive − Date` is still an upper bound, at most 1 s loose; the
 * minimum over several replies tightens it), and the `iat` of the user's access tokens (whole
 * seconds, Supabase Auth's clock; a token kept for long only gives a loose bound; another issuer's
 * token gives none: its clock is not the server's, ./jwt.ts `supabaseAuthIssuedAt`). Without a
 * source other than Realtime, a backlog present from the first change would read as skew.
 * Row `updated_at` values are not used: a writer may set them on INSERT, from any clock.
 *
 * No estimate yet means no correction (skew 0). Framework-free; shared by every copy of the
 * bundle on the page through a `Symbol.for` slot.
 */

import { parseTimestamp } from './version.js';

/** How long a sample counts at most (ms): two hours, past one renewal of a default one-hour Supabase access token. */
export const SKEW_WINDOW_MS = 2 * 60 * 60_000;
/** How fast an old bound loosens (ms per ms of age): 100 ppm, beyond what NTP lets two clocks drift (0.36 s per hour). */
export const DRIFT_PER_MS = 1e-4;
/** Samples are kept as the minimum per bucket of this length (ms): at most 120 buckets, under any burst. */
const BUCKET_MS = 60_000;
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
  /** Jumps forward (ms) not yet told apart: a sleep, or the wall clock set ahead (the next sample tells). */
  ahead?: number;
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
  // Back: only a step of the wall clock does that. Forward: a step or a sleep, held for the next sample.
  if (jump < -JUMP_MS) shift(jump);
  else if (jump > JUMP_MS) state.ahead = (state.ahead ?? 0) + jump;
  state.base = base;
}

/** Every sample moves by `jump` (ms): the wall clock was set by that much, the server's was not. */
function shift(jump: number): void {
  for (const b of state.buckets) {
    b.start += jump;
    b.skew += jump;
  }
}

/** A bucket's bound of the skew at local time `local`: loosened by its age (at most a window's worth). */
function bound(x: Bucket, local: number): number {
  return x.skew + DRIFT_PER_MS * Math.min(SKEW_WINDOW_MS, Math.max(0, local - x.start));
}

/**
 * Forgets samples older than the window and samples a newer one is at least as tight as (it stays
 * so: both loosen at the same rate), but always keeps the newest bucket (a quiet page keeps its
 * estimate). The kept bounds grow from old to new, so few stay.
 */
function prune(local: number): void {
  const b = state.buckets;
  while (b.length > 1 && local - b[0]!.start > SKEW_WINDOW_MS) b.shift();
  let tightest = Infinity;
  for (let i = b.length - 1; i >= 0; i--) {
    const v = bound(b[i]!, local);
    if (v >= tightest) b.splice(i, 1);
    else tightest = v;
  }
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
  const ahead = state.ahead;
  if (ahead) {
    // A jump forward since the last sample: after a sleep the bounds held are still true and this
    // one agrees with them (within its latency); after the wall clock was set ahead they are all
    // `ahead` too tight, and this one is looser by about that much.
    state.ahead = 0;
    const held = estimate(localReceive);
    if (held != null && skew > held + ahead / 2) shift(ahead);
  }
  const b = state.buckets;
  const last = b[b.length - 1];
  if (last && localReceive - last.start < BUCKET_MS) {
    if (skew < last.skew) last.skew = skew;
  } else {
    b.push({ start: localReceive, skew });
    prune(localReceive);
  }
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

function estimate(local: number): number | null {
  let min: number | null = null;
  for (const x of state.buckets) {
    const v = bound(x, local);
    if (min == null || v < min) min = v;
  }
  return min == null ? null : Math.round(min);
}

/** The current estimate of `localNow − serverNow` in ms, or null before any sample. */
export function clockSkew(): number | null {
  const now = Date.now();
  checkJump(now);
  prune(now);
  return estimate(now);
}

/** The server's current time (ms since the epoch) as best known; `Date.now()` before any sample. */
export function serverNow(): number {
  const now = Date.now();
  checkJump(now);
  prune(now);
  return now - (estimate(now) ?? 0);
}

/**
 * The server's current time (ms since the epoch, as estimated: never ahead of it), or undefined
 * before any sample: when a read's reply came, for the version guard's "read at" (RowWindow).
 */
export function knownServerNow(): number | undefined {
  const now = Date.now();
  checkJump(now);
  prune(now);
  const skew = estimate(now);
  return skew == null ? undefined : now - skew;
}

/** Forget every sample (tests; a page switching to another backend). */
export function resetServerClock(): void {
  state.buckets = [];
  state.base = null;
  state.ahead = 0;
}
