/**
 * Narrow containers: every element, with representative data (long names, unread items, action
 * buttons, errors), placed in a 120 px wide box stays inside it. Text wraps or is cut with an
 * ellipsis, buttons wrap, and nothing in the shadow root (nested elements and slotted content
 * included) reaches past the host's left or right edge, nor scrolls sideways.
 */
import { expect, html, waitUntil } from '@open-wc/testing';
import type { TemplateResult } from 'lit';
import '../../src/elements/rt-progress/rt-progress.js';
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
import '../../src/elements/rt-live-list/rt-live-list.js';
import { FEEDS } from '../../src/core/feeds/index.js';
import { setViewport } from '@web/test-runner-commands';
import type { MemoryClient } from '../helpers/memory-client.js';
import { ago, ALICE, deepText, memory, mount, ORG, settle } from './helpers.js';

const WIDTH = 120;
const LONG_ORG = 'Kowalski-Brandenburg Consolidated Holdings International';
const LONG_WORD = 'Supercalifragilisticexpialidocious-Enterprises';

function seeded(): MemoryClient {
  const client = memory({ connection: { latencyMs: 23, lastHeartbeatAt: Date.now() - 3000, tokenExpiresAt: Date.now() + 50 * 60_000 } });
  client.setRows('streams', [
    { id: 's1', org_id: ORG, name: `Q3 outbound — ${LONG_ORG}`, goal_status: 'in_progress', current_progress: { percentage: 55, completed: 11, total: 20 }, created_at: ago(5000), updated_at: ago(12_000) },
    { id: 's2', org_id: ORG, name: LONG_WORD, goal_status: 'failed', current_progress: { percentage: 140, completed: -3, total: 10 }, created_at: ago(9000) },
  ]);
  client.setRows('acquisition_scans', [
    {
      id: 'sc1', user_id: ALICE, name: `Midwest HVAC ${LONG_ORG}`, status: 'running', progress_percentage: 40,
      current_step: 'Scoring targets against the investment thesis', targets_identified: 1200, targets_analyzed: 480, started_at: ago(3_725_000),
    },
    {
      id: 'sc2', user_id: ALICE, name: 'Texas landscaping', status: 'failed', progress_percentage: 12, current_step: LONG_WORD,
      targets_identified: 40, targets_analyzed: 5, started_at: ago(4_000_000), completed_at: ago(3_900_000), error: `Provider quota exceeded (429) ${LONG_WORD}`,
    },
  ]);
  client.setRows('agent_executions', [
    { id: 'e1', stream_id: 's1', agent_id: 'market-researcher-with-a-long-name', status: 'running', started_at: ago(95_000) },
    { id: 'e2', stream_id: 's1', agent_id: 'outreach-writer', status: 'queued' },
    { id: 'e3', stream_id: 's1', agent_id: 'web-crawler', status: 'failed', started_at: ago(200_000), completed_at: ago(190_000), error: `Timeout after 20 s ${LONG_WORD}` },
  ]);
  client.setRows('signal_alerts', [
    { id: 'a1', user_id: ALICE, business_name: 'KB Corp 1', signal_type: 'owner_retirement', priority: 'critical', read: false, created_at: ago(40_000) },
    { id: 'a2', user_id: ALICE, business_name: LONG_ORG, signal_type: 'hiring_surge', priority: 'high', read: false, created_at: ago(600_000) },
    { id: 'a3', user_id: ALICE, business_name: LONG_WORD, signal_type: 'new_location', priority: 'medium', read: false, created_at: ago(700_000) },
    { id: 'a4', user_id: ALICE, business_name: 'Beta Roofing', signal_type: 'funding', priority: 'low', read: true, created_at: ago(90_000_000) },
  ]);
  client.setRows('notifications', [
    { id: 'n1', user_id: ALICE, title: `Scan finished for ${LONG_ORG}`, body: `Midwest HVAC found 12 new targets. ${LONG_WORD}`, type: 'success', link: '/scans/sc1', read: false, created_at: ago(120_000) },
    { id: 'n2', user_id: ALICE, title: LONG_WORD, body: null, type: 'warning', link: null, read: false, created_at: ago(1_800_000) },
    { id: 'n3', user_id: ALICE, title: 'Welcome', body: 'Read me.', type: 'info', link: 'https://example.com', read: true, created_at: ago(200_000_000) },
  ]);
  return client;
}

