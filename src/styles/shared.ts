/**
 * Styles shared by the elements: host reset, card, badges (icon + text, never
 * colour alone), state views, buttons, progress bar, lists. Each element adds
 * its own `rt-x.styles.ts` on top.
 */
import { css } from 'lit';
import { tokens } from './tokens.js';

/**
 * Host reset, first in every element's styles: the host page must not push its inherited
 * properties into our shadow roots (`html { font-size: 62.5% }` is handled by px tokens;
 * this handles `body { line-height: 3; letter-spacing: 4px; text-transform: uppercase;
 * text-align: right; white-space: nowrap; font: italic 900 … }` and every other inherited
 * property, present or future). `all: initial` leaves alone exactly what we want the page
 * to control: custom properties (the `--rt-*` tokens keep inheriting) and `direction` /
 * `unicode-bidi`. `hostStyles` then sets our own text values, and the words' direction.
 *
 * Deliberately inherited again: `color-scheme` (the default theme follows the host page's light or
 * dark, src/styles/tokens.ts), `visibility` (a page hiding a region hides us too),
 * `cursor` (a card inside a link shows the link's pointer), `pointer-events` (a page
 * disabling a region) and `print-color-adjust` (the page's print choice).
 *
 * Rules that select our element itself (`rt-x { … }`, `* { … }`) still win over `:host`:
 * that is the page styling our box on purpose. Nothing inside inherits box-sizing from it.
 *
 * Private custom properties: `all` leaves every custom property alone, so a page that sets
 * `:root { --_card-border: hotpink; --_clamp: 1 }` would reach each `--_x` we read with a fallback
 * (`var(--_clamp, 2)`) or declare only on some elements (the tone classes' `--_tone-bar`) (QA63 F1).
 * Each such name starts here as `initial` (no value: our fallback applies, as on a page that sets
 * nothing). The ones with a value of their own on `:host` (the tokens, src/styles/tokens.ts, and
 * an element's `--_gap` or `--_size-*`) are declared there instead. All of them `!important`: a
 * shadow tree's important declarations beat the page's, even a rule on our element itself
 * (`rt-stream-card { --_card-radius: 0 !important }`). test/elements/private-properties.test.ts
 * finds every `--_x` in the styles, so a new one left out here fails it.
 */
export const resetStyles = css`
  :host {
    all: initial;
    color-scheme: inherit;
    visibility: inherit;
    cursor: inherit;
    pointer-events: inherit;
    print-color-adjust: inherit;
    --_card-bg: initial !important;
    --_card-padding: initial !important;
    --_card-border: initial !important;
    --_card-radius: initial !important;
    --_clamp: initial !important;
    --_tone-fg: initial !important;
    --_tone-bg: initial !important;
    --_tone-solid: initial !important;
    --_tone-bar: initial !important;
    --_accent: initial !important;
    --_pct: initial !important;
    --_font-mono: initial !important;
  }
`;

