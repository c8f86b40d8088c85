/**
 * What a widget says about its list's changes, in its two visually hidden live regions
 * (`role="status" aria-live="polite"` and `role="alert"`): queued, never overwritten, never a flood.
 *
 * - The first message after a quiet spell is spoken at once. What arrives in the
 *   {@link ANNOUNCE_BATCH_MS} after it is held and spoken as one at the window's end (the widget's
 *   `words` join a few and sum up more), and that opens the next window: a steady stream of rows
 *   is one announcement per window, and every row is either named or counted.
 * - Urgent (`role="alert"`) and polite messages are kept apart: an urgent one never waits behind
 *   polite ones, nor is it summed up with them.
 * - Each announcement is a new node in its region (the previous one removed), and the same words
 *   as the last get a trailing no-break space (toggled), so saying them again is a text change that
 *   every screen reader speaks again.
 * - The regions are nodes the announcer owns, rendered by the host (`${announcer.polite}`) and
 *   written directly: a host whose rendering is deferred (off screen) still speaks on time.
 * - A message given with a key (the event it is about: a table and row id, a run's new status, a
 *   stream's milestone) is said once per page, however many widgets show the event: when its turn
 *   comes, a widget that can be heard claims the key ({@link claimAnnouncement}) and says it only
 *   if no other widget did. The claim is taken when the words are spoken, not when they are given:
 *   a widget that held them for its batch and then went (removed, its rows gone) never claimed
 *   them, so another widget that was given them still says them. A hidden widget says them in its
 *   own regions, which nobody hears, and leaves the claim to a shown one.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { claimAnnouncement } from './announcements.js';

/** How long after an announcement further messages are held and then spoken as one (ms). */
export const ANNOUNCE_BATCH_MS = 1200;

/** Messages spoken together that are named one by one; more are summed up as a count (each widget's `words`). */
export const MAX_SAID = 3;

/** A message, and the page-wide key of the event it is about (none: this widget's own words). */
type Item<M> = [message: M, key?: string];

interface Channel<M> {
  node: HTMLElement;
  held: Item<M>[];
  timer?: ReturnType<typeof setTimeout>;
}

/**
 * Whether what is said in `node` (a live region, or the widget when its regions are not rendered
 * yet) can be heard: it is in the document and rendered (not `hidden`, `display: none`,
 * `visibility: hidden`, nor inside a closed `<details>`, itself or around it), and in the
 * accessibility tree: no `inert` or `aria-hidden="true"` on it or around it (through shadow roots
 * and slots, as screen readers see the page), not behind the top modal `<dialog>` (a design
 * system's, in a shadow root, too: what a page puts behind its dialog, or a modal library's
 * `aria-hidden` app root, is not read), and, in a same-origin frame, its frame heard too.
 * Scrolled out of view is heard: screen readers read live regions wherever they are.
 */
export function heard(node: object): boolean {
  const el = node as Partial<Element>;
  if (!el.checkVisibility) return true;
  if (!el.isConnected || !el.checkVisibility({ checkVisibilityCSS: true })) return false;
  const doc = el.ownerDocument!;
  const modal = topModal(doc);
  let n = el as Element | null | undefined;
  for (; n && n !== modal; n = up(n)) if (n.matches('[inert],[aria-hidden=true]')) return false;
  const frame = doc.defaultView?.frameElement;
  return (!modal || !!n) && (!frame || heard(frame));
}

/** `n`'s parent as the accessibility tree has it: its slot, its parent, or its shadow root's host. */
const up = (n: Element): Element | null | undefined => n.assignedSlot ?? n.parentElement ?? (n.getRootNode() as ShadowRoot).host;

/** The last {@link topModal} answer, kept for the rest of the task (widgets speaking in one burst ask once). */
let lastModal: [Document, Element | null] | undefined;

/**
 * The modal `<dialog>` on top of `doc`, wherever it is (a shadow root's too), or null: its backdrop
 * covers the viewport, so it (or what is in it) is what the page's corner hits. Hit testing needs
 * layout, which the live region just written has changed: asked once per task.
 */
function topModal(doc: Document): Element | null {
  if (lastModal?.[0] === doc) return lastModal[1];
  let hit: Element | null | undefined = doc.elementFromPoint(0, 0);
  for (let inner; hit?.shadowRoot && (inner = hit.shadowRoot.elementFromPoint(0, 0)) && inner !== hit; ) hit = inner;
  while (hit && !hit.matches('dialog:modal')) hit = up(hit);
  lastModal = [doc, hit ?? null];
  setTimeout(() => (lastModal = undefined));
  return hit ?? null;
}

function region(role: string): HTMLElement {
  const node = document.createElement('div');
  node.className = 'sr-only';
  node.setAttribute('role', role);
  if (role === 'status') node.setAttribute('aria-live', 'polite');
  return node;
}

export class Announcer<M = string> implements ReactiveController {
  /** The polite region: render it in the host's template. */
  readonly polite = region('status');
  /** The urgent (`role="alert"`) region: render it in the host's template. */
  readonly urgent = region('alert');
  readonly #channels: [Channel<M>, Channel<M>] = [{ node: this.polite, held: [] }, { node: this.urgent, held: [] }];

  /** `words` turns messages spoken together (one or more) into what is said; by default, all of them in turn. */
  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly words: (messages: M[]) => string = (messages) => messages.join('. '),
  ) {
    host.addController(this);
  }

  /**
   * Says `messages` (one update's), at once after a quiet spell, else at the end of the window.
   * `keys[i]`, when given, names the page-wide event `messages[i]` is about: said once per page.
   */
  say(messages: M[], urgent = false, keys: (string | undefined)[] = []): void {
    const c = this.#channels[urgent ? 1 : 0];
    const items = messages.map((m, i): Item<M> => [m, keys[i]]);
    if (c.timer === undefined) this.#speak(c, items);
    else c.held.push(...items);
  }

  /** Forgets what is held and what is shown (the rows they were about are gone). */
  clear(): void {
    for (const c of this.#channels) {
      clearTimeout(c.timer);
      c.timer = undefined;
      c.held = [];
      c.node.replaceChildren();
    }
  }

  /**
   * Whether this widget's announcements can be heard ({@link heard}): asks its polite region (a
   * host with `display: contents` has no box, yet its regions are heard), or the host before its
   * regions are rendered.
   */
  get heard(): boolean {
    return heard(this.polite.isConnected ? this.polite : this.host);
  }

  #speak(c: Channel<M>, items: Item<M>[]): void {
    const shown = this.heard;
    // Another widget on the page said it (a page's alerts and a dashboard's show the same row).
    const messages = items.filter(([, key]) => !key || !shown || claimAnnouncement(key)).map(([m]) => m);
    if (!messages.length) return;
    const said = c.node.ownerDocument.createElement('div');
    let text = this.words(messages);
    // The same words as last time: a new node is not a text change to every screen reader (some
    // skip an update whose text did not change); a trailing no-break space toggled makes it one.
    if (text === c.node.textContent) text += '\u00a0';
    said.textContent = text;
    c.node.replaceChildren(said);
    c.timer = setTimeout(() => this.#flush(c), ANNOUNCE_BATCH_MS);
  }

  #flush(c: Channel<M>): void {
    c.timer = undefined;
    const held = c.held;
    c.held = [];
    if (held.length) this.#speak(c, held);
  }

  hostConnected(): void {
    // Moved in the page: what was held while away is said now.
    for (const c of this.#channels) this.#flush(c);
  }

  hostDisconnected(): void {
    for (const c of this.#channels) {
      clearTimeout(c.timer);
      c.timer = undefined;
    }
  }
}
