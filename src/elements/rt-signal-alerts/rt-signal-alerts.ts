import { html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { SignalAlertsController } from '../../controllers/index.js';
import type { SignalAlert } from '../../core/types.js';
import { clampCount, clip, formatDateTime, formatNumber, knownOr, toTime } from '../../internal/format.js';
import { NewRows, newestFirst, onFeedKeydown } from '../../internal/feed.js';
import { icon } from '../../internal/icons.js';
import type { RtError } from '../../core/types.js';
import { RtElement } from '../../internal/rt-element.js';
import { PRIORITIES, priorityLook } from '../../internal/status.js';
import { tickingAgo } from '../../internal/ticker.js';
import { badge, clipped, emptyView, errorView, loadingView, lookBadge, phaseBadge, viewStateOf } from '../../internal/templates.js';
import { baseStyles } from '../../styles/shared.js';
import { feedStyles } from '../../styles/feed.js';
import { styles } from './rt-signal-alerts.styles.js';

/** "hiring_surge" → "hiring surge". */
export function humanize(value: unknown): string {
  return typeof value === 'string' ? value.replace(/[_-]+/g, ' ').trim() : '';
}

/**
 * @customElement rt-signal-alerts
 * @summary Buying-signal alerts for a user: business, signal type, priority badge and time,
 * with an "N new" badge, a Live badge, "Mark all as read" and per-alert mark read.
 *
 * The list follows the ARIA feed pattern (each alert focusable; Arrow/Page Up/Down, Home, End).
 * New alerts are announced politely, critical ones assertively (`role="alert"`).
 *
 * @fires rt-alert - A new alert arrived after the first load. `detail: { alert, critical }`.
 * @fires rt-error - Loading, the subscription or marking as read failed.
 *
 * @csspart base - The card.
 * @csspart header - Title row.
 * @csspart unread-badge - "N new".
 * @csspart live-badge - The widget's one status: "Live", "Connecting…", "Stale", "Session expired", "No access" or "Not live" (the cause in its title).
 * @csspart mark-all - The "Mark all as read" button.
 * @csspart feed - The list.
 * @csspart action-error - The short message shown when marking as read failed (the change was rolled back).
 * @csspart item - One alert.
 * @csspart business - Business name.
 * @csspart priority - Priority badge.
 * @csspart mark-read - Per-alert "Mark read" button.
 * @csspart loading - Loading skeleton.
 * @csspart error - Error message.
 * @csspart empty - No alerts.
 *
 * @cssproperty --rt-signal-alerts-background - Card background.
 * @cssproperty --rt-signal-alerts-padding - Card padding.
 * @cssproperty --rt-signal-alerts-critical-color - Accent of critical alerts.
 * @cssproperty --rt-feed-unread-background - Background of unread alerts.
 */
export class RtSignalAlerts extends RtElement {
  static override styles = [...baseStyles, feedStyles, styles];

  /** Whose alerts; defaults to the signed-in user. */
  @property({ attribute: 'user-id', reflect: true }) userId?: string;

  /** Newest alerts shown (default 10). */
  @property({ type: Number, attribute: 'max-items' }) maxItems = 10;

  /** Heading text; defaults to "Signal alerts". */
  @property() heading?: string;

  /** Without card chrome. */
  @property({ type: Boolean, reflect: true }) plain = false;

  @state() private polite = '';
  @state() private assertive = '';

  readonly #ctrl = new SignalAlertsController(this, () => ({ userId: this.userId || undefined, limit: this.#limit }));
  readonly #newRows = new NewRows();

  get #limit(): number {
    return Math.max(1, clampCount(this.maxItems) ?? 10);
  }

  get #alerts(): SignalAlert[] {
    return newestFirst<SignalAlert>(this.#ctrl.alerts, this.#limit, toTime);
  }

  get unreadCount(): number {
    return clampCount(this.#ctrl.unreadCount) ?? 0;
  }

  protected override willUpdate(changed: PropertyValues): void {
    super.willUpdate(changed);
    this.reportError('signal_alerts', this.#ctrl.error);
    this.setState('stale', this.#ctrl.phase === 'stale');
    this.setState('connecting', this.#ctrl.phase === 'connecting');
    this.setState('live', this.#ctrl.phase === 'live');
    const all = Array.isArray(this.#ctrl.alerts) ? this.#ctrl.alerts : [];
    const fresh = this.#newRows.take(this.userId, all, this.#ctrl.phase === 'live' || this.#ctrl.phase === 'stale' || this.#ctrl.phase === 'connecting');
    const messages: string[] = [];
    let critical = false;
    for (const a of fresh) {
      const isCritical = a.priority === 'critical';
      critical ||= isCritical;
      const prio = this.s.priority[knownOr(a.priority, PRIORITIES)];
      messages.push(this.s.newAlert(clip(a.business_name, 80, this.s.businessFallback).text, humanize(a.signal_type), prio.toLowerCase()));
      this.emit('rt-alert', { alert: a, critical: isCritical });
    }
    if (messages.length) {
      if (critical) this.assertive = messages.join('. ');
      else this.polite = messages.join('. ');
    }
  }

  /** A failed "Mark read" / "Mark all read": the optimistic change was rolled back; say so. */
  @state() private actionError: RtError | null = null;

  async #run(action: () => Promise<RtError | null>): Promise<void> {
    let error: RtError | null;
    try {
      error = await action();
    } catch (err) {
      error = { code: 'server', message: err instanceof Error ? err.message : String(err) };
    }
    this.actionError = error;
    if (error) this.emit('rt-error', { error, source: 'signal_alerts' });
  }


  #markOne(a: SignalAlert) {
    void this.#run(() => this.#ctrl.markAsRead(a.id));
  }

  #markAll = () => {
    void this.#run(() => this.#ctrl.markAllAsRead());
  };

  #renderAlert(a: SignalAlert, i: number, size: number) {
    const s = this.s;
    const loc = this.effectiveLocale;
    const prio = knownOr(a.priority, PRIORITIES);
    const look = priorityLook[prio];
    const name = clip(a.business_name, 120, s.businessFallback);
    const time = toTime(a.created_at);
    const unread = a.read !== true;
    return html`<article
      class="entry"
      part="item"
      tabindex="0"
      aria-posinset=${i + 1}
      aria-setsize=${size}
      aria-labelledby="a${i}-name"
      aria-describedby="a${i}-sub"
      data-priority=${prio}
      ?data-unread=${unread}
    >
      <span class="entry-icon" data-tone=${look.tone}>${icon('zap')}</span>
      <div class="entry-main">
        <div class="entry-title">
          ${unread ? html`<span class="unread-dot"></span>` : nothing}
          <span id="a${i}-name" class="truncate" part="business" title=${name.full ?? nothing}
            >${unread ? html`<span class="sr-only">${s.unread}: </span>` : nothing}<bdi>${name.text}</bdi></span
          >
        </div>
        <div class="entry-sub" id="a${i}-sub">
          ${clipped(humanize(a.signal_type), { max: 60, cls: 'signal-type' })}
          <span aria-hidden="true">·</span>
          <time datetime=${time != null ? new Date(time).toISOString() : nothing} title=${formatDateTime(loc, time) ?? nothing}
            >${tickingAgo(loc, time, s.justNow, undefined, s.notAvailable)}</time
          >
          <span class="sr-only">, ${s.priorityLabel(s.priority[prio])}</span>
        </div>
      </div>
      <div class="entry-actions">
        ${lookBadge(look, s.priority[prio], 'priority')}
        ${unread
          ? html`<button type="button" class="link" part="mark-read" @click=${() => this.#markOne(a)}>
              ${s.markRead}<span class="sr-only">: <bdi>${name.text}</bdi></span>
            </button>`
          : nothing}
      </div>
    </article>`;
  }

  #renderBody() {
    const s = this.s;
    const alerts = this.#alerts;
    switch (viewStateOf({ phase: this.#ctrl.phase, error: this.#ctrl.error, hasData: alerts.length > 0 })) {
      case 'loading':
        return loadingView(s);
      case 'error':
      case 'not-found':
        return errorView(s, this.#ctrl.error ?? { code: 'server', message: '' });
      case 'empty':
      case 'missing':
        return emptyView(s.noAlerts, 'bell');
    }
    return html`<div class="feed" role="feed" part="feed" aria-labelledby="title" aria-busy="false" @keydown=${onFeedKeydown}>
        ${repeat(alerts, (a) => a.id, (a, i) => this.#renderAlert(a, i, alerts.length))}
      </div>
      `;
  }

  protected override render() {
    const s = this.s;
    const unread = this.unreadCount;
    return html`<section class="card" part="base" aria-labelledby="title">
      <div class="card-header" part="header">
        <h3 class="card-title" id="title">${this.heading ?? s.signalAlerts}</h3>
        ${unread > 0
          ? badge({ tone: 'danger', text: s.newCount(formatNumber(this.effectiveLocale, unread), unread), part: 'unread-badge' })
          : nothing}
        ${phaseBadge(s, this.#ctrl.phase, this.#ctrl.error)}
        <span class="spacer"></span>
        ${unread > 0 ? html`<button type="button" part="mark-all" @click=${this.#markAll}>${icon('check')}${s.markAllRead}</button>` : nothing}
      </div>
      ${this.actionError
        ? html`<p class="action-error" part="action-error" role="alert" title=${this.actionError.message}>
            ${icon('alert-triangle')}<span>${s.markReadFailed}</span>
          </p>`
        : nothing}
      ${this.#renderBody()}
      <div class="sr-only" role="status" aria-live="polite">${this.polite}</div>
      <div class="sr-only" role="alert">${this.assertive}</div>
    </section>`;
  }
}

RtSignalAlerts.define('rt-signal-alerts');

declare global {
  interface HTMLElementTagNameMap {
    'rt-signal-alerts': RtSignalAlerts;
  }
}
