import { css } from 'lit';
import { contentWidth } from '../../styles/content-width.js';

export const styles = css`
  .card {
    --_card-bg: var(--rt-diagnostics-background, var(--_color-surface));
    --_card-padding: var(--rt-diagnostics-padding, var(--_space-4));
  }
  dl {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(min(176px, 100%), 1fr));
    gap: var(--_space-3);
    margin: 0 0 var(--_space-4);
  }
  dl > div {
    padding: var(--_space-2) var(--_space-3);
    border-radius: var(--_radius-md);
    background: var(--_color-surface-alt);
    border: 1px solid var(--_color-border);
    min-width: 0;
  }
  dt {
    font-size: var(--_font-size-xs);
    color: var(--_color-text-muted);
    text-transform: uppercase;
    letter-spacing: 0.04em;
    font-weight: var(--_font-weight-medium);
  }
  dd {
    margin: 2px 0 0;
    font-size: var(--_font-size-md);
    font-weight: var(--_font-weight-medium);
    overflow-wrap: anywhere;
    font-variant-numeric: tabular-nums;
  }
  dd[data-tone='danger'] {
    color: var(--_color-danger-text);
  }
  dd[data-tone='warning'] {
    color: var(--_color-warning-text);
  }
  ${contentWidth(640)}
  .card {
    container-type: inline-size;
  }
  .table-wrap {
    contain: inline-size;
    overflow: auto;
    /* Hundreds of subscriptions scroll inside the panel instead of stretching the page. */
    max-height: var(--rt-diagnostics-table-max-height, 480px);
    border: 1px solid var(--_color-border);
    border-radius: var(--_radius-md);
  }
  table {
    width: 100%;
    border-collapse: collapse;
    font-size: var(--_font-size-sm);
    /* A page without a doctype (quirks mode) gives tables the UA's text values instead. */
    line-height: inherit;
    color: inherit;
    font-weight: inherit;
    font-style: inherit;
    font-variant: inherit;
    white-space: inherit;
    text-align: inherit;
  }
  caption {
    text-align: start;
    font-weight: var(--_font-weight-bold);
    padding: var(--_space-2) var(--_space-3);
    caption-side: top;
  }
  th,
  td {
    text-align: start;
    padding: var(--_space-2) var(--_space-3);
    border-top: 1px solid var(--_color-border);
    vertical-align: top;
  }
  th {
    font-size: var(--_font-size-xs);
    color: var(--_color-text-muted);
    text-transform: uppercase;
    letter-spacing: 0.04em;
    font-weight: var(--_font-weight-medium);
    background: var(--_color-surface-alt);
  }
  td .badge {
    white-space: nowrap;
  }
  td.mono {
    font-family: var(--_font-family-mono);
    font-size: var(--_font-size-xs);
    max-width: 288px;
  }
  .empty-row td {
    color: var(--_color-text-muted);
    text-align: center;
  }
  /* Narrow: each subscription becomes a small labelled block instead of a six-column row. */
  @container (max-width: 544px) {
    table,
    tbody,
    tr,
    td {
      display: block;
    }
    thead {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip-path: inset(50%);
    }
    tbody tr {
      border-top: 1px solid var(--_color-border);
      padding: var(--_space-2) 0;
    }
    td {
      border: 0;
      padding: 2px var(--_space-3);
      display: grid;
      grid-template-columns: 104px minmax(0, 1fr);
      gap: var(--_space-2);
      max-width: none;
    }
    td > * {
      justify-self: start;
      max-width: 100%;
    }
    td .badge {
      white-space: normal;
    }
    td[data-label]::before {
      content: attr(data-label);
      font-size: var(--_font-size-xs);
      color: var(--_color-text-muted);
      text-transform: uppercase;
      letter-spacing: 0.04em;
    }
    .empty-row td {
      display: block;
    }
  }
  /* Very narrow (a 270 px box): no room for a label column; each label goes above its value. */
  @container (max-width: 240px) {
    td {
      grid-template-columns: minmax(0, 1fr);
      gap: 0;
    }
    caption {
      display: block;
      overflow-wrap: anywhere;
    }
  }
`;
