/**
 * One shared timer per page for everything that ticks (relative times,
 * elapsed durations, retry and token countdowns). Elements subscribe while
 * connected and only while they show something that ticks; the timer stops
 * when nobody listens.
 */
import { html, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import { serverNow } from '../core/server-clock.js';
import { AsyncDirective, directive, PartType, type ChildPartInfo, type PartInfo } from 'lit/async-directive.js';
import { isVisible, whenVisible } from './visibility.js';
import { formatAgo, formatDuration, nextAgoChange } from './format.js';

/**
 * A subscriber and when it next needs calling: `due` is a local `Date.now()` time; 0 = at the next
 * whole second. A listener returns nothing (called every second) or the local time it next needs.
 */
interface Entry {
  fn: (now: number) => number | void;
  due: number;
}

const GLOBAL_KEY = Symbol.for('rt-monitor.ticker.v2');
interface TickerState {
  entries: Set<Entry>;
  timer: ReturnType<typeof setTimeout> | null;
  /** Local time the timer fires at (null when none). */
  at: number | null;
  /** `Date.now() − performance.now()` when last looked: a change means the wall clock jumped. */
  base?: number;
  /** Between `beforeprint` and `afterprint`: texts out of view tick too (the printout shows them). */
  printing?: boolean;
}
const g = globalThis as unknown as Record<symbol, TickerState | undefined>;
// Shared across two copies of the bundle on one page.
const state: TickerState = (g[GLOBAL_KEY] ??= { entries: new Set(), timer: null, at: null });

export const TICK_MS = 1000;

// Printing (and "print to PDF") lays out every widget, in view or not: every ticking text is made
// true first, in this task, and texts out of view keep ticking until the print is done.
if (typeof window !== 'undefined') {
  window.addEventListener('beforeprint', () => {
    if (state.printing) return; // another copy of the bundle did it
    state.printing = true;
    for (const e of state.entries) e.due = 0;
    run();
  });
  window.addEventListener('afterprint', () => (state.printing = false));
}
/** A ticking text out of view looks again after this long at the latest (it is woken when seen). */
const PARKED_MS = 60_000;

/** The next whole second (local clock) at or after `t`: every wake-up lands on a second boundary. */
function secondAfter(t: number): number {
  return Math.ceil(t / TICK_MS) * TICK_MS;
}

/**
 * Due times are wall-clock times: when the wall clock jumped back (the OS corrected it, a user set
 * it), every due time moves with it, or a jump back of an hour would hold every text for an hour.
 * Not forward: that is also a sleep (the monotonic clock stood still), after which every text is
 * due now, not a sleep's length later (QA54); after the wall clock was set ahead, they are only
 * worked out once early.
 */
function followJump(): void {
  const base = Date.now() - performance.now();
  const jump = state.base === undefined ? 0 : base - state.base;
  state.base = base;
  if (jump >= -TICK_MS) return;
  for (const e of state.entries) if (e.due) e.due += jump;
  if (state.timer) clearTimeout(state.timer);
  state.timer = null;
  state.at = null;
}

function run(): void {
  state.timer = null;
  state.at = null;
  followJump();
  const now = Date.now();
  // One batch: every text that changes this second changes in this task (one frame paints them all).
  for (const e of [...state.entries]) {
    if (e.due > now || !state.entries.has(e)) continue;
    let next: number | void = undefined;
    try {
      next = e.fn(now);
    } catch (err) {
      console.error('[rt-monitor] tick failed:', err);
    }
    e.due = typeof next === 'number' && next > now ? next : now + TICK_MS;
  }
  arm();
}

/** (Re)arm the one timer for the earliest due entry, on a whole second. */
function arm(): void {
  followJump();
  if (state.entries.size === 0) {
    if (state.timer) clearTimeout(state.timer);
    state.timer = null;
    state.at = null;
    return;
  }
  let due = Infinity;
  for (const e of state.entries) if (e.due < due) due = e.due;
  const at = secondAfter(Math.max(due, Date.now() + 1));
  if (state.at === at) return;
  if (state.timer) clearTimeout(state.timer);
  state.at = at;
  state.timer = setTimeout(run, Math.max(0, at - Date.now()));
}

/**
 * Calls `listener` on the page's one timer, at whole seconds: every second, or — when it returns a
 * number — next at that local time (ms, `Date.now()` clock; rounded up to a whole second), so text
 * that changes every ten seconds or every minute wakes nothing in between. Returns the unsubscribe.
 */
export function subscribeTick(listener: (now: number) => number | void): () => void {
  const entry = addTick(listener, 0);
  return () => removeTick(entry);
}

function addTick(fn: Entry['fn'], due: number): Entry {
  const entry: Entry = { fn, due };
  state.entries.add(entry);
  reschedule(entry, due);
  return entry;
}

function removeTick(entry: Entry): void {
  state.entries.delete(entry);
  if (state.entries.size === 0) arm();
}

/** Move an entry's due time; the timer is re-armed only when it must fire earlier. */
function reschedule(entry: Entry, due: number): void {
  followJump();
  entry.due = due;
  if (!state.entries.has(entry)) return;
  const at = secondAfter(Math.max(due, Date.now() + 1));
  if (state.at != null && state.at <= at) return;
  if (state.timer) clearTimeout(state.timer);
  state.at = at;
  state.timer = setTimeout(run, Math.max(0, at - Date.now()));
}

/** Number of active tick subscribers (for tests and diagnostics). */
export function tickSubscriberCount(): number {
  return state.entries.size;
}

/** True while the page-wide timer is armed. */
export function tickerRunning(): boolean {
  return state.timer != null;
}

/** Re-renders its host every tick while `active` and connected. */
export class TickController implements ReactiveController {
  /** The current local time, for render: for times the page measured itself (heartbeats, retries). */
  get now(): number {
    return Date.now();
  }

  /**
   * The current time on the server's clock (the page-wide estimate of src/core/server-clock.ts):
   * for anything measured against database timestamps (`updated_at`, `started_at`, JWT `exp`).
   */
  get serverNow(): number {
    return serverNow();
  }
  #unsubscribe: (() => void) | null = null;
  #connected = false;
  #_active = false;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  get active(): boolean {
    return this.#_active;
  }

  /** Turn ticking on or off; cheap to call from `willUpdate` every render. */
  set active(value: boolean) {
    if (value === this.#_active) return;
    this.#_active = value;
    this.#sync();
  }

  hostConnected(): void {
    this.#connected = true;
    this.#sync();
  }

  hostDisconnected(): void {
    this.#connected = false;
    this.#sync();
  }

  #sync(): void {
    const want = this.#connected && this.#_active;
    if (want && !this.#unsubscribe) {
      this.#unsubscribe = subscribeTick(() => {
        this.host.requestUpdate();
      });
    } else if (!want && this.#unsubscribe) {
      this.#unsubscribe();
      this.#unsubscribe = null;
    }
  }
}