/** One character no line can break: "Z" with 600 combining marks, drawn some 800 px wide (QA60 F2). */
const ZALGO = `Z${'\u0336\u0337\u0338\u0489'.repeat(150)} end`;

function unbreakable(): MemoryClient {
  const client = seeded();
  client.setRows('agent_executions', [
    { id: 'e1', stream_id: 's1', agent_id: ZALGO, status: 'running', started_at: ago(95_000) },
    { id: 'e3', stream_id: 's1', agent_id: ZALGO, status: 'failed', started_at: ago(200_000), completed_at: ago(190_000), error: ZALGO },
  ]);
  client.setRows('signal_alerts', [{ id: 'a1', user_id: ALICE, business_name: ZALGO, signal_type: 'owner_retirement', priority: 'critical', read: false, created_at: ago(40_000) }]);
  client.setRows('notifications', [{ id: 'n1', user_id: ALICE, title: ZALGO, body: ZALGO, type: 'error', link: '/x', read: false, created_at: ago(120_000) }]);
  return client;
}

function failing(): MemoryClient {
  const client = seeded();
  client.fail('agent_executions', { code: 'bad-config', message: `x ${LONG_WORD}` });
  client.fail('signal_alerts', { code: 'network', message: 'offline' });
  return client;
}

function retrying(): MemoryClient {
  const client = seeded();
  client.setConnection({ status: 'connecting', attempt: 3, nextRetryAt: Date.now() + 7000, lastError: { code: 'network', message: `WebSocket closed (1006) ${LONG_WORD}` } });
  return client;
}

interface Case {
  name: string;
  tag: string;
  template: TemplateResult;
  /** Text that shows the element has rendered its data (or state). */
  ready: string;
  client?: () => MemoryClient;
  /** Selectors (in the host's shadow root) that must be present, so the check is not vacuous. */
  present?: string[];
}