/** Our own text values on `:host`, all px-based through the tokens (never `rem`). */
export const hostStyles = css`
  :host {
    display: block;
    box-sizing: border-box;
    font-family: var(--_font-family);
    font-size: var(--_font-size-md);
    font-weight: var(--_font-weight-normal);
    line-height: var(--_line-height);
    color: var(--_color-text);
    -webkit-font-smoothing: antialiased;
    /* A word longer than its line (a slug, a URL, a German compound) breaks instead of running out
       of the box. break-word, not anywhere: it leaves min-content sizes, and so layout at normal
       widths, as they are. */
    overflow-wrap: break-word;
    /* A widget's changes (a ticking time, a new value) relayout only the widget, not the page. */
    contain: layout style;
    min-width: 0;
  }
  /* A page rule that selects our element itself beats :host (the outer context wins): "* { all:
     unset }" takes the values above off our box, which then inherits the page's text styles. The
     shadow tree's top-level elements take ours again; at zero specificity, every rule of an
     element still wins. Letter and word spacing set on our element pass on to the text: that is a
     user's text-spacing stylesheet (WCAG 1.4.12: "* { letter-spacing: .12em !important }"), which
     cannot reach into the shadow tree otherwise (the page's own spacing stops at :host above). */
  :where(:host) > * {
    font: var(--_font-weight-normal) var(--_font-size-md) / var(--_line-height) var(--_font-family);
    font-feature-settings: normal;
    font-kerning: auto;
    color: var(--_color-text);
    -webkit-text-fill-color: currentcolor;
    -webkit-text-stroke: 0;
    -webkit-font-smoothing: antialiased;
    letter-spacing: inherit;
    word-spacing: inherit;
    text-transform: none;
    text-align: start;
    text-indent: 0;
    text-shadow: none;
    text-rendering: auto;
    white-space: normal;
    word-break: normal;
    overflow-wrap: break-word;
    hyphens: manual;
    tab-size: 8;
    /* The rest of what a page rule on our element passes down and :host's "all: initial" keeps
       off otherwise (QA56: "* { writing-mode: vertical-rl }" laid the widgets out sideways and
       the progress bars had no width; "-webkit-text-security: disc" turned the text to dots). */
    writing-mode: horizontal-tb;
    text-orientation: mixed;
    -webkit-text-security: none;
    text-emphasis: none;
    text-align-last: auto;
    line-break: auto;
    text-underline-position: auto;
    font-synthesis: weight style small-caps;
    font-variation-settings: normal;
    font-size-adjust: none;
    font-optical-sizing: auto;
    text-wrap-style: auto;
  }
  /* The words' direction, not the page's: English inside a page styled "direction: rtl" (no dir
     attribute, so no :dir(rtl)) read "of 100 24". A dir attribute on the element (the page's, or
     the one rt-monitor sets, src/internal/rt-element.ts) decides instead. */
  :host(:not([dir])) {
    direction: ltr;
  }
  :host(:not([dir]):state(rtl)) {
    direction: rtl;
  }
  :host([hidden]) {
    display: none !important;
  }
  /* Not inherit: a page rule "* { box-sizing: content-box }" matches our host element. */
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  .sr-only {
    position: absolute !important;
    width: 1px;
    height: 1px;
    padding: 0;
    margin: -1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    clip-path: inset(50%);
    white-space: nowrap;
    border: 0;
  }
  /* A ticking text's box (src/internal/ticker.ts, steadyTicking): as wide as the widest text the
     tick can reach (data-reserve*, drawn invisibly in the same grid cell), so "just now" → "10
     seconds ago" or "9 s" → "10 s" never re-wraps its line and the widget keeps its height. */
  .steady {
    display: inline-grid;
  }
  .steady > span,
  .steady::before,
  .steady::after {
    grid-area: 1 / 1;
  }
  .steady::before,
  .steady::after {
    content: attr(data-reserve);
    visibility: hidden;
    pointer-events: none;
  }
  .steady::after {
    content: attr(data-reserve-alt);
  }
  svg.icon {
    width: 1em;
    height: 1em;
    flex: none;
    vertical-align: -0.125em;
  }
  /* Database text: at most two lines (or --_clamp), broken anywhere so a long word never widens the page. */
  .truncate {
    display: -webkit-box;
    -webkit-box-orient: vertical;
    -webkit-line-clamp: var(--_clamp, 2);
    overflow: hidden;
    overflow-wrap: anywhere;
    min-width: 0;
  }
  /* A phone, or a page zoomed to 200-400% (WCAG 1.4.10 reflow): all of it, on more lines. */
  @media (max-width: 640px) {
    .truncate {
      -webkit-line-clamp: none;
    }
  }
  .muted {
    color: var(--_color-text-muted);
  }
  .num {
    font-variant-numeric: tabular-nums;
  }
`;

export const cardStyles = css`
  .card {
    position: relative;
    background: var(--_card-bg, var(--_color-surface));
    color: var(--_color-text);
    border: 1px solid var(--_card-border, var(--_color-border));
    border-radius: var(--_card-radius, var(--_radius-lg));
    box-shadow: var(--_shadow-card);
    padding: var(--_card-padding, var(--_space-4));
    min-width: 0;
  }
  .card-header {
    display: flex;
    align-items: center;
    gap: var(--_space-2);
    flex-wrap: wrap;
    margin-bottom: var(--_space-3);
  }
  .card-title {
    margin: 0;
    font-size: var(--_font-size-lg);
    font-weight: var(--_font-weight-bold);
    line-height: 1.3;
    flex: 1 1 auto;
    min-width: 0;
    overflow-wrap: anywhere;
  }
`;

