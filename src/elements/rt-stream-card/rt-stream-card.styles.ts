import { css } from 'lit';

export const styles = css`
  /* A column that fills its box when a grid or flex row stretches it (equal cards in a row); no
     percentage height, which a page without a doctype (quirks mode) resolves against the window. */
  :host {
    display: flex;
    flex-direction: column;
    /* Work proportional to what is visible: a card out of view skips style, layout and paint
       (find-in-page, screen readers and printing still read it). Its last size holds its place;
       overflow-clip-margin keeps the card's shadow, which the implied paint containment would clip. */
    content-visibility: auto;
    contain-intrinsic-size: auto none auto 212px;
    overflow-clip-margin: 8px;
  }
  .card {
    --_card-bg: var(--rt-stream-card-background, var(--_color-surface));
    --_card-padding: var(--rt-stream-card-padding, var(--_space-4));
    --_card-border: var(--rt-stream-card-border-color, var(--_color-border));
    display: flex;
    flex-direction: column;
    flex: 1 1 auto;
    border-top: 3px solid var(--rt-stream-card-accent, var(--_accent, var(--_color-border)));
  }
  .card[data-tone='success'] {
    --_accent: var(--_color-success);
  }
  .card[data-tone='info'] {
    --_accent: var(--_color-info);
  }
  .card[data-tone='warning'] {
    --_accent: var(--_color-warning);
  }
  .card[data-tone='danger'] {
    --_accent: var(--_color-danger);
  }
  .grow {
    flex: 1 1 auto;
  }
  .footer {
    display: flex;
    flex-wrap: wrap;
    gap: var(--_space-2);
    justify-content: flex-end;
    margin-top: var(--_space-3);
  }
  ::slotted(*) {
    max-width: 100%;
  }
  .footer:not(:has(::slotted(*))) {
    display: none;
  }
  .agents[data-running] {
    color: var(--_color-info-text);
    font-weight: var(--_font-weight-medium);
  }
  @media (forced-colors: active) {
    .card {
      border-top-color: CanvasText;
    }
  }
`;
