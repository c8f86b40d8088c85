import { css } from 'lit';

export const styles = css`
  .card {
    --_card-bg: var(--rt-agent-executions-background, var(--_color-surface));
    --_card-padding: var(--rt-agent-executions-padding, var(--_space-4));
  }
  :host([plain]) .card {
    border: 0;
    box-shadow: none;
    padding: 0;
    background: transparent;
  }
  .card-header .count {
    font-size: var(--_font-size-sm);
    color: var(--_color-text-muted);
  }
  .agent {
    font-weight: var(--_font-weight-medium);
    /* The name stays on the icon's line; only the badge moves below when they do not fit. */
    min-width: min(5em, 100% - 1em - var(--_space-2));
  }
  .agent-icon {
    display: inline-flex;
    color: var(--_color-text-muted);
  }
  .item[data-running] .agent-icon {
    color: var(--_color-info);
  }
  .times {
    display: flex;
    flex-wrap: wrap;
    gap: var(--_space-1) var(--_space-3);
    font-size: var(--_font-size-sm);
    color: var(--_color-text-muted);
    padding-inline-start: calc(1em + var(--_space-2));
  }
  .elapsed {
    color: var(--_color-text);
  }
  .error-text {
    font-size: var(--_font-size-sm);
    color: var(--_color-danger-text);
    padding-inline-start: calc(1em + var(--_space-2));
    margin: 0;
  }
  .none {
    font-size: var(--_font-size-sm);
    color: var(--_color-text-muted);
    padding: var(--_space-2) var(--_space-1);
    margin: 0;
  }
`;
