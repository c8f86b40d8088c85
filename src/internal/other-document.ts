/**
 * Styles for an element living in another document than the one its bundle loaded in (appended
 * into a same-origin iframe, or moved there). Lit adopts constructed stylesheets, and a constructed
 * stylesheet can only be adopted in the document that made it: the browser throws
 * (`NotAllowedError`) when the shadow root is made, and an element moved there after its first
 * render silently loses every style (a bare SVG icon fills the frame). There, the same CSS goes in
 * `<style>` elements instead (with `window.litNonce`, as Lit's own fallback does).
 */
import type { CSSResultOrNative } from 'lit';

const MARK = 'data-rt-styles';

function cssText(style: CSSResultOrNative): string {
  return style instanceof CSSStyleSheet ? Array.from(style.cssRules, (rule) => rule.cssText).join('\n') : style.cssText;
}

/** Whether `node` lives in the document this bundle runs in (where its stylesheets were made). */
export function inHomeDocument(node: Node): boolean {
  return node.ownerDocument === document;
}

/**
 * Puts `styles` into `root` for the document it is in now: adopted stylesheets at home, `<style>`
 * elements elsewhere (and back again when the element comes home).
 */
export function styleForDocument(root: ShadowRoot, styles: readonly CSSResultOrNative[]): void {
  root.querySelectorAll(`style[${MARK}]`).forEach((el) => el.remove());
  if (inHomeDocument(root)) {
    root.adoptedStyleSheets = styles.map((s) => (s instanceof CSSStyleSheet ? s : s.styleSheet!));
    return;
  }
  root.adoptedStyleSheets = [];
  const nonce = (globalThis as { litNonce?: string }).litNonce;
  for (const style of styles) {
    const el = root.ownerDocument.createElement('style');
    el.setAttribute(MARK, '');
    if (nonce !== undefined) el.setAttribute('nonce', nonce);
    el.textContent = cssText(style);
    root.prepend(el);
  }
}
