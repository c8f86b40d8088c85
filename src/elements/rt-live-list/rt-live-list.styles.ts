import { css } from 'lit';

export const styles = css`
  .card {
    --_card-bg: var(--rt-live-list-background, var(--_color-surface));
    --_card-padding: var(--rt-live-list-padding, var(--_space-4));
  }
  .item-main {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: var(--_space-2);
    min-width: 0;
  }
  .label {
    font-weight: var(--_font-weight-medium);
    overflow-wrap: anywhere;
    min-width: 0;
  }
  .detail {
    display: block;
    color: var(--_color-text-muted);
    font-size: var(--_font-size-sm);
    overflow-wrap: anywhere;
  }
`;
