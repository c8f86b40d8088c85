import { html, nothing } from 'lit';
import { property } from 'lit/decorators.js';
import { SignalAlertsController } from '../../controllers/index.js';
import type { SignalAlert } from '../../core/types.js';
import { clip, formatDateTime, knownOr, toTime } from '../../internal/format.js';
import { icon } from '../../internal/icons.js';
import { RtUnreadFeed, type UnreadFeedLook } from '../../internal/unread-feed.js';
import { maxItemsRule, numberAttribute, numberRule } from '../../internal/number-attributes.js';
import { PRIORITIES, priorityLook } from '../../internal/status.js';
import { tickingAgo } from '../../internal/ticker.js';
import { clipped, lookBadge } from '../../internal/templates.js';
import { baseStyles } from '../../styles/shared.js';
import { feedStyles } from '../../styles/feed.js';
import { styles } from './rt-signal-alerts.styles.js';

const MAX_ITEMS = maxItemsRule(10);

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
 * New alerts are announced politely, critical ones assertively (`role="alert"`), also while off
 * screen: the first at once, those arriving within about a second after it together (up to three by
 * name, more as "Signal alerts: N new").
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
 * @csspart action-error-cause - Its cause ("The server cannot be reached."; the server's own message is the part's title).
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
export class RtSignalAlerts extends RtUnreadFeed<SignalAlert> {
  static override styles = [...baseStyles, feedStyles, styles];

  /**
   * Newest alerts shown: a whole number from 1 to 1000 (default 10). A value that is not a number,
   * or below 1, gives the default; a fraction is floored; more than 1000 is 1000 (each such value
   * is said once on the console).
   * @default 10
   */
  @property({ attribute: 'max-items', converter: numberAttribute })
  @numberRule(MAX_ITEMS)
  maxItems = 10;

  protected readonly source = 'signal_alerts';
  protected readonly feed = new SignalAlertsController(this, () => ({ userId: this.userId || undefined, limit: this.maxItems }));

  protected look(): UnreadFeedLook {
    return { heading: this.s.signalAlerts, empty: this.s.noAlerts, emptyIcon: 'bell', unreadTone: 'danger' };
  }

  protected arrived(a: SignalAlert): { text: string; urgent: boolean } {
    const critical = a.priority === 'critical';
    const prio = this.s.priority[knownOr(a.priority, PRIORITIES)];
    this.emit('rt-alert', { alert: a, critical });
    return { text: this.s.newAlert(clip(a.business_name, 80, this.s.businessFallback).text, humanize(a.signal_type), prio.toLowerCase()), urgent: critical };
  }

  protected renderEntry(a: SignalAlert, i: number, size: number, markRead: () => void) {
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
            >${unread ? html`<span class="sr-only">${s.labelled(s.unread)}</span>` : nothing}<bdi>${name.text}</bdi></span
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
          ? html`<button type="button" class="link" part="mark-read" @click=${markRead}>
              ${s.markRead}<span class="sr-only">${s.labelled('')}<bdi>${name.text}</bdi></span>
            </button>`
          : nothing}
      </div>
    </article>`;
  }
}

RtSignalAlerts.define('rt-signal-alerts');

declare global {
  interface HTMLElementTagNameMap {
    'rt-signal-alerts': RtSignalAlerts;
  }
}
