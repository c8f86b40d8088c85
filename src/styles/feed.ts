/** The alert/notification feed (ARIA feed pattern): header with counts, articles, read state. */
import { css } from 'lit';
import { contentWidth } from './content-width.js';

export const feedStyles = css`
  ${contentWidth(360)}
  .card {
    container-type: inline-size;
  }
  .card-header .spacer {
    flex: 1 1 auto;
  }
  .card-title {
    flex: 0 1 auto;
  }
  .feed {
    display: grid;
    margin: 0 calc(-1 * var(--_space-2));
  }
  .entry {
    position: relative;
    display: grid;
    grid-template-columns: auto 1fr auto;
    gap: var(--_space-1) var(--_space-3);
    align-items: start;
    padding: var(--_space-3) var(--_space-2);
    border-top: 1px solid var(--_color-border);
    border-radius: var(--_radius-sm);
    min-width: 0;
    /* A row out of view skips style, layout and paint (QA62 F2: a change to a 1,000-row list laid out
       every row, 0.3 s a frame); screen readers and find-in-page still read it. Its last height
       holds its place (72px before it was ever shown). */
    content-visibility: auto;
    contain-intrinsic-size: auto none auto 72px;
  }
  .entry:first-child {
    border-top-color: transparent;
  }
  .entry[data-unread] {
    background: var(--rt-feed-unread-background, var(--_color-surface-alt));
  }
  .entry:focus-visible {
    outline: 2px solid var(--_color-focus);
    outline-offset: -2px;
  }
  .entry-icon {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    width: 32px;
    height: 32px;
    border-radius: 50%;
    color: var(--_tone-fg);
    background: var(--_tone-bg);
    font-size: 16px;
  }
  .entry-main {
    display: grid;
    gap: 2px;
    min-width: 0;
  }
  .entry-title {
    display: flex;
    align-items: center;
    gap: var(--_space-2);
    font-weight: var(--_font-weight-medium);
    min-width: 0;
  }
  .entry[data-unread] .entry-title {
    font-weight: var(--_font-weight-bold);
  }
  .entry-sub {
    display: flex;
    flex-wrap: wrap;
    gap: 0 var(--_space-2);
    font-size: var(--_font-size-sm);
    color: var(--_color-text-muted);
    min-width: 0;
  }
  .entry-body {
    font-size: var(--_font-size-sm);
    color: var(--_color-text);
    overflow-wrap: anywhere;
  }
  .entry-actions {
    display: flex;
    flex-direction: column;
    align-items: flex-end;
    gap: var(--_space-1);
    white-space: nowrap;
  }
  .unread-dot {
    width: 8px;
    height: 8px;
    border-radius: 50%;
    background: var(--_color-primary);
    flex: none;
  }
  @container (max-width: 416px) {
    .entry {
      grid-template-columns: auto 1fr;
    }
    .entry-actions {
      grid-column: 2;
      flex-direction: row;
      flex-wrap: wrap;
      align-items: center;
      justify-content: flex-start;
      min-width: 0;
      white-space: normal;
    }
  }
  /* Very narrow (a 200 px box): title, body and time take the whole width; the icon moves down
     beside the actions ("Mark read"): an icon column would leave no room for a word. */
  @container (max-width: 180px) {
    .entry {
      grid-template-columns: auto minmax(0, 1fr);
      gap: var(--_space-1) var(--_space-2);
    }
    .entry-main {
      display: contents;
    }
    .entry-main > * {
      grid-column: 1 / -1;
    }
    .entry-icon,
    .entry-actions {
      order: 1;
    }
    .entry-icon {
      width: 24px;
      height: 24px;
      font-size: 14px;
      align-self: center;
    }
  }
  .action-error {
    display: flex;
    align-items: center;
    gap: var(--_space-2);
    margin: 0 0 var(--_space-2);
    color: var(--_color-danger-text);
    font-size: var(--_font-size-sm);
  }
  .action-cause {
    display: block;
    color: var(--_color-text-muted);
  }
  .action-error[hidden] {
    display: none;
  }
  @media (forced-colors: active) {
    .unread-dot {
      background: CanvasText;
      forced-color-adjust: none;
    }
    .entry[data-unread] {
      border-inline-start: 3px solid CanvasText;
    }
  }
`;
