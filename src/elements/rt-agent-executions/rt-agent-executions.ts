import { html, nothing, type PropertyValues } from 'lit';
import { property } from 'lit/decorators.js';
import { repeat } from '../../internal/repeat.js';
import { AgentExecutionsController } from '../../controllers/index.js';
import type { AgentExecution } from '../../core/types.js';
import { clip, formatDateTime, formatNumber, toTime, trimmed } from '../../internal/format.js';
import { icon } from '../../internal/icons.js';
import { Announcer, MAX_SAID } from '../../internal/announcer.js';
import { RtElement } from '../../internal/rt-element.js';
import { headingLevelRule, maxItemsRule, numberAttribute, numberRule } from '../../internal/number-attributes.js';
import { isTerminal, workLook, workStatusOf } from '../../internal/status.js';
import { tickingAgo, tickingDuration } from '../../internal/ticker.js';
import { clipped, emptyView, heading, lookBadge, phaseBadge, stateView } from '../../internal/templates.js';
import { baseStyles, listStyles } from '../../styles/shared.js';
import { styles } from './rt-agent-executions.styles.js';

const MAX_ITEMS = maxItemsRule(10);

/**
 * @customElement rt-agent-executions
 * @summary AI agent activity for one stream: running agents first (status, started, elapsed
 * ticking), then recent finished runs with outcome and duration.
 *
 * Starts and ends of runs are announced politely: one at once, those that follow within about a
 * second together (a few named, more as "N agent updates" with failed runs named first).
 *
 * @fires rt-error - Loading or the subscription failed.
 *
 * @csspart base - The card.
 * @csspart header - Title row.
 * @csspart running - The running list.
 * @csspart recent - The finished list.
 * @csspart item - One execution.
 * @csspart agent - An agent's name.
 * @csspart status - Status badge.
 * @csspart live-badge - The widget's one status: "Live", "Connecting…", "Stale", "Session expired", "No access" or "Not live" (the cause in its title).
 * @csspart loading - Loading skeleton.
 * @csspart error - Error message.
 * @csspart empty - No executions.
 *
 * @cssproperty --rt-agent-executions-background - Card background.
 * @cssproperty --rt-agent-executions-padding - Card padding.
 * @cssstate live - Its data is live: the subscription is confirmed and the data was read after it.
 * @cssstate connecting - Data read over REST is shown; live updates are not confirmed yet.
 * @cssstate stale - The last known data is shown; live updates stopped and a resync runs.
 * @csspart error-detail - Under an error message, its exact cause where the page must fix something (which option, id or column).
 */
export class RtAgentExecutions extends RtElement {
  static override styles = [...baseStyles, listStyles, styles];

  /** The stream whose agents are shown. */
  @property({ attribute: 'stream-id', reflect: true }) streamId?: string;

  /**
   * At most this many finished runs (of the newest 100 runs, or of the newest `max-items` when more;
   * running ones are all held): a whole number from 1 to 1000 (default 10). A value that is not
   * a number, or below 1, gives the default; a fraction is floored; more than 1000 is 1000 (each
   * such value is said once on the console).
   * @default 10
   */
  @property({ attribute: 'max-items', converter: numberAttribute })
  @numberRule(MAX_ITEMS)
  maxItems = 10;

  /** Heading text; defaults to "Agent activity". */
  @property() heading?: string;

  /**
   * Level of the card's title (its "Running now" and "Recent" one below), 1–6 (default 3), to fit the page's outline: under a page's `<h2>`, give 3.
   * Exposed as `role="heading"` with `aria-level`; a value not a whole number from 1 to 6 is said once
   * on the console (below 1: the default; above 6: 6).
   */
  @property({ attribute: 'heading-level', converter: numberAttribute })
  @numberRule(headingLevelRule(3))
  headingLevel = 3;

  /** Without card chrome. */
  @property({ type: Boolean, reflect: true }) plain = false;

