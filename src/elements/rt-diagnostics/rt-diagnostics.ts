import { html, nothing, type PropertyValues } from 'lit';
import { property } from 'lit/decorators.js';
import { repeat } from '../../internal/repeat.js';
import { ConnectionController } from '../../controllers/index.js';
import type { ConnectionDetail, ConnectionStatus, SubscriptionInfo } from '../../core/types.js';
import { clampCount, formatDateTime, formatMilliseconds, formatNumber, formatRelative, trimmed } from '../../internal/format.js';
import { RtElement } from '../../internal/rt-element.js';
import { connectionLook, connectionStatusOf, connectionText } from '../../internal/status.js';
import { TickController } from '../../internal/ticker.js';
import { clipped, errorHint, heading, lookBadge } from '../../internal/templates.js';
import { headingLevelRule, numberAttribute, numberRule } from '../../internal/number-attributes.js';
import { baseStyles } from '../../styles/shared.js';
import { styles } from './rt-diagnostics.styles.js';

/**
 * @customElement rt-diagnostics
 * @summary What the original asked people to check in the console, shown: active subscriptions and
 * each channel's status, heartbeat latency, reconnect attempts, last error and token expiry countdown.
 *
 * @fires rt-error - The connection reported a new error.
 *
 * @csspart base - The card.
 * @csspart header - Title row.
 * @csspart status - Connection status badge (and per-channel badges).
 * @csspart metrics - The list of connection metrics.
 * @csspart table - The subscriptions table.
 *
 * @cssproperty --rt-diagnostics-background - Card background.
 * @cssproperty --rt-diagnostics-padding - Card padding.
 * @cssproperty --rt-diagnostics-table-max-height - Height at which the subscriptions table scrolls (default 480px).
 */
export class RtDiagnostics extends RtElement {
  static override styles = [...baseStyles, styles];

  /** Heading text; defaults to "Realtime diagnostics". */
  @property() heading?: string;

  /**
   * Level of the card's title, 1–6 (default 3), to fit the page's outline: under a page's `<h2>`, give 3.
   * Exposed as `role="heading"` with `aria-level`; a value not a whole number from 1 to 6 is said once
   * on the console (below 1: the default; above 6: 6).
   */
  @property({ attribute: 'heading-level', converter: numberAttribute })
  @numberRule(headingLevelRule(3))
  headingLevel = 3;

  readonly #conn = new ConnectionController(this);
  readonly #ticker = new TickController(this);

  protected override willUpdate(changed: PropertyValues): void {
    super.willUpdate(changed);
    this.#ticker.active = true;
    this.reportError('connection', this.#conn.detail?.lastError ?? this.#conn.error);
  }

  #metric(label: string, value: string, tone?: 'danger' | 'warning') {
    return html`<div>
      <dt>${label}</dt>
      <dd data-tone=${tone ?? nothing}>${value}</dd>
    </div>`;
  }

  #renderMetrics(d: ConnectionDetail | null) {
    const s = this.s;
    const loc = this.effectiveLocale;
    const now = this.#ticker.now;
    const serverNow = this.#ticker.serverNow; // a JWT's exp is on the server's clock
    const na = s.notAvailable;
    const latency = d?.latencyMs ?? this.#conn.latency ?? null;
    const expires = d?.tokenExpiresAt ?? null;
    // The connection's own error, else the first subscription's (a snapshot that cannot be read).
    const err = d?.lastError ?? this.#conn.error ?? this.#conn.subscriptions?.find((x) => x.lastError)?.lastError ?? null;
    const status = connectionStatusOf(d?.status ?? this.#conn.status);
    return html`<dl part="metrics">
      ${this.#metric(s.connectionLabel, this.#statusText(status), status === 'error' ? 'danger' : undefined)}
      ${this.#metric(s.heartbeatLatency, latency != null && Number.isFinite(latency) ? formatMilliseconds(loc, latency) : na)}
      ${this.#metric(s.lastHeartbeat, formatRelative(loc, d?.lastHeartbeatAt, now) ?? na)}
      ${this.#channelsMetric()}
      ${this.#metric(s.reconnectAttempts, formatNumber(loc, clampCount(d?.attempt) ?? 0), (d?.attempt ?? 0) > 0 ? 'warning' : undefined)}
      ${this.#metric(s.nextRetry, d?.nextRetryAt != null ? (formatRelative(loc, Math.max(d.nextRetryAt, now), now) ?? na) : s.none)}
      ${this.#metric(
        s.tokenExpiry,
        expires == null ? na : expires <= serverNow ? s.tokenExpired : (formatRelative(loc, expires, serverNow) ?? na),
        expires != null && expires - serverNow < 60_000 ? 'warning' : undefined,
      )}
      ${this.#metric(s.staleSince, d?.staleSince != null ? (formatDateTime(loc, d.staleSince) ?? na) : s.none, d?.staleSince != null ? 'warning' : undefined)}
      ${this.#metric(s.lastError, err ? `${errorHint(s, err)}${err.message ? ` (${err.message})` : ''}` : s.none, err ? 'danger' : undefined)}
    </dl>`;
  }

