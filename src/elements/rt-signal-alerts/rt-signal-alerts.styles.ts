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
`;
