/**
 * Work proportional to what is visible: one page-wide IntersectionObserver (and one
 * `visibilitychange` listener) tells rt-monitor elements whether they can be seen. An element out
 * of view (beyond a quarter of the viewport's height of margin: about one card row) or in a hidden tab keeps its data current but
 * does not render; it renders once when it comes back into view. Its animations pause meanwhile.
 */

export interface VisibilityTarget extends Element {
  /** Called with the element's new visibility (in view, in a visible tab). */
  visibilityChanged(visible: boolean): void;
}

let observer: IntersectionObserver | null = null;
const inView = new WeakMap<Element, boolean>();
const watched = new Set<VisibilityTarget>();
let listening = false;

function pageVisible(): boolean {
  return typeof document === 'undefined' || document.visibilityState !== 'hidden';
}

function onPageVisibility(): void {
  for (const el of watched) {
    const visible = isVisible(el);
    el.visibilityChanged(visible);
    if (visible) runWhenVisible(el);
  }
}

/** Callbacks waiting for an element to be seen again (see {@link whenVisible}). */
const waiting = new WeakMap<Element, Set<() => void>>();

function runWhenVisible(el: Element): void {
  const cbs = waiting.get(el);
  if (!cbs) return;
  waiting.delete(el);
  for (const cb of cbs) cb();
}

/**
 * Calls `cb` once, when `el` (a watched rt-monitor element) is next in view in a visible tab —
 * instead of polling. Returns a function that drops the callback.
 */
export function whenVisible(el: Element, cb: () => void): () => void {
  let cbs = waiting.get(el);
  if (!cbs) waiting.set(el, (cbs = new Set()));
  cbs.add(cb);
  return () => {
    waiting.get(el)?.delete(cb);
  };
}

/** Start telling `el` when it enters or leaves the view (or the tab is hidden / shown). */
export function watchVisibility(el: VisibilityTarget): void {
  if (typeof IntersectionObserver !== 'function') return;
  observer ??= new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        inView.set(entry.target, entry.isIntersecting);
        const visible = entry.isIntersecting && pageVisible();
        (entry.target as VisibilityTarget).visibilityChanged?.(visible);
        if (visible) runWhenVisible(entry.target);
      }
    },
    // A quarter viewport: the row about to scroll in is current; with a whole viewport of margin,
    // three viewports' worth of widgets rendered every frame under load.
    { rootMargin: '25% 0px' },
  );
  if (!listening && typeof document !== 'undefined') {
    document.addEventListener('visibilitychange', onPageVisibility);
    listening = true;
  }
  watched.add(el);
  observer.observe(el);
}

export function unwatchVisibility(el: VisibilityTarget): void {
  watched.delete(el);
  inView.delete(el);
  waiting.delete(el);
  observer?.unobserve(el);
}

/** In view (or not yet measured: assumed visible) and in a visible tab. */
export function isVisible(el: Element): boolean {
  return inView.get(el) !== false && pageVisible();
}
