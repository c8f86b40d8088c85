import { css } from 'lit';

export const styles = css`
  .card {
    --_card-bg: var(--rt-live-list-background, var(--_color-surface));
    --_card-padding: var(--rt-live-list-padding, var(--_space-4));
  }
  /* A row out of view skips style, layout and paint (QA62 F2), as in the other lists (shared.ts). */
  .item {
    content-visibility: auto;
    contain-intrinsic-size: auto none auto 40px;
  }
  /* The label and its badge: on one line while the label keeps 5em, else the badge goes below. */
  .item-main {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: space-between;
    gap: var(--_space-2);
    min-width: 0;
  }
  .label {
    font-weight: var(--_font-weight-medium);
    overflow-wrap: anywhere;
    flex: 1 1 0;
    min-width: min(5em, 100%);
  }
  .detail {
    display: block;
    color: var(--_color-text-muted);
    font-size: var(--_font-size-sm);
    overflow-wrap: anywhere;
  }
`;
