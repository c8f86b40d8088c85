import { html, type PropertyValues } from 'lit';
import { property } from 'lit/decorators.js';
import type { ConnectionStatus } from '../../core/types.js';
import { ProgressTracker, progressModel, renderProgressView } from '../../internal/progress-view.js';
import { Announcer } from '../../internal/announcer.js';
import { RtElement } from '../../internal/rt-element.js';
import { numberAttribute, numberRule, type NumberRule } from '../../internal/number-attributes.js';
import { baseStyles, progressStyles } from '../../styles/shared.js';
import { progressCardStyles } from '../../styles/progress-card.js';
import { styles } from './rt-progress.styles.js';
import { trimmed } from '../../internal/format.js';

/** Data values: kept as given (drawn clamped, with the "Out of range" badge); only non-numbers are unset. */
const PERCENTAGE: NumberRule<undefined> = { attribute: 'percentage', default: undefined };
const COMPLETED: NumberRule<undefined> = { attribute: 'completed', default: undefined };
const TOTAL: NumberRule<undefined> = { attribute: 'total', default: undefined };

/**
 * @customElement rt-progress
 * @summary The original LiveProgressIndicator, presentational: a titled, animated progress bar
 * with status, counts, current step and a ticking "updated 4 s ago".
 *
 * Values are clamped (percentage to 0–100, negative counts to 0); an unknown percentage
 * draws an indeterminate bar without `aria-valuenow`. Milestones (25/50/75 %) and terminal
 * states are announced politely (each time reached; those within about a second together);
 * individual ticks are not.
 *
 * @fires rt-progress-complete - The progress reached 100 % or status became `completed`.
 *
 * @csspart base - The card.
 * @csspart header - Title row.
 * @csspart label - The title text.
 * @csspart status - The status badge.
 * @csspart out-of-range - Warning badge when the row's figures are out of range (150 %, a negative count, more done than total); its `title` names them.
 * @csspart connection - The connection badge (when `connection-status` is set).
 * @csspart value - The percentage figure.
 * @csspart counts - "completed of total".
 * @csspart track - The bar's track (`role="progressbar"`).
 * @csspart indicator - The bar's filled part.
 * @csspart details - The line with step and last update.
 * @csspart step - The current step.
 * @csspart updated - The last-updated time.
 *
 * @cssproperty --rt-progress-indicator-color - Fill colour of the bar (defaults to the status tone).
 * @cssproperty --rt-progress-track-color - Track colour.
 * @cssproperty --rt-progress-height - Bar height (8px).
 * @cssproperty --rt-progress-radius - Bar corner radius.
 * @cssproperty --rt-progress-background - Card background.
 * @cssproperty --rt-progress-padding - Card padding.
 */
export class RtProgress extends RtElement {
  static override styles = [...baseStyles, progressStyles, progressCardStyles, styles];

  /** Title, also the progress bar's accessible name. */
  @property() label = '';

  /**
   * 0–100, drawn clamped (a value outside shows the "Out of range" badge). Leave unset for an
   * indeterminate bar (or give completed/total). A value that is not a number counts as unset (said
   * once on the console).
   */
  @property({ converter: numberAttribute })
  @numberRule(PERCENTAGE)
  percentage?: number | null;

  /** Work status: pending, queued, running, in_progress, paused, completed, failed, cancelled. */
  @property() status?: string;

  /** The step in progress, e.g. "Scoring targets". */
  @property({ attribute: 'current-step' }) currentStep?: string | null;

  /** Items done. A value that is not a number counts as unset (said once on the console). */
  @property({ converter: numberAttribute })
  @numberRule(COMPLETED)
  completed?: number | null;

  /** Items in all. A value that is not a number counts as unset (said once on the console). */
  @property({ converter: numberAttribute })
  @numberRule(TOTAL)
  total?: number | null;

  /** ISO time, epoch ms or Date of the last update (a server time, e.g. the row's `updated_at`); shown as ticking relative time against the server's clock. */
  @property({ attribute: 'last-updated' }) lastUpdated?: string | number | Date | null;

  /** Shows a connection badge: connected, connecting, disconnected or error. */
  @property({ attribute: 'connection-status' }) connectionStatus?: ConnectionStatus | null;

  /** Without card chrome. */
  @property({ type: Boolean, reflect: true }) plain = false;

  readonly #tracker = new ProgressTracker();
  readonly #announcer = new Announcer(this);

  get #model() {
    return progressModel({ percentage: this.percentage, completed: this.completed, total: this.total, status: this.status == null ? this.status : trimmed(this.status).toLowerCase() });
  }

  protected override willUpdate(changed: PropertyValues): void {
    super.willUpdate(changed);
    const label = trimmed(this.label) || this.s.progress;
    const { announce, completed } = this.#tracker.observe('progress', label, this.#model, this.s, this.effectiveLocale);
    if (announce) this.#announcer.say([announce]);
    if (completed) this.emit('rt-progress-complete', { kind: 'progress', id: this.id || null, label });
  }

  protected override render() {
    return html`<div class="card" part="base">
      ${renderProgressView({
        s: this.s,
        locale: this.effectiveLocale,
        label: trimmed(this.label) || this.s.progress,
        model: this.#model,
        currentStep: this.currentStep,
        lastUpdated: this.lastUpdated,
        connectionStatus: this.connectionStatus,
      })}
      ${this.#announcer.polite}
    </div>`;
  }
}

RtProgress.define('rt-progress');

declare global {
  interface HTMLElementTagNameMap {
    'rt-progress': RtProgress;
  }
}
