import { html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { ConnectionController } from '../../controllers/index.js';
import type { ConnectionDetail, ConnectionStatus } from '../../core/types.js';
import { formatMilliseconds, formatNumber, formatRelative, trimmed } from '../../internal/format.js';
import { icon } from '../../internal/icons.js';
import { Announcer } from '../../internal/announcer.js';
import { sayUnknownChoice } from '../../internal/attribute-choice.js';
import { claimWords } from '../../internal/announcements.js';
import { RtElement } from '../../internal/rt-element.js';
import { connectionLook, connectionStatusOf, statusWithCause } from '../../internal/status.js';
import { errorHint } from '../../internal/templates.js';
import { TickController } from '../../internal/ticker.js';
import { baseStyles } from '../../styles/shared.js';
import { styles } from './rt-connection-status.styles.js';

/** `show-text` is on unless set to "false". */
const onUnlessFalse = {
  fromAttribute: (value: string | null) => value !== 'false',
  toAttribute: (value: boolean) => (value ? null : 'false'),
};

/**
 * @customElement rt-connection-status
 * @summary The realtime connection indicator: connected, connecting, disconnected or error,
 * always as icon + text (text may be visually hidden), with a details panel.
 *
 * Shows the provider's client connection by default, or a fixed `status`. Changes are
 * announced through a polite live region that speaks only when the status changes (each
 * time it changes; of changes within about a second, the latest).
 *
 * @fires rt-status-change - The shown status changed. `detail: { status, previous, detail }`.
 * @fires rt-error - The connection reported a new error. `detail: { error, source: 'connection' }`.
 *
 * @csspart base - The indicator (a button when details are available).
 * @csspart icon - The status icon.
 * @csspart label - The status text.
 * @csspart panel - The details panel (latency, retry countdown, last error).
 *
 * @cssproperty --rt-connection-status-color - Text colour (defaults to the status tone).
 * @cssproperty --rt-connection-status-background - Background (defaults to the status tone).
 * @cssproperty --rt-connection-status-icon-color - Icon colour (defaults to the status tone).
 * @cssproperty --rt-connection-status-radius - Corner radius (pill by default).
 *
 * Custom states: `:state(connected)`, `:state(connecting)`, `:state(disconnected)`, `:state(error)`.
 * @cssstate connected - The connection is open and every channel is joined.
 * @cssstate connecting - Connecting, or reconnecting.
 * @cssstate disconnected - No connection; retrying.
 * @cssstate error - A failure that needs the page (a refused key or token, a configuration error).
 */
export class RtConnectionStatus extends RtElement {
  static override styles = [...baseStyles, styles];

  /** A fixed status to show instead of the client's (`connected|connecting|disconnected|error`). */
  @property() status?: ConnectionStatus;

  /** `sm`, `md` (default) or `lg`. */
  @property({ reflect: true }) size: 'sm' | 'md' | 'lg' = 'md';

  /** Show the status text next to the icon; `show-text="false"` keeps it for screen readers only. */
  @property({ attribute: 'show-text', converter: onUnlessFalse }) showText = true;

  /** Accessible label prefix; defaults to "Realtime connection". */
  @property() label?: string;

  @state() private open = false;

  readonly #connection = new ConnectionController(this);
  readonly #ticker = new TickController(this);
  /**
   * A change is said at once; those in the second after it are said as one at its end, as the
   * latest status only: the ones before it are stale by then, and a screen-reader user wants to
   * know where the connection stands now (a drop and recovery both heard, not every flap).
   */
  readonly #announcer = new Announcer<string>(this, (said) => said.at(-1)!);
  #previous: ConnectionStatus | 'unknown' | null = null;
  #previousText = '';

  /**
   * The status being shown: the client's, except that a connected socket whose widgets cannot be
   * live is an error, "Not live": no access token can be had (the token source fails:
   * `lastError.detail` `token-failed`; QA57 F3: "Connected" beside every widget reading "Not live
   * (Could not get an access token…)"), or the REST API cannot answer (`lastError` `network` or
   * `server` while connected: unreachable, 429, 502–504, a timeout; QA84 F2).
   */
  get shownStatus(): ConnectionStatus | 'unknown' {
    const status = connectionStatusOf(this.status ?? this.#connection.status);
    return this.#unreadable ? 'error' : status;
  }

  /** The client's socket is connected, and its widgets cannot be live (see {@link shownStatus}). */
  get #unreadable(): boolean {
    const error = this.#connection.error;
    return !this.status && this.#connection.status === 'connected' && !!error && (error.detail === 'token-failed' || error.code === 'network' || error.code === 'server');
  }

  /**
   * No client yet, within the grace period (a page that configures rt-monitor after its own
   * sign-in): "Waiting for configuration", not "Connecting", which nothing is doing
   * (QA83 F4: a page whose script tag had no data-* read so for 10 s).
   */
  get #awaitingClient(): boolean {
    return !this.status && this.#connection.waitingForClient;
  }

  get #detail(): ConnectionDetail | null {
    return this.status ? null : (this.#connection.detail ?? null);
  }

  protected override willUpdate(changed: PropertyValues): void {
    super.willUpdate(changed);
    if (changed.has('size')) sayUnknownChoice(this.localName, 'size', this.size, ['sm', 'md', 'lg'], 'md');
    const status = this.shownStatus;
    const text = this.#statusText(status);
    // Said again when its words change within one status too ("Connection error", then the
    // configuration named as its cause: "Configuration error").
    if (status !== this.#previous || text !== this.#previousText) {
      for (const st of ['connected', 'connecting', 'disconnected', 'error', 'unknown']) this.setState(st, st === status);
      if (this.#previous !== null) {
        // Another status widget on the page that just said the same about this client: heard once.
        // Said with the element's `label` when it has one (two indicators on a page are told apart: QA53 F3).
        const label = trimmed(this.label);
        const words = label ? `${this.s.labelled(label)}${text}` : this.s.connectionAnnounce(text);
        // Heard once from another widget: this one's region holds none of its earlier words (QA83 F2).
        if (claimWords((!this.status && this.#connection.client) || this, words, this.#announcer.heard, this)) this.#announcer.say([words]);
        else this.#announcer.clear();
        if (status !== 'unknown' && status !== this.#previous) {
          this.emit('rt-status-change', {
            status,
            previous: this.#previous === 'unknown' ? null : this.#previous,
            detail: this.#detail,
          });
        }
      }
      this.#previous = status;
      this.#previousText = text;
    }
    if (!this.status) this.reportError('connection', this.#connection.detail?.lastError ?? this.#connection.error);
    const d = this.#detail;
    this.#ticker.active = this.open && !!d && (d.nextRetryAt != null || d.lastHeartbeatAt != null);
  }

  #onToggle = (e: Event) => {
    this.open = (e as ToggleEvent).newState === 'open';
    if (this.open) {
      this.#placePanel();
      window.addEventListener('scroll', this.#reposition, { capture: true, passive: true });
      window.addEventListener('resize', this.#reposition, { passive: true });
    } else {
      this.#stopFollowing();
    }
  };

  #reposition = () => this.#placePanel();

  #stopFollowing(): void {
    window.removeEventListener('scroll', this.#reposition, { capture: true });
    window.removeEventListener('resize', this.#reposition);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#stopFollowing();
  }

  /** The panel lives in the top layer (popover): place it under the indicator, inside the viewport. */
  #placePanel(): void {
    const button = this.renderRoot.querySelector<HTMLElement>('[part="base"]');
    const panel = this.renderRoot.querySelector<HTMLElement>('[part="panel"]');
    if (!button || !panel) return;
    const r = button.getBoundingClientRect();
    const width = panel.offsetWidth;
    const left = Math.max(8, Math.min(r.left, window.innerWidth - width - 8));
    const below = r.bottom + 6;
    const top = below + panel.offsetHeight > window.innerHeight && r.top > panel.offsetHeight + 6 ? r.top - panel.offsetHeight - 6 : below;
    panel.style.left = `${left}px`;
    panel.style.top = `${top}px`;
  }

  #onKeydown = (e: KeyboardEvent) => {
    if (e.key === 'Escape' && this.open) {
      this.renderRoot.querySelector<HTMLElement>('[part="panel"]')?.hidePopover?.();
      e.stopPropagation();
    }
  };

  #renderPanel() {
    const d = this.#detail;
    if (!d) return nothing;
    const s = this.s;
    const loc = this.effectiveLocale;
    const now = this.#ticker.now;
    const err = d.lastError;
    return html`<div class="panel" id="panel" part="panel" popover role="group" aria-label=${s.connectionDetails} @toggle=${this.#onToggle}>
      <dl>
        <dt>${s.latency}</dt>
        <dd class="num">${d.latencyMs != null ? formatMilliseconds(loc, d.latencyMs) : s.notAvailable}</dd>
        <dt>${s.lastHeartbeat}</dt>
        <dd>${formatRelative(loc, d.lastHeartbeatAt, now) ?? s.notAvailable}</dd>
        ${d.nextRetryAt != null
          ? html`<dt>${s.nextRetry}</dt>
              <dd>${s.retryIn(formatRelative(loc, Math.max(d.nextRetryAt, now), now) ?? '')} · ${s.attempt(formatNumber(loc, d.attempt))}</dd>`
          : nothing}
        <dt>${s.lastError}</dt>
        <dd>${err ? `${errorHint(s, err)} ${err.message ? `(${err.message})` : ''}` : s.none}</dd>
      </dl>
    </div>`;
  }

  /** The status in words; an error names its cause when it is an expired session or no access. */
  #statusText(status: ReturnType<typeof connectionStatusOf>): string {
    if (this.#awaitingClient) return this.s.awaitingClient;
    return statusWithCause(this.s, status, this.status ? null : this.#connection.error, this.#unreadable);
  }

  protected override render() {
    const s = this.s;
    const status = this.shownStatus;
    const look = connectionLook[status];
    const text = this.#statusText(status);
    const label = trimmed(this.label) || s.connectionLabel;
    const content = html`<span class="icon-wrap" part="icon">${icon(look.icon, look.spin ? 'spin' : '')}</span><span
        part="label"
        class=${this.showText ? '' : 'sr-only'}
        >${this.showText ? text : `${s.labelled(label)}${text}`}</span
      >`;
    const hasDetail = !!this.#detail;
    return html`${hasDetail
        ? html`<button
            type="button"
            class="indicator badge ${this.showText ? '' : 'icon-only'}"
            part="base"
            data-tone=${look.tone}
            data-status=${status}
            aria-expanded=${this.open ? 'true' : 'false'}
            aria-controls="panel"
            popovertarget="panel"
            aria-label=${`${s.labelled(label)}${text}`}
            title=${this.showText ? nothing : `${s.labelled(label)}${text}`}
            @keydown=${this.#onKeydown}
          >
            ${content}
          </button>`
        : html`<span
            class="indicator badge ${this.showText ? '' : 'icon-only'}"
            part="base"
            data-tone=${look.tone}
            data-status=${status}
            title=${this.showText ? nothing : `${s.labelled(label)}${text}`}
            >${content}</span
          >`}
      ${this.#renderPanel()}
      ${this.#announcer.polite}`;
  }
}

RtConnectionStatus.define('rt-connection-status');

declare global {
  interface HTMLElementTagNameMap {
    'rt-connection-status': RtConnectionStatus;
  }
}
