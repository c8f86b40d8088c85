/**
 * One shared timer per page for everything that ticks (relative times,
 * elapsed durations, retry and token countdowns). Elements subscribe while
 * connected and only while they show something that ticks; the timer stops
 * when nobody listens.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { serverNow } from '../core/server-clock.js';
import { AsyncDirective, directive, PartType, type ChildPartInfo, type PartInfo } from 'lit/async-directive.js';
import { isVisible } from './visibility.js';

type Listener = (now: number) => void;

const GLOBAL_KEY = Symbol.for('rt-monitor.ticker');
interface TickerState {
  listeners: Set<Listener>;
  timer: ReturnType<typeof setInterval> | null;
}
const g = globalThis as unknown as Record<symbol, TickerState | undefined>;
// Shared across two copies of the bundle on one page.
const state: TickerState = (g[GLOBAL_KEY] ??= { listeners: new Set(), timer: null });

export const TICK_MS = 1000;

export function subscribeTick(listener: Listener): () => void {
  state.listeners.add(listener);
  if (!state.timer) {
    state.timer = setInterval(() => {
      const now = Date.now();
      for (const l of [...state.listeners]) l(now);
    }, TICK_MS);
  }
  return () => {
    state.listeners.delete(listener);
    if (state.listeners.size === 0 && state.timer) {
      clearInterval(state.timer);
      state.timer = null;
    }
  };
}

/** Number of active tick subscribers (for tests and diagnostics). */
export function tickSubscriberCount(): number {
  return state.listeners.size;
}

/** True while the page-wide timer runs. */
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
  private unsubscribe: (() => void) | null = null;
  private connected = false;
  private _active = false;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  get active(): boolean {
    return this._active;
  }

  /** Turn ticking on or off; cheap to call from `willUpdate` every render. */
  set active(value: boolean) {
    if (value === this._active) return;
    this._active = value;
    this.sync();
  }

  hostConnected(): void {
    this.connected = true;
    this.sync();
  }

  hostDisconnected(): void {
    this.connected = false;
    this.sync();
  }

  private sync(): void {
    const want = this.connected && this._active;
    if (want && !this.unsubscribe) {
      this.unsubscribe = subscribeTick(() => {
        this.host.requestUpdate();
      });
    } else if (!want && this.unsubscribe) {
      this.unsubscribe();
      this.unsubscribe = null;
    }
  }
}

/**
 * Text that changes with time ("Updated 5 seconds ago", an elapsed duration), updated in place on
 * the page's one ticker: each tick recomputes `text(now)` and, when it changed, sets only this text
 * node — the host element does not re-render. Skipped while the host is out of view (it catches up
 * when it is seen again). `now` is the server's clock unless `clock: 'local'`.
 *
 *   html`<time>${ticking((now) => s.updated(formatAgo(loc, updatedAt, now) ?? ''))}</time>`
 */
class TickingText extends AsyncDirective {
  private fn: ((now: number) => string) | null = null;
  private local = false;
  private text = '';
  private off: (() => void) | null = null;
  private host: Element | null = null;

  constructor(part: PartInfo) {
    super(part);
    if (part.type !== PartType.CHILD) throw new Error('ticking() goes in a text position: <span>${ticking(fn)}</span>');
    this.host = ((part as ChildPartInfo & { options?: { host?: unknown } }).options?.host as Element | undefined) ?? null;
  }

  render(fn: (now: number) => string, options: { clock?: 'server' | 'local' } = {}): string {
    this.fn = fn;
    this.local = options.clock === 'local';
    this.text = fn(this.local ? Date.now() : serverNow());
    if (this.isConnected && !this.off) this.off = subscribeTick(() => this.tick());
    return this.text;
  }

  private tick(): void {
    if (!this.fn || (this.host && !isVisible(this.host))) return;
    const next = this.fn(this.local ? Date.now() : serverNow());
    if (next !== this.text) {
      this.text = next;
      this.setValue(next);
    }
  }

  protected override disconnected(): void {
    this.off?.();
    this.off = null;
  }

  protected override reconnected(): void {
    this.off ??= subscribeTick(() => this.tick());
  }
}

export const ticking = directive(TickingText);