const cases: Case[] = [
  {
    name: 'rt-progress',
    tag: 'rt-progress',
    template: html`<rt-progress label=${`Import ${LONG_ORG}`} percentage="42" status="in_progress" current-step=${LONG_WORD} completed="21000" total="50000" last-updated=${ago(4000)} connection-status="disconnected"></rt-progress>`,
    ready: 'Import',
  },
  { name: 'rt-stream-progress', tag: 'rt-stream-progress', template: html`<rt-stream-progress stream-id="s1"></rt-stream-progress>`, ready: 'Q3 outbound' },
  { name: 'rt-stream-progress (not found)', tag: 'rt-stream-progress', template: html`<rt-stream-progress stream-id="missing"></rt-stream-progress>`, ready: 'Not found' },
  {
    name: 'rt-stream-card (link, actions)',
    tag: 'rt-stream-card',
    template: html`<rt-stream-card stream-id="s1" href="/streams/s1" heading-level="3"><button slot="actions">Pause this stream</button></rt-stream-card>`,
    ready: 'running agent',
  },
  { name: 'rt-stream-card (out of range)', tag: 'rt-stream-card', template: html`<rt-stream-card stream-id="s2"></rt-stream-card>`, ready: 'Out of range' },
  { name: 'rt-scan-progress (running)', tag: 'rt-scan-progress', template: html`<rt-scan-progress scan-id="sc1"></rt-scan-progress>`, ready: 'Midwest HVAC' },
  { name: 'rt-scan-progress (failed)', tag: 'rt-scan-progress', template: html`<rt-scan-progress scan-id="sc2"></rt-scan-progress>`, ready: 'Provider quota' },
  { name: 'rt-agent-executions', tag: 'rt-agent-executions', template: html`<rt-agent-executions stream-id="s1"></rt-agent-executions>`, ready: 'Timeout after' },
  { name: 'rt-agent-executions (error)', tag: 'rt-agent-executions', client: failing, template: html`<rt-agent-executions stream-id="s1"></rt-agent-executions>`, ready: 'configuration is invalid' },
  {
    name: 'rt-signal-alerts (unread, long names)',
    tag: 'rt-signal-alerts',
    template: html`<rt-signal-alerts></rt-signal-alerts>`,
    ready: 'KB Corp 1',
    present: ['[part="mark-all"]', '[part="mark-read"]', '[part="priority"]', '[part="unread-badge"]'],
  },
  { name: 'rt-signal-alerts (right to left)', tag: 'rt-signal-alerts', template: html`<rt-signal-alerts dir="rtl"></rt-signal-alerts>`, ready: 'KB Corp 1', present: ['[part="mark-all"]', '[part="mark-read"]'] },
  { name: 'rt-signal-alerts (error)', tag: 'rt-signal-alerts', client: failing, template: html`<rt-signal-alerts></rt-signal-alerts>`, ready: 'cannot be reached' },
  {
    name: 'rt-notifications (unread, long names)',
    tag: 'rt-notifications',
    template: html`<rt-notifications></rt-notifications>`,
    ready: 'Scan finished',
    present: ['[part="mark-all"]', '[part="mark-read"]', '[part="link"]'],
  },
  { name: 'rt-agent-executions (one unbreakable character)', tag: 'rt-agent-executions', client: unbreakable, template: html`<rt-agent-executions stream-id="s1"></rt-agent-executions>`, ready: 'end', present: ['[part~="status"]'] },
  { name: 'rt-signal-alerts (one unbreakable character)', tag: 'rt-signal-alerts', client: unbreakable, template: html`<rt-signal-alerts></rt-signal-alerts>`, ready: 'end', present: ['[part="mark-read"]'] },
  { name: 'rt-notifications (one unbreakable character)', tag: 'rt-notifications', client: unbreakable, template: html`<rt-notifications></rt-notifications>`, ready: 'end', present: ['[part="mark-read"]'] },
  { name: 'rt-connection-status', tag: 'rt-connection-status', template: html`<rt-connection-status status="error" size="lg"></rt-connection-status>`, ready: 'Connection error' },
  { name: 'rt-connection-status (bound)', tag: 'rt-connection-status', template: html`<rt-connection-status></rt-connection-status>`, ready: 'Connected' },
  {
    name: 'rt-multi-connection-status',
    tag: 'rt-multi-connection-status',
    template: html`<rt-multi-connection-status
      heading="Realtime subscriptions"
      .subscriptions=${[
        { name: `stream:${LONG_WORD}:progress`, status: 'connected' },
        { name: 'Scans', status: 'connecting' },
        { name: 'Agents', status: 'error' },
      ]}
    ></rt-multi-connection-status>`,
    ready: 'Scans',
  },
  {
    name: 'rt-diagnostics',
    tag: 'rt-diagnostics',
    client: retrying,
    template: html`<rt-stream-progress stream-id="s1" hidden></rt-stream-progress><rt-signal-alerts hidden></rt-signal-alerts><rt-diagnostics></rt-diagnostics>`,
    ready: 'signal_alerts',
    present: ['table', 'dl'],
  },
  {
    name: 'rt-live-list',
    tag: 'rt-live-list',
    template: html`<rt-live-list .feed=${FEEDS['user-scans']} .params=${{ userId: ALICE }} status-field="status" detail-field="current_step"></rt-live-list>`,
    ready: 'Texas landscaping',
  },
  {
    name: 'rt-monitoring-dashboard',
    tag: 'rt-monitoring-dashboard',
    template: html`<rt-monitoring-dashboard heading="Live monitoring of everything"></rt-monitoring-dashboard>`,
    ready: 'KB Corp 1',
  },
];

