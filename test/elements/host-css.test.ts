/**
 * "What the host page does to us": a page's own CSS must not change how our elements look.
 *
 * Every element is measured twice in the same task (so no re-render can happen in between):
 * once on a plain page and once with a hostile page stylesheet that sets a small root font
 * size (`html { font-size: 62.5% }`, the common "1rem = 10px" trick) and pushes every
 * inherited text property it can into the body. The computed text styles of every text
 * node's parent inside our shadow roots (nested elements included) and the sizes of every
 * button and `part` must be identical. Then a token override must still change sizes.
 */
import { expect, html } from '@open-wc/testing';
import type { TemplateResult } from 'lit';
import '../../src/elements/rt-progress/rt-progress.js';
import { loadStrings } from '../../src/index.js';
import '../../src/elements/rt-stream-progress/rt-stream-progress.js';
import '../../src/elements/rt-stream-card/rt-stream-card.js';
import '../../src/elements/rt-scan-progress/rt-scan-progress.js';
import '../../src/elements/rt-agent-executions/rt-agent-executions.js';
import '../../src/elements/rt-signal-alerts/rt-signal-alerts.js';
import '../../src/elements/rt-notifications/rt-notifications.js';
import '../../src/elements/rt-connection-status/rt-connection-status.js';
import '../../src/elements/rt-multi-connection-status/rt-multi-connection-status.js';
import '../../src/elements/rt-monitoring-dashboard/rt-monitoring-dashboard.js';
import '../../src/elements/rt-diagnostics/rt-diagnostics.js';
import type { MemoryClient } from '../helpers/memory-client.js';
import { ago, deepText, memory, mount, seededWidgets, settle } from './helpers.js';
import { waitUntil } from '@open-wc/testing';

/** The page CSS from the issue, plus the other inherited text properties a page can push down. */
const HOSTILE_CSS = `
  html { font-size: 62.5%; }
  body {
    font-size: 20px; line-height: 3; letter-spacing: 4px; word-spacing: 10px;
    text-transform: uppercase; text-align: right; text-indent: 30px; white-space: nowrap;
    font-weight: 900; font-style: italic; font-variant: small-caps; font-stretch: condensed;
    font-feature-settings: "smcp"; font-kerning: none; color: rgb(255, 0, 255);
    -webkit-text-fill-color: rgb(0, 255, 0); text-shadow: 2px 2px red; word-break: break-all;
    hyphens: auto; tab-size: 20; font-family: "Courier New", monospace;
    -webkit-text-stroke: 1px red; text-rendering: optimizeSpeed;
    text-orientation: upright; -webkit-text-security: disc; text-emphasis: filled red;
    font-variation-settings: "wght" 900; font-synthesis: none; font-size-adjust: 0.3;
    text-align-last: right; line-break: anywhere; text-underline-position: under;
    font-optical-sizing: none; text-wrap-style: balance;
  }
  /* Resets and element selectors do not pierce shadow DOM; checked anyway. */
  *, *::before, *::after { box-sizing: content-box; }
  button { font-size: 30px; padding: 20px; line-height: 5; }
  span, div, p, li, h2, h3, dt, dd, td, th { font-size: 25px !important; letter-spacing: 3px !important; }
`;

/** Inherited properties read on the parent element of every text node. */
const TEXT_PROPS = [
  'font-size',
  'line-height',
  'letter-spacing',
  'word-spacing',
  'text-transform',
  'text-align',
  'text-indent',
  'white-space',
  'font-style',
  'font-weight',
  'font-variant',
  'font-stretch',
  'font-feature-settings',
  'font-kerning',
  'font-family',
  'color',
  '-webkit-text-fill-color',
  '-webkit-text-stroke-width',
  'text-shadow',
  'word-break',
  'hyphens',
  'tab-size',
  'text-rendering',
  'box-sizing',
  'writing-mode',
  'text-orientation',
  '-webkit-text-security',
  'text-emphasis-style',
  'font-variation-settings',
  'font-synthesis',
  'font-size-adjust',
  'text-align-last',
  'line-break',
  'text-underline-position',
  'font-optical-sizing',
  'text-wrap-style',
] as const;

type Snapshot = { texts: string[]; boxes: string[]; buttons: number; host: string };

