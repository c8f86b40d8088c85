import { html, type PropertyValues } from 'lit';
import { property } from 'lit/decorators.js';
import { repeat } from '../../internal/repeat.js';
import { ConnectionController } from '../../controllers/index.js';
import type { ConnectionStatus, RtError } from '../../core/types.js';
import { isRtError } from '../../core/errors.js';
import { formatNumber, trimmed } from '../../internal/format.js';
import { Announcer } from '../../internal/announcer.js';
import { claimWords } from '../../internal/announcements.js';
import { RtElement } from '../../internal/rt-element.js';
import { connectionLook, connectionStatusOf, connectionText, statusWithCause } from '../../internal/status.js';
import { clipped, emptyView, heading, lookBadge } from '../../internal/templates.js';
import { headingLevelRule, numberAttribute, numberRule } from '../../internal/number-attributes.js';
import { baseStyles } from '../../styles/shared.js';
import { styles } from './rt-multi-connection-status.styles.js';

/** One named subscription as shown by the element. */
export interface NamedStatus {
  name: string;
  status: ConnectionStatus | string;
  /**
   * Why its data is not live although its channel may be joined (a read refused, a row the user
   * cannot see): the item then reads as an error. The client's subscriptions carry it.
   */
  lastError?: RtError | null;
}

/**
 * @customElement rt-multi-connection-status
 * @summary Several named subscriptions and their statuses, e.g. "Streams: Connected, Scans: Connecting".
 *
 * Fed by the client's active subscriptions by default, or by the `subscriptions` property.
 * Announces (politely) only when the overall status (the worst of all) changes: each time it
 * changes; of changes within about a second, the latest.
 *
 * @fires rt-status-change - The overall status (worst of all subscriptions) changed.
 *
 * @csspart base - The card.
 * @csspart header - The title row with the "N of M connected" summary.
 * @csspart list - The list of subscriptions.
 * @csspart item - One subscription row.
 * @csspart name - A subscription name.
 * @csspart status - A status badge.
 * @csspart empty - Shown when there are no subscriptions.
 *
 * @cssproperty --rt-multi-connection-status-padding - Card padding.
 */
export class RtMultiConnectionStatus extends RtElement {
  static override styles = [...baseStyles, styles];

  /** Explicit `{name, status}` list; when unset, the client's active subscriptions are shown. */
  @property({ attribute: false }) subscriptions?: NamedStatus[];

  /** Heading text; defaults to "Subscriptions". */
  @property() heading?: string;

  /**
   * Level of the card's title, 1–6 (default 3), to fit the page's outline: under a page's `<h2>`, give 3.
   * Exposed as `role="heading"` with `aria-level`; a value not a whole number from 1 to 6 is said once
   * on the console (below 1: the default; above 6: 6).
   */
  @property({ attribute: 'heading-level', converter: numberAttribute })
  @numberRule(headingLevelRule(3))
  headingLevel = 3;

  /** Without card chrome (for use inside other cards). */
  @property({ type: Boolean, reflect: true }) compact = false;

  readonly #connection = new ConnectionController(this);
  /**
   * A change is said at once; those in the second after it are said as one at its end, as the
   * latest status only: the ones before it are stale by then, and a screen-reader user wants to
   * know where the connection stands now (a drop and recovery both heard, not every flap).
   */
  readonly #announcer = new Announcer<string>(this, (said) => said.at(-1)!);
  #previousOverall: ConnectionStatus | 'unknown' | null = null;

  get #items(): Array<{ name: string; status: ConnectionStatus | 'unknown'; text: string }> {
    const list: Array<{ name: unknown; status: unknown; lastError?: unknown }> = this.subscriptions ?? this.#connection.subscriptions ?? [];
    return (Array.isArray(list) ? list : []).map((x) => {
      const status = connectionStatusOf(x?.status);
      const error = isRtError(x?.lastError) ? x.lastError : null;
      // A joined channel whose query was refused is not "Connected" (QA20: "5 of 5 connected"
      // beside widgets reading "No access"), nor a "Connection error": its cause, as the widget
      // and the diagnostics say it (QA57 F3: a row the user cannot see read "Connection error").
      const joined = status === 'connected' && !!x?.lastError;
      const shown = joined ? 'error' : status;
      return { name: typeof x?.name === 'string' ? x.name : String(x?.name ?? ''), status: shown, text: statusWithCause(this.s, shown, error, joined) };
    });
  }

  /** Worst status among the items: error > disconnected > connecting > connected. */
  get overallStatus(): ConnectionStatus | 'unknown' {
    const items = this.#items;
    if (!items.length) return 'unknown';
    for (const st of ['error', 'disconnected', 'unknown', 'connecting'] as const) {
      if (items.some((i) => i.status === st)) return st;
    }
    return 'connected';
  }

  protected override willUpdate(changed: PropertyValues): void {
    super.willUpdate(changed);
    const overall = this.overallStatus;
    if (overall !== this.#previousOverall) {
      if (this.#previousOverall !== null && overall !== 'unknown') {
        // Said with the cause of the first item in that state ("No access" too, not "Connection error").
        const words = this.s.connectionAnnounce(this.#items.find((i) => i.status === overall)?.text ?? connectionText(this.s, overall));
        // Heard once from another widget: this one's region holds none of its earlier words (QA83 F2).
        if (claimWords((!this.subscriptions && this.#connection.client) || this, words, this.#announcer.heard, this)) this.#announcer.say([words]);
        else this.#announcer.clear();
        this.emit('rt-status-change', {
          status: overall,
          previous: this.#previousOverall === 'unknown' ? null : this.#previousOverall,
          detail: null,
        });
      }
      this.#previousOverall = overall;
    }
  }

  protected override render() {
    const s = this.s;
    const loc = this.effectiveLocale;
    const items = this.#items;
    const connected = items.filter((i) => i.status === 'connected').length;
    return html`<section class="card" part="base" aria-labelledby="title">
      <div class="summary" part="header">
        ${heading(this.headingLevel, trimmed(this.heading) || s.subscriptions, { id: 'title', cls: 'title' })}
        ${items.length
          ? html`<span class="count num">${s.subscriptionsSummary(formatNumber(loc, connected), formatNumber(loc, items.length))}</span>`
          : ''}
      </div>
      ${items.length
        ? html`<ul part="list">
            ${repeat(
              items,
              (i, idx) => `${i.name}|${idx}`,
              (i) =>
                html`<li part="item">
                  ${clipped(i.name, { max: 60, fallback: s.untitled, part: 'name', cls: 'name' })}
                  ${lookBadge(connectionLook[i.status], i.text)}
                </li>`,
            )}
          </ul>`
        : emptyView(s.noSubscriptions, 'wifi')}
      ${this.#announcer.polite}
    </section>`;
  }
}

RtMultiConnectionStatus.define('rt-multi-connection-status');

declare global {
  interface HTMLElementTagNameMap {
    'rt-multi-connection-status': RtMultiConnectionStatus;
  }
}