/**
 * Text that changes with time ("Updated 5 seconds ago", an elapsed duration), updated in place on
 * the page's one ticker: when due, it recomputes `text(now)` and, when it changed, sets only this
 * text node — the host element does not re-render. All ticking texts due in one second change in
 * one task (one frame). `next(now)` says when the text can change next (same clock as `now`; e.g.
 * {@link nextAgoChange}); without it the text is recomputed every second. Skipped while the host is
 * out of view or the tab hidden (it catches up when seen again: the host renders then). `now` is
 * the server's clock unless `clock: 'local'`.
 *
 *   html`<time>${ticking((now) => s.updated(formatAgo(loc, updatedAt, now, s.justNow) ?? ''),
 *                        { next: (now) => nextAgoChange(updatedAt, now) })}</time>`
 */
export interface TickingOptions {
  clock?: 'server' | 'local';
  /** When the text can next change (ms on the same clock as `now`); called after each computation. */
  next?: (now: number) => number | null;
}

class TickingText extends AsyncDirective {
  #fn: ((now: number) => string) | null = null;
  #options: TickingOptions = {};
  #text = '';
  #entry: Entry | null = null;
  #host: Element | null = null;
  /** Waiting for the host to be seen again (drops the wait). */
  #parked: (() => void) | null = null;

  constructor(part: PartInfo) {
    super(part);
    if (part.type !== PartType.CHILD) throw new Error('ticking() goes in a text position: <span>${ticking(fn)}</span>');
    this.#host = ((part as ChildPartInfo & { options?: { host?: unknown } }).options?.host as Element | undefined) ?? null;
  }

