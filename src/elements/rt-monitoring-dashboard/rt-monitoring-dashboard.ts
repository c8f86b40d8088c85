import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { repeat } from '../../internal/repeat.js';
import { AllStreamsController, UserScansController } from '../../controllers/index.js';
import type { AcquisitionScan, Stream } from '../../core/types.js';
import { clip, formatDateTime, formatNumber, toTime, trimmed } from '../../internal/format.js';
import { RtElement } from '../../internal/rt-element.js';
import { emptyView, heading, phaseBadge, stateView } from '../../internal/templates.js';
import { headingLevelRule, numberAttribute, numberRule } from '../../internal/number-attributes.js';
import { baseStyles } from '../../styles/shared.js';
import { styles } from './rt-monitoring-dashboard.styles.js';
import '../rt-connection-status/rt-connection-status.js';
import '../rt-stream-card/rt-stream-card.js';
import '../rt-scan-progress/rt-scan-progress.js';
import '../rt-agent-executions/rt-agent-executions.js';
import '../rt-signal-alerts/rt-signal-alerts.js';
import '../rt-notifications/rt-notifications.js';

/**
 * @customElement rt-monitoring-dashboard
 * @summary The comprehensive dashboard: connection status, the org's streams as cards, the user's
 * scans, agent activity, signal alerts and notifications. One column on a phone, a grid on a wide screen.
 *
 * `org-id` and `user-id` default to the signed-in user's org and id. Each section can be hidden.
 * Events of the inner elements (`rt-alert`, `rt-notification`, `rt-progress-complete`, …) bubble out.
 *
 * @fires rt-error - The streams or scans query failed; an inner element's own error bubbles out too.
 * @fires rt-alert - From the inner `<rt-signal-alerts>`: a new alert arrived after the first load. `detail: { alert, critical }`.
 * @fires rt-notification - From the inner `<rt-notifications>`: a new notification arrived after the first load. `detail: { notification }`.
 * @fires rt-progress-complete - From an inner stream card or scan: its goal or scan became `completed` while shown.
 * @fires rt-status-change - From the inner `<rt-connection-status>`: the shown connection status changed. `detail: { status, previous, detail }`.
 * @container The events of its inner elements bubble out of it.
 *
 * @csspart base - The dashboard.
 * @csspart header - Title row with the connection status.
 * @csspart streams - The streams section.
 * @csspart scans - The scans section.
 * @csspart agents - The agent activity section.
 * @csspart alerts - The signal alerts section.
 * @csspart notifications - The notifications section.
 *
 * @cssproperty --rt-dashboard-gap - Gap between sections (16px).
 * @cssproperty --rt-dashboard-title-size - Title font size.
 * @csspart error-detail - Under an error message, its exact cause where the page must fix something (which option, id or column).
 */
export class RtMonitoringDashboard extends RtElement {
  static override styles = [...baseStyles, styles];

  /** Organisation whose streams are shown; defaults to the signed-in user's. */
  @property({ attribute: 'org-id', reflect: true }) orgId?: string;

  /** User whose scans, alerts and notifications are shown; defaults to the signed-in user. */
  @property({ attribute: 'user-id', reflect: true }) userId?: string;

  /** Title; defaults to "Live monitoring". */
  @property() heading?: string;

  /**
   * Level of the title (its sections, and the titles of the widgets inside, one below), 1–6 (default 2), to fit the page's outline: under a page's `<h2>`, give 3.
   * Exposed as `role="heading"` with `aria-level`; a value not a whole number from 1 to 6 is said once
   * on the console (below 1: the default; above 6: 6).
   */
  @property({ attribute: 'heading-level', converter: numberAttribute })
  @numberRule(headingLevelRule(2))
  headingLevel = 2;

