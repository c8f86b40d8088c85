import { html, nothing, type PropertyValues } from 'lit';
import { property } from 'lit/decorators.js';
import { AgentExecutionsController, StreamProgressController } from '../../controllers/index.js';
import type { LiveQueryPhase, RtError, Stream } from '../../core/types.js';
import { formatNumber, safeHref, hasText, trimmed } from '../../internal/format.js';
import { icon } from '../../internal/icons.js';
import { ProgressTracker, renderProgressView, shownRow, singleStateView, streamModel, toneForStatus } from '../../internal/progress-view.js';
import { Announcer } from '../../internal/announcer.js';
import { RtElement } from '../../internal/rt-element.js';
import { numberAttribute, numberRule, type NumberRule } from '../../internal/number-attributes.js';
import { phaseBadge, worstPhase } from '../../internal/templates.js';
import { baseStyles, progressStyles } from '../../styles/shared.js';
import { progressCardStyles } from '../../styles/progress-card.js';
import { styles } from './rt-stream-card.styles.js';

const HEADING_LEVEL: NumberRule<undefined> = { attribute: 'heading-level', default: undefined, whole: true, min: 2, max: 4 };

/**
 * @customElement rt-stream-card
 * @summary The stream card: name, goal status, live badge, progress, running agents and last update.
 *
 * Bound by `stream-id`, or fed a row through the `stream` property (the dashboard does this
 * from its one org-wide subscription). The running-agents count is live either way.
 *
 * @fires rt-progress-complete - The stream's goal status became `completed` while shown (fired by each widget showing the row; the spoken announcement is once per page).
 * @fires rt-error - Loading or the subscription failed.
 *
 * @slot actions - Buttons or links in the card footer.
 *
 * @csspart base - The card.
 * @csspart header - Title row.
 * @csspart label - The stream name.
 * @csspart link - The name's link (when `href` is set).
 * @csspart status - Goal status badge.
 * @csspart out-of-range - Warning badge when the row's figures are out of range (150 %, a negative count, more done than total); its `title` names them.
 * @csspart live-badge - The widget's one status: "Live", "Connecting…", "Stale", "Session expired", "No access" or "Not live" (the cause in its title).
 * @csspart value - Percentage figure.
 * @csspart counts - "completed of total".
 * @csspart track - Progress track.
 * @csspart indicator - Progress fill.
 * @csspart details - Meta line (agents, last update).
 * @csspart agents - Running agents count (absent until the stream's agent executions are read).
 * @csspart updated - Last update.
 * @csspart footer - The actions row.
 * @csspart loading - Loading skeleton.
 * @csspart error - Error message.
 * @csspart not-found - "Not found or no access".
 * @csspart empty - Shown without a stream.
 *
 * @cssproperty --rt-stream-card-background - Card background.
 * @cssproperty --rt-stream-card-padding - Card padding.
 * @cssproperty --rt-stream-card-border-color - Card border colour.
 * @cssproperty --rt-stream-card-accent - Top accent stripe (defaults to the status tone).
 * @cssproperty --rt-progress-indicator-color - Bar fill colour.
 * @cssstate live - Its data is live: the subscription is confirmed and the data was read after it.
 * @cssstate connecting - Data read over REST is shown; live updates are not confirmed yet.
 * @cssstate stale - The last known data is shown; live updates stopped and a resync runs.
 * @csspart error-detail - Under an error message, its exact cause where the page must fix something (which option, id or column).
 */
export class RtStreamCard extends RtElement {
  static override styles = [...baseStyles, progressStyles, progressCardStyles, styles];

  /** The stream's id. Ignored when `stream` is set. */
  @property({ attribute: 'stream-id', reflect: true }) streamId?: string;

  /** A stream row to show instead of subscribing by id (the dashboard passes rows). */
  @property({ attribute: false }) stream?: Stream | null;

  /** Phase of an externally fed `stream` (the feeder's live/stale state). */
  @property({ attribute: false }) phase?: LiveQueryPhase;

  /** Why an externally fed `stream` is not live (its feed's `error`): the badge's description. */
  @property({ attribute: false }) phaseError?: RtError | null;

  /** Makes the stream name a link (http(s) or relative URLs only). */
  @property() href?: string;

  /**
   * Heading level of the stream name inside the card: 2, 3 or 4; none by default. A value that is
   * not a number, or below 2, gives none; a fraction is floored; more than 4 is 4 (each such value
   * is said once on the console).
   */
  @property({ attribute: 'heading-level', converter: numberAttribute })
  @numberRule(HEADING_LEVEL)
  headingLevel?: 2 | 3 | 4;

  readonly #single = new StreamProgressController(this, () => (this.stream ? undefined : this.streamId));
  readonly #agents = new AgentExecutionsController(this, () => this.stream?.id ?? this.streamId);
  readonly #tracker = new ProgressTracker('stream');
  readonly #announcer = new Announcer(this);

  get #shown() {
    return shownRow(this.stream, this.phase, this.#single);
  }

  protected override controllersUpdated(changed: PropertyValues): void {
    super.controllersUpdated(changed);
    const { row, phase, error } = this.#shown;
    // The phase its badge shows: with the row, its agents' too (QA88a F8: `:state(live)` beside "Connecting…").
    this.reflectFeed('streams', row ? worstPhase(phase, this.#agents.phase) : phase, this.stream || trimmed(this.streamId) ? error : null);
    this.#tracker.follow(this, row, streamModel, this.s.streamFallback, this.s, this.#announcer);
  }

  #renderBody() {
    const s = this.s;
    const { row, phase, error } = this.#shown;
    const other = singleStateView(s, { phase, error, hasData: !!row, missingId: !this.stream && !trimmed(this.streamId), what: s.stream });
    if (other) return other;
    const r = row!;
    const loc = this.effectiveLocale;
    // No figure before the executions are read: while they cannot be (an error), none is shown, not "0".
    const read = this.#agents.state.updatedAt != null;
    const running = this.#agents.runningAgents.length;
    const agentsText = s.runningAgents(formatNumber(loc, running) + (this.#agents.state.more === 'pinned' ? '+' : ''), running);
    return html`${renderProgressView({
        s,
        locale: loc,
        label: hasText(r.name) ? r.name : s.streamFallback,
        model: streamModel(r),
        rowStatus: true,
        lastUpdated: r.updated_at,
        badges: phaseBadge(s, worstPhase(phase, this.#agents.phase), error ?? this.phaseError ?? this.#agents.error),
        headingLevel: this.headingLevel ?? null,
        href: safeHref(this.href),
        meta: read ? html`<span class="agents" part="agents" ?data-running=${running > 0}>${icon('cpu')}${agentsText}</span>` : nothing,
      })}`;
  }

  protected override render() {
    const row = this.#shown.row;
    const model = row ? streamModel(row) : null;
    const tone = model ? toneForStatus(model.status, model.percentage) : 'neutral';
    return html`<article class="card" part="base" data-tone=${tone}>
      <div class="grow">${this.#renderBody()}</div>
      <div class="footer" part="footer"><slot name="actions"></slot></div>
      ${this.#announcer.polite}
    </article>`;
  }
}

RtStreamCard.define('rt-stream-card');

declare global {
  interface HTMLElementTagNameMap {
    'rt-stream-card': RtStreamCard;
  }
}