  #now(): number {
    return this.#options.clock === 'local' ? Date.now() : serverNow();
  }

  /** Local time of the next change, for the ticker (0 = next second). */
  #due(now: number): number {
    const next = this.#options.next?.(now);
    if (next == null || !Number.isFinite(next)) return 0;
    // `now` may be the server's clock: convert the wait to the local one.
    return Date.now() + Math.max(0, next - now);
  }

  render(fn: (now: number) => string, options: TickingOptions = {}): string {
    this.#fn = fn;
    this.#options = options;
    const now = this.#now();
    this.#text = fn(now);
    if (this.isConnected) {
      // On every render: the value behind the text may have changed (a new `updated_at`).
      if (this.#entry) reschedule(this.#entry, this.#due(now));
      else this.#entry = addTick(() => this.#tick(), this.#due(now));
    }
    return this.#text;
  }

  #tick(): number | void {
    if (!this.#fn) return;
    // Out of view or hidden tab: nothing to paint. Sleep until the host is seen again (no polling),
    // then catch up on the next whole second.
    if (this.#host && !state.printing && !isVisible(this.#host)) {
      const host = this.#host;
      this.#parked ??= whenVisible(host, () => {
        this.#parked = null;
        // Seen again: the true text now, not at the next whole second.
        if (this.#entry) reschedule(this.#entry, (this.#tick() as number | undefined) ?? Date.now() + TICK_MS);
      });
      return Date.now() + PARKED_MS;
    }
    const now = this.#now();
    const next = this.#fn(now);
    if (next !== this.#text) {
      this.#text = next;
      this.setValue(next);
    }
    return this.#due(now) || undefined;
  }

  protected override disconnected(): void {
    if (this.#entry) removeTick(this.#entry);
    this.#entry = null;
    this.#parked?.();
    this.#parked = null;
  }

  protected override reconnected(): void {
    this.#entry ??= addTick(() => this.#tick(), 0);
  }
}

export const ticking = directive(TickingText);

/**
 * {@link ticking} in a box that keeps its size while the text ticks: the box is as wide as the
 * widest of its text and `reserve` (up to two texts the tick can reach, drawn invisibly in the same
 * grid cell by CSS generated content: not in `textContent`, not in the accessibility tree, not
 * selectable). "just now" → "10 seconds ago" or "9 s" → "10 s" then never re-wraps the line it
 * sits in, so the widget does not grow or shrink a line with the clock and the page around it does
 * not shift (nor relayout) on a tick. Styles: `.steady` in src/styles/shared.ts (every element's
 * base styles).
 */
export function steadyTicking(reserve: readonly string[], fn: (now: number) => string, options?: TickingOptions): TemplateResult {
  return html`<span class="steady" data-reserve=${reserve[0] ?? ''} data-reserve-alt=${reserve[1] ?? ''}
    ><span>${ticking(fn, options)}</span></span
  >`;
}

const agoReserves = new Map<string, readonly string[]>();

/**
 * The two longest (by length) texts {@link formatAgo} gives within a day ("just now", "50 seconds
 * ago", "59 minutes ago", "23 hours ago"), wrapped by `wrap`; per locale and wording, computed once.
 */
export function agoReserve(locale: string, justNow: string, wrap: (when: string) => string = (w) => w): readonly string[] {
  const key = `${locale}\u0000${justNow}\u0000${wrap('\u0001')}`;
  let reserve = agoReserves.get(key);
  if (!reserve) {
    const now = Date.UTC(2000, 0, 1);
    reserve = [0, 50_000, 59 * 60_000, 23 * 3_600_000]
      .map((age) => wrap(formatAgo(locale, now - age, now, justNow) ?? ''))
      .sort((a, b) => b.length - a.length)
      .slice(0, 2);
    agoReserves.set(key, reserve);
  }
  return reserve;
}

/** The widest {@link formatDuration} texts within a day ("59 min 59 s", "23 h 59 min"), per locale. */
export function durationReserve(locale: string): readonly string[] {
  const key = `${locale}\u0000duration`;
  let reserve = agoReserves.get(key);
  if (!reserve) {
    reserve = [formatDuration(locale, 3_599_000) ?? '', formatDuration(locale, 86_340_000) ?? ''];
    agoReserves.set(key, reserve);
  }
  return reserve;
}

/**
 * An elapsed duration ("1 min 5 s") ticking every second in a box of steady size
 * ({@link steadyTicking}); `elapsed(now)` gives the ms, `now` on the server's clock (durations here run
 * from database timestamps such as `started_at`). `fallback` for an unusable one (an end before
 * its start).
 */
export function tickingDuration(locale: string, elapsed: (now: number) => number, fallback = '—'): TemplateResult {
  return steadyTicking(durationReserve(locale), (now) => formatDuration(locale, elapsed(now)) ?? fallback);
}

/**
 * "20 seconds ago" (wrapped by `wrap`, e.g. `s.updated`) for a past server time `value` (epoch ms),
 * ticking in place: recomputed only when {@link formatAgo}'s coarse wording changes (after 10 s,
 * every 10 s under a minute, then every minute, hour, …), in a box of steady size
 * ({@link steadyTicking}). `fallback` for an unusable time.
 */
export function tickingAgo(locale: string, value: number | null, justNow: string, wrap: (when: string) => string = (w) => w, fallback = '') {
  return steadyTicking(
    agoReserve(locale, justNow, wrap),
    (now) => {
      const when = formatAgo(locale, value, now, justNow);
      return when == null ? fallback : wrap(when);
    },
    { next: (now) => nextAgoChange(value, now) },
  );
}
