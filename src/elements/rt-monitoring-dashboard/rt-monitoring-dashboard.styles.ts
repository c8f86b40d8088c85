import { css } from 'lit';
import { contentWidth } from '../../styles/content-width.js';

export const styles = css`
  ${contentWidth(720)}
  :host {
    /* Important: a page rule on our element itself must not set it (src/styles/shared.ts). */
    --_gap: var(--rt-dashboard-gap, var(--_space-4)) !important;
  }
  /* A user's text spacing (WCAG 1.4.12) reaches the widgets inside, past their :host reset, and
     the stream picker, past the UA's. */
  rt-stream-card, rt-scan-progress, rt-agent-executions, rt-signal-alerts, rt-notifications, rt-connection-status, select {
    letter-spacing: inherit;
    word-spacing: inherit;
  }
  .dashboard {
    container-type: inline-size;
    display: grid;
    gap: var(--_gap);
    color: var(--_color-text);
  }
  /* theme="light" / "dark" / "auto": on a surface of that scheme, not the page's background. */
  :host(:state(own-surface)) .dashboard {
    background: var(--_color-surface-alt);
    border-radius: var(--_radius-lg);
    padding: var(--_gap);
  }
  .top {
    display: flex;
    align-items: center;
    justify-content: space-between;
    flex-wrap: wrap;
    gap: var(--_space-2);
  }
  .title {
    margin: 0;
    font-size: var(--rt-dashboard-title-size, 22px);
    font-weight: var(--_font-weight-bold);
    letter-spacing: -0.01em;
    min-width: 0;
    overflow-wrap: anywhere;
  }
  .layout {
    display: grid;
    gap: var(--_gap);
    grid-template-columns: minmax(0, 1fr);
    align-items: start;
  }
  .main,
  .side {
    display: grid;
    /* One column as wide as the layout's, whatever the sections hold (not the widest content's). */
    grid-template-columns: minmax(0, 1fr);
    gap: var(--_gap);
    min-width: 0;
  }
  @container (min-width: 960px) {
    .layout {
      grid-template-columns: minmax(0, 2fr) minmax(288px, 1fr);
    }
  }
  .section-heading {
    margin: 0 0 var(--_space-2);
    font-size: var(--_font-size-md);
    font-weight: var(--_font-weight-bold);
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--_space-2);
  }
  .cards {
    display: grid;
    gap: var(--_space-3);
    grid-template-columns: repeat(auto-fill, minmax(min(100%, 272px), 1fr));
  }
  .panel {
    background: var(--_color-surface);
    border: 1px solid var(--_color-border);
    border-radius: var(--_radius-lg);
    box-shadow: var(--_shadow-card);
  }
  .picker {
    display: flex;
    align-items: center;
    gap: var(--_space-2);
    font-size: var(--_font-size-sm);
    color: var(--_color-text-muted);
    margin-bottom: var(--_space-2);
    flex-wrap: wrap;
  }
  select {
    font: inherit;
    font-size: var(--_font-size-sm);
    color: var(--_color-text);
    background: var(--_color-surface);
    border: 1px solid var(--_color-border);
    border-radius: var(--_radius-sm);
    padding: 4.8px 8px;
    max-width: 100%;
    min-width: 0;
  }
  .count {
    font-weight: var(--_font-weight-normal);
    color: var(--_color-text-muted);
    font-size: var(--_font-size-sm);
  }
`;
