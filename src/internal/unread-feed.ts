/**
 * What `<rt-signal-alerts>` and `<rt-notifications>` share: a user's newest rows as an ARIA feed,
 * the live unread count, "Mark read" / "Mark all as read" (optimistic, a failure said in the card),
 * announcements of rows that arrive while shown (queued and batched: src/internal/announcer.ts), and
 * the card header. Each element supplies its controller, how one row looks and what an arriving row
 * announces.
 */
import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { repeat } from './repeat.js';
import type { LiveQueryPhase, RtError } from '../core/types.js';
import type { Tone } from '../styles/tokens.js';
import { Announcer, MAX_SAID } from './announcer.js';
import { clampCount, formatNumber, toTime, trimmed } from './format.js';
import { NewRows, newestFirst, onFeedKeydown } from './feed.js';
import { icon, type IconName } from './icons.js';
import { RtElement } from './rt-element.js';
import { badge, emptyView, heading, phaseBadge, stateView } from './templates.js';
import { headingLevelRule, numberAttribute, numberRule } from './number-attributes.js';
import type { RtStrings } from './strings.js';

/** A row of a read/unread feed. */
export interface UnreadRow {
  id: string;
  created_at?: string | null;
  read?: boolean | null;
}

/** The controller side (UserFeedController): rows, phase, error, the true unread count, actions. */
export interface UnreadFeedSource {
  readonly data: unknown;
  readonly phase: LiveQueryPhase;
  readonly error: RtError | null;
  readonly unreadCount: number;
  /** Changes when the subscription starts over (another user, client or filter); see LiveQueryController. */
  readonly generation: number;
  /** The state: `catchingUp`, `updatedAt` (LiveQueryState). */
  readonly state: { readonly catchingUp?: true; readonly updatedAt: number | null };
  /** The rows Realtime inserted since the last call (LiveQueryController.takeInserted). */
  takeInserted(): unknown[];
  markAsRead(id: string): Promise<RtError | null>;
  markAllAsRead(): Promise<RtError | null>;
}

/** The texts and looks an element gives its feed. */
export interface UnreadFeedLook {
  heading: string;
  empty: string;
  emptyIcon: IconName;
  unreadTone: Tone;
}

/**
 * The base class of `<rt-notifications>` and `<rt-signal-alerts>`: a newest-first feed with unread counting.
 *
 * @cssstate live - Its data is live: the subscription is confirmed and the data was read after it.
 * @cssstate connecting - Data read over REST is shown; live updates are not confirmed yet.
 * @cssstate stale - The last known data is shown; live updates stopped and a resync runs.
 * @csspart error-detail - Under an error message, its exact cause where the page must fix something (which option, id or column).
 */
export abstract class RtUnreadFeed<Row extends UnreadRow> extends RtElement {
  /** Whose rows (a user's id); defaults to the signed-in user. */
  @property({ attribute: 'user-id', reflect: true }) userId?: string;

  /** Heading text; defaults to the element's name for its rows ("Signal alerts", "Notifications"). */
  @property() heading?: string;

  /**
   * Level of the card's title, 1–6 (default 3), to fit the page's outline: under a page's `<h2>`, give 3.
   * Exposed as `role="heading"` with `aria-level`; a value not a whole number from 1 to 6 is said once
   * on the console (below 1: the default; above 6: 6).
   */
  @property({ attribute: 'heading-level', converter: numberAttribute })
  @numberRule(headingLevelRule(3))
  headingLevel = 3;

  /** Without card chrome. */
  @property({ type: Boolean, reflect: true }) plain = false;

  /**
   * Newest rows shown, declared with its default by each element; its setter already reads the
   * value by `maxItemsRule` (src/internal/number-attributes.ts), so it is always 1 to 1000.
   */
  abstract maxItems: number;

  /** The table, as `rt-error`'s `source`. */
  protected abstract readonly source: 'signal_alerts' | 'notifications';
  protected abstract readonly feed: UnreadFeedSource;
  protected abstract look(): UnreadFeedLook;
  /** A row arrived while shown: fire the element's event; return what to announce and whether urgently. */
  protected abstract arrived(row: Row): { text: string; urgent: boolean };
  /** One row as an `<article>` of the feed; `markRead` is its "Mark read" action. */
  protected abstract renderEntry(row: Row, i: number, size: number, markRead: () => void): TemplateResult;

  /** A failed "Mark read" / "Mark all read": the optimistic change was rolled back; say so. */
  @state() private actionError: RtError | null = null;

