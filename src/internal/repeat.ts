/**
 * Lit's keyed `repeat()` (lit/directives/repeat.js), for lists that churn for hours: the same
 * rendering, and before each update it takes out the comment markers lit-html 3.3.1–3.3.3 leaves in
 * the list for every row it removed (lit/lit#5298: `removePart()` removes a row's start marker and
 * leaves its end marker). Kept for as long as the element lives, they grew without bound: QA62 F1,
 * 9,346 nodes in Chromium after 7,454 alerts through a list of 20. Once lit-html removes them
 * itself, there is nothing here to take out.
 */
import type { ChildPart } from 'lit';
import { Directive, directive, PartType, type PartInfo } from 'lit/directive.js';
import { getCommittedValue } from 'lit/directive-helpers.js';
import { repeat as litRepeat, type ItemTemplate, type KeyFn } from 'lit/directives/repeat.js';

class SweptRepeat extends Directive {
  constructor(part: PartInfo) {
    super(part);
    if (part.type !== PartType.CHILD) throw new Error('repeat() goes in a child position');
  }

  render(items: Iterable<unknown>, key: KeyFn<unknown>, template: ItemTemplate<unknown>) {
    return litRepeat(items, key, template);
  }

  override update(part: ChildPart, [items, key, template]: Parameters<SweptRepeat['render']>) {
    sweep(part);
    return this.render(items, key, template);
  }
}

/**
 * Removes what lies in `list` (a `repeat()`'s part) outside its rows: empty comments, the markers
 * of rows removed. Each row's part spans its own start marker to its own end marker.
 */
function sweep(list: ChildPart): void {
  const rows = getCommittedValue(list);
  if (!Array.isArray(rows)) return;
  const ends = new Map<Node, Node | null>();
  for (const row of rows as ChildPart[]) if (row.startNode) ends.set(row.startNode, row.endNode);
  let node = list.startNode ? list.startNode.nextSibling : list.parentNode.firstChild;
  while (node && node !== list.endNode) {
    if (ends.has(node)) {
      node = ends.get(node)?.nextSibling ?? null;
      continue;
    }
    const next: ChildNode | null = node.nextSibling;
    if (node.nodeType === Node.COMMENT_NODE && (node as Comment).data === '') node.remove();
    node = next;
  }
}

const swept = directive(SweptRepeat);

/** `repeat(items, key, template)` of lit/directives/repeat.js, without the markers it leaves (above). */
export function repeat<T>(items: Iterable<T>, key: KeyFn<T>, template: ItemTemplate<T>) {
  return swept(items, key as KeyFn<unknown>, template as ItemTemplate<unknown>);
}
