import { css } from 'lit';

export const styles = css`
  .card {
    --_card-padding: var(--rt-multi-connection-status-padding, var(--_space-3) var(--_space-4));
  }
  /* Heading and count, name and badge: on one line while the text keeps 5em, else wrapped below. */
  .summary {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: space-between;
    gap: var(--_space-2);
    margin-bottom: var(--_space-2);
  }
  .title {
    margin: 0;
    font-size: var(--_font-size-md);
    font-weight: var(--_font-weight-bold);
    flex: 1 1 0;
    min-width: min(5em, 100%);
    overflow-wrap: anywhere;
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
    flex-wrap: wrap;
    align-items: center;
    justify-content: space-between;
    gap: var(--_space-3);
    padding: var(--_space-1) 0;
    min-width: 0;
  }
  .name {
    font-family: var(--_font-family-mono);
    font-size: var(--_font-size-sm);
    flex: 1 1 0;
    min-width: min(5em, 100%);
  }
  .state {
    min-height: 0;
    padding: var(--_space-2);
  }
  :host([compact]:not(:state(own-surface))) .card {
    border: 0;
    box-shadow: none;
    padding: 0;
    background: transparent;
  }
`;
