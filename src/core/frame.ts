/**
 * The page's ONE coalescing point: a single frame scheduler shared by every live-query store and
 * every rt-monitor element (and by two copies of the bundle: it lives on a `globalThis` slot).
 *
 *   change arrives (a WebSocket task) → store.schedule() ─┐
 *                                                         ├→ one requestAnimationFrame callback (frame k):
 *   element.requestUpdate() outside a frame → waits  ─────┘   stores deliver → controllers → requestUpdate
 *                                                             → elements render in this frame's microtasks
 *                                                             (a dashboard's cards too) → style/layout/paint of frame k
 *
 * While a frame's callbacks and the microtasks they start run, {@link inFrame} is true: an element
 * asked to update then renders at once (still before paint) instead of waiting for another frame,
 * so a change that arrives before frame k is painted in frame k. When frames do not run (hidden
 * tab, worker, Node) one fallback timer stands in. One rAF and one timer per frame for the whole
 * page, however many stores and elements ask.
 */

export interface FrameNotifier {
  /** Ask for a flush; cheap to call many times. */
  schedule(): void;
  /** Whether a flush is scheduled and has not run yet. */
  readonly pending: boolean;
  /** Flush now (if scheduled) and cancel the scheduled one. */
  flushNow(): void;
  cancel(): void;
}

/** Fallback delay when no animation frame comes (frames never run in hidden tabs). */
export const FRAME_FALLBACK_MS = 100;

interface Scheduler {
  /** Callbacks for the next frame, in the order asked (stores first, elements after them). */
  queue: Set<() => void>;
  raf: number | undefined;
  timer: ReturnType<typeof setTimeout> | undefined;
  /** Id of the frame being run (0 outside frames); elements use it to render at most once per frame. */
  frame: number;
  counter: number;
  /** When the pending frame was asked for (undefined: none pending). */
  requestedAt?: number;
  fallbackMs: number;
}

// v2: the fields changed (requestedAt, a fallback timer kept across frames).
const SLOT = Symbol.for('rt-monitor.frame-scheduler.v2');
const g = globalThis as unknown as Record<symbol, Scheduler | undefined> & {
  requestAnimationFrame?: (cb: () => void) => number;
  cancelAnimationFrame?: (id: number) => void;
  MessageChannel?: typeof MessageChannel;
};
const scheduler: Scheduler = (g[SLOT] ??= { queue: new Set(), raf: undefined, timer: undefined, frame: 0, counter: 0, requestedAt: undefined, fallbackMs: FRAME_FALLBACK_MS });

/** One port pair for the page, reused every frame (a new MessageChannel per frame shows in profiles). */
let endPort: MessagePort | null = null;

/** Ends the "in frame" window at the next task (after this frame's microtasks, before the next input). */
function endFrameSoon(): void {
  if (typeof g.MessageChannel === 'function') {
    if (!endPort) {
      const ch = new g.MessageChannel();
      ch.port1.onmessage = () => {
        scheduler.frame = 0;
      };
      endPort = ch.port2;
    }
    endPort.postMessage(null);
  } else {
    setTimeout(() => {
      scheduler.frame = 0;
    }, 0);
  }
}

function runFrame(): void {
  if (scheduler.raf !== undefined) g.cancelAnimationFrame?.(scheduler.raf);
  scheduler.raf = undefined;
  scheduler.requestedAt = undefined;
  scheduler.frame = ++scheduler.counter;
  endFrameSoon();
  // Callbacks added while running (an element asked again) wait for the next frame.
  const callbacks = [...scheduler.queue];
  scheduler.queue.clear();
  for (const cb of callbacks) {
    try {
      cb();
    } catch (err) {
      console.error('[rt-monitor] frame callback failed:', err);
    }
  }
}

/**
 * The fallback timer is not re-armed per frame: one runs while frames are asked for, and it
 * steps in only when a frame was asked for {@link FRAME_FALLBACK_MS} ago and has not come.
 */
function fallback(): void {
  scheduler.timer = undefined;
  const at = scheduler.requestedAt;
  if (at === undefined) return; // nothing waiting: the timer stops until the next request
  const waited = now() - at;
  if (waited >= scheduler.fallbackMs - 1) runFrame();
  else scheduler.timer = setTimeout(fallback, scheduler.fallbackMs - waited);
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

function request(): void {
  if (scheduler.requestedAt !== undefined) return;
  scheduler.requestedAt = now();
  const hasRaf = typeof g.requestAnimationFrame === 'function';
  if (hasRaf) scheduler.raf = g.requestAnimationFrame!(runFrame);
  scheduler.fallbackMs = hasRaf ? FRAME_FALLBACK_MS : 16;
  scheduler.timer ??= setTimeout(fallback, scheduler.fallbackMs);
}

/** Run `cb` in the next frame (once, however many times it is asked before then). */
export function onNextFrame(cb: () => void): void {
  scheduler.queue.add(cb);
  request();
}

/** Drop a callback asked for with {@link onNextFrame}. */
export function cancelNextFrame(cb: () => void): void {
  scheduler.queue.delete(cb);
}

/** Whether a frame's callbacks (or the microtasks they started) are running now. */
export function inFrame(): boolean {
  return scheduler.frame !== 0;
}

/** Id of the frame running now, or 0 outside frames. */
export function currentFrame(): number {
  return scheduler.frame;
}

/** Resolves in the next frame (after the stores of that frame delivered). */
export function nextFrame(): Promise<void> {
  return new Promise<void>((resolve) => onNextFrame(resolve));
}

/** A per-store notifier on the shared scheduler: `flush` runs at most once per frame. */
export function createFrameNotifier(flush: () => void): FrameNotifier {
  let pending = false;
  const run = () => {
    if (!pending) return;
    pending = false;
    flush();
  };
  return {
    get pending() {
      return pending;
    },
    schedule() {
      if (pending) return;
      pending = true;
      onNextFrame(run);
    },
    flushNow() {
      if (!pending) return;
      cancelNextFrame(run);
      run();
    },
    cancel() {
      pending = false;
      cancelNextFrame(run);
    },
  };
}