export const badgeStyles = css`
  .badge {
    --_tone-fg: var(--_color-neutral-text);
    --_tone-bg: var(--_color-neutral-bg);
    --_tone-solid: var(--_color-neutral);
    display: inline-flex;
    align-items: center;
    gap: 0.3em;
    padding: 2px 8px;
    border-radius: var(--_radius-pill);
    font-size: var(--_font-size-xs);
    font-weight: var(--_font-weight-medium);
    line-height: 1.4;
    color: var(--_tone-fg);
    background: var(--_tone-bg);
    border: 1px solid transparent;
    /* One line where it fits: a badge in a row never shrinks (the row wraps instead). Only in a
       container narrower than its text does it wrap its words, and a word too long ends in "…". */
    flex-shrink: 0;
    max-width: 100%;
  }
  .badge > span:not([class]) {
    min-width: 0;
    overflow: clip;
    overflow-clip-margin: 1px;
    overflow-wrap: normal;
    text-overflow: ellipsis;
  }
  [data-tone='success'] {
    --_tone-fg: var(--_color-success-text);
    --_tone-bg: var(--_color-success-bg);
    --_tone-solid: var(--_color-success);
  }
  [data-tone='warning'] {
    --_tone-fg: var(--_color-warning-text);
    --_tone-bg: var(--_color-warning-bg);
    --_tone-solid: var(--_color-warning);
  }
  [data-tone='danger'] {
    --_tone-fg: var(--_color-danger-text);
    --_tone-bg: var(--_color-danger-bg);
    --_tone-solid: var(--_color-danger);
  }
  [data-tone='info'] {
    --_tone-fg: var(--_color-info-text);
    --_tone-bg: var(--_color-info-bg);
    --_tone-solid: var(--_color-info);
  }
  [data-tone='neutral'] {
    --_tone-fg: var(--_color-neutral-text);
    --_tone-bg: var(--_color-neutral-bg);
    --_tone-solid: var(--_color-neutral);
  }
  .badge.outline {
    background: transparent;
    border-color: currentColor;
  }
  .live-dot {
    width: 0.5em;
    height: 0.5em;
    border-radius: 50%;
    background: var(--_tone-solid);
    flex: none;
  }
  /* No animation runs while nothing changes (a page of 100 cards stays idle): the live dot and
     the "in progress" loader icons are still; the bar moves only when its value does. */
  .spin {
    transform-origin: center;
  }
  /* Paused while off screen (set by RtElement through an IntersectionObserver). */
  :host(:state(offscreen)) *,
  :host(:state(offscreen)) *::after {
    animation-play-state: paused !important;
  }
  @media (forced-colors: active) {
    .badge {
      border: 1px solid CanvasText;
    }
    .live-dot {
      background: CanvasText;
      forced-color-adjust: none;
    }
  }
`;

export const buttonStyles = css`
  button,
  .button {
    font: inherit;
    /* A button at the top of a shadow tree would inherit these from a box carrying the page's. */
    font-family: var(--_font-family);
    font-style: normal;
    font-variant: normal;
    font-stretch: normal;
    font-feature-settings: normal;
    font-kerning: auto;
    font-variation-settings: normal;
    font-size-adjust: none;
    font-optical-sizing: auto;
    font-size: var(--_font-size-sm);
    font-weight: var(--_font-weight-medium);
    /* The UA's buttons reset spacing: a user's text spacing (WCAG 1.4.12) reaches them too. */
    letter-spacing: inherit;
    word-spacing: inherit;
    display: inline-flex;
    align-items: center;
    gap: var(--_space-1);
    padding: 4.8px 10.4px;
    border-radius: var(--_radius-sm);
    border: 1px solid var(--_color-border);
    background: var(--_color-surface);
    color: var(--_color-text);
    cursor: pointer;
    text-decoration: none;
    /* In a container narrower than its text a button wraps its words rather than spill out. */
    max-width: 100%;
  }
  button:hover {
    background: var(--_color-surface-alt);
  }
  button.link {
    border-color: transparent;
    background: transparent;
    color: var(--_color-primary);
    padding: 3.2px 5.6px;
  }
  button.link:hover {
    text-decoration: underline;
    background: transparent;
  }
  button:focus-visible,
  a:focus-visible,
  [tabindex]:focus-visible,
  select:focus-visible {
    outline: 2px solid var(--_color-focus);
    outline-offset: 2px;
  }
  a {
    color: var(--_color-primary);
  }
  @media (forced-colors: active) {
    button {
      border: 1px solid ButtonText;
    }
  }
`;

