/**
 * `heading-level` (QA56 F3): a page's `<h1>` followed by a feed widget failed axe `heading-order`
 * (the titles were fixed `<h3>`, with `<h4>` sections), and nothing let the page fix it. Each card
 * widget's title is now a heading of the level the page gives (default 3; the dashboard's 2), its
 * sections one below, the dashboard's inner widgets one below the dashboard.
 */
import { expect, fixture, html } from '@open-wc/testing';
import { loadElements } from './under-test.js';
import { recordWarnings } from '../helpers/hosts.js';

const CARDS = ['rt-signal-alerts', 'rt-notifications', 'rt-agent-executions', 'rt-multi-connection-status', 'rt-diagnostics', 'rt-live-list'] as const;

/** The levels of the headings in `el`'s shadow root, in order (inner elements' shadow roots too). */
function levels(el: Element): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  const walk = (root: ShadowRoot) => {
    for (const node of root.querySelectorAll('[role="heading"], h1, h2, h3, h4, h5, h6, *')) {
      if (node.matches('[role="heading"]')) out.push([node.textContent!.trim().split(/\s+/).slice(0, 2).join(' '), Number(node.getAttribute('aria-level'))]);
      else if (/^h[1-6]$/.test(node.localName)) out.push([node.textContent!.trim(), Number(node.localName[1])]);
      if (node.shadowRoot) walk(node.shadowRoot);
    }
  };
  walk(el.shadowRoot!);
  return out;
}

describe('heading-level: the widgets fit the page outline', () => {
  before(async () => {
    await loadElements();
  });

  for (const tag of CARDS) {
    it(`<${tag}>: level 3 by default; heading-level="2" under a page's <h1> passes axe heading-order`, async () => {
      const plain = await fixture(`<div><h1>Page</h1><h2>Part</h2><${tag}></${tag}></div>`);
      const el = plain.querySelector(tag)!;
      await (el as HTMLElement & { updateComplete: Promise<unknown> }).updateComplete;
      expect(levels(el)[0]?.[1], tag).to.equal(3);
      await expect(plain).to.be.accessible();

      const page = await fixture(`<div><h1>Page</h1><${tag} heading-level="2"></${tag}></div>`);
      const inner = page.querySelector(tag)!;
      await (inner as HTMLElement & { updateComplete: Promise<unknown> }).updateComplete;
      expect(levels(inner)[0]?.[1], tag).to.equal(2);
      await expect(page).to.be.accessible();
    });
  }

  it('<rt-agent-executions>: its sections one below its title', async () => {
    const el = await fixture(html`<rt-agent-executions heading-level="4" stream-id="00000000-0000-4000-8000-000000000000"></rt-agent-executions>`);
    const all = levels(el);
    expect(all[0][1]).to.equal(4);
    expect(all.slice(1).every(([, l]) => l === 5), JSON.stringify(all)).to.equal(true);
  });

  it('<rt-monitoring-dashboard heading-level="1">: title 1, its sections and inner widgets 2, theirs 3', async () => {
    const page = await fixture(html`<div><rt-monitoring-dashboard heading-level="1" org-id="00000000-0000-4000-a000-00000000ac01"></rt-monitoring-dashboard></div>`);
    const dash = page.querySelector('rt-monitoring-dashboard')! as HTMLElement & { updateComplete: Promise<unknown> };
    await dash.updateComplete;
    for (const inner of dash.shadowRoot!.querySelectorAll('rt-signal-alerts, rt-notifications, rt-agent-executions')) await (inner as HTMLElement & { updateComplete: Promise<unknown> }).updateComplete;
    const all = levels(dash);
    expect(all[0][1], JSON.stringify(all)).to.equal(1);
    expect(all.slice(1).every(([, l]) => l === 2 || l === 3), JSON.stringify(all)).to.equal(true);
    // Never a jump of more than one level down (axe heading-order).
    all.reduce((prev, [name, l]) => (expect(l - prev, `${name}: ${JSON.stringify(all)}`).to.be.at.most(1), l), 0);
    await expect(page).to.be.accessible();
  });

  it('a value outside 1–6 is said once and read by the rule (below 1: the default; above 6: 6)', async () => {
    const recorded = recordWarnings();
    try {
      const low = await fixture(html`<rt-signal-alerts heading-level="0"></rt-signal-alerts>`);
      const high = await fixture(html`<rt-signal-alerts heading-level="9"></rt-signal-alerts>`);
      expect(levels(low)[0][1]).to.equal(3);
      expect(levels(high)[0][1]).to.equal(6);
      expect(recorded.warnings.filter((w) => w.includes('heading-level')).length, recorded.warnings.join('\n')).to.equal(2);
    } finally {
      recorded.restore();
    }
  });
});
