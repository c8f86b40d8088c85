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
 *   stream's milestone) is said once per page, however many widgets show the event: the first
 *   shown widget to be given it says it (in its own batches), the others drop it
 *   (src/internal/announcements.ts). Words it claimed but could not say yet (it was removed,
 *   hidden, or its rows went) are handed to another shown widget that had them.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { claimMessage, releaseMessage, spokeMessage } from './announcements.js';

/** How long after an announcement further messages are held and then spoken as one (ms). */
export const ANNOUNCE_BATCH_MS = 1200;

/** Messages spoken together that are named one by one; more are summed up as a count (each widget's `words`). */
export const MAX_SAID = 3;

/** A message, and the page-wide key of the event it is about (none: this widget's own). */
interface Item<M> {
  m: M;
  key?: string;
}

interface Channel<M> {
  node: HTMLElement;
  held: Item<M>[];
  timer?: ReturnType<typeof setTimeout>;
}

/**
 * Whether what a widget says in its live regions can be heard: it is in the document and rendered
 * (not `hidden`, `display: none`, `visibility: hidden` or in a closed `<details>`, itself or around
 * it). Out of view (scrolled away) is heard: screen readers read live regions wherever they are.
 */
export function heard(host: object): boolean {
  const el = host as Partial<Element>;
  if (typeof el.checkVisibility !== 'function') return true;
  return !!el.isConnected && el.checkVisibility({ checkVisibilityCSS: true });
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

  readonly #host: ReactiveControllerHost;

  /** `words` turns messages spoken together (one or more) into what is said; by default, all of them in turn. */
  constructor(
    host: ReactiveControllerHost,
    private readonly words: (messages: M[]) => string = (messages) => messages.join('. '),
  ) {
    (this.#host = host).addController(this);
  }

  readonly #heard = (): boolean => heard(this.#host);

  /**
   * Says `messages` (one update's), at once after a quiet spell, else at the end of the window.
   * `keys[i]`, when given, names the event `messages[i]` is about: said once per page (see above).
   */
  say(messages: M[], urgent = false, keys?: readonly (string | undefined)[]): void {
    const c = this.#channels[urgent ? 1 : 0];
    const items: Item<M>[] = [];
    messages.forEach((m, i) => {
      const key = keys?.[i];
      if (!key || claimMessage(key, this, this.#heard, () => this.say([m], urgent, [key]))) items.push({ m, key });
    });
    if (!items.length) return;
    if (c.timer === undefined) this.#speak(c, items);
    else c.held.push(...items);
  }

  /** Forgets what is held and what is shown (the rows they were about are gone). */
  clear(): void {
    for (const c of this.#channels) {
      clearTimeout(c.timer);
      c.timer = undefined;
      // Words claimed for the page: another widget that shows the rows says them.
      this.#release(c.held);
      c.held = [];
      c.node.replaceChildren();
    }
  }

  /** Hands the keyed items claimed by this widget to other shown widgets; returns those none took. */
  #release(items: Item<M>[]): Item<M>[] {
    return items.filter((it) => !it.key || !releaseMessage(it.key, this));
  }

  #speak(c: Channel<M>, items: Item<M>[]): void {
    // Hidden since they were claimed: another shown widget says them, if one had them.
    if (!this.#heard()) items = this.#release(items);
    if (!items.length) return;
    for (const it of items) if (it.key) spokeMessage(it.key, this);
    const said = c.node.ownerDocument.createElement('div');
    let text = this.words(items.map((it) => it.m));
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
      // Held words claimed for the page go to another widget that shows them; the rest wait for a move.
      c.held = this.#release(c.held);
    }
  }
}
