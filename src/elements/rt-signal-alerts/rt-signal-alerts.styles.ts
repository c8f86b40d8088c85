import { css } from 'lit';

export const styles = css`
  .card {
    --_card-bg: var(--rt-signal-alerts-background, var(--_color-surface));
    --_card-padding: var(--rt-signal-alerts-padding, var(--_space-4));
  }
  :host([plain]) .card {
    border: 0;
    box-shadow: none;
    padding: 0;
    background: transparent;
  }
  .entry[data-priority='critical'] {
    box-shadow: inset 3px 0 0 var(--rt-signal-alerts-critical-color, var(--_color-danger));
  }
  .signal-type {
    text-transform: none;
  }
  /* Very narrow (src/styles/feed.ts): the priority badge says what the icon says (icon, tone and
     text), so the icon gives its room to the badge and "Mark read". */
  @container (max-width: 180px) {
    .entry-icon {
      display: none;
    }
    .entry-actions {
      grid-column: 1 / -1;
    }
  }
`;
