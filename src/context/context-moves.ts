/**
 * A widget's provider can change without the widget being moved: the page re-slots it
 * (`slot="b"`), moves the `<slot>` it is shown in, or replaces the provider around that slot (a
 * template switching branch). The composed path its context requests travel changes, yet nothing
 * disconnects it, so `@lit/context` consumers (which ask on connect) keep the old provider's answer
 * (QA58 F1: Alice's alerts, Live, in Bob's section; F2: "the provider has no client" around a new
 * provider). `<rt-provider>` notices these changes (its slots' `slotchange`, a slot leaving it, its
 * own disconnection) and has each element whose provider changed ask again, as a move would.
 *
 * The keys are `Symbol.for(...)`: two copies of rt-monitor on one page serve each other's elements.
 */

/** An element's "ask the contexts again" (an rt-monitor element: disconnect and connect, as a move). */
export const CONTEXT_MOVED = Symbol.for('rt-monitor.context-moved');
/** The `<rt-provider>` that last answered an element's context request. */
export const ANSWERED_BY = Symbol.for('rt-monitor.answered-by');

type Tagged = Element & { [CONTEXT_MOVED]?: () => void; [ANSWERED_BY]?: Element };

/** The next node up the path a composed event takes from `node`: its slot, its parent, its shadow root's host. */
function composedParent(node: Node): Node | null {
  return (node as Element).assignedSlot ?? node.parentNode ?? (node as ShadowRoot).host ?? null;
}

/** The first `<rt-provider>` up `el`'s composed path (the one its context requests reach). */
export function providerOf(el: Element): Element | null {
  for (let n = composedParent(el); n; n = composedParent(n)) if ((n as Element).localName === 'rt-provider') return n as Element;
  return null;
}

/** Note that `provider` answered `el`'s request. */
export function answered(el: Element, provider: Element): void {
  (el as Tagged)[ANSWERED_BY] = provider;
}

/** Which provider last answered `el` (undefined: none, or it asked again since). */
export function answeredBy(el: Element): Element | undefined {
  return (el as Tagged)[ANSWERED_BY];
}

/** Have `el` ask its contexts again (an element of rt-monitor; others are left alone). */
export function askAgain(el: Element): void {
  const tagged = el as Tagged;
  if (!tagged[CONTEXT_MOVED] || !el.isConnected) return;
  delete tagged[ANSWERED_BY];
  tagged[CONTEXT_MOVED]();
}

/**
 * Each element of `roots` and below (into shadow roots, in tree order) whose first provider is
 * now `provider` but that `provider` has not answered asks again.
 */
export function askAgainUnder(roots: Iterable<Element>, provider: Element): void {
  const visit = (el: Element) => {
    if ((el as Tagged)[CONTEXT_MOVED] && answeredBy(el) !== provider && providerOf(el) === provider) askAgain(el);
    if (el.shadowRoot) for (const child of el.shadowRoot.children) visit(child);
    for (const child of el.children) visit(child);
  };
  for (const root of roots) visit(root);
}
