/** Layout of the progress card body (see internal/progress-view.ts). */
import { css } from 'lit';

export const progressCardStyles = css`
  .header {
    display: flex;
    align-items: flex-start;
    justify-content: space-between;
    gap: var(--_space-2);
    flex-wrap: wrap;
    min-width: 0;
  }
  .title {
    margin: 0;
    font-size: var(--_font-size-lg);
    font-weight: var(--_font-weight-bold);
    line-height: 1.35;
    flex: 1 1 192px;
    min-width: 0;
    display: flex;
  }
  .title a {
    color: inherit;
    text-decoration: none;
    min-width: 0;
    display: flex;
  }
  .title a:hover {
    text-decoration: underline;
  }
  .badges {
    display: flex;
    flex-wrap: wrap;
    gap: var(--_space-1);
    align-items: center;
    min-width: 0;
  }
  .figures {
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    justify-content: space-between;
    gap: var(--_space-2);
    margin: var(--_space-3) 0 var(--_space-2);
  }
  .value {
    font-size: var(--_font-size-xl);
    font-weight: var(--_font-weight-bold);
    letter-spacing: -0.01em;
  }
  /* Beside the value while it has 6em there (wrapping its words, at the line's end), else on the
     next line: it takes the rest of the line and puts its text at the end. */
  .counts {
    font-size: var(--_font-size-sm);
    flex: 1 1 6em;
    display: flex;
    justify-content: flex-end;
    min-width: 0;
    overflow-wrap: anywhere; /* a count of hundreds of digits breaks inside the card */
  }
  .meta {
    display: flex;
    flex-wrap: wrap;
    gap: var(--_space-1) var(--_space-4);
    margin-top: var(--_space-3);
    font-size: var(--_font-size-sm);
    color: var(--_color-text-muted);
    min-width: 0;
  }
  .meta > span {
    display: inline-flex;
    align-items: center;
    gap: var(--_space-1);
    min-width: 0;
    max-width: 100%;
  }
  .error-text {
    margin: var(--_space-2) 0 0;
    font-size: var(--_font-size-sm);
    color: var(--_color-danger-text);
    display: flex;
    gap: var(--_space-1);
    align-items: center;
  }
`;