export const stateStyles = css`
  .state {
    display: flex;
    flex-direction: column;
    align-items: center;
    justify-content: center;
    text-align: center;
    gap: var(--_space-1);
    padding: var(--_space-4) var(--_space-3);
    min-height: 88px;
    color: var(--_color-text-muted);
    font-size: var(--_font-size-sm);
  }
  .state .state-icon {
    font-size: 24px;
    line-height: 1;
  }
  .state strong {
    color: var(--_color-text);
    font-weight: var(--_font-weight-medium);
    font-size: var(--_font-size-md);
  }
  .state .error-detail {
    font-family: var(--_font-mono, ui-monospace, monospace);
    font-size: var(--_font-size-xs, 12px);
    overflow-wrap: anywhere;
    max-width: 100%;
  }
  .state[data-tone='danger'] .state-icon {
    color: var(--_color-danger);
  }
  .state[data-tone='warning'] .state-icon {
    color: var(--_color-warning);
  }
  .skeleton {
    display: grid;
    gap: var(--_space-2);
    padding: var(--_space-1) 0;
    /* Its width where the page sizes the widget to content (a flex row, a float): its bars have
       none of their own (QA32); the box it is given otherwise, however narrow. */
    contain: inline-size;
    contain-intrinsic-inline-size: 240px;
  }
  .skeleton span {
    display: block;
    height: 12px;
    border-radius: var(--_radius-sm);
    background: var(--_color-skeleton);
    animation: rt-skeleton 1.4s ease-in-out infinite;
  }
  .skeleton span:nth-child(1) {
    width: 55%;
    height: 16px;
  }
  .skeleton span:nth-child(2) {
    width: 100%;
  }
  .skeleton span:nth-child(3) {
    width: 35%;
  }
  @keyframes rt-skeleton {
    0%,
    100% {
      opacity: 1;
    }
    50% {
      opacity: 0.45;
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .skeleton span {
      animation: none;
    }
  }
  @media (forced-colors: active) {
    .skeleton span {
      border: 1px solid CanvasText;
    }
  }
`;

export const progressStyles = css`
  .bar {
    position: relative;
    height: var(--rt-progress-height, 8px);
    border-radius: var(--rt-progress-radius, var(--_radius-pill));
    background: var(--rt-progress-track-color, var(--_color-track));
    overflow: hidden;
  }
  /* The fill is the full track, moved by a transform (composited; no layout per change). */
  .indicator {
    position: absolute;
    inset: 0;
    border-radius: inherit;
    background: var(--rt-progress-indicator-color, var(--_tone-bar, var(--_color-primary)));
    transform: translateX(calc(var(--_pct, 0%) - 100%));
    transition: transform var(--_transition-duration) ease-out;
  }
  /* Out of view the bar jumps: its catch-up renders come a second apart, and a transition nobody
     sees still makes a composited layer per card (layerize and commit cost in every frame). */
  .indicator[data-instant],
  :host(:state(offscreen)) .indicator {
    transition: none;
  }
  .indicator:dir(rtl) {
    transform: translateX(calc(100% - var(--_pct, 0%)));
  }
  [data-tone='success'] .indicator,
  .indicator[data-tone='success'] {
    --_tone-bar: var(--_color-success);
  }
  .indicator[data-tone='danger'] {
    --_tone-bar: var(--_color-danger);
  }
  .indicator[data-tone='warning'] {
    --_tone-bar: var(--_color-warning);
  }
  .indicator[data-tone='neutral'] {
    --_tone-bar: var(--_color-neutral);
  }
  .bar[data-indeterminate] .indicator {
    inset: 0 auto 0 0;
    width: 35%;
    transform: translateX(-100%);
    animation: rt-indeterminate 1.6s ease-in-out infinite;
  }
  @keyframes rt-indeterminate {
    0% {
      transform: translateX(-100%);
    }
    100% {
      transform: translateX(286%);
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .indicator {
      transition: none;
    }
    .bar[data-indeterminate] .indicator {
      animation: none;
      width: 100%;
      transform: none;
      opacity: 0.5;
    }
  }
  @media (forced-colors: active) {
    .bar {
      border: 1px solid CanvasText;
      background: Canvas;
    }
    .indicator {
      background: Highlight;
      forced-color-adjust: none;
    }
  }
`;

export const listStyles = css`
  .list {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
  }
  .item {
    display: grid;
    gap: var(--_space-1);
    padding: var(--_space-3) var(--_space-1);
    border-top: 1px solid var(--_color-border);
    min-width: 0;
    /* A row out of view skips style, layout and paint (QA62 F2: a change to a 1,000-row list laid out
       every row, 0.3 s a frame); screen readers and find-in-page still read it. Its last height
       holds its place (56px before it was ever shown). */
    content-visibility: auto;
    contain-intrinsic-size: auto none auto 56px;
  }
  .item:first-child {
    border-top: 0;
  }
  .item:focus-visible {
    outline: 2px solid var(--_color-focus);
    outline-offset: -2px;
    border-radius: var(--_radius-sm);
  }
  /* A label and its badge: on one line while the label keeps 5em, else the badge goes below. */
  .row {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--_space-2);
    min-width: 0;
  }
  .grow {
    flex: 1 1 0;
    min-width: min(5em, 100%);
  }
  .section-title {
    margin: var(--_space-3) 0 var(--_space-1);
    font-size: var(--_font-size-xs);
    font-weight: var(--_font-weight-bold);
    letter-spacing: 0.04em;
    text-transform: uppercase;
    color: var(--_color-text-muted);
  }
`;

/** Everything most data elements need. */
export const baseStyles = [resetStyles, tokens, hostStyles, cardStyles, badgeStyles, buttonStyles, stateStyles];
