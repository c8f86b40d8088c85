import { css } from 'lit';

export const styles = css`
  .card {
    --_card-bg: var(--rt-notifications-background, var(--_color-surface));
    --_card-padding: var(--rt-notifications-padding, var(--_space-4));
  }
  :host([plain]) .card {
    border: 0;
    box-shadow: none;
    padding: 0;
    background: transparent;
  }
  .entry-body {
    --_clamp: 3;
  }
  .open-link {
    display: inline-flex;
    align-items: center;
    gap: var(--_space-1);
    font-size: var(--_font-size-sm);
  }
`;
