/**
 * The LiveProgressIndicator body shared by rt-progress, rt-stream-progress,
 * rt-stream-card and rt-scan-progress, and the milestone tracker that decides
 * what is announced (25/50/75 %, completed, failed — never every tick).
 */
import { tickingAgo } from './ticker.js';
import { html, nothing, type TemplateResult } from 'lit';
import type { AcquisitionScan, ConnectionStatus, LiveQueryPhase, RtError, Stream } from '../core/types.js';
import type { RtProgressCompleteDetail } from '../events.js';
import { clampCount, clampPercent, clip, finiteNumber, formatNumber, formatPercent, toTime } from './format.js';
import type { Announcer } from './announcer.js';
import { icon } from './icons.js';
import { connectionLook, connectionStatusOf, connectionText, isActive, workLook, workStatusOf, type WorkStatus } from './status.js';
import { bidi, type RtStrings } from './strings.js';
import { badge, clipped, lookBadge, phaseBadge, progressBar, stateView, viewStateOf } from './templates.js';
import type { Tone } from '../styles/tokens.js';

export interface ProgressModel {
  /** 0–100 (clamped for the bar and the figure), or null when unknown. */
  percentage: number | null;
  /** Non-negative whole counts as the row has them (not clamped to each other), or null. */
  completed: number | null;
  total: number | null;
  status: WorkStatus | null;
  /**
   * The row's figures are out of range (a percentage below 0 or above 100, a negative count, more
   * completed than total): the widget shows an "out of range" badge naming them instead of letting
   * a clamped value pass for the truth. Null when they are in range.
   */
  outOfRange: string | null;
}

/**
 * The row a stream or scan widget shows: the one handed in through its property (by the dashboard
 * or the page, with that feeder's `phase`, default live), else its own subscription's by id.
 */
export function shownRow<R>(
  fed: R | null | undefined,
  fedPhase: LiveQueryPhase | undefined,
  own: { readonly progress: R | null; readonly phase: LiveQueryPhase; readonly error: RtError | null },
): { row: R | null; phase: LiveQueryPhase; error: RtError | null } {
  return fed ? { row: fed, phase: fedPhase ?? 'live', error: null } : { row: own.progress ?? null, phase: own.phase, error: own.error ?? null };
}

/** A stream's progress (`current_progress` JSON and `goal_status`). */
export function streamModel(row: Stream): ProgressModel {
  const p = (row.current_progress ?? {}) as Partial<Stream['current_progress']>;
  return progressModel({ percentage: p.percentage, completed: p.completed, total: p.total, status: row.goal_status });
}

/** An acquisition scan's progress (targets analysed of identified, `status`). */
export function scanModel(row: AcquisitionScan): ProgressModel {
  return progressModel({ percentage: row.progress_percentage, completed: row.targets_analyzed, total: row.targets_identified, status: row.status });
}

/**
 * {@link stateView} for a single-row widget (a stream, a scan): in error, its one status badge (the
 * true cause: "Session expired", "No access", "Not live") stands where its row's header would.
 */
export function singleStateView(s: RtStrings, o: { phase: LiveQueryPhase; error: RtError | null; hasData: boolean; missingId: boolean; what: string }): TemplateResult | null {
  const view = stateView(s, o);
  return viewStateOf({ ...o, single: true }) === 'error'
    ? html`<div class="header" part="header"><span></span><div class="badges">${phaseBadge(s, o.phase, o.error)}</div></div>${view}`
    : view;
}

/**
 * Clamp raw values for drawing; derive the percentage from completed/total when it is missing.
 * Values that had to be clamped (or that contradict each other) are named in `outOfRange`.
 */
export function progressModel(raw: { percentage?: unknown; completed?: unknown; total?: unknown; status?: unknown }): ProgressModel {
  const total = clampCount(raw.total);
  let completed = clampCount(raw.completed);
  const rawCompleted = finiteNumber(raw.completed);
  const rawTotal = finiteNumber(raw.total);
  // Nothing to do (a total of exactly 0) reads "0 of 0"; a negative or fractional total drawn as 0
  // is no such reading (QA33: a completed count that was not a number read "0 of 0" beside a total
  // of -5; QA34: a total of 0.4).
  if (completed == null && rawTotal === 0) completed = 0;
  let percentage = clampPercent(raw.percentage);
  const status = raw.status == null || raw.status === '' ? null : workStatusOf(raw.status);
  if (percentage == null && total != null && total > 0 && completed != null) percentage = Math.min(100, (completed * 100) / total);
  if (percentage == null && status === 'completed') percentage = 100;
  const out: string[] = [];
  const rawPct = finiteNumber(raw.percentage);
  if (rawPct != null && (rawPct < 0 || rawPct > 100)) out.push(`${rawPct}%`);
  if (rawCompleted != null && rawCompleted < 0) out.push(`${rawCompleted}`);
  if (rawTotal != null && rawTotal < 0) out.push(`${rawTotal}`);
  // The row's figures (QA34: against a negative total drawn as 0, the title read "1 > 0").
  if (total != null && completed != null && completed > total && rawTotal! >= 0) out.push(`${completed} > ${total}`);
  // Too large for a double (a 400-digit number in a JSON column reads as Infinity): out of range, not "not set".
  // Named as written, cut after 12 characters with "…" (QA40: a percentage of 1e400 read "100000000000").
  for (const [v, unit] of [[raw.percentage, '%'], [raw.completed, ''], [raw.total, '']]) {
    const t = `${v}`.trim();
    if (Math.abs(Number(v)) === Infinity) out.push(`${t.length > 12 ? `${t.slice(0, 12)}…` : t}${unit}`);
  }
  return { percentage, completed, total, status, outOfRange: out.length ? out.join(', ') : null };
}

