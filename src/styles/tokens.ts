/**
 * Design tokens. Three layers (as in Material Web and Shoelace):
 *
 * 1. Public tokens a page may set anywhere above the element: `--rt-color-*`,
 *    `--rt-space-*`, `--rt-font-*`, `--rt-radius-*`, `--rt-shadow-*`.
 * 2. Per-element properties (e.g. `--rt-progress-indicator-color`) that fall
 *    back to the tokens; documented with `@cssproperty` on each element.
 * 3. Private `--_*` variables, set here on `:host` from (1) with a light or dark
 *    default. Elements read only `--_*` and their own per-element properties.
 *
 * Light or dark: every colour default is `light-dark(light, dark)`, so it follows the element's
 * used `color-scheme`. By default (`theme` unset or `page`) the element sets none and inherits the
 * host page's: a page that says `color-scheme: light` (or nothing) keeps light cards in a dark OS;
 * a page that says `light dark` follows the OS like its own form controls. `theme="auto"` sets
 * `color-scheme: light dark` (the OS decides), `light` / `dark` force one. The theme comes from the
 * element's own `theme` attribute, else the provider's (via `rtThemeContext`). RtElement exposes
 * the resolved scheme as the custom states `:state(light)` / `:state(dark)`.
 */
import { css, unsafeCSS } from 'lit';

type TokenMap = Record<string, string>;

/** Colour tokens: public name (without `--rt-`) → [light, dark] default. */
export const colorTokens: Record<string, [string, string]> = {
  'color-surface': ['#ffffff', '#0f172a'],
  'color-surface-alt': ['#f8fafc', '#1e293b'],
  'color-text': ['#0f172a', '#f1f5f9'],
  'color-text-muted': ['#475569', '#a3b1c6'],
  'color-border': ['#e2e8f0', '#334155'],
  'color-primary': ['#2563eb', '#60a5fa'],
  'color-on-primary': ['#ffffff', '#0f172a'],
  'color-focus': ['#2563eb', '#93c5fd'],
  'color-track': ['#e2e8f0', '#334155'],
  'color-skeleton': ['#eef2f7', '#1e293b'],

  'color-success': ['#16a34a', '#22c55e'],
  'color-success-text': ['#166534', '#86efac'],
  'color-success-bg': ['#dcfce7', '#123a30'],
  'color-warning': ['#d97706', '#f59e0b'],
  'color-warning-text': ['#92400e', '#fcd34d'],
  'color-warning-bg': ['#fef3c7', '#3a3020'],
  'color-danger': ['#dc2626', '#f87171'],
  'color-danger-text': ['#991b1b', '#fca5a5'],
  'color-danger-bg': ['#fee2e2', '#3d1f2a'],
  'color-neutral': ['#64748b', '#94a3b8'],
  'color-neutral-text': ['#334155', '#cbd5e1'],
  'color-neutral-bg': ['#f1f5f9', '#263145'],
  'color-info': ['#2563eb', '#60a5fa'],
  'color-info-text': ['#1e40af', '#93c5fd'],
  'color-info-bg': ['#dbeafe', '#172c55'],

  'shadow-card': ['0 1px 2px rgba(15, 23, 42, 0.06), 0 1px 3px rgba(15, 23, 42, 0.08)', '0 1px 2px rgba(0, 0, 0, 0.4)'],
};

/** Theme-independent tokens. */
export const staticTokens: TokenMap = {
  'font-family': "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif",
  'font-family-mono': "ui-monospace, SFMono-Regular, Menlo, Consolas, 'Liberation Mono', monospace",
  'font-size-xs': '12px',
  'font-size-sm': '13px',
  'font-size-md': '14px',
  'font-size-lg': '16px',
  'font-size-xl': '20px',
  'font-weight-normal': '400',
  'font-weight-medium': '500',
  'font-weight-bold': '600',
  'line-height': '1.45',
  'space-1': '4px',
  'space-2': '8px',
  'space-3': '12px',
  'space-4': '16px',
  'space-5': '24px',
  'space-6': '32px',
  'radius-sm': '6px',
  'radius-md': '8px',
  'radius-lg': '12px',
  'radius-pill': '999px',
  'transition-duration': '240ms',
};

/**
 * The default of a token for both schemes. Colours become `light-dark(light, dark)`; the card
 * shadow (not a colour, so `light-dark()` cannot hold it whole) becomes the same two-layer shadow
 * with `light-dark()` colours, equal to the light and the dark default.
 */
function lightDark(name: string, [light, dark]: [string, string]): string {
  if (name === 'shadow-card') {
    return '0 1px 2px light-dark(rgba(15, 23, 42, 0.06), rgba(0, 0, 0, 0.4)), 0 1px 3px light-dark(rgba(15, 23, 42, 0.08), transparent)';
  }
  return `light-dark(${light}, ${dark})`;
}

const colorDecls = Object.entries(colorTokens)
  .map(([name, values]) => `--_${name}: var(--rt-${name}, ${lightDark(name, values)}) !important;`)
  .join('\n');

const staticDecls = Object.entries(staticTokens)
  .map(([name, value]) => `--_${name}: var(--rt-${name}, ${value}) !important;`)
  .join('\n');

/**
 * Tokens for every element's `:host`, declared ONCE per widget tree: an element rendered inside
 * another rt-monitor element's shadow root with the same theme (a dashboard's cards) has the
 * custom state `:state(nested)` and inherits the outer element's values instead of redeclaring
 * them (fewer custom properties to compute on every style recalculation). Important: a page rule on
 * our element itself (`rt-x { --_color-text: hotpink }`) would beat `:host` otherwise; the page
 * themes through `--rt-*` (QA63 F1, src/styles/shared.ts, resetStyles).
 */
export const tokens = css`
  :host(:not(:state(nested))) {
    ${unsafeCSS(staticDecls)}
    ${unsafeCSS(colorDecls)}
  }
  :host(:state(theme-auto)) {
    color-scheme: light dark;
  }
  :host(:state(theme-light)) {
    color-scheme: light;
  }
  :host(:state(theme-dark)) {
    color-scheme: dark;
  }
`;

/** Tone (colour family) of a status, priority or type. */
export type Tone = 'success' | 'warning' | 'danger' | 'neutral' | 'info';
