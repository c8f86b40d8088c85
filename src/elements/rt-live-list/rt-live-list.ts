import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import { repeat } from '../../internal/repeat.js';
import { LiveQueryController } from '../../controllers/live-query-controller.js';
import type { FeedDef } from '../../core/feeds/feed.js';
import { rowKey, unsafeKey } from '../../core/keys.js';
import { rtError } from '../../core/errors.js';
import type { RtError } from '../../core/types.js';
import { clip, knownOr, trimmed } from '../../internal/format.js';
import { RtElement } from '../../internal/rt-element.js';
import { WORK_STATUSES, workLook } from '../../internal/status.js';
import { clipped, emptyView, heading, lookBadge, phaseBadge, stateView } from '../../internal/templates.js';
import { headingLevelRule, numberAttribute, numberRule } from '../../internal/number-attributes.js';
import { baseStyles } from '../../styles/shared.js';
import { feedStyles } from '../../styles/feed.js';
import { styles } from './rt-live-list.styles.js';

type Row = Record<string, unknown> & { id?: unknown };

/** A column's value as text: a jsonb object or array as compact JSON (rendered as text, never HTML). */
const asText = (value: unknown): string => (value && typeof value === 'object' ? JSON.stringify(value) : String(value));
/**
 * A value as text, or undefined when it has none to show (NULL, missing, empty or only spaces). A
 * number beyond 2^53 was rounded by a JSON parse (the page's own SupabaseClient reads `bigint` and
 * long `numeric` values as JavaScript numbers; rt-monitor's own client keeps them exact as text):
 * "≈" before it, never its rounded digits as if exact, and said once on the console (QA86 M1).
 */
const shown = (value: unknown): string | undefined => (value == null ? undefined : unsafeKey(value) ? rounded(value as number) : asText(value).trim() ? asText(value) : undefined);
let saidRounded = false;
function rounded(value: number): string {
  if (!saidRounded) {
    saidRounded = true;
    console.warn(
      `rt-monitor: <rt-live-list> shows ${value} as ≈${value}: a number beyond 2^53 read rounded (a JSON number: the page's own SupabaseClient reads bigint and long numeric columns so). ` +
        'For exact digits, let rt-monitor make its own client (supabase-url and anon-key), or read the column as text.',
    );
  }
  return `≈${value}`;
}

/**
 * @customElement rt-live-list
 * @summary A live list of the rows of any feed — one you declared for your own table with
 * `defineFeed()` — kept equal to the database: snapshot, live changes, honest Live badge.
 *
 *   const workOrders = defineFeed({ name: 'work-orders', table: 'work_orders', kind: 'list',
 *     filters: [{ column: 'team_id', param: 'teamId', fallback: 'org' }] });
 *   html`<rt-live-list .feed=${workOrders} .params=${{ teamId }} label-field="title" status-field="status"></rt-live-list>`
 *
 * Each row shows `label-field` (text, never HTML), an optional status badge (`status-field`) and
 * an optional secondary line (`detail-field`); `renderItem` replaces the row's content entirely.
 *
 * @fires rt-error - Loading or the subscription failed.
 *
 * @csspart base - The card.
 * @csspart header - Title row.
 * @csspart live-badge - The widget's one status: "Live", "Connecting…", "Stale"… (the cause in its title).
 * @csspart list - The list.
 * @csspart item - One row.
 * @csspart label - The row's label.
 * @csspart status - The row's status badge.
 * @csspart detail - The row's secondary line.
 * @csspart loading - Loading skeleton.
 * @csspart error - Error message.
 * @csspart empty - No rows.
 *
 * @cssproperty --rt-live-list-background - Card background.
 * @cssproperty --rt-live-list-padding - Card padding.
 * @cssstate live - Its data is live: the subscription is confirmed and the data was read after it.
 * @cssstate connecting - Data read over REST is shown; live updates are not confirmed yet.
 * @cssstate stale - The last known data is shown; live updates stopped and a resync runs.
 * @csspart error-detail - Under an error message, its exact cause where the page must fix something (which option, id or column).
 */
export class RtLiveList extends RtElement {
  static override styles = [...baseStyles, feedStyles, styles];

  /** The feed (from `defineFeed()`, or a built-in one from `FEEDS`). Property only. */
  @property({ attribute: false }) feed?: FeedDef;

  /** The feed's parameters, e.g. `{ teamId: 't-1', limit: 20 }`. Property only. */
  @property({ attribute: false }) params: Record<string, unknown> = {};

  /**
   * Column shown as each row's label (default `name`, then `title`, then the key). When set, only
   * that column: NULL reads "—". A field (this, `status-field` or `detail-field`) naming a column
   * none of the rows has (a typo, or the column renamed or dropped while live) is a configuration
   * error (`bad-config`, naming the field and the table), shown instead of the rows and not Live;
   * a row that lacks a column others have shows nothing for it ("—" for the label). Fields are
   * the row's own columns: `constructor` is one only if the table has it.
   */
  @property({ attribute: 'label-field' }) labelField?: string;

  /** Column shown as a status badge (goal / run statuses get their tone, icon and translated words; any other value as it is). */
  @property({ attribute: 'status-field' }) statusField?: string;

  /** Column shown as a secondary line (a jsonb object or array as compact JSON, as text). */
  @property({ attribute: 'detail-field' }) detailField?: string;

  /** Card title (default "Live data"). */
  @property() heading?: string;

  /**
   * Level of the card's title, 1–6 (default 3), to fit the page's outline: under a page's `<h2>`, give 3.
   * Exposed as `role="heading"` with `aria-level`; a value not a whole number from 1 to 6 is said once
   * on the console (below 1: the default; above 6: 6).
   */
  @property({ attribute: 'heading-level', converter: numberAttribute })
  @numberRule(headingLevelRule(3))
  headingLevel = 3;