  readonly #newRows = new NewRows();
  /** Arrivals spoken: a burst, or a stream of rows one per update, is summed up, not read out row by row for minutes. */
  readonly #announcer = new Announcer(this, (texts) =>
    texts.length > MAX_SAID ? `${this.s.labelled(this.look().heading)}${this.s.newCount(formatNumber(this.effectiveLocale, texts.length), texts.length)}` : texts.join('. '),
  );
  #wasNotLive = false;
  #generation = -1;

  get #rows(): Row[] {
    return newestFirst<Row>(this.feed.data, this.maxItems, toTime);
  }

  /** Unread rows of the user in the database (not only those shown), kept live. */
  get unreadCount(): number {
    return clampCount(this.feed.unreadCount) ?? 0;
  }

  protected override controllersUpdated(changed: PropertyValues): void {
    super.controllersUpdated(changed);
    const { phase, error } = this.feed;
    this.reflectFeed(this.source, phase, error);
    // A mark-read that failed while the feed was not live (offline, reconnecting): once it is live
    // again the failure is over (the rows show the truth; the user may try again).
    if (this.actionError && phase === 'live' && this.#wasNotLive) this.actionError = null;
    this.#wasNotLive = phase !== 'live';
    if (this.feed.generation !== this.#generation) {
      // Another user, client or filter: what was announced is about rows no longer shown.
      this.#generation = this.feed.generation;
      this.#announcer.clear();
    }
    const all = Array.isArray(this.feed.data) ? (this.feed.data as Row[]) : [];
    // While a catch-up read is owed, rows shown meanwhile wait for those it finds (QA44 F4, QA45
    // F4); rows inserted while not looking (loading for a new `max-items`) wait too (QA45 F3). A
    // list that starts (moved in the DOM, added) while its rows wait takes the rows shown as its
    // first look, so that those the read brings are new to it (QA46 F2).
    const { catchingUp, updatedAt } = this.feed.state;
    const looking = (phase === 'live' || phase === 'stale' || phase === 'connecting') && !catchingUp;
    const fresh = this.#newRows.take(this.feed.generation, all, looking || !!(catchingUp && updatedAt), toTime, looking ? this.feed.takeInserted() : [], catchingUp);
    // Polite [0] and urgent [1] texts, and their keys: a row is said once per page (keyed by table,
    // id and creation time), so the same alert shown by a page's widget and a dashboard's is heard
    // once (QA63 F3), and two projects' rows of one id (integer keys) are each heard. The time as a
    // number: REST and Realtime spell a timestamp differently.
    const texts: string[][] = [[], []];
    const keys: string[][] = [[], []];
    for (const row of fresh) {
      const { text, urgent } = this.arrived(row);
      texts[+urgent].push(text);
      keys[+urgent].push(`${this.source}\u0000${row.id}\u0000${toTime(row.created_at)}`);
    }
    this.#announcer.say(texts[1], true, keys[1]);
    this.#announcer.say(texts[0], false, keys[0]);
  }

  async #run(action: () => Promise<RtError | null>): Promise<void> {
    let error: RtError | null;
    try {
      error = await action();
    } catch (err) {
      error = { code: 'server', message: err instanceof Error ? err.message : String(err) };
    }
    this.actionError = error;
    if (error) this.emit('rt-error', { error, source: this.source });
  }

  #markAll = () => {
    void this.#run(() => this.feed.markAllAsRead());
  };

  #renderBody(look: UnreadFeedLook) {
    const s = this.s;
    const rows = this.#rows;
    const other = stateView(s, { phase: this.feed.phase, error: this.feed.error, hasData: rows.length > 0, empty: emptyView(look.empty, look.emptyIcon) });
    if (other) return other;
    return html`<div class="feed" role="feed" part="feed" aria-labelledby="title" aria-busy="false" @keydown=${onFeedKeydown}>
      ${repeat(
        rows,
        (r) => r.id,
        (r, i) => this.renderEntry(r, i, rows.length, () => void this.#run(() => this.feed.markAsRead(r.id))),
      )}
    </div>`;
  }

  protected override render() {
    const s = this.s;
    const look = this.look();
    // No snapshot read (loading, or it failed): the count is not known, and a number made of the
    // live changes alone ("1 new" while the table holds 3 unread) is not shown.
    const phase = this.feed.phase;
    const unread = phase === 'loading' || phase === 'error' ? 0 : this.unreadCount;
    return html`<section class="card" part="base" aria-labelledby="title">
      <div class="card-header" part="header">
        ${heading(this.headingLevel, trimmed(this.heading) || look.heading, { id: 'title', cls: 'card-title', focusable: true })}
        ${unread > 0
          ? badge({ tone: look.unreadTone, text: s.newCount(formatNumber(this.effectiveLocale, unread), unread), part: 'unread-badge' })
          : nothing}
        ${phaseBadge(s, this.feed.phase, this.feed.error)}
        <span class="spacer"></span>
        ${unread > 0 ? html`<button type="button" part="mark-all" @click=${this.#markAll}>${icon('check')}${s.markAllRead}</button>` : nothing}
      </div>
      ${this.actionError
        ? html`<p class="action-error" part="action-error" role="alert" title=${this.actionError.message}>
            ${icon('alert-triangle')}<span
              >${s.markReadFailed}
              <span class="action-cause" part="action-error-cause">${actionCause(s, this.actionError)}</span></span
            >
          </p>`
        : nothing}
      ${this.#renderBody(look)}
      ${this.#announcer.polite}${this.#announcer.urgent}
    </section>`;
  }
}

/** Why an action failed, in the page's words: `actionCauses` by the error's code, else the server's. */
function actionCause(s: RtStrings, error: RtError): string {
  const causes = s.actionCauses;
  return (Object.prototype.hasOwnProperty.call(causes, error.code) ? causes[error.code] : undefined) ?? causes.server;
}