/** The box an element is laid out in: its slot for slotted content, its parent, or its shadow host. */
function layoutParent(el: Element): Element | null {
  return el.assignedSlot ?? el.parentElement ?? ((el.getRootNode() as ShadowRoot).host as Element | undefined) ?? null;
}

interface Edges {
  left: number;
  right: number;
}

/** The horizontal extent of `r` that is visible: clipped by `clipper` and each ancestor (up to `host`) that clips its overflow. */
function visible(r: Edges, clipper: Element | null, host: Element): Edges {
  let { left, right } = r;
  for (let a = clipper; a && a !== host; a = layoutParent(a)) {
    if (getComputedStyle(a).overflowX !== 'visible') {
      const c = a.getBoundingClientRect();
      left = Math.max(left, c.left);
      right = Math.min(right, c.right);
    }
  }
  return { left, right };
}

const isHiddenHelper = (el: Element) => el.closest('.sr-only') !== null || el instanceof HTMLStyleElement;

/** Everything laid out inside `host`: shadow tree, nested elements' shadow trees and slotted light DOM. */
function descendants(host: Element): Element[] {
  const out: Element[] = [];
  const visit = (el: Element) => {
    out.push(el);
    if (el.shadowRoot) for (const c of Array.from(el.shadowRoot.children)) visit(c);
    for (const c of Array.from(el.children)) visit(c);
  };
  for (const c of Array.from(host.shadowRoot!.children)) visit(c);
  for (const c of Array.from(host.children)) visit(c);
  return out;
}

const label = (el: Element) => {
  const part = el.getAttribute('part');
  const cls = el.getAttribute('class');
  const text = (el.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 40);
  return `<${el.localName}${part ? ` part="${part}"` : ''}${cls ? ` class="${cls}"` : ''}> "${text}"`;
};

/** What reaches past the host's (or the box's) left or right edge, or scrolls sideways. */
function overflows(host: HTMLElement, box: HTMLElement): string[] {
  const out: string[] = [];
  const b = box.getBoundingClientRect();
  const h = host.getBoundingClientRect();
  const tol = 0.5;
  if (h.left < b.left - tol || h.right > b.right + tol) out.push(`the host is ${h.width.toFixed(1)} px wide in a ${b.width} px box`);
  const left = Math.max(b.left, h.left);
  const right = Math.min(b.right, h.right);
  /** `clipper`: the nearest box that may clip `r` (an element's parent; a text's own element). */
  const report = (what: string, r: Edges, clipper: Element | null) => {
    const v = visible(r, clipper, host);
    if (v.right <= v.left) return; // clipped away entirely
    if (v.left < left - tol || v.right > right + tol)
      out.push(`${what} spans ${(v.left - left).toFixed(1)} … ${(v.right - left).toFixed(1)} px (the box: 0 … ${(right - left).toFixed(1)})`);
  };
  for (const el of descendants(host)) {
    if (isHiddenHelper(el) || el.getClientRects().length === 0) continue;
    report(label(el), el.getBoundingClientRect(), layoutParent(el));
    const cs = getComputedStyle(el);
    if ((cs.overflowX === 'auto' || cs.overflowX === 'scroll') && el.scrollWidth > el.clientWidth + 1)
      out.push(`${label(el)} scrolls sideways (${el.scrollWidth} px of content in ${el.clientWidth} px)`);
    for (const node of Array.from(el.childNodes)) {
      if (node.nodeType !== Node.TEXT_NODE || !node.textContent!.trim()) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      for (const r of Array.from(range.getClientRects())) report(`text "${node.textContent!.trim().slice(0, 40)}" in ${label(el)}`, r, el);
    }
  }
  return out;
}

