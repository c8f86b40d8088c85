/**
 * Work proportional to what is visible: one page-wide IntersectionObserver (and one
 * `visibilitychange` listener) tells rt-monitor elements whether they can be seen. An element out
 * of view (beyond a quarter of the viewport's height of margin: about one card row) or in a hidden tab keeps its data current but
 * does not render; it renders once when it comes back into view. Its animations pause meanwhile.
 *
 * Elements whose host is `content-visibility: auto` (their class says so with a static
 * `contentVisibilityAuto = true`, e.g. the stream card) are told by their own
 * `contentvisibilityautostatechange` event instead, where the browser has it: the browser decides
 * that state anyway (skipped = out of view, with its own margin), and the observer's per-frame
 * intersection work for them is saved.
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

function seen(el: Element, inside: boolean): void {
  inView.set(el, inside);
  const visible = inside && pageVisible();
  (el as VisibilityTarget).visibilityChanged?.(visible);
  if (visible) runWhenVisible(el);
}

const CV_EVENT = 'contentvisibilityautostatechange';
const cvEvents = typeof window !== 'undefined' && 'ContentVisibilityAutoStateChangeEvent' in window;
/** Elements told by their content-visibility state (not observed). */
const byContentVisibility = new WeakSet<Element>();

function onContentVisibility(event: Event): void {
  const el = event.currentTarget as Element;
  // Events bubble up from content-visibility elements inside (none today): only the host's own.
  if (event.target !== el) return;
  seen(el, !(event as ContentVisibilityAutoStateChangeEvent).skipped);
}

/** Start telling `el` when it enters or leaves the view (or the tab is hidden / shown). */
export function watchVisibility(el: VisibilityTarget): void {
  if (!listening && typeof document !== 'undefined') {
    document.addEventListener('visibilitychange', onPageVisibility);
    listening = true;
  }
  if (cvEvents && (el.constructor as { contentVisibilityAuto?: boolean }).contentVisibilityAuto) {
    watched.add(el);
    byContentVisibility.add(el);
    el.addEventListener(CV_EVENT, onContentVisibility);
    return;
  }
  if (typeof IntersectionObserver !== 'function') return;
  observer ??= new IntersectionObserver(
    (entries) => {
      for (const entry of entries) seen(entry.target, entry.isIntersecting);
    },
    // A quarter viewport: the row about to scroll in is current; with a whole viewport of margin,
    // three viewports' worth of widgets rendered every frame under load.
    { rootMargin: '25% 0px' },
  );
  watched.add(el);
  observer.observe(el);
}

export function unwatchVisibility(el: VisibilityTarget): void {
  watched.delete(el);
  inView.delete(el);
  waiting.delete(el);
  if (byContentVisibility.has(el)) {
    byContentVisibility.delete(el);
    el.removeEventListener(CV_EVENT, onContentVisibility);
  } else observer?.unobserve(el);
}

/** In view (or not yet measured: assumed visible) and in a visible tab. */
export function isVisible(el: Element): boolean {
  return inView.get(el) !== false && pageVisible();
}