  @property({ type: Boolean, attribute: 'hide-connection', reflect: true }) hideConnection = false;
  @property({ type: Boolean, attribute: 'hide-streams', reflect: true }) hideStreams = false;
  @property({ type: Boolean, attribute: 'hide-scans', reflect: true }) hideScans = false;
  @property({ type: Boolean, attribute: 'hide-agents', reflect: true }) hideAgents = false;
  @property({ type: Boolean, attribute: 'hide-alerts', reflect: true }) hideAlerts = false;
  @property({ type: Boolean, attribute: 'hide-notifications', reflect: true }) hideNotifications = false;

  /**
   * Stream whose agents are shown (defaults to the first stream in progress). A stream picked in the
   * dashboard's own picker wins while the list holds it.
   */
  @property({ attribute: 'agents-stream-id' }) agentsStreamId?: string;

  @state() private chosenStream?: string;

  readonly #streams = new AllStreamsController(this, () => this.orgId || undefined);
  readonly #scans = new UserScansController(this, () => this.userId || undefined);

  protected override controllersUpdated(changed: PropertyValues): void {
    super.controllersUpdated(changed);
    this.reportError('streams', this.#streams.error ?? this.#scans.error);
  }

  get #streamRows(): Stream[] {
    const rows = this.#streams.streams;
    return Array.isArray(rows) ? rows.filter((r) => r && typeof r === 'object') : [];
  }

