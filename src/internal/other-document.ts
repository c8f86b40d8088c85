/**
 * Styles for an element living in another document than the one its bundle loaded in (appended
 * into a same-origin iframe, or moved there). Lit adopts constructed stylesheets, and a constructed
 * stylesheet can only be adopted in the document that made it: the browser throws
 * (`NotAllowedError`) when the shadow root is made, and an element moved there after its first
 * render silently loses every style (a bare SVG icon fills the frame). There, the same CSS is
 * adopted as stylesheets constructed by that document's own window (in order, once per document;
 * allowed by `style-src 'self'` like Lit's own). A document without a window gets `<style>`
 * elements (with `window.litNonce`, as Lit's fallback does).
 */
import type { CSSResultOrNative, ReactiveElement } from 'lit';

const MARK = 'data-rt-styles';
/** Per foreign document: its copies of our stylesheets. */
const copies = new WeakMap<Document, Map<CSSResultOrNative, CSSStyleSheet>>();

function cssText(style: CSSResultOrNative): string {
  return style instanceof CSSStyleSheet ? Array.from(style.cssRules, (rule) => rule.cssText).join('\n') : style.cssText;
}

/**
 * Firefox (ESR 140.12) gives an element moved into a document of another window (a same-origin
 * iframe) that window's `HTMLElement.prototype`: the element would lose its class (no render, no
 * properties, no context). Call from `adoptedCallback` and `connectedCallback` (the reactions run
 * with the class they were defined with) to put the class back.
 */
export function keepClass(el: HTMLElement, cls: { prototype: object }): void {
  if (Object.getPrototypeOf(el) !== cls.prototype) Object.setPrototypeOf(el, cls.prototype);
}

/** Whether `node` lives in the document this bundle runs in (where its stylesheets were made). */
export function inHomeDocument(node: Node): boolean {
  return node.ownerDocument === document;
}

/** `style` as a stylesheet `doc` may adopt (made by its window), or null when it has none. */
function sheetFor(doc: Document, style: CSSResultOrNative): CSSStyleSheet | null {
  const Sheet = (doc.defaultView as (Window & { CSSStyleSheet?: typeof CSSStyleSheet }) | null)?.CSSStyleSheet;
  if (!Sheet) return null;
  let own = copies.get(doc);
  if (!own) copies.set(doc, (own = new Map()));
  let sheet = own.get(style);
  if (!sheet) {
    sheet = new Sheet();
    sheet.replaceSync(cssText(style));
    own.set(style, sheet);
  }
  return sheet;
}

/**
 * Puts `styles` into `root` for the document it is in now, in order: our adopted stylesheets at
 * home, that document's copies elsewhere (and back again when the element comes home).
 */
export function styleForDocument(root: ShadowRoot, styles: readonly CSSResultOrNative[]): void {
  root.querySelectorAll(`style[${MARK}]`).forEach((el) => el.remove());
  if (inHomeDocument(root)) {
    root.adoptedStyleSheets = styles.map((s) => (s instanceof CSSStyleSheet ? s : s.styleSheet!));
    return;
  }
  const doc = root.ownerDocument;
  const sheets = styles.map((s) => sheetFor(doc, s));
  if (sheets.every((s): s is CSSStyleSheet => s !== null)) {
    root.adoptedStyleSheets = sheets;
    return;
  }
  root.adoptedStyleSheets = [];
  const nonce = (globalThis as { litNonce?: string }).litNonce;
  root.prepend(
    ...styles.map((style) => {
      const el = doc.createElement('style');
      el.setAttribute(MARK, '');
      if (nonce !== undefined) el.setAttribute('nonce', nonce);
      el.textContent = cssText(style);
      return el;
    }),
  );
}

/**
 * The render root of a Lit element created in, or moved into, another document: its shadow root
 * with the styles made for that document. Call from `createRenderRoot` when the element is not
 * in its home document (Lit's own adopts this document's stylesheets there, which throws).
 */
export function foreignRenderRoot(el: ReactiveElement): ShadowRoot {
  const ctor = el.constructor as typeof ReactiveElement;
  const root = el.shadowRoot ?? el.attachShadow(ctor.shadowRootOptions);
  styleForDocument(root, ctor.elementStyles);
  return root;
}

/** Moved into another document (or back): its class kept (see {@link keepClass}), its styles made for it. */
export function adoptInto(el: ReactiveElement, cls: { prototype: object }): void {
  keepClass(el, cls);
  if (el.shadowRoot) styleForDocument(el.shadowRoot, (el.constructor as typeof ReactiveElement).elementStyles);
}

/** Per foreign document: the elements connected there (they are told when it is discarded). */
const residents = new WeakMap<Document, Set<Element & { disconnectedCallback(): void }>>();

/**
 * A document of another window (a same-origin iframe) that is discarded — the iframe removed, or
 * navigated away — takes its elements with it without a `disconnectedCallback`: they read as
 * connected for good, and their subscriptions (a provider's socket) stayed open (QA19). Call from
 * `connectedCallback`: once that document's window hides for good (`pagehide`, not into the
 * back/forward cache), its elements still there are disconnected.
 */
export function leaveWithDocument(el: Element & { disconnectedCallback(): void }): void {
  const doc = el.ownerDocument;
  const win = doc.defaultView;
  if (doc === document || !win) return;
  let set = residents.get(doc);
  if (!set) {
    residents.set(doc, (set = new Set()));
    win.addEventListener('pagehide', (e) => {
      if (e.persisted) return;
      for (const resident of set!) if (resident.ownerDocument === doc && resident.isConnected) resident.disconnectedCallback();
      set!.clear();
    });
  }
  set.add(el);
}