  /** The status in words: "Waiting for configuration" while no client has come yet (QA83 F4). */
  #statusText(status: ConnectionStatus | 'unknown'): string {
    return this.#conn.waitingForClient ? this.s.awaitingClient : connectionText(this.s, status);
  }

  /** "Channels: 3 of 100": how close the page is to Supabase's per-connection limit. */
  #channelsMetric() {
    const info = this.#conn.channels;
    if (!info) return nothing;
    const loc = this.effectiveLocale;
    const used = info.channels.length;
    return this.#metric(this.s.channels, this.s.channelsUsed(formatNumber(loc, used), formatNumber(loc, info.limit)), used >= info.limit * 0.8 ? 'warning' : undefined);
  }

  #renderTable(subs: SubscriptionInfo[]) {
    const s = this.s;
    const loc = this.effectiveLocale;
    // The region (a landmark) is named without the count, which changes with each subscription (QA85 N2).
    return html`<div class="table-wrap" tabindex="0" role="region" aria-labelledby="subs-name">
      <table part="table">
        <caption id="subs-caption"><span id="subs-name">${s.activeSubscriptions}</span> (${formatNumber(loc, subs.length)})</caption>
        <thead>
          <tr>
            <th scope="col">${s.channel}</th>
            <th scope="col">${s.table}</th>
            <th scope="col">${s.filter}</th>
            <th scope="col">${s.statusHeading}</th>
            <th scope="col">${s.consumers}</th>
            <th scope="col">${s.lastError}</th>
          </tr>
        </thead>
        <tbody>
          ${subs.length
            ? repeat(
                subs,
                (x, i) => `${x.name}|${i}`,
                (x) => {
                  const st = connectionStatusOf(x.status);
                  return html`<tr>
                    <td class="mono" data-label=${s.channel}>${clipped(x.name, { max: 60 })}</td>
                    <td data-label=${s.table}>${clipped(x.table, { max: 40 })}</td>
                    <td class="mono" data-label=${s.filter}>${x.filter ? clipped(x.filter, { max: 60 }) : s.none}${x.channelFilter && x.channelFilter !== x.filter
                        ? html`<br /><span class="muted">${s.carriedBy} ${clipped(x.channelFilter, { max: 60 })}</span>`
                        : nothing}</td>
                    <td data-label=${s.statusHeading}><span>${lookBadge(connectionLook[st], connectionText(s, st))}</span></td>
                    <td class="num" data-label=${s.consumers}>${formatNumber(loc, clampCount(x.refCount) ?? 0)}</td>
                    <td data-label=${s.lastError}>${x.lastError ? clipped(`${x.lastError.code}: ${x.lastError.message}`, { max: 80 }) : s.none}</td>
                  </tr>`;
                },
              )
            : html`<tr class="empty-row">
                <td colspan="6">${s.noSubscriptions}</td>
              </tr>`}
        </tbody>
      </table>
    </div>`;
  }

  protected override render() {
    const s = this.s;
    const d = this.#conn.detail ?? null;
    const status = connectionStatusOf(d?.status ?? this.#conn.status);
    const subs = Array.isArray(this.#conn.subscriptions) ? this.#conn.subscriptions : [];
    return html`<section class="card" part="base" aria-labelledby="title">
      <div class="card-header" part="header">
        ${heading(this.headingLevel, trimmed(this.heading) || s.diagnostics, { id: 'title', cls: 'card-title' })}
        ${lookBadge(connectionLook[status], this.#statusText(status))}
      </div>
      ${this.#renderMetrics(d)} ${this.#renderTable(subs)}
    </section>`;
  }
}

RtDiagnostics.define('rt-diagnostics');

declare global {
  interface HTMLElementTagNameMap {
    'rt-diagnostics': RtDiagnostics;
  }
}