async function render(c: Case, width: number): Promise<{ el: HTMLElement; box: HTMLElement }> {
  const client = (c.client ?? seeded)();
  const box = await mount<HTMLElement>(client, html`<div class="box" style="width: ${width}px">${c.template}</div>`, '.box');
  const el = box.querySelector<HTMLElement>(`:scope > ${c.tag}:not([hidden])`)!;
  await waitUntil(() => deepText(el.shadowRoot!).includes(c.ready), `${c.name}: "${c.ready}" never appeared: ${deepText(el.shadowRoot!).slice(0, 300)}`, {
    timeout: 5000,
  });
  // The dashboard's inner elements load on their own; wait until they have.
  if (c.tag === 'rt-monitoring-dashboard')
    await waitUntil(() => ['Q3 outbound', 'Midwest HVAC', 'market-researcher', 'Scan finished'].every((t) => deepText(el.shadowRoot!).includes(t)), 'dashboard sections', { timeout: 5000 });
  await settle(el);
  return { el, box };
}

async function expectInside(c: Case, width: number): Promise<void> {
  const { el, box } = await render(c, width);
  for (const sel of c.present ?? []) expect(el.shadowRoot!.querySelector(sel), `${c.name}: ${sel} is shown`).to.exist;
  expect(box.getBoundingClientRect().width).to.equal(width);
  const found = overflows(el, box);
  const shown = found.length > 20 ? [...found.slice(0, 20), `… and ${found.length - 20} more`] : found;
  expect(shown, `${c.name} in a ${width} px box`).to.deep.equal([]);
}

describe(`narrow containers (${WIDTH} px): every element stays inside its box`, () => {
  for (const c of cases) {
    it(`${c.name}: nothing reaches past its left or right edge`, async () => {
      await expectInside(c, WIDTH);
    });
  }

  // Between the narrowest and the normal layouts (the very-narrow layouts start below ~200 px).
  it('every element stays inside a 200 px box too', async () => {
    for (const c of cases) await expectInside(c, 200);
  });

  it('the check itself sees an overflow (a nowrap button in a narrow card)', async () => {
    const { el, box } = await render(cases.find((c) => c.tag === 'rt-notifications')!, WIDTH);
    const button = el.shadowRoot!.querySelector<HTMLElement>('[part="mark-all"]')!;
    button.style.whiteSpace = 'nowrap';
    button.style.maxWidth = 'none';
    button.style.flex = 'none';
    button.textContent = 'A button whose text does not wrap at all';
    expect(overflows(el, box).join('\n')).to.include('mark-all');
  });
});

describe('a 320 px viewport (a phone, or a page zoomed to 400%: WCAG 1.4.10)', () => {
  after(() => setViewport({ width: 800, height: 600 }));

  it('long database text is shown whole, on more lines, not cut after two (QA20: a 105-character name read "…outreach to…")', async () => {
    await setViewport({ width: 320, height: 640 });
    const name = 'Quarterly enterprise expansion outreach to the Kowalski-Brandenburg consolidated holdings group, phase two';
    const client = memory();
    client.setRows('streams', [{ id: 'w1', org_id: ORG, name, goal_status: 'in_progress', current_progress: { percentage: 5, completed: 1, total: 20 } }]);
    client.setRows('notifications', [{ id: 'wn', user_id: ALICE, title: `${name} is ready`, body: `${name}. Everything in it was checked twice, and the report is attached.`, type: 'info', read: false }]);
    for (const [template, tag] of [
      [html`<rt-stream-card stream-id="w1"></rt-stream-card>`, 'rt-stream-card'],
      [html`<rt-notifications></rt-notifications>`, 'rt-notifications'],
    ] as const) {
      const el = await mount<HTMLElement>(client, template, tag);
      await waitUntil(() => deepText(el.shadowRoot!).includes('phase two'), `${tag} loaded`, { timeout: 3000 });
      if (tag === 'rt-notifications') expect(el.shadowRoot!.querySelector('[part="body"]')!.classList.contains('truncate'), 'the body is cut like the rest').to.equal(true);
      await settle(el);
      const cut = [...el.shadowRoot!.querySelectorAll('.truncate')].filter((t) => t.scrollHeight > t.clientHeight + 1);
      expect(cut.map((t) => t.textContent!.trim().slice(0, 40)), `${tag}: text cut off`).to.deep.equal([]);
    }
  });
});

