/**
 * Keyboard focus through a render that removes the focused node (QA63 F2). A row read or deleted
 * elsewhere (another tab, another user) takes its "Mark read" button or the row itself out of the
 * list while a keyboard user is on it; the browser then drops focus to `<body>` and the next Tab
 * starts again from the top of the page (WCAG 2.4.3). Focus goes instead, in this order, to:
 * 1. the focused control's row, when only the control went (a "Mark read" once the row is read);
 * 2. the row now at that row's place (the next one; the last one when it was last);
 * 3. the first row, for a control outside the rows ("Mark all read");
 * 4. the element's heading (`#title`, focusable by script).
 * A row is `[part~="item"]`; a row that is not focusable itself gives its first focusable control.
 * Focus the user moved elsewhere is left alone: only a focused node the render removed counts.
 */

const ROW = '[part~="item"]';
const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]';

/** Where focus was in a shadow root before a render. */
export interface FocusMark {
  readonly node: Element;
  readonly row: Element | null;
  /** The row's place among the rows, or -1. */
  readonly index: number;
}

/** The node focused in `root` itself (not in an element nested in it), with its row; null when focus is elsewhere. */
export function markFocus(root: ShadowRoot | null): FocusMark | null {
  const node = root?.activeElement;
  if (!root || !node) return null;
  const row = node.closest(ROW);
  return { node, row, index: row ? [...root.querySelectorAll(ROW)].indexOf(row) : -1 };
}

/** After the render: when it removed the focused node, focus the nearest place that is left (see above). */
export function keepFocus(root: ShadowRoot, mark: FocusMark | null): void {
  if (!mark || mark.node.isConnected || root.activeElement) return;
  const rows = [...root.querySelectorAll(ROW)];
  const candidates = [
    mark.row?.isConnected ? mark.row : null,
    mark.index >= 0 ? (rows[Math.min(mark.index, rows.length - 1)] ?? null) : rows[0] ?? null,
    root.querySelector('#title'),
  ];
  for (const c of candidates) {
    const target = c && (c.matches(FOCUSABLE) ? c : c.querySelector(FOCUSABLE));
    if (target instanceof HTMLElement || target instanceof SVGElement) {
      target.focus({ preventScroll: true });
      if (root.activeElement === target) return;
    }
  }
}
