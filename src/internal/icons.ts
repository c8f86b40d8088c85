/**
 * A small inline icon set (24×24, stroked with currentColor). Icons are always
 * decorative (`aria-hidden`): every icon sits next to text that says the same.
 */
import { html, svg, type SVGTemplateResult, type TemplateResult } from 'lit';

const circle = svg`<circle cx="12" cy="12" r="9"></circle>`;

const paths = {
  check: svg`<path d="M20 6 9 17l-5-5"></path>`,
  'check-circle': svg`${circle}<path d="m8.5 12.5 2.5 2.5 5-5.5"></path>`,
  loader: svg`<path d="M21 12a9 9 0 1 1-6.2-8.56"></path>`,
  'circle-slash': svg`${circle}<path d="m5.7 5.7 12.6 12.6"></path>`,
  'alert-triangle': svg`<path d="M10.3 3.9 1.8 18a2 2 0 0 0 1.7 3h17a2 2 0 0 0 1.7-3L13.7 3.9a2 2 0 0 0-3.4 0z"></path><path d="M12 9v4"></path><path d="M12 17h.01"></path>`,
  'x-circle': svg`${circle}<path d="m15 9-6 6M9 9l6 6"></path>`,
  'pause-circle': svg`${circle}<path d="M10 15V9M14 15V9"></path>`,
  clock: svg`${circle}<path d="M12 7v5l3 2"></path>`,
  'play-circle': svg`${circle}<path d="m10 8.5 5.5 3.5-5.5 3.5z"></path>`,
  'circle-dashed': svg`<circle cx="12" cy="12" r="9" stroke-dasharray="3.5 3"></circle>`,
  info: svg`${circle}<path d="M12 16v-4.5M12 8h.01"></path>`,
  'help-circle': svg`${circle}<path d="M9.2 9a3 3 0 0 1 5.8 1c0 2-3 2.5-3 2.5M12 17h.01"></path>`,
  bell: svg`<path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9"></path><path d="M10.3 21a1.94 1.94 0 0 0 3.4 0"></path>`,
  zap: svg`<path d="M13 2 3 14h9l-1 8 10-12h-9l1-8z"></path>`,
  activity: svg`<path d="M22 12h-4l-3 9L9 3l-3 9H2"></path>`,
  refresh: svg`<path d="M21 12a9 9 0 1 1-2.64-6.36L21 8"></path><path d="M21 3v5h-5"></path>`,
  lock: svg`<rect x="4" y="11" width="16" height="10" rx="2"></rect><path d="M8 11V7a4 4 0 0 1 8 0v4"></path>`,
  inbox: svg`<path d="M22 12h-6l-2 3h-4l-2-3H2"></path><path d="M5.5 5.1 2 12v6a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2v-6l-3.5-6.9A2 2 0 0 0 16.8 4H7.2a2 2 0 0 0-1.7 1.1z"></path>`,
  'external-link': svg`<path d="M15 3h6v6M10 14 21 3M18 13v6a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V8a2 2 0 0 1 2-2h6"></path>`,
  cpu: svg`<rect x="5" y="5" width="14" height="14" rx="2"></rect><path d="M9 9h6v6H9zM9 2v3M15 2v3M9 19v3M15 19v3M2 9h3M2 15h3M19 9h3M19 15h3"></path>`,
  radar: svg`${circle}<circle cx="12" cy="12" r="4"></circle><path d="M12 12 18 6"></path>`,
  wifi: svg`<path d="M5 12.5a10 10 0 0 1 14 0M8.5 16a5 5 0 0 1 7 0M2 9a15 15 0 0 1 20 0M12 20h.01"></path>`,
} satisfies Record<string, SVGTemplateResult>;

export type IconName = keyof typeof paths;

export function icon(name: IconName, extraClass = ''): TemplateResult {
  return html`<svg
    class="icon ${extraClass}"
    viewBox="0 0 24 24"
    fill="none"
    stroke="currentColor"
    stroke-width="2"
    stroke-linecap="round"
    stroke-linejoin="round"
    aria-hidden="true"
    focusable="false"
  >${paths[name]}</svg>`;
}