  readonly #ctrl = new AgentExecutionsController(this, () => this.streamId, () => Math.max(this.maxItems, 100));
  /** Status per run at the last look, of the subscription and number of runs `#seenOf` (another stream, or another `max-items`, starts over). */
  #seen: Map<string, string> | null = null;
  #seenOf = '';
  readonly #announcer = new Announcer<{ text: string; failed: boolean }>(this, (said) => {
    if (said.length <= MAX_SAID) return said.map((m) => m.text).join('. ');
    const loc = this.effectiveLocale;
    const failed = said.filter((m) => m.failed);
    const f = failed.length;
    const words = f > MAX_SAID ? [this.s.agentsFailed(formatNumber(loc, f), f)] : failed.map((m) => m.text);
    return [...words, this.s.agentUpdates(formatNumber(loc, said.length), said.length)].join('. ');
  });

  get #all(): AgentExecution[] {
    const list = this.#ctrl.executions;
    return Array.isArray(list) ? list.filter((x) => x && typeof x === 'object') : [];
  }

  protected override controllersUpdated(changed: PropertyValues): void {
    super.controllersUpdated(changed);
    this.reflectFeed('agent_executions', this.#ctrl.phase, trimmed(this.streamId) ? this.#ctrl.error : null);
    const all = this.#all;
    // Another subject, or another number of runs held (a new `max-items` above 100 brings older
    // runs, finished before: not news; QA47 review).
    const of = `${this.#ctrl.generation} ${Math.max(this.maxItems, 100)}`;
    if (of !== this.#seenOf) {
      this.#seenOf = of;
      this.#seen = null;
      this.#announcer.clear();
    }
    if (this.#ctrl.phase === 'live' || this.#ctrl.phase === 'stale' || this.#ctrl.phase === 'connecting') {
      const next = new Map(all.map((e) => [e.id, workStatusOf(e.status)] as [string, string]));
      if (this.#seen) {
        const said: { text: string; failed: boolean }[] = [];
        // Keyed by run, new status and version: a run shown by a page's widget and a dashboard's is
        // heard once (QA63 F3), a run that fails again after a retry is heard again.
        const keys: string[] = [];
        for (const e of all) {
          const before = this.#seen.get(e.id);
          const now = next.get(e.id)!;
          const name = clip(e.agent_id, 60, this.s.agentFallback).text;
          if (before !== now && isTerminal(now)) said.push({ text: this.s.agentFinished(name, this.s.status[now].toLowerCase()), failed: now === 'failed' });
          else if (before === undefined && now === 'running') said.push({ text: this.s.agentStarted(name), failed: false });
          else continue;
          keys.push(`agent_executions\u0000${e.id}\u0000${now}\u0000${toTime(e.updated_at)}`);
        }
        this.#announcer.say(said, false, keys);
      }
      this.#seen = next;
    }
  }

  #renderItem(e: AgentExecution, running: boolean) {
    const s = this.s;
    const loc = this.effectiveLocale;
    // started_at / completed_at are server times; the texts tick in place (no re-render).
    const status = workStatusOf(e.status);
    const started = toTime(e.started_at);
    const ended = toTime(e.completed_at) ?? (isTerminal(status) ? toTime(e.updated_at) : null);
    const elapsed = started != null ? (now: number) => (running ? now : (ended ?? now)) - started : null;
    return html`<li class="item" part="item" ?data-running=${running}>
      <div class="row">
        <span class="agent-icon">${icon('cpu')}</span>
        <span class="grow agent" part="agent">${clipped(e.agent_id, { max: 60, fallback: s.agentFallback })}</span>
        ${lookBadge(workLook[status], s.status[status] ?? s.status.unknown)}
      </div>
      <div class="times">
        <span title=${formatDateTime(loc, started) ?? nothing}
          >${started != null ? html`${s.labelled(s.started)}${tickingAgo(loc, started, s.justNow)}` : s.notStarted}</span
        >
        ${elapsed
          ? html`<span class="num ${running ? 'elapsed' : ''}">${s.labelled(running ? s.elapsed : s.duration)}${tickingDuration(loc, elapsed, s.notAvailable)}</span>`
          : nothing}
      </div>
      ${status === 'failed' && e.error ? html`<p class="error-text">${clipped(e.error, { max: 160 })}</p>` : nothing}
    </li>`;
  }

  #renderBody() {
    const s = this.s;
    const all = this.#all;
    const phase = this.#ctrl.phase;
    const other = stateView(s, { phase, error: this.#ctrl.error, hasData: all.length > 0, missingId: !trimmed(this.streamId), what: s.stream, empty: emptyView(s.noAgents, 'cpu') });
    if (other) return other;
    const byStart = (a: AgentExecution, b: AgentExecution) => (toTime(b.started_at ?? b.created_at) ?? 0) - (toTime(a.started_at ?? a.created_at) ?? 0);
    const active = all.filter((e) => !isTerminal(workStatusOf(e.status))).sort((a, b) => {
      const ra = workStatusOf(a.status) === 'running' ? 0 : 1;
      const rb = workStatusOf(b.status) === 'running' ? 0 : 1;
      return ra - rb || byStart(a, b);
    });
    const max = this.maxItems;
    const finished = all
      .filter((e) => isTerminal(workStatusOf(e.status)))
      .sort((a, b) => (toTime(b.completed_at ?? b.updated_at) ?? 0) - (toTime(a.completed_at ?? a.updated_at) ?? 0))
      .slice(0, max);
    const below = this.headingLevel + 1;
    return html`${heading(below, s.runningNow, { id: 'running-h', cls: 'section-title' })}
      ${active.length
        ? html`<ul class="list" part="running" aria-labelledby="running-h">
            ${repeat(active, (e) => e.id, (e) => this.#renderItem(e, workStatusOf(e.status) === 'running'))}
          </ul>`
        : html`<p class="none">${s.noRunningAgents}</p>`}
      ${finished.length
        ? html`${heading(below, s.recent, { id: 'recent-h', cls: 'section-title' })}
            <ul class="list" part="recent" aria-labelledby="recent-h">
              ${repeat(finished, (e) => e.id, (e) => this.#renderItem(e, false))}
            </ul>`
        : nothing}
      `;
  }

  protected override render() {
    const s = this.s;
    const running = this.#all.filter((e) => workStatusOf(e.status) === 'running').length;
    return html`<section class="card" part="base" aria-labelledby="title">
      <div class="card-header" part="header">
        ${heading(this.headingLevel, trimmed(this.heading) || s.agents, { id: 'title', cls: 'card-title' })}
        ${running
          ? html`<span class="count num">${s.runningAgents(formatNumber(this.effectiveLocale, running) + (this.#ctrl.state.more === 'pinned' ? '+' : ''), running)}</span>`
          : nothing}
        ${trimmed(this.streamId) ? phaseBadge(s, this.#ctrl.phase, this.#ctrl.error) : nothing}
      </div>
      ${this.#renderBody()}
      ${this.#announcer.polite}
    </section>`;
  }
}

RtAgentExecutions.define('rt-agent-executions');

declare global {
  interface HTMLElementTagNameMap {
    'rt-agent-executions': RtAgentExecutions;
  }
}
