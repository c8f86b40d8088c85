import { html, nothing } from 'lit';
import { property } from 'lit/decorators.js';
import { NotificationsController } from '../../controllers/index.js';
import type { Notification } from '../../core/types.js';
import { clip, formatDateTime, knownOr, safeHref, toTime } from '../../internal/format.js';
import { icon } from '../../internal/icons.js';
import { RtUnreadFeed, type UnreadFeedLook } from '../../internal/unread-feed.js';
import { maxItemsRule, numberAttribute, numberRule } from '../../internal/number-attributes.js';
import { NOTIFICATION_TYPES, notificationLook } from '../../internal/status.js';
import { tickingAgo } from '../../internal/ticker.js';
import { baseStyles } from '../../styles/shared.js';
import { feedStyles } from '../../styles/feed.js';
import { styles } from './rt-notifications.styles.js';

const MAX_ITEMS = maxItemsRule(20);

/**
 * @customElement rt-notifications
 * @summary The user's notification feed: type icon, title, body, link, time, unread count,
 * mark one or all as read.
 *
 * Links are followed only for http(s), mailto and relative URLs. New notifications are
 * announced politely; `type: 'error'` ones assertively, also while off screen: the first at once,
 * those arriving within about a second after it together (up to three by name, more as
 * "Notifications: N new").
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
 * @csspart action-error-cause - Its cause ("The server cannot be reached."; the server's own message is the part's title).
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
export class RtNotifications extends RtUnreadFeed<Notification> {
  static override styles = [...baseStyles, feedStyles, styles];

  /**
   * Newest notifications shown: a whole number from 1 to 1000 (default 20). A value that is not a
   * number, or below 1, gives the default; a fraction is floored; more than 1000 is 1000 (each such
   * value is said once on the console).
   * @default 20
   */
  @property({ attribute: 'max-items', converter: numberAttribute })
  @numberRule(MAX_ITEMS)
  maxItems = 20;

  protected readonly source = 'notifications';
  protected readonly feed = new NotificationsController(this, () => ({ userId: this.userId || undefined, limit: this.maxItems }));

  protected look(): UnreadFeedLook {
    return { heading: this.s.notifications, empty: this.s.noNotifications, emptyIcon: 'check-circle', unreadTone: 'info' };
  }

  protected arrived(n: Notification): { text: string; urgent: boolean } {
    this.emit('rt-notification', { notification: n });
    const title = clip(n.title, 80, this.s.untitled).text;
    // Warnings and errors say their type: an assertive "New notification: Note 9" did not say why it interrupted (QA63 F3).
    const text = n.type === 'error' ? this.s.newErrorNotification(title) : n.type === 'warning' ? this.s.newWarningNotification(title) : this.s.newNotification(title);
    return { text, urgent: n.type === 'error' };
  }

  protected renderEntry(n: Notification, i: number, size: number, markRead: () => void) {
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
            >${unread ? html`<span class="sr-only">${s.labelled(s.unread)}</span>` : nothing}<span class="sr-only"
              >${s.labelled(s.notificationType[type])}</span
            ><bdi>${title.text}</bdi></span
          >
        </div>
        <div id="n${i}-body">
          ${n.body ? html`<div class="entry-body truncate" part="body"><bdi>${clip(n.body, 400).text}</bdi></div>` : nothing}
        </div>
        <div class="entry-sub">
          <time datetime=${time != null ? new Date(time).toISOString() : nothing} title=${formatDateTime(loc, time) ?? nothing}
            >${tickingAgo(loc, time, s.justNow, undefined, s.notAvailable)}</time
          >
          ${href
            ? html`<a class="open-link" part="link" href=${href} rel="noopener noreferrer"
                >${s.open}<span class="sr-only">${s.labelled('')}<bdi>${title.text}</bdi></span>${icon('external-link')}</a
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
             
              @click=${markRead}
            >
              ${s.markRead}<span class="sr-only">${s.labelled('')}<bdi>${title.text}</bdi></span>
            </button>`
          : nothing}
      </div>
    </article>`;
  }
}

RtNotifications.define('rt-notifications');

declare global {
  interface HTMLElementTagNameMap {
    'rt-notifications': RtNotifications;
  }
}
