import { html, nothing, type PropertyValues } from 'lit';
import { hasText, trimmed } from '../../internal/format.js';
import { property } from 'lit/decorators.js';
import { StreamProgressController } from '../../controllers/index.js';
import type { Stream } from '../../core/types.js';
import { ProgressTracker, renderProgressView, singleStateView, streamModel } from '../../internal/progress-view.js';
import { Announcer } from '../../internal/announcer.js';
import { RtElement } from '../../internal/rt-element.js';
import { phaseBadge } from '../../internal/templates.js';
import { baseStyles, progressStyles } from '../../styles/shared.js';
import { progressCardStyles } from '../../styles/progress-card.js';
import { styles } from './rt-stream-progress.styles.js';

/**
 * @customElement rt-stream-progress
 * @summary One stream's live progress: name, goal status, percentage, completed of total, last update.
 *
 * States: loading (skeleton), live, stale (last known data, marked), error, and
 * "not found or no access" when the stream does not exist or RLS hides it.
 *
 * @fires rt-progress-complete - The stream's goal status became `completed` while shown (fired by each widget showing the row; the spoken announcement is once per page).
 * @fires rt-error - Loading or the subscription failed.
 *
 * @csspart base - The card.
 * @csspart header - Title row.
 * @csspart label - The stream name.
 * @csspart status - Goal status badge.
 * @csspart out-of-range - Warning badge when the row's figures are out of range (150 %, a negative count, more done than total); its `title` names them.
 * @csspart live-badge - The widget's one status: "Live", "Connecting…", "Stale", "Session expired", "No access" or "Not live" (the cause in its title).
 * @csspart value - Percentage figure.
 * @csspart counts - "completed of total".
 * @csspart track - Progress track (`role="progressbar"`).
 * @csspart indicator - Progress fill.
 * @csspart details - Meta line.
 * @csspart updated - Last update.
 * @csspart loading - Loading skeleton.
 * @csspart error - Error message.
 * @csspart not-found - "Not found or no access" message.
 * @csspart empty - Shown when no `stream-id` is given.
 *
 * @cssproperty --rt-stream-progress-background - Card background.
 * @cssproperty --rt-stream-progress-padding - Card padding.
 * @cssproperty --rt-progress-indicator-color - Bar fill colour.
 * @cssproperty --rt-progress-track-color - Bar track colour.
 * @cssproperty --rt-progress-height - Bar height.
 * @cssstate live - Its data is live: the subscription is confirmed and the data was read after it.
 * @cssstate connecting - Data read over REST is shown; live updates are not confirmed yet.
 * @cssstate stale - The last known data is shown; live updates stopped and a resync runs.
 * @csspart error-detail - Under an error message, its exact cause where the page must fix something (which option, id or column).
 */
export class RtStreamProgress extends RtElement {
  static override styles = [...baseStyles, progressStyles, progressCardStyles, styles];

  /** The stream's id (uuid). */
  @property({ attribute: 'stream-id', reflect: true }) streamId?: string;

  /** Without card chrome. */
  @property({ type: Boolean, reflect: true }) plain = false;

  protected readonly stream = new StreamProgressController(this, () => this.streamId);
  readonly #tracker = new ProgressTracker('stream');
  readonly #announcer = new Announcer(this);

  /** The stream row shown, or null. */
  get progress(): Stream | null {
    return this.stream.progress ?? null;
  }

  protected override controllersUpdated(changed: PropertyValues): void {
    super.controllersUpdated(changed);
    const row = this.progress;
    this.reflectFeed('streams', this.stream.phase, trimmed(this.streamId) ? this.stream.error : null);
    this.#tracker.follow(this, row, streamModel, this.s.streamFallback, this.s, this.#announcer);
  }


  #renderBody() {
    const s = this.s;
    const row = this.progress;
    const phase = this.stream.phase;
    return (
      singleStateView(s, { phase, error: this.stream.error, hasData: !!row, missingId: !trimmed(this.streamId), what: s.stream }) ??
      renderProgressView({
        s,
        locale: this.effectiveLocale,
        label: hasText(row!.name) ? row!.name : s.streamFallback,
        model: streamModel(row!),
        rowStatus: true,
        lastUpdated: row!.updated_at,
        badges: phaseBadge(s, phase, this.stream.error),
        headingLevel: null,
      })
    );
  }

  protected override render() {
    return html`<article class="card" part="base" aria-busy=${this.stream.phase === 'loading' && !!this.streamId ? 'true' : 'false'}>
      ${this.#renderBody()}
      ${this.#announcer.polite}
      ${nothing}
    </article>`;
  }
}

RtStreamProgress.define('rt-stream-progress');

declare global {
  interface HTMLElementTagNameMap {
    'rt-stream-progress': RtStreamProgress;
  }
}
