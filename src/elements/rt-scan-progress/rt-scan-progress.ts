import { html, nothing, type PropertyValues } from 'lit';
import { property } from 'lit/decorators.js';
import { ScanProgressController } from '../../controllers/index.js';
import type { AcquisitionScan, LiveQueryPhase, RtError } from '../../core/types.js';
import { clampCount, formatDuration, formatNumber, toTime, hasText, trimmed } from '../../internal/format.js';
import { icon } from '../../internal/icons.js';
import { ProgressTracker, renderProgressView, scanModel, shownRow, singleStateView } from '../../internal/progress-view.js';
import { Announcer } from '../../internal/announcer.js';
import { RtElement } from '../../internal/rt-element.js';
import { isTerminal } from '../../internal/status.js';
import { tickingDuration } from '../../internal/ticker.js';
import { clipped, phaseBadge } from '../../internal/templates.js';
import { baseStyles, progressStyles } from '../../styles/shared.js';
import { progressCardStyles } from '../../styles/progress-card.js';
import { styles } from './rt-scan-progress.styles.js';

/**
 * @customElement rt-scan-progress
 * @summary An acquisition scan: status, current step, targets analysed of identified,
 * percentage and duration (ticking while it runs).
 *
 * Bound by `scan-id`, or fed a row through the `scan` property.
 *
 * @fires rt-progress-complete - The scan's status became `completed` while shown (fired by each widget showing the row; the spoken announcement is once per page).
 * @fires rt-error - Loading or the subscription failed.
 *
 * @csspart base - The card.
 * @csspart header - Title row.
 * @csspart label - The scan name.
 * @csspart status - Status badge.
 * @csspart out-of-range - Warning badge when the row's figures are out of range (150 %, a negative count, more done than total); its `title` names them.
 * @csspart live-badge - The widget's one status: "Live", "Connecting…", "Stale", "Session expired", "No access" or "Not live" (the cause in its title).
 * @csspart value - Percentage figure.
 * @csspart counts - Targets analysed of identified.
 * @csspart track - Progress track.
 * @csspart indicator - Progress fill.
 * @csspart details - Meta line (step, duration, last update).
 * @csspart step - Current step.
 * @csspart duration - Duration.
 * @csspart updated - Last update.
 * @csspart scan-error - The scan's own error text (failed scans).
 * @csspart loading - Loading skeleton.
 * @csspart error - Error message.
 * @csspart not-found - "Not found or no access".
 * @csspart empty - Shown without a scan.
 *
 * @cssproperty --rt-scan-progress-background - Card background.
 * @cssproperty --rt-scan-progress-padding - Card padding.
 * @cssproperty --rt-progress-indicator-color - Bar fill colour.
 * @cssstate live - Its data is live: the subscription is confirmed and the data was read after it.
 * @cssstate connecting - Data read over REST is shown; live updates are not confirmed yet.
 * @cssstate stale - The last known data is shown; live updates stopped and a resync runs.
 * @csspart error-detail - Under an error message, its exact cause where the page must fix something (which option, id or column).
 */
export class RtScanProgress extends RtElement {
  static override styles = [...baseStyles, progressStyles, progressCardStyles, styles];

  /** The scan's id. Ignored when `scan` is set. */
  @property({ attribute: 'scan-id', reflect: true }) scanId?: string;

  /** A scan row to show instead of subscribing by id. */
  @property({ attribute: false }) scan?: AcquisitionScan | null;

  /** Phase of an externally fed `scan`. */
  @property({ attribute: false }) phase?: LiveQueryPhase;

  /** Why an externally fed `scan` is not live (its feed's `error`): the badge's description. */
  @property({ attribute: false }) phaseError?: RtError | null;

  /** Without card chrome. */
  @property({ type: Boolean, reflect: true }) plain = false;

  readonly #single = new ScanProgressController(this, () => (this.scan ? undefined : this.scanId));
  readonly #tracker = new ProgressTracker('scan');
  readonly #announcer = new Announcer(this);

  get #shown() {
    return shownRow(this.scan, this.phase, this.#single);
  }

  protected override controllersUpdated(changed: PropertyValues): void {
    super.controllersUpdated(changed);
    const { row, phase, error } = this.#shown;
    this.reflectFeed('acquisition_scans', phase, this.scan || trimmed(this.scanId) ? error : null);
    this.#tracker.follow(this, row, scanModel, this.s.scanFallback, this.s, this.#announcer);
  }

  #renderBody() {
    const s = this.s;
    const { row, phase, error } = this.#shown;
    const other = singleStateView(s, { phase, error, hasData: !!row, missingId: !this.scan && !trimmed(this.scanId), what: s.scan });
    if (other) return other;
    const r = row!;
    const loc = this.effectiveLocale;
    const model = scanModel(r);
    // started_at / updated_at are server times; a running duration ticks in place (no re-render).
    const started = toTime(r.started_at);
    const ended = toTime(r.completed_at);
    const status = model.status ?? 'unknown';
    const end = ended ?? (isTerminal(status) ? toTime(r.updated_at) : null);
    const duration =
      started == null ? null : end != null ? (formatDuration(loc, end - started) ?? s.notAvailable) : tickingDuration(loc, (now) => now - started, s.notAvailable);
    const analyzed = clampCount(r.targets_analyzed);
    const identified = clampCount(r.targets_identified);
    const counts =
      model.completed != null && model.total != null
        ? s.targets(formatNumber(loc, model.completed), formatNumber(loc, model.total), model.total)
        : analyzed != null || identified != null
          ? s.targets(formatNumber(loc, analyzed ?? 0), formatNumber(loc, identified ?? 0), identified ?? 0)
          : null;
    return html`${renderProgressView({
        s,
        locale: loc,
        label: hasText(r.name) ? r.name : s.scanFallback,
        model,
        rowStatus: true,
        countsText: counts,
        currentStep: r.current_step,
        lastUpdated: r.updated_at,
        badges: phaseBadge(s, phase, error ?? this.phaseError),
        headingLevel: null,
        meta: html`<span part="duration">${icon('play-circle')}<span class="sr-only">${s.labelled(s.duration)}</span>${duration ?? s.notStarted}</span>`,
      })}
      ${status === 'failed' && r.error
        ? html`<p class="error-text" part="scan-error">${icon('x-circle')}${clipped(r.error, { max: 200 })}</p>`
        : nothing}
      `;
  }

  protected override render() {
    return html`<article class="card" part="base">
      ${this.#renderBody()}
      ${this.#announcer.polite}
    </article>`;
  }
}

RtScanProgress.define('rt-scan-progress');

declare global {
  interface HTMLElementTagNameMap {
    'rt-scan-progress': RtScanProgress;
  }
}