export function toneForStatus(status: WorkStatus | null, percentage: number | null): Tone {
  if (status === 'completed' || (status == null && percentage === 100)) return 'success';
  if (status === 'failed') return 'danger';
  if (status === 'paused') return 'warning';
  if (status === 'cancelled') return 'neutral';
  return 'info';
}

export interface ProgressViewOptions {
  s: RtStrings;
  locale: string;
  label: string;
  model: ProgressModel;
  currentStep?: unknown;
  lastUpdated?: unknown;
  connectionStatus?: ConnectionStatus | string | null;
  /** Extra badges after the status (e.g. Live). */
  badges?: TemplateResult | typeof nothing;
  /** Extra meta items (e.g. running agents, duration). */
  meta?: TemplateResult | typeof nothing;
  /** Counts line override (e.g. "4 of 10 targets analysed"). */
  countsText?: string | null;
  /**
   * The status is a row's (a stream's `goal_status`, a scan's `status`), which it always has: a
   * missing one (NULL) shows the neutral "Unknown" badge, as an unrecognised one does. Without
   * this (rt-progress, whose `status` is optional) no status means no badge.
   */
  rowStatus?: boolean;
  headingLevel?: 2 | 3 | 4 | null;
  href?: string | null;
}

/** Work not under way (failed, paused, pending, …): an unknown amount is not "in progress". */
const stillWork = (status: string | null | undefined): boolean => status != null && !isActive(status);

/**
 * The progress bar's `aria-valuetext`: the amount, the counts, and for work not under way its
 * status and an out-of-range reading (a failed scan at "100% complete" says it failed, as its badges do).
 */
export function valueText(s: RtStrings, locale: string, m: ProgressModel): string {
  if (m.percentage == null) return stillWork(m.status) ? s.amountUnknown : s.indeterminate;
  const parts = [s.percentComplete(formatPercent(locale, m.percentage))];
  if (m.completed != null && m.total != null) parts.push(s.progressOf(formatNumber(locale, m.completed), formatNumber(locale, m.total)));
  if (stillWork(m.status)) parts.push(s.status[m.status!] ?? s.status.unknown);
  if (m.outOfRange) parts.push(s.outOfRange);
  return parts.join(', ');
}

export function renderProgressView(o: ProgressViewOptions): TemplateResult {
  const { s, locale, model: m } = o;
  const status = m.status;
  // What the row's status reads as, everywhere (badge, bar, its text): a row without one (NULL)
  // reads "Unknown" (QA40: its bar said "In progress"); rt-progress without one has none.
  const shown = status ?? (o.rowStatus ? 'unknown' : null);
  const tone = toneForStatus(status, m.percentage);
  const updated = toTime(o.lastUpdated);
  const conn = o.connectionStatus ? connectionStatusOf(o.connectionStatus) : null;
  const counts =
    o.countsText !== undefined
      ? o.countsText
      : m.completed != null && m.total != null
        ? s.progressOf(formatNumber(locale, m.completed), formatNumber(locale, m.total))
        : null;
  const title = o.href
    ? html`<a href=${o.href} part="link">${clipped(o.label, { part: 'label' })}</a>`
    : clipped(o.label, { part: 'label' });
  const heading =
    o.headingLevel === 2
      ? html`<h2 class="title">${title}</h2>`
      : o.headingLevel === 3
        ? html`<h3 class="title">${title}</h3>`
        : o.headingLevel === 4
          ? html`<h4 class="title">${title}</h4>`
          : html`<div class="title">${title}</div>`;
  return html`
    <div class="header" part="header">
      ${heading}
      <div class="badges">
        ${shown ? lookBadge(workLook[shown], s.status[shown] ?? s.status.unknown) : nothing} ${o.badges ?? nothing}
        ${m.outOfRange ? badge({ tone: 'warning', icon: 'alert-triangle', text: s.outOfRange, title: m.outOfRange.slice(0, 80), part: 'out-of-range' }) : nothing}
        ${conn ? lookBadge(connectionLook[conn], connectionText(s, conn), 'connection') : nothing}
      </div>
    </div>
    <div class="figures">
      <span class="value num" part="value">${m.percentage == null ? '—' : formatPercent(locale, m.percentage)}</span>
      ${counts ? html`<span class="counts num muted" part="counts">${counts}</span>` : nothing}
    </div>
    ${progressBar({
      percentage: m.percentage,
      tone,
      active: status != null && isActive(status),
      still: stillWork(shown),
      // Database text, as everywhere: bidi controls dropped (QA22: "invoice\u202Egnp.exe" in the label).
      label: bidi(s, clip(o.label, 200, s.progress).text),
      valueText: valueText(s, locale, shown === status ? m : { ...m, status: shown }),
    })}
    <div class="meta" part="details">
      ${o.currentStep != null && o.currentStep !== ''
        ? html`<span class="step" part="step">${icon('activity')}<span class="sr-only">${s.labelled(s.currentStep)}</span>${clipped(o.currentStep, { max: 80 })}</span>`
        : nothing}
      ${o.meta ?? nothing}
      <span class="updated" part="updated">${icon('clock')}${updated != null
          ? html`<time datetime=${new Date(updated).toISOString()}>${tickingAgo(locale, updated, s.justNow, s.updated)}</time>`
          : s.neverUpdated}</span>
    </div>
  `;
}

