import { css, unsafeCSS, type CSSResult } from 'lit';

/**
 * The width of an element whose card is a size container (`container-type: inline-size`, for its
 * container queries), which leaves it no width of its own:
 * - where the page sizes it to its content (a float, a flex row, an inline-block), `px`, or less
 *   when the box is narrower (QA32: 34 px wide, one letter per line, with none);
 * - inside a grid or flex item that may shrink (a `<section>` card in a page grid), no minimum
 *   beyond the box given, down to 120 px (QA49 F3: `contain-intrinsic-inline-size: 360px` was
 *   also its min-content width, and pushed a 320 px phone page 106–432 px wider than the screen).
 *
 * A zero-height grid before the host's content, with one `minmax(min(120px, 100%), px)` column:
 * its min-content width is the minimum, its max-content width `px`. In a box of its own width it
 * is as wide as the box, and nothing is drawn. Important, so that no page rule on the host's
 * `::before` (a reset's `*::before { … }`) changes it: a shadow tree's important declarations win.
 * In a host the page makes a flex row, it takes no room (basis 0) and the content grows to fill.
 */
export function contentWidth(px: number): CSSResult {
  return css`
    :host::before {
      all: initial !important;
      content: '' !important;
      display: grid !important;
      grid-template-columns: minmax(min(120px, 100%), ${unsafeCSS(px)}px) !important;
      flex: 0 1 0 !important;
      min-inline-size: 0 !important;
    }
    /* A host the page makes a flex row: the strut takes no room in it, the content all of it. */
    :host > * {
      flex-grow: 1;
    }
  `;
}
