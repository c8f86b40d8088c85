/**
 * When the elements cannot load (a page's Trusted Types policy refusing Lit's "lit-html", a chunk
 * that failed…), each `rt-*` box says why instead of staying blank: a minimal element (no Lit) is
 * defined for every tag still undefined, for tags on the page and added later. The message is set
 * as text (a `<p>`'s `textContent`: no HTML parsing, no Trusted Types sink) in its shadow root.
 */

/** The cause of a load failure in words, with the fix when it is Trusted Types. */
export const failure = (error: unknown): string =>
  `${error}` + (/lit-html|trusted/i.test(`${error}`) ? " (the page's trusted-types directive must allow Lit's policy: trusted-types lit-html 'allow-duplicates')" : '');

/** Defines `tags` (those not defined yet) as elements that show `message`. */
export function showFailure(tags: Iterable<string>, message: string): void {
  for (const tag of tags)
    try {
      customElements.get(tag) ||
        customElements.define(
          tag,
          class extends HTMLElement {
            connectedCallback() {
              (this.shadowRoot ?? this.attachShadow({ mode: 'open' })).replaceChildren(Object.assign(document.createElement('p'), { textContent: message }));
            }
          },
        );
    } catch {} // the page's own registry refuses it: the console still says why
}