  /**
   * A stream's name in the agent picker; streams that share a name are told apart by when they
   * were created (QA53: two "Renewal pipeline" options, one for each of two streams).
   */
  #pickLabel(r: Stream, rows: Stream[]): string {
    const name = clip(r.name, 60, this.s.streamFallback).text;
    const twin = rows.some((o) => o !== r && o.name === r.name);
    return twin ? `${name} · ${formatDateTime(this.effectiveLocale, r.created_at) ?? r.id}` : name;
  }

  get #scanRows(): AcquisitionScan[] {
    const rows = this.#scans.scans;
    return (Array.isArray(rows) ? rows.filter((r) => r && typeof r === 'object') : [])
      .slice()
      .sort((a, b) => (toTime(b.created_at) ?? 0) - (toTime(a.created_at) ?? 0));
  }

  get #agentStream(): string | undefined {
    const rows = this.#streamRows;
    // The stream picked here, while the list holds it: deleted, out of the user's view, or of
    // another org or client, the default again (QA49 F1: the picker showed one stream, the agents
    // below were of the one gone, and no choice could reach the stream shown).
    const picked = this.chosenStream;
    if (picked && rows.some((r) => r.id === picked)) return picked;
    return this.agentsStreamId || (rows.find((r) => r.goal_status === 'in_progress') ?? rows[0])?.id;
  }

  #renderStreams() {
    const s = this.s;
    const ctrl = this.#streams;
    return this.#section('streams', s.streams, ctrl, this.#streamRows.length, emptyView(s.noStreams, 'activity'), () =>
      repeat(this.#streamRows, (r) => r.id, (r) => html`<rt-stream-card .stream=${r} .phase=${ctrl.phase} .phaseError=${ctrl.error} locale=${this.locale ?? nothing} theme=${this.theme ?? nothing}></rt-stream-card>`),
    );
  }

  #renderScans() {
    const s = this.s;
    const ctrl = this.#scans;
    return this.#section('scans', s.scans, ctrl, this.#scanRows.length, emptyView(s.noScans, 'radar'), () =>
      repeat(this.#scanRows, (r) => r.id, (r) => html`<rt-scan-progress .scan=${r} .phase=${ctrl.phase} .phaseError=${ctrl.error} locale=${this.locale ?? nothing} theme=${this.theme ?? nothing}></rt-scan-progress>`),
    );
  }

  /**
   * A section of cards under a heading with its row count ("N+" when the list holds not every row:
   * at its bound) and its one status badge (the query's phase and cause).
   */
  #section(part: string, title: string, { phase, error, state }: AllStreamsController | UserScansController, count: number, empty: TemplateResult, cards: () => unknown) {
    const s = this.s;
    const other = stateView(s, { phase, error, hasData: count > 0, empty });
    // Named by its title alone: a landmark whose name held the count and the badge changed with every update (QA84 F6).
    return html`<section part=${part} aria-labelledby="${part}-name">
      ${heading(
        this.headingLevel + 1,
        html`<span id="${part}-name">${title}</span>${count ? html`<span class="count num">(${formatNumber(this.effectiveLocale, count)}${state.more ? '+' : ''})</span>` : nothing}
          ${phaseBadge(s, phase, error)}`,
        { id: `${part}-h`, cls: 'section-heading' },
      )}
      ${other ? html`<div class="panel">${other}</div>` : html`<div class="cards">${cards()}</div>`}
    </section>`;
  }

  #onPick = (e: Event) => {
    this.chosenStream = (e.target as HTMLSelectElement).value || undefined;
  };

  #renderAgents() {
    const s = this.s;
    const rows = this.#streamRows;
    const current = this.#agentStream;
    // Shown for a choice, and while it has focus (a keyboard user on it when the list drops to
    // one stream keeps focus there, not on the page's body; QA50 F6): gone once it loses focus.
    const focused = this.shadowRoot?.activeElement?.id === 'agent-stream';
    return html`<div part="agents">
      ${rows.length > 1 || focused
        ? html`<div class="picker">
            <label for="agent-stream">${s.agentStream}</label>
            <select id="agent-stream" @change=${this.#onPick} @blur=${() => this.requestUpdate()}>
              ${current && !rows.some((r) => r.id === current) ? html`<option dir="auto" value=${current}>${clip(current, 60).text}</option>` : nothing}
              ${rows.map((r) => html`<option dir="auto" value=${r.id}>${this.#pickLabel(r, rows)}</option>`)}
            </select>
          </div>`
        : nothing}
      <rt-agent-executions stream-id=${current ?? nothing} max-items="5" heading-level=${this.headingLevel + 1} locale=${this.locale ?? nothing} theme=${this.theme ?? nothing}></rt-agent-executions>
    </div>`;
  }

  protected override updated(changed: PropertyValues): void {
    super.updated(changed);
    // The stream shown, also after a pick (an option's \`selected\` attribute no longer moves a
    // selection the user made) and when the options shift under it.
    const picker = this.renderRoot.querySelector('select');
    if (picker) picker.value = this.#agentStream ?? '';
  }

  protected override render() {
    const s = this.s;
    const loc = this.locale ?? nothing;
    const theme = this.theme ?? nothing;
    const user = this.userId || nothing;
    const main = [
      this.hideStreams ? nothing : this.#renderStreams(),
      this.hideScans ? nothing : this.#renderScans(),
      this.hideAgents ? nothing : this.#renderAgents(),
    ];
    const side = [
      this.hideAlerts
        ? nothing
        : html`<rt-signal-alerts part="alerts" user-id=${user} heading-level=${this.headingLevel + 1} locale=${loc} theme=${theme}></rt-signal-alerts>`,
      this.hideNotifications
        ? nothing
        : html`<rt-notifications part="notifications" user-id=${user} max-items="10" heading-level=${this.headingLevel + 1} locale=${loc} theme=${theme}></rt-notifications>`,
    ];
    const hasSide = !this.hideAlerts || !this.hideNotifications;
    return html`<div class="dashboard" part="base">
      <div class="top" part="header">
        ${heading(this.headingLevel, trimmed(this.heading) || s.dashboard, { id: 'title', cls: 'title' })}
        ${this.hideConnection ? nothing : html`<rt-connection-status locale=${loc} theme=${theme}></rt-connection-status>`}
      </div>
      <div class="layout">
        <div class="main">${main}</div>
        ${hasSide ? html`<div class="side">${side}</div>` : nothing}
      </div>
    </div>`;
  }
}

RtMonitoringDashboard.define('rt-monitoring-dashboard');

declare global {
  interface HTMLElementTagNameMap {
    'rt-monitoring-dashboard': RtMonitoringDashboard;
  }
}
