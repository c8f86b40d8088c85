/**
 * Per-frame coalescing: however many times `schedule()` is called, `flush` runs at most once per
 * animation frame. When frames do not run (hidden tab, worker, Node) a timer delivers instead,
 * so the latest state always arrives.
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

export function createFrameNotifier(flush: () => void, fallbackMs = FRAME_FALLBACK_MS): FrameNotifier {
  const g = globalThis as { requestAnimationFrame?: (cb: () => void) => number; cancelAnimationFrame?: (id: number) => void };
  let pending = false;
  let raf: number | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const clear = () => {
    if (raf !== undefined) g.cancelAnimationFrame?.(raf);
    if (timer !== undefined) clearTimeout(timer);
    raf = undefined;
    timer = undefined;
  };
  const run = () => {
    if (!pending) return;
    pending = false;
    clear();
    flush();
  };
  return {
    get pending() {
      return pending;
    },
    schedule() {
      if (pending) return;
      pending = true;
      if (typeof g.requestAnimationFrame === 'function') {
        raf = g.requestAnimationFrame(run);
        timer = setTimeout(run, fallbackMs);
      } else {
        timer = setTimeout(run, 16);
      }
    },
    flushNow() {
      if (pending) run();
    },
    cancel() {
      pending = false;
      clear();
    },
  };
}
