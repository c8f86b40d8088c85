import { css } from 'lit';

export const styles = css`
  :host {
    display: inline-block;
    /* In a container narrower than the text, the text wraps inside the pill (never outside the box). */
    max-width: 100%;
    position: relative;
    vertical-align: middle;
    /* Important: a page rule on our element itself must not set them either (src/styles/shared.ts). */
    --_size-font: var(--_font-size-sm) !important;
    --_size-pad: 3.2px 9.6px !important;
  }
  :host([size='sm']) {
    --_size-font: var(--_font-size-xs) !important;
    --_size-pad: 1.6px 7.2px !important;
  }
  :host([size='lg']) {
    --_size-font: var(--_font-size-lg) !important;
    --_size-pad: 5.6px 13.6px !important;
  }
  /* Its tone's colours come from the shared .badge / [data-tone] rules (src/styles/shared.ts):
     defaults set here, later in the cascade, would paint every status grey. */
  .indicator {
    display: inline-flex;
    align-items: center;
    gap: 0.4em;
    padding: var(--_size-pad);
    border-radius: var(--rt-connection-status-radius, var(--_radius-pill));
    border: 1px solid transparent;
    /* Not font: inherit: our box may carry the page's fonts (src/styles/shared.ts, :where(:host) > *). */
    font-size: var(--_size-font);
    font-weight: var(--_font-weight-medium);
    line-height: 1.4;
    white-space: normal;
    max-width: 100%;
    color: var(--rt-connection-status-color, var(--_tone-fg));
    background: var(--rt-connection-status-background, var(--_tone-bg));
  }
  /* Its words wrap; a word too long for the box ends in "…" (as in every badge, src/styles/shared.ts). */
  .indicator > [part='label'] {
    min-width: 0;
    overflow: clip;
    overflow-clip-margin: 1px;
    overflow-wrap: normal;
    text-overflow: ellipsis;
  }
  .indicator.icon-only {
    padding: 0.25em;
  }
  button.indicator {
    cursor: pointer;
  }
  button.indicator:hover {
    filter: brightness(0.97);
  }
  button.indicator:focus-visible {
    outline: 2px solid var(--_color-focus);
    outline-offset: 2px;
  }
  .icon-wrap {
    display: inline-flex;
    color: var(--rt-connection-status-icon-color, var(--_tone-solid));
  }
  .icon-wrap svg {
    width: 1.1em;
    height: 1.1em;
  }
  .panel {
    position: fixed;
    inset: auto;
    margin: 0;
    min-width: 240px;
    max-width: min(352px, calc(100vw - 16px));
    padding: var(--_space-3);
    border-radius: var(--_radius-md);
    border: 1px solid var(--_color-border);
    background: var(--_color-surface);
    color: var(--_color-text);
    box-shadow: 0 8px 24px rgba(15, 23, 42, 0.16);
    font-family: var(--_font-family);
    font-size: var(--_font-size-sm);
    line-height: var(--_line-height);
    white-space: normal;
  }
  dl {
    display: grid;
    grid-template-columns: auto 1fr;
    gap: var(--_space-1) var(--_space-3);
    margin: 0;
  }
  dt {
    color: var(--_color-text-muted);
  }
  dd {
    margin: 0;
    overflow-wrap: anywhere;
  }
  @media (forced-colors: active) {
    .indicator {
      border-color: CanvasText;
    }
    .icon-wrap {
      color: CanvasText;
    }
    .panel {
      border-color: CanvasText;
    }
  }
`;
