import { css } from 'lit';

export const styles = css`
  .card {
    --_card-bg: var(--rt-stream-progress-background, var(--_color-surface));
    --_card-padding: var(--rt-stream-progress-padding, var(--_space-4));
  }
  :host([plain]) .card {
    border: 0;
    box-shadow: none;
    padding: 0;
    background: transparent;
  }
`;