/** Elements of our shadow roots (recursively into nested rt-* elements), with a readable path. */
function walk(root: ShadowRoot, path: string, visit: (el: Element, path: string) => void): void {
  const go = (el: Element, p: string) => {
    visit(el, p);
    if (el.shadowRoot) walk(el.shadowRoot, `${p}>#shadow`, visit);
    Array.from(el.children).forEach((c, i) => go(c, `${p}>${c.localName}[${i}]`));
  };
  Array.from(root.children).forEach((c, i) => go(c, `${path}>${c.localName}[${i}]`));
}

function snapshot(host: HTMLElement): Snapshot {
  const texts: string[] = [];
  const boxes: string[] = [];
  let buttons = 0;
  walk(host.shadowRoot!, host.localName, (el, path) => {
    if (el instanceof HTMLStyleElement) return;
    const hasText = Array.from(el.childNodes).some((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim() !== '');
    if (hasText) {
      const cs = getComputedStyle(el);
      texts.push(`${path} ${TEXT_PROPS.map((p) => `${p}=${cs.getPropertyValue(p)}`).join('; ')}`);
    }
    if (el.localName === 'button' || el.hasAttribute('part')) {
      if (el.localName === 'button') buttons++;
      const r = el.getBoundingClientRect();
      boxes.push(`${path} ${r.width.toFixed(2)}x${r.height.toFixed(2)}`);
    }
  });
  const r = host.getBoundingClientRect();
  return { texts, boxes, buttons, host: `${r.width.toFixed(2)}x${r.height.toFixed(2)}` };
}

/**
 * A page rule that selects our element itself beats `:host` (the outer context wins): with
 * `all: unset` it takes our text values off the box, which then inherits the page's. The page
 * styles our box on purpose; the text inside stays ours.
 */
const UNSET_CSS = `${HOSTILE_CSS} * { all: unset; }`;

/** Measure with and without the hostile sheet, synchronously (style recalc is forced by reading). */
function measure(el: HTMLElement, css = HOSTILE_CSS): { plain: Snapshot; hostile: Snapshot } {
  const plain = snapshot(el);
  const style = document.createElement('style');
  style.textContent = css;
  document.head.append(style);
  try {
    // The hostile sheet really applies to the page around us.
    expect(getComputedStyle(document.documentElement).fontSize).to.equal('10px');
    expect(getComputedStyle(document.body).textTransform).to.equal('uppercase');
    expect(getComputedStyle(document.body).lineHeight).to.equal('60px');
    return { plain, hostile: snapshot(el) };
  } finally {
    style.remove();
  }
}

function seeded(): MemoryClient {
  return seededWidgets();
}

interface Case {
  tag: string;
  template: (style: string) => TemplateResult;
  /** Text that shows the element has loaded its data. */
  ready: string;
  /** Whether the element renders buttons in this state (so the button check is not vacuous). */
  buttons: boolean;
  /** Another client (state views: loading, empty, error); default: the seeded one. */
  client?: () => MemoryClient;
  /** A name for a second case of the same tag. */
  name?: string;
  /** The skeleton has fixed sizes: only its (screen-reader) text follows the font tokens. */
  fixedSize?: boolean;
}

function held(): MemoryClient {
  const client = seeded();
  client.hold('streams');
  return client;
}

function failing(): MemoryClient {
  const client = seeded();
  client.fail('agent_executions', { code: 'bad-config', message: 'x' });
  return client;
}

const cases: Case[] = [
  { tag: 'rt-progress', template: (s) => html`<rt-progress style=${s} label="Import" percentage="42" status="running" current-step="Scoring" completed="21" total="50" last-updated=${ago(4000)}></rt-progress>`, ready: 'Import', buttons: false },
  { tag: 'rt-stream-progress', template: (s) => html`<rt-stream-progress style=${s} stream-id="s1"></rt-stream-progress>`, ready: 'Q3 outbound', buttons: false },
  { tag: 'rt-stream-card', template: (s) => html`<rt-stream-card style=${s} stream-id="s1"></rt-stream-card>`, ready: 'running agent', buttons: false },
  { tag: 'rt-scan-progress', template: (s) => html`<rt-scan-progress style=${s} scan-id="sc1"></rt-scan-progress>`, ready: 'Midwest HVAC', buttons: false },
  { tag: 'rt-agent-executions', template: (s) => html`<rt-agent-executions style=${s} stream-id="s1"></rt-agent-executions>`, ready: 'Rate limited', buttons: false },
  { tag: 'rt-signal-alerts', template: (s) => html`<rt-signal-alerts style=${s}></rt-signal-alerts>`, ready: 'Acme Plumbing', buttons: true },
  { tag: 'rt-notifications', template: (s) => html`<rt-notifications style=${s}></rt-notifications>`, ready: 'Scan finished', buttons: true },
  { tag: 'rt-connection-status', template: (s) => html`<rt-connection-status style=${s}></rt-connection-status>`, ready: 'Connected', buttons: true },
  {
    tag: 'rt-multi-connection-status',
    template: (s) => html`<rt-multi-connection-status style=${s} .subscriptions=${[{ name: 'Streams', status: 'connected' }, { name: 'Scans', status: 'error' }]}></rt-multi-connection-status>`,
    ready: 'Streams',
    buttons: false,
  },
  { tag: 'rt-monitoring-dashboard', template: (s) => html`<rt-monitoring-dashboard style=${s}></rt-monitoring-dashboard>`, ready: 'Acme Plumbing', buttons: true },
  // State views (skeleton, empty, error) have their own sizes.
  { tag: 'rt-stream-progress', name: 'loading', client: held, template: (s) => html`<rt-stream-progress style=${s} stream-id="s1"></rt-stream-progress>`, ready: 'Loading', buttons: false, fixedSize: true },
  { tag: 'rt-notifications', name: 'empty', client: memory, template: (s) => html`<rt-notifications style=${s}></rt-notifications>`, ready: 'all caught up', buttons: false },
  { tag: 'rt-agent-executions', name: 'error', client: failing, template: (s) => html`<rt-agent-executions style=${s} stream-id="s1"></rt-agent-executions>`, ready: 'configuration is invalid', buttons: false },
  { tag: 'rt-diagnostics', template: (s) => html`<rt-stream-progress stream-id="s1"></rt-stream-progress><rt-diagnostics style=${s}></rt-diagnostics>`, ready: 'streams', buttons: false },
];

async function render(c: Case, style = ''): Promise<HTMLElement> {
  const el = await mount<HTMLElement>((c.client ?? seeded)(), c.template(style), c.tag);
  await waitUntil(() => deepText(el.shadowRoot!).includes(c.ready), `${c.tag}: "${c.ready}" never appeared: ${deepText(el.shadowRoot!).slice(0, 300)}`, {
    timeout: 5000,
  });
  await settle(el);
  return el;
}

const px = (s: string) => parseFloat(s.split(' font-size=')[1]);

/** A page of 800 × 900 px in an iframe (on screen: nothing skipped by content-visibility), with or without a doctype. */
function page(doctype: boolean): HTMLIFrameElement {
  const frame = document.createElement('iframe');
  frame.style.cssText = 'position: fixed; inset: 0 auto auto 0; width: 800px; height: 900px; border: 0; background: white; z-index: 1';
  document.body.append(frame);
  // Written, not `srcdoc` (a srcdoc document is never in quirks mode).
  const doc = frame.contentDocument!;
  doc.open();
  doc.write(`${doctype ? '<!doctype html>' : ''}<html><body><div></div></body></html>`);
  doc.close();
  return frame;
}

describe('host page CSS does not leak into the elements', () => {
  for (const c of cases) {
    it(`${c.tag}${c.name ? ` (${c.name})` : ''}: identical text styles and sizes under a hostile page stylesheet`, async () => {
      const el = await render(c);
      const { plain, hostile } = measure(el);
      expect(plain.texts.length, 'text nodes found').to.be.greaterThan(0);
      if (c.buttons) expect(plain.buttons, 'buttons found').to.be.greaterThan(0);
      expect(hostile.texts).to.deep.equal(plain.texts);
      expect(hostile.boxes).to.deep.equal(plain.boxes);
      expect(hostile.host, 'element size').to.equal(plain.host);
      // No text is smaller than 12px on a normal page either (the 62.5% trick gave 7.5px).
      for (const t of plain.texts) expect(px(t), t).to.be.at.least(12);
    });

    it(`${c.tag}${c.name ? ` (${c.name})` : ''}: identical text styles under a page rule "* { all: unset }" (QA13 F5), but for the spacing set on our element`, async () => {
      const el = await render(c);
      const { plain, hostile } = measure(el, UNSET_CSS);
      // Letter and word spacing set on our element reach the text (a user's text-spacing
      // stylesheet, WCAG 1.4.12): under "all: unset" our element inherits the page's.
      const unspaced = (texts: string[]) => texts.map((t) => t.replace(/; (letter|word)-spacing=[^;]*/g, ''));
      expect(unspaced(hostile.texts)).to.deep.equal(unspaced(plain.texts));
    });

    it(`${c.tag}${c.name ? ` (${c.name})` : ''}: a user's text-spacing stylesheet reaches the text (WCAG 1.4.12; QA20: it stopped at the shadow tree)`, async () => {
      const el = await render(c);
      const plain = snapshot(el);
      const style = document.createElement('style');
      style.textContent = '* { letter-spacing: .12em !important; word-spacing: .16em !important; line-height: 1.5 !important; }';
      document.head.append(style);
      let hostile: Snapshot;
      try {
        hostile = snapshot(el);
      } finally {
        style.remove();
      }
      expect(hostile.texts.length).to.equal(plain.texts.length);
      hostile.texts.forEach((t, i) => {
        // Text with a spacing of its own design (small caps labels) keeps it; the rest takes the user's.
        if (plain.texts[i]!.includes('letter-spacing=normal')) expect(t, 'letter spacing').to.not.include('letter-spacing=normal');
        expect(t, 'word spacing').to.not.include('word-spacing=0px');
        const size = px(t);
        const lineHeight = parseFloat(t.split(' line-height=')[1]);
        if (!Number.isNaN(lineHeight)) expect(lineHeight / size, `line height of ${t.split(' ')[0]}`).to.be.at.least(1.2);
      });
    });

    it(`${c.tag}${c.name ? ` (${c.name})` : ''}: a page rule "* { writing-mode: vertical-rl }" leaves the inside horizontal, bars with their length (QA56 F4)`, async () => {
      const el = await render(c);
      const style = document.createElement('style');
      style.textContent = '* { writing-mode: vertical-rl; text-orientation: upright; -webkit-text-security: disc; }';
      document.head.append(style);
      try {
        expect(getComputedStyle(el).writingMode, 'the rule reaches our element').to.equal('vertical-rl');
        const sideways: string[] = [];
        let tracks = 0;
        walk(el.shadowRoot!, el.localName, (inner, path) => {
          if (inner instanceof HTMLStyleElement) return;
          const cs = getComputedStyle(inner);
          if (cs.writingMode !== 'horizontal-tb' || !['none', ''].includes(cs.getPropertyValue('-webkit-text-security'))) sideways.push(`${path} ${cs.writingMode}`);
          if (inner.getAttribute('part') === 'track') {
            tracks++;
            const r = inner.getBoundingClientRect();
            expect(r.width, `${path}: the bar keeps its length`).to.be.greaterThan(r.height * 4);
          }
        });
        expect(sideways).to.deep.equal([]);
        if (['rt-progress', 'rt-stream-progress', 'rt-scan-progress'].includes(c.tag) && !c.name) expect(tracks, 'progress bars found').to.be.greaterThan(0);
      } finally {
        style.remove();
      }
    });

    it(`${c.tag}${c.name ? ` (${c.name})` : ''}: the same boxes on a legacy page without a doctype (quirks mode) as on a standards one (QA31: a stream card took the window's height)`, async () => {
      const el = await render(c);
      const wrapper = el.parentElement!;
      const [standards, quirks] = [page(true), page(false)];
      try {
        expect(quirks.contentDocument!.compatMode, 'a quirks-mode page').to.equal('BackCompat');
        // Moved, the widgets (nested ones too) connect again: measured once their content is back.
        const at = async (frame: HTMLIFrameElement) => {
          frame.contentDocument!.querySelector('div')!.append(wrapper);
          await waitUntil(() => deepText(el.shadowRoot!).includes(c.ready), `${c.tag}: "${c.ready}" never came back`, { timeout: 5000 });
          await settle(el);
          return snapshot(el);
        };
        // Measured standards, quirks, standards again, until the content held still across the
        // quirks measurement: other tests write to the same backend, and a row arriving between the
        // two (a notification, "Mark all read") changed the boxes, not the page's mode.
        let [a, b] = [await at(standards), await at(quirks)];
        for (let tries = 1; tries < 4; tries++) {
          const again = await at(standards);
          const shape = (x: Snapshot) => JSON.stringify([x.texts, x.boxes.map((l) => l.slice(0, l.indexOf(' ')))]);
          if (shape(again) === shape(a)) break;
          [a, b] = [again, await at(quirks)];
        }
        // Compared by path: a ticking time or a re-render between the two may add or drop a node.
        const byPath = (lines: string[]) => new Map(lines.map((l) => [l.slice(0, l.indexOf(' ')), l]));
        const pairs = (x: string[], y: string[]) => {
          const other = byPath(y);
          return [...byPath(x)].filter(([path]) => other.has(path)).map(([path, line]) => [line, other.get(path)!] as const);
        };
        const texts = pairs(a.texts, b.texts);
        expect(texts.length, 'text nodes compared').to.be.at.least(0.8 * a.texts.length);
        expect(texts.filter(([x, y]) => x !== y).map(([, y]) => y), 'text styles that differ').to.deep.equal([]);
        // Widths exactly; heights within 8 % (or 2 px): quirks mode's line-height calculation (an
        // inline box without text of its own adds no strut) moves a line of mixed sizes by a pixel.
        const size = (box: string) => box.split(' ').at(-1)!.split('x').map(Number) as [number, number];
        const near = (x: string, y: string) => {
          const [[w1, h1], [w2, h2]] = [size(x), size(y)];
          return w1 === w2 && Math.abs(h1 - h2) <= Math.max(2, 0.08 * h1);
        };
        const boxes = pairs(a.boxes, b.boxes);
        expect(boxes.length, 'boxes compared').to.be.at.least(0.8 * a.boxes.length);
        expect(boxes.filter(([x, y]) => !near(x, y)).map(([x, y]) => `${y} (was ${x.split(' ').at(-1)})`), 'boxes that differ').to.deep.equal([]);
        expect(near(a.host, b.host), `element size ${b.host}, not ${a.host}`).to.equal(true);
      } finally {
        standards.remove();
        quirks.remove();
      }
    });

    it(`${c.tag}${c.name ? ` (${c.name})` : ''}: a usable width where the page sizes it to its content (a flex row, a float; QA32: 34 px, one letter per line)`, async () => {
      const el = await render(c);
      const wrapper = el.parentElement!;
      for (const css of ['display: flex; align-items: flex-start', 'float: left']) {
        wrapper.style.cssText = css;
        const { width } = el.getBoundingClientRect();
        expect(width, `${css}: width`).to.be.at.least(c.tag === 'rt-connection-status' ? 60 : 240);
      }
      wrapper.style.cssText = '';
    });

    it(`${c.tag}${c.name ? ` (${c.name})` : ''}: sizes stay overridable through the --rt-* tokens`, async () => {
      const plain = snapshot(await render(c));
      const big = snapshot(await render(c, '--rt-font-size-sm: 21px; --rt-font-size-xs: 21px; --rt-font-size-md: 21px'));
      expect(plain.texts.some((t) => px(t) === 21), 'no 21px text by default').to.be.false;
      expect(big.texts.some((t) => px(t) === 21), 'override reaches the text').to.be.true;
      if (!c.fixedSize) expect(big.host, 'override changes the size').not.to.equal(plain.host);
      if (c.buttons) {
        const heights = (s: Snapshot) => s.boxes.filter((b) => /button\[\d+\] /.test(b)).map((b) => parseFloat(b.split('x')[1]));
        expect(Math.min(...heights(big))).to.be.greaterThan(Math.max(...heights(plain)));
      }
    });
  }
});

describe('host page CSS: what is deliberately still inherited', () => {
  it('visibility and cursor follow the page (hidden regions, a card inside a link); direction follows the words shown', async () => {
    const el = await render(cases[2]);
    const title = el.shadowRoot!.querySelector('[part="label"], h3, .title') ?? el.shadowRoot!.firstElementChild!;
    const wrapper = el.parentElement!;
    wrapper.setAttribute('dir', 'rtl');
    wrapper.style.visibility = 'hidden';
    wrapper.style.cursor = 'pointer';
    const cs = getComputedStyle(title);
    expect(cs.visibility).to.equal('hidden');
    expect(cs.cursor).to.equal('pointer');
    // English words inside a right-to-left region stay left-to-right ("of 100 24" otherwise) …
    expect(cs.direction).to.equal('ltr');
    // … and Arabic ones are right-to-left there (once they have arrived: English until then).
    await loadStrings('ar');
    (el as HTMLElement & { locale: string }).locale = 'ar';
    await (el as HTMLElement & { updateComplete: Promise<unknown> }).updateComplete;
    expect(getComputedStyle(title).direction).to.equal('rtl');
  });

  it('a rem-based token set by the page is used as given (scaling on purpose)', async () => {
    const el = await render(cases[0], '--rt-font-size-xl: 2rem');
    const value = el.shadowRoot!.querySelector('.value')!;
    expect(getComputedStyle(value).fontSize).to.equal('32px');
  });
});