  /** Renders a row's content instead of label / status / detail (return a Lit template; text stays text). */
  @property({ attribute: false }) renderItem?: (row: Row) => TemplateResult;

  #ctrl: LiveQueryController<FeedDef> | undefined;
  /** `feed` is not a feed (a declaration not passed through `defineFeed()`, say): the cause shown. */
  #badFeed: RtError | null = null;
  /** A field naming a column none of the rows has: the cause shown instead of the rows (QA64 N2). */
  #fieldError: RtError | null = null;

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate?.(changed);
    if (changed.has('feed') && this.#ctrl?.feed !== this.feed) {
      this.#ctrl?.release();
      const feed = this.feed;
      const usable = !feed || (typeof feed.key === 'function' && typeof feed.resolve === 'function');
      this.#badFeed = usable ? null : rtError('bad-config', 'The feed property must be a feed made by defineFeed() (or one of FEEDS), not its declaration.');
      this.#ctrl = feed && usable ? new LiveQueryController<FeedDef>(this, feed, () => this.params) : undefined;
      this.reportError('feed', this.#badFeed);
    }
  }

  protected override controllersUpdated(changed: PropertyValues): void {
    super.controllersUpdated(changed);
    const ctrl = this.#ctrl;
    this.#fieldError = null;
    if (!ctrl) return;
    // QA64 N2: a column renamed under a live list read "Live" over rows of "—".
    const rows = this.#rows;
    const column = (f: 'label' | 'status' | 'detail') => trimmed(this[`${f}Field`]);
    const lacked = this.renderItem ? undefined : (['label', 'status', 'detail'] as const).find((f) => column(f) && rows.length && !rows.some((r) => Object.hasOwn(r, column(f))));
    this.#fieldError = lacked ? rtError('bad-config', `<rt-live-list ${lacked}-field="${column(lacked)}">: table "${ctrl.feed.table}" has no column "${column(lacked)}".`) : null;
    // Its states and `rt-error`, as every widget's (QA39: a list reading "No access" raised none).
    this.reflectFeed(ctrl.feed.table, this.#fieldError ? 'error' : ctrl.phase, this.#fieldError ?? ctrl.error);
  }

  get #rows(): Row[] {
    const data = this.#ctrl?.data as Row[] | Row | null | undefined;
    return Array.isArray(data) ? data : data ? [data] : [];
  }

  /** The row's own column `name` (never an inherited `constructor`, `toString`, `__proto__`…); undefined when it has none. */
  #field(row: Row, name: string | undefined): unknown {
    return name !== undefined && Object.hasOwn(row, name) ? row[name] : undefined;
  }

  /** A known work status in the page's words (`in_progress` → "In progress"), any other value as given (QA38). */
  #statusBadge(status: string) {
    const known = knownOr(status, WORK_STATUSES);
    return lookBadge(workLook[known] ?? workLook.unknown, known === 'unknown' ? clip(status, 40).text : (this.s.status[known] ?? status));
  }

  #renderRow(row: Row) {
    if (this.renderItem) return html`<li class="item" part="item">${this.renderItem(row)}</li>`;
    // A label-field names the one column shown: NULL, missing or blank reads "—", never another column.
    // Column names as typed by hand: " title " is title, and a blank one is none (QA39).
    const [labelField, statusField, detailField] = [this.labelField, this.statusField, this.detailField].map((f) => trimmed(f) || undefined);
    const label = (labelField !== undefined ? shown(this.#field(row, labelField)) : (shown(row.name) ?? shown(row.title) ?? rowKey(row))) ?? this.s.notAvailable;
    const status = shown(this.#field(row, statusField));
    const detail = shown(this.#field(row, detailField));
    return html`<li class="item" part="item">
      <div class="item-main">
        ${clipped(label, { max: 200, part: 'label', cls: 'label' })}
        ${status !== undefined ? this.#statusBadge(status) : nothing}
      </div>
      ${detail !== undefined ? html`<span class="detail" part="detail">${clip(detail, 300).text}</span>` : nothing}
    </li>`;
  }

  #renderBody() {
    const s = this.s;
    const ctrl = this.#ctrl;
    const bad = this.#badFeed ?? this.#fieldError;
    if (bad) return stateView(s, { phase: 'error', error: bad, hasData: false, empty: emptyView(s.noRows) });
    if (!ctrl) return emptyView(s.noIdGiven('feed'));
    const rows = this.#rows;
    return (
      stateView(s, { phase: ctrl.phase, error: ctrl.error, hasData: rows.length > 0, empty: ctrl.feed.kind === 'single' ? undefined : emptyView(s.noRows) }) ??
      html`<ul class="list" part="list">${repeat(rows, (r) => rowKey(r) ?? '', (r) => this.#renderRow(r))}</ul>`
    );
  }

  protected override render() {
    const s = this.s;
    return html`<section class="card" part="base" aria-labelledby="title">
      <div class="card-header" part="header">
        ${heading(this.headingLevel, trimmed(this.heading) || s.liveList, { id: 'title', cls: 'card-title' })}
        ${this.#ctrl ? phaseBadge(s, this.#fieldError ? 'error' : this.#ctrl.phase, this.#fieldError ?? this.#ctrl.error) : nothing}
      </div>
      ${this.#renderBody()}
    </section>`;
  }
}

RtLiveList.define('rt-live-list');

declare global {
  interface HTMLElementTagNameMap {
    'rt-live-list': RtLiveList;
  }
}
