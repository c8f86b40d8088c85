/**
 * Template helpers shared by the elements: badges, state views (loading,
 * stale, empty, error, not found), clipped text and the progress bar.
 * All database values pass through Lit text/attribute bindings only.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { noChange, type ElementPart } from 'lit';
import { Directive, directive, PartType, type PartInfo } from 'lit/directive.js';

/** Sets CSS custom properties through CSSOM (never a `style` attribute, which a strict CSP blocks). */
class CssVars extends Directive {
  constructor(part: PartInfo) {
    super(part);
    if (part.type !== PartType.ELEMENT) throw new Error('cssVars() goes on an element: <div ${cssVars({...})}>');
  }
  render(_vars: Record<string, string>) {
    return noChange;
  }
  /** When this element's values last changed (ms, performance.now()). */
  #changedAt = -Infinity;

  override update(part: ElementPart, [vars]: [Record<string, string>]) {
    const el = part.element as HTMLElement;
    const style = el.style;
    let changed = false;
    // Only on a change: setting a custom property restyles the element even to the same value.
    for (const [name, value] of Object.entries(vars)) {
      if (style.getPropertyValue(name) === value) continue;
      style.setProperty(name, value);
      changed = true;
    }
    if (changed) {
      // Values streaming in (changes less than a second apart): move at once, no transition —
      // a transition per change on every card is what kept the page busy. A lone change animates.
      const now = performance.now();
      el.toggleAttribute('data-instant', now - this.#changedAt < STREAMING_MS);
      this.#changedAt = now;
    }
    return noChange;
  }
}

/** Changes closer together than this skip the bar's transition (see CssVars). */
const STREAMING_MS = 1000;
const cssVars = directive(CssVars);
import type { LiveQueryPhase, RtError } from '../core/types.js';
import type { Tone } from '../styles/tokens.js';
import { clip, MAX_TEXT, wholePercent } from './format.js';
import { icon, type IconName } from './icons.js';
import type { StatusLook } from './status.js';
import type { RtStrings } from './strings.js';

export function badge(opts: {
  tone: Tone;
  text: string;
  icon?: IconName;
  spin?: boolean;
  part?: string;
  live?: boolean;
  dot?: boolean;
  title?: string;
  outline?: boolean;
}): TemplateResult {
  return html`<span
    class="badge ${opts.outline ? 'outline' : ''}"
    part=${opts.part ?? 'badge'}
    data-tone=${opts.tone}
    ?data-live=${opts.live}
    title=${ifDefined(opts.title)}
    >${opts.dot ? html`<span class="live-dot"></span>` : nothing}${opts.icon
      ? icon(opts.icon, opts.spin ? 'spin' : '')
      : nothing}<span>${opts.text}</span>${opts.title ? html`<span class="sr-only">(${opts.title})</span>` : nothing}</span
  >`;
}

export function lookBadge(look: StatusLook, text: string, part = 'status'): TemplateResult {
  return badge({ tone: look.tone, icon: look.icon, spin: look.spin, text, part });
}

/**
 * The one status badge of a data widget, always in the same place (the layout never moves):
 * - `Live` (pulsing dot) only when the widget's own subscription is confirmed and its data was
 *   read after that (phase `live`);
 * - `Connecting…` while data loaded over REST is shown before the subscription is live; `Not live`
 *   (warning) with the cause as its title when that is a network one (the socket keeps failing to
 *   open, the server cannot be reached);
 * - `Stale` (last known data, resync running) after a drop; the hint is the badge's title and
 *   its accessible description, not an extra line;
 * - the true cause when the subscription failed: `Session expired`, `No access`, `Error`.
 * Nothing while loading (the skeleton says it).
 */
/** Realtime delivers changes late (or the page takes them in late), or did not deliver one (src/core/live-query.ts): the data stands, read over REST meanwhile. */
const isLate = (error: RtError) => /^(realtime-behind|delivery-slow|arriving-late|realtime-undelivered)$/.test(error.detail ?? '');

/**
 * The server refused a token the client is renewing by itself (a refusal of a session that cannot
 * be renewed is `session-expired` or detail `token-rejected`; a token source that fails, detail
 * `token-failed`): an outage of a second or two, amber as a network one, not red (QA85 N4). The
 * same details as core's `waitsForToken`, written here so that a widget's first paint does not
 * load core/errors.js (measured: +84 B all-in, +0.1 KB per widget through the loader).
 */
const isRenewing = (error: RtError) => error.code === 'unauthorized' && !/^token-(failed|rejected)$/.test(error.detail ?? '');

export function phaseBadge(s: RtStrings, phase: LiveQueryPhase, error?: RtError | null): TemplateResult | typeof nothing {
  if (phase === 'live') return badge({ tone: 'success', text: s.live, dot: true, live: true, part: 'live-badge' });
  if (phase === 'loading') return nothing;
  const code = error?.code;
  if (code === 'session-expired') return badge({ tone: 'danger', text: s.sessionExpired, icon: 'lock', part: 'live-badge', title: error!.message });
  if (code === 'forbidden') return badge({ tone: 'danger', text: s.noAccess, icon: 'lock', part: 'live-badge', title: error!.message });
  if (phase === 'error' || (error && code !== 'network' && !isLate(error) && !isRenewing(error))) {
    return badge({ tone: 'danger', text: s.notLive, icon: 'alert-triangle', part: 'live-badge', title: error?.message });
  }
  // A network cause (the socket keeps failing to open, the server cannot be reached) is named, not
  // hidden behind "Connecting…": the data shown was read over REST, live updates are not coming.
  if (phase === 'connecting') {
    return error
      ? badge({ tone: 'warning', text: s.notLive, icon: 'alert-triangle', part: 'live-badge', title: errorHint(s, error) })
      : badge({ tone: 'neutral', text: s.connectingData, icon: 'loader', spin: true, part: 'live-badge', title: s.connectingHint });
  }
  return badge({ tone: 'warning', text: s.stale, icon: 'refresh', part: 'live-badge', title: error ? errorHint(s, error) : s.staleHint });
}

const PHASE_RANK: Record<LiveQueryPhase, number> = { live: 0, loading: 1, connecting: 1, stale: 2, error: 3 };

/**
 * One phase for a widget fed by several queries (a stream card: the stream and its agents):
 * live only when all are live; a query still loading next to a shown one reads `connecting`.
 */
export function worstPhase(...phases: LiveQueryPhase[]): LiveQueryPhase {
  let worst: LiveQueryPhase = 'live';
  for (const p of phases) if (PHASE_RANK[p] > PHASE_RANK[worst]) worst = p === 'loading' ? 'connecting' : p;
  return worst;
}

/** Text from the database: truncated, with the full text in `title`, bidi-isolated (`<bdi>`). */
export function clipped(value: unknown, opts: { max?: number; fallback?: string; part?: string; cls?: string } = {}): TemplateResult {
  const { text, full } = clip(value, opts.max ?? MAX_TEXT, opts.fallback ?? '');
  return html`<span class="truncate ${opts.cls ?? ''}" part=${ifDefined(opts.part)} title=${ifDefined(full)}><bdi>${text}</bdi></span>`;
}

export function loadingView(s: RtStrings): TemplateResult {
  return html`<div class="loading" part="loading" aria-busy="true">
    <div class="skeleton" aria-hidden="true"><span></span><span></span><span></span></div>
    <span class="sr-only">${s.loading}</span>
  </div>`;
}

export function messageView(opts: {
  iconName: IconName;
  title: string;
  hint?: string;
  tone?: Tone;
  part?: string;
  action?: TemplateResult;
  /** The technical cause, as text (e.g. which option or id is wrong): `part="error-detail"`. */
  detail?: string;
}): TemplateResult {
  return html`<div class="state" part=${opts.part ?? 'state'} data-tone=${opts.tone ?? 'neutral'}>
    <span class="state-icon">${icon(opts.iconName)}</span>
    <strong>${opts.title}</strong>
    ${opts.hint ? html`<span>${opts.hint}</span>` : nothing}
    ${opts.detail ? html`<span class="error-detail" part="error-detail">${opts.detail}</span>` : nothing} ${opts.action ?? nothing}
  </div>`;
}

/**
 * Codes whose message names the exact cause a page author must fix (which option, which id, which
 * column): shown under the code's words, unless the error's `detail` has words of its own. Also
 * shown under the words for `load-failed` (which file could not be downloaded, and why).
 */
const DETAILED: ReadonlySet<string> = new Set(['bad-config', 'not-configured']);

/** The page's words for an error: by its `detail` when there are words for it (e.g. 'csp-blocked'), else by its code. */
export function errorHint(s: RtStrings, error: RtError): string {
  const m = s.errorMessages;
  return (error.detail !== undefined && Object.prototype.hasOwnProperty.call(m, error.detail) ? m[error.detail] : undefined) ?? m[error.code] ?? m.server;
}

export function errorView(s: RtStrings, error: RtError): TemplateResult {
  if (error.code === 'not-found') return notFoundView(s);
  // A more specific cause by detail first (e.g. 'property-as-attribute'), then by code.
  const hint = errorHint(s, error);
  return html`<div role="alert">
    ${messageView({ iconName: 'alert-triangle', title: s.errorTitle, hint, tone: 'danger', part: 'error', detail: (DETAILED.has(error.code) && hint === s.errorMessages[error.code]) || error.detail === 'load-failed' ? error.message : undefined })}
  </div>`;
}

/**
 * A card's or section's title as a heading of `level` (1–6, from `heading-level`): `role="heading"`
 * with `aria-level`, so that a page fits it into its own outline (QA56 F3: axe `heading-order` for
 * every feed widget under a page's `<h1>`). `focusable`: `tabindex="-1"` (focus moved to it).
 */
export function heading(level: number, content: unknown, o: { id: string; cls?: string; focusable?: boolean }): TemplateResult {
  return html`<div role="heading" aria-level=${Math.min(6, Math.max(1, level))} id=${o.id} class=${o.cls ?? nothing} tabindex=${o.focusable ? '-1' : nothing}>${content}</div>`;
}

export function notFoundView(s: RtStrings): TemplateResult {
  return messageView({ iconName: 'lock', title: s.notFound, hint: s.notFoundHint, part: 'not-found' });
}

export function emptyView(title: string, iconName: IconName = 'inbox'): TemplateResult {
  return messageView({ iconName, title, part: 'empty' });
}

/**
 * The state a data element is in, from its controller, in the order that
 * matters: missing id → error/not-found → loading → not found (single) → empty → data.
 */
export type ViewState = 'missing' | 'error' | 'not-found' | 'loading' | 'empty' | 'data';

export function viewStateOf(opts: {
  phase: LiveQueryPhase;
  error: RtError | null;
  hasData: boolean;
  missingId?: boolean;
  single?: boolean;
}): ViewState {
  if (opts.missingId) return 'missing';
  if (opts.hasData && opts.phase !== 'error') return 'data';
  // A list that was live and held no rows keeps that under Stale through an outage (the badge names
  // the cause), as a list with rows keeps its rows (QA56: "Could not load live data" replaced "No
  // alerts" on a dropped socket). A scope the user can no longer see is not an outage: its error shows.
  if (!opts.single && opts.phase === 'stale' && (!opts.error || isLate(opts.error) || opts.error.code === 'network' || opts.error.code === 'server' || isRenewing(opts.error))) return 'empty';
  // Realtime running behind leaves the rows read over REST standing (the badge names the cause).
  if (opts.phase === 'error' || (opts.error && !isLate(opts.error))) return opts.error?.code === 'not-found' ? 'not-found' : 'error';
  if (opts.phase === 'loading') return 'loading';
  return opts.single ? 'not-found' : 'empty';
}

/**
 * What a data element draws in every state but 'data' ({@link viewStateOf}), or null when it has
 * data to draw: "No <what> selected" without an id, the skeleton while loading, the error's cause,
 * "Not found or no access", and `empty` for a list with no rows (without `empty`, the element shows
 * one row and no row reads as not found).
 */
export function stateView(
  s: RtStrings,
  o: { phase: LiveQueryPhase; error: RtError | null; hasData: boolean; missingId?: boolean; what?: string; empty?: TemplateResult },
): TemplateResult | null {
  switch (viewStateOf({ phase: o.phase, error: o.error, hasData: o.hasData, missingId: o.missingId, single: !o.empty })) {
    case 'missing':
      return emptyView(s.noIdGiven(o.what ?? ''));
    case 'loading':
      return loadingView(s);
    case 'error':
      return errorView(s, o.error ?? { code: 'server', message: '' });
    case 'not-found':
      return notFoundView(s);
    case 'empty':
      return o.empty ?? notFoundView(s);
    default:
      return null;
  }
}

export interface BarOptions {
  percentage: number | null;
  tone?: Tone;
  active?: boolean;
  /** Work not under way (failed, paused, …): an unknown amount shows an empty bar, not a moving one. */
  still?: boolean;
  label: string;
  valueText?: string;
}

/** `role="progressbar"`; `aria-valuenow` left out when indeterminate. */
export function progressBar(o: BarOptions): TemplateResult {
  const unknown = o.percentage == null;
  const indeterminate = unknown && !o.still;
  return html`<div
    class="bar"
    part="track"
    role="progressbar"
    aria-label=${o.label}
    aria-valuemin="0"
    aria-valuemax="100"
    aria-valuenow=${ifDefined(unknown ? undefined : wholePercent(o.percentage!))}
    aria-valuetext=${ifDefined(o.valueText)}
    ?data-indeterminate=${indeterminate}
    ?data-active=${o.active}
  >
    <div
      class="indicator"
      part="indicator"
      data-tone=${o.tone ?? 'info'}
      ${cssVars({ '--_pct': indeterminate ? '35%' : `${o.percentage ?? 0}%` })}
    ></div>
  </div>`;
}
