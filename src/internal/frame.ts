/**
 * Per-frame coalescing shared by every element: all updates requested during a
 * frame wait on ONE requestAnimationFrame. In a hidden tab (no frames) a timer
 * stands in so `updateComplete` still resolves.
 */

let pending: Promise<void> | null = null;

const HIDDEN_FALLBACK_MS = 100;

/** Resolves at the next animation frame (shared by all callers in this frame). */
export function nextFrame(): Promise<void> {
  if (!pending) {
    pending = new Promise<void>((resolve) => {
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        pending = null;
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(finish, HIDDEN_FALLBACK_MS);
      if (typeof requestAnimationFrame === 'function') requestAnimationFrame(finish);
    });
  }
  return pending;
}