/**
 * Decides when progress is worth announcing and when it completed.
 *
 * With a `kind` ('stream', 'scan'), announcements are page-wide: a milestone of (kind, id) is
 * spoken once per page, by the first widget that observes it (src/internal/announcements.ts),
 * however many widgets show the same row. `completed` (the element's `rt-progress-complete`
 * event) stays per element: a listener on one widget hears that widget.
 */
export class ProgressTracker {
  constructor(private readonly kind: string | null = null) {}

  #lastKey: string | null = null;
  #lastLabel: string | null = null;
  #lastBucket: number | null = null;
  #lastStatus: string | null = null;
  #lastComplete: boolean | null = null;

  /**
   * `observe` for the stream or scan row a widget shows (null: none), labelled by its name
   * (`fallback` when it has none): fires `rt-progress-complete` on `host` when the row just
   * completed, and says this change's words, if any, with `announcer`; once it shows another row
   * or none, what was said about the old one is cleared (its words do not linger).
   */
  follow(
    host: { readonly effectiveLocale: string; emit(name: 'rt-progress-complete', detail: RtProgressCompleteDetail): boolean },
    row: Stream | AcquisitionScan | null,
    model: (row: Stream & AcquisitionScan) => ProgressModel,
    fallback: string,
    s: RtStrings,
    announcer: Announcer,
  ): void {
    if (!row) return announcer.clear();
    const label = clip(row.name, 80, fallback).text;
    const m = model(row as Stream & AcquisitionScan);
    // Words about another row, an old name or progress since undone (QA24: "75%" kept after a reset to 10 %) go.
    if (row.id !== this.#lastKey || label !== this.#lastLabel || Math.floor((m.percentage ?? 0) / 25) < (this.#lastBucket ?? 0)) announcer.clear();
    this.#lastLabel = label;
    const { announce, completed, key } = this.observe(row.id, label, m, s, host.effectiveLocale);
    if (completed) host.emit('rt-progress-complete', { kind: this.kind === 'scan' ? 'scan' : 'stream', id: row.id, label, record: row });
    // With the row's creation time (a number: REST and Realtime spell it differently): two
    // projects' rows of one id (integer keys) are two events.
    if (announce) announcer.say([announce], false, [key && `${key}\u0000${toTime(row.created_at)}`]);
  }

  /**
   * Feed the current state; returns `{announce, completed}` for this change and, with a `kind`,
   * the page-wide `key` of the milestone announced (the announcer says it once per page).
   * The first observation of a key never announces or completes.
   */
  observe(key: string, label: string, m: ProgressModel, s: RtStrings, locale: string): { announce: string | null; completed: boolean; key?: string } {
    const complete = m.status === 'completed' || (m.status == null && m.percentage === 100);
    const bucket = m.percentage == null ? null : Math.floor(m.percentage / 25);
    const status = m.status ?? null;
    let announce: string | null = null;
    let milestone = '';
    let completed = false;
    if (key !== this.#lastKey) {
      this.#lastKey = key;
    } else {
      if (complete && this.#lastComplete === false) {
        completed = true;
        announce = s.progressComplete(label);
        milestone = 'completed';
      } else if (status === 'failed' && this.#lastStatus !== 'failed') {
        announce = s.progressFailed(label);
        milestone = 'failed';
      } else if (!complete && bucket != null && this.#lastBucket != null && bucket > this.#lastBucket && bucket > 0 && bucket < 4) {
        // Said at a quarter crossed, with the value shown (a jump from 10 to 40 % is "40%", not "25%").
        announce = s.progressMilestone(label, formatPercent(locale, m.percentage!));
        milestone = String(bucket * 25);
      }
    }
    this.#lastBucket = bucket;
    this.#lastStatus = status;
    this.#lastComplete = complete;
    return { announce, completed, key: this.kind ? `${this.kind}\u0000${key}\u0000${milestone}` : undefined };
  }
}
