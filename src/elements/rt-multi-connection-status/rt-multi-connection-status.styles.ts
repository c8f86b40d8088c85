import { css } from 'lit';

export const styles = css`
  .card {
    --_card-padding: var(--rt-multi-connection-status-padding, var(--_space-3) var(--_space-4));
  }
  .summary {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: var(--_space-2);
    margin-bottom: var(--_space-2);
  }
  h3 {
    margin: 0;
    font-size: var(--_font-size-md);
    font-weight: var(--_font-weight-bold);
  }
  .count {
    font-size: var(--_font-size-sm);
    color: var(--_color-text-muted);
  }
  ul {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: var(--_space-1);
  }
  li {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: var(--_space-3);
    padding: var(--_space-1) 0;
    min-width: 0;
  }
  .name {
    font-family: var(--_font-family-mono);
    font-size: var(--_font-size-sm);
  }
  .state {
    min-height: 0;
    padding: var(--_space-2);
  }
  :host([compact]) .card {
    border: 0;
    box-shadow: none;
    padding: 0;
    background: transparent;
  }
`;
