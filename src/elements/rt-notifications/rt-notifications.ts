import { html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { NotificationsController } from '../../controllers/index.js';
import type { Notification } from '../../core/types.js';
import { clampCount, clip, formatDateTime, formatNumber, knownOr, safeHref, toTime } from '../../internal/format.js';
import { NewRows, newestFirst, onFeedKeydown } from '../../internal/feed.js';
import { icon } from '../../internal/icons.js';
import type { RtError } from '../../core/types.js';
import { RtElement } from '../../internal/rt-element.js';
import { NOTIFICATION_TYPES, notificationLook } from '../../internal/status.js';
import { tickingAgo } from '../../internal/ticker.js';
import { badge, emptyView, errorView, loadingView, phaseBadge, viewStateOf } from '../../internal/templates.js';
import { baseStyles } from '../../styles/shared.js';
import { feedStyles } from '../../styles/feed.js';
import { styles } from './rt-notifications.styles.js';

/**
 * @customElement rt-notifications
 * @summary The user's notification feed: type icon, title, body, link, time, unread count,
 * mark one or all as read.
 *
 * Links are followed only for http(s), mailto and relative URLs. New notifications are
 * announced politely; `type: 'error'` ones assertively.
 *
 * @fires rt-notification - A new notification arrived after the first load. `detail: { notification }`.
 * @fires rt-error - Loading, the subscription or marking as read failed.
 *
 * @csspart base - The card.
 * @csspart header - Title row.
 * @csspart unread-badge - "N new".
 * @csspart live-badge - The widget's one status: "Live", "Connecting…", "Stale", "Session expired", "No access" or "Not live" (the cause in its title).
 * @csspart mark-all - "Mark all as read".
 * @csspart feed - The list.
 * @csspart action-error - The short message shown when marking as read failed (the change was rolled back).
 * @csspart item - One notification.
 * @csspart title - Notification title.
 * @csspart body - Notification body.
 * @csspart link - The "Open" link.
 * @csspart mark-read - Per-notification "Mark read".
 * @csspart loading - Loading skeleton.
 * @csspart error - Error message.
 * @csspart empty - No notifications.
 *
 * @cssproperty --rt-notifications-background - Card background.
 * @cssproperty --rt-notifications-padding - Card padding.
 * @cssproperty --rt-feed-unread-background - Background of unread notifications.
 */
export class RtNotifications extends RtElement {
  static override styles = [...baseStyles, feedStyles, styles];

  /** Whose notifications; defaults to the signed-in user. */
  @property({ attribute: 'user-id', reflect: true }) userId?: string;

  /** Newest notifications shown (default 20). */
  @property({ type: Number, attribute: 'max-items' }) maxItems = 20;

  /** Heading text; defaults to "Notifications". */
  @property() heading?: string;

  /** Without card chrome. */
  @property({ type: Boolean, reflect: true }) plain = false;

  @state() private polite = '';
  @state() private assertive = '';

  readonly #ctrl = new NotificationsController(this, () => ({ userId: this.userId || undefined, limit: this.#limit }));
  readonly #newRows = new NewRows();

  get #limit(): number {
    return Math.max(1, clampCount(this.maxItems) ?? 20);
  }

  get #items(): Notification[] {
    return newestFirst<Notification>(this.#ctrl.notifications, this.#limit, toTime);
  }

  get unreadCount(): number {
    return clampCount(this.#ctrl.unreadCount) ?? 0;
  }

  protected override willUpdate(changed: PropertyValues): void {
    super.willUpdate(changed);
    this.reportError('notifications', this.#ctrl.error);
    this.setState('stale', this.#ctrl.phase === 'stale');
    this.setState('connecting', this.#ctrl.phase === 'connecting');
    this.setState('live', this.#ctrl.phase === 'live');
    const all = Array.isArray(this.#ctrl.notifications) ? this.#ctrl.notifications : [];
    const fresh = this.#newRows.take(this.userId, all, this.#ctrl.phase === 'live' || this.#ctrl.phase === 'stale' || this.#ctrl.phase === 'connecting');
    const messages: string[] = [];
    let urgent = false;
    for (const n of fresh) {
      urgent ||= n.type === 'error';
      messages.push(this.s.newNotification(clip(n.title, 80, this.s.untitled).text));
      this.emit('rt-notification', { notification: n });
    }
    if (messages.length) {
      if (urgent) this.assertive = messages.join('. ');
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
    if (error) this.emit('rt-error', { error, source: 'notifications' });
  }


  #markAll = () => {
    void this.#run(() => this.#ctrl.markAllAsRead());
  };

  #renderItem(n: Notification, i: number, size: number) {
    const s = this.s;
    const loc = this.effectiveLocale;
    const type = knownOr(n.type, NOTIFICATION_TYPES);
    const look = notificationLook[type];
    const title = clip(n.title, 120, s.untitled);
    const time = toTime(n.created_at);
    const unread = n.read !== true;
    const href = safeHref(n.link);
    return html`<article
      class="entry"
      part="item"
      tabindex="0"
      aria-posinset=${i + 1}
      aria-setsize=${size}
      aria-labelledby="n${i}-title"
      aria-describedby="n${i}-body"
      data-type=${type}
      ?data-unread=${unread}
    >
      <span class="entry-icon" data-tone=${look.tone}>${icon(look.icon)}</span>
      <div class="entry-main">
        <div class="entry-title">
          ${unread ? html`<span class="unread-dot"></span>` : nothing}
          <span id="n${i}-title" class="truncate" part="title" title=${title.full ?? nothing}
            >${unread ? html`<span class="sr-only">${s.unread}: </span>` : nothing}<span class="sr-only"
              >${s.notificationType[type]}: </span
            ><bdi>${title.text}</bdi></span
          >
        </div>
        <div id="n${i}-body">
          ${n.body ? html`<div class="entry-body" part="body"><bdi>${clip(n.body, 400).text}</bdi></div>` : nothing}
        </div>
        <div class="entry-sub">
          <time datetime=${time != null ? new Date(time).toISOString() : nothing} title=${formatDateTime(loc, time) ?? nothing}
            >${tickingAgo(loc, time, s.justNow, undefined, s.notAvailable)}</time
          >
          ${href
            ? html`<a class="open-link" part="link" href=${href} rel="noopener noreferrer"
                >${s.open}<span class="sr-only">: <bdi>${title.text}</bdi></span>${icon('external-link')}</a
              >`
            : nothing}
        </div>
      </div>
      <div class="entry-actions">
        ${unread
          ? html`<button
              type="button"
              class="link"
              part="mark-read"
             
              @click=${() => void this.#run(() => this.#ctrl.markAsRead(n.id))}
            >
              ${s.markRead}<span class="sr-only">: <bdi>${title.text}</bdi></span>
            </button>`
          : nothing}
      </div>
    </article>`;
  }

  #renderBody() {
    const s = this.s;
    const items = this.#items;
    switch (viewStateOf({ phase: this.#ctrl.phase, error: this.#ctrl.error, hasData: items.length > 0 })) {
      case 'loading':
        return loadingView(s);
      case 'error':
      case 'not-found':
        return errorView(s, this.#ctrl.error ?? { code: 'server', message: '' });
      case 'empty':
      case 'missing':
        return emptyView(s.noNotifications, 'check-circle');
    }
    return html`<div class="feed" role="feed" part="feed" aria-labelledby="title" aria-busy="false" @keydown=${onFeedKeydown}>
        ${repeat(items, (n) => n.id, (n, i) => this.#renderItem(n, i, items.length))}
      </div>
      `;
  }

  protected override render() {
    const s = this.s;
    const unread = this.unreadCount;
    return html`<section class="card" part="base" aria-labelledby="title">
      <div class="card-header" part="header">
        <h3 class="card-title" id="title">${this.heading ?? s.notifications}</h3>
        ${unread > 0
          ? badge({ tone: 'info', text: s.newCount(formatNumber(this.effectiveLocale, unread), unread), part: 'unread-badge' })
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

RtNotifications.define('rt-notifications');

declare global {
  interface HTMLElementTagNameMap {
    'rt-notifications': RtNotifications;
  }
}