/**
 * A page shell that lays its content out in a grid or a flex row, each widget in a `<section>` card
 * (a grid / flex item whose automatic minimum is its content's min-content width). QA49 F3: the
 * feeds, rt-diagnostics and the dashboard gave theirs as 360, 640 and 720 px
 * (`contain-intrinsic-inline-size`), so on a 320 px phone the page grew 106–432 px wider.
 */
describe('in a page grid or flex row, inside a <section> card: every element fits its column', () => {
  for (const [layout, width] of [['grid', 288], ['flex', 288], ['grid', 200]] as const) {
    it(`${layout}, ${width} px column`, async () => {
      const failures: string[] = [];
      for (const c of cases) {
        const client = (c.client ?? seeded)();
        const box = await mount<HTMLElement>(client, html`<div class="box" style="display: ${layout}; width: ${width}px"><section>${c.template}</section></div>`, '.box');
        const el = box.querySelector<HTMLElement>(`section > ${c.tag}:not([hidden])`)!;
        await waitUntil(() => deepText(el.shadowRoot!).includes(c.ready), `${c.name}: "${c.ready}" never appeared`, { timeout: 5000 });
        await settle(el);
        failures.push(...overflows(el, box).slice(0, 3).map((f) => `${c.name}: ${f}`));
      }
      expect(failures).to.deep.equal([]);
    });
  }

  it('where the page sizes it to its content (a float, a flex row), a feed is 360 px wide, rt-diagnostics 640 and the dashboard 720 (QA32: 34 px, one letter per line)', async () => {
    for (const [tag, px] of [['rt-signal-alerts', 360], ['rt-notifications', 360], ['rt-diagnostics', 640], ['rt-monitoring-dashboard', 720]] as const) {
      const c = cases.find((x) => x.tag === tag)!;
      for (const shell of ['float', 'flex', 'float, under a page reset of ::before'] as const) {
        // A page rule on every `::before` (the host's is in the page's reach) changes nothing.
        const reset = shell.includes('reset') ? html`<style>*::before { content: none !important; display: none !important; padding: 30px; width: 10px }</style>` : '';
        const box = await mount<HTMLElement>(
          seeded(),
          shell !== 'flex' ? html`${reset}<div class="box" style="width: 1200px"><div style="float: left">${c.template}</div></div>` : html`<div class="box" style="display: flex; width: 1200px">${c.template}</div>`,
          '.box',
        );
        const el = box.querySelector<HTMLElement>(tag)!;
        await settle(el);
        expect(Math.round(el.getBoundingClientRect().width), `${tag} in a ${shell}`).to.equal(px);
        const base = el.shadowRoot!.querySelector('[part~="base"]')!.getBoundingClientRect();
        expect(Math.round(base.top - el.getBoundingClientRect().top), `${tag} in a ${shell}: nothing above its card`).to.equal(0);
      }
    }
  });

  it('a host the page makes a flex row (rt-signal-alerts { display: flex }): its card fills it (QA50: 34 px beside an empty column)', async () => {
    for (const tag of ['rt-signal-alerts', 'rt-diagnostics', 'rt-monitoring-dashboard'] as const) {
      const c = cases.find((x) => x.tag === tag)!;
      const box = await mount<HTMLElement>(seeded(), html`<style>${tag} { display: flex }</style><div class="box" style="width: 400px">${c.template}</div>`, '.box');
      const el = box.querySelector<HTMLElement>(tag)!;
      await settle(el);
      const base = el.shadowRoot!.querySelector('[part~="base"]')!.getBoundingClientRect();
      expect(Math.round(el.getBoundingClientRect().width), tag).to.equal(400);
      expect(Math.round(base.width), `${tag}: its card`).to.equal(400);
    }
  });
});
