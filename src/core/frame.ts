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
 *
 * A frame does at most {@link FRAME_BUDGET_MS} of this work (measured from the frame's start): past
 * it, the callbacks not run yet and the elements not rendered yet ({@link claimFrameWork}) wait for
 * the next frame, first in line there. Nothing is dropped: stores keep their latest rows (and flush
 * terminal states as they come), an element renders its latest state when its turn comes.
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

/** Work (ms) one frame runs before the rest waits for the next frame: room for style, layout and paint. */
export const FRAME_BUDGET_MS = 8;

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
  /** When the frame being run started (performance.now()). */
  frameStart: number;
  /** Renders claimed in the frame being run ({@link claimFrameWork}). */
  claims: number;
}

// v3: the fields changed (v2: requestedAt, a fallback timer kept across frames; v3: the frame budget).
const SLOT = Symbol.for('rt-monitor.frame-scheduler.v3');
const g = globalThis as unknown as Record<symbol, Scheduler | undefined> & {
  requestAnimationFrame?: (cb: () => void) => number;
  cancelAnimationFrame?: (id: number) => void;
  MessageChannel?: typeof MessageChannel;
};
const scheduler: Scheduler = (g[SLOT] ??= { queue: new Set(), raf: undefined, timer: undefined, frame: 0, counter: 0, requestedAt: undefined, fallbackMs: FRAME_FALLBACK_MS, frameStart: 0, claims: 0 });

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
  scheduler.frameStart = now();
  scheduler.claims = 0;
  endFrameSoon();
  // Callbacks added while running (an element asked again) wait for the next frame.
  const callbacks = [...scheduler.queue];
  scheduler.queue.clear();
  for (let i = 0; i < callbacks.length; i++) {
    if (i > 0 && now() - scheduler.frameStart >= FRAME_BUDGET_MS) {
      // Over budget: the rest run first in the next frame, in the order they were asked.
      const later = callbacks.slice(i);
      for (const cb of scheduler.queue) later.push(cb);
      scheduler.queue = new Set(later);
      request();
      return;
    }
    try {
      callbacks[i]();
    } catch (err) {
      console.error('[rt-monitor] frame callback failed:', err);
    }
  }
}

/**
 * An element asks to render in the frame being run: yes for the frame's first render, then while
 * the frame is within {@link FRAME_BUDGET_MS}; no outside frames. An element told no waits for
 * the next frame.
 */
export function claimFrameWork(): boolean {
  if (scheduler.frame === 0) return false;
  if (scheduler.claims++ === 0) return true;
  return now() - scheduler.frameStart < FRAME_BUDGET_MS;
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
