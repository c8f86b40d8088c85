/**
 * One announcement per event per page, for every announcing widget (QA63 F3): a page that shows
 * alerts, notifications or agent runs twice (a standalone widget and the same one inside
 * `<rt-monitoring-dashboard>`, or two of them) says each new row once, by whichever shown widget
 * says it first; different rows are each said; a hidden widget never takes the words from a shown
 * one, and words a widget held for its batch are not lost when it is removed (the claim is taken
 * when the words are said, src/internal/announcer.ts).
 */
import { expect, html, waitUntil } from '@open-wc/testing';
import '../../src/elements/rt-signal-alerts/rt-signal-alerts.js';
import '../../src/elements/rt-notifications/rt-notifications.js';
import '../../src/elements/rt-agent-executions/rt-agent-executions.js';
import '../../src/elements/rt-monitoring-dashboard/rt-monitoring-dashboard.js';
import '../../src/elements/rt-connection-status/rt-connection-status.js';
import { resetAnnouncements } from '../../src/internal/announcements.js';
import { heard } from '../../src/internal/announcer.js';
import { ALICE, ago, memory, mount, settle } from './helpers.js';

/** Every live region on the page (through shadow roots) with its host widget. */
function regions(root: Node = document.body, host: Element | null = null): { region: Element; host: Element | null }[] {
  const found: { region: Element; host: Element | null }[] = [];
  const walk = (n: Node, h: Element | null) => {
    if (n instanceof Element) {
      if (n.matches('.sr-only[role="status"], .sr-only[role="alert"]')) found.push({ region: n, host: h });
      if (n.shadowRoot) walk(n.shadowRoot, n);
    }
    for (const c of Array.from(n.childNodes)) walk(c, h);
  };
  walk(root, host);
  return found;
}

/**
 * Records every announcement of every live region on the page (a MutationObserver per region: one
 * callback per change, what a screen reader is told about), with whether the region is rendered.
 */
function recordPage(): { said: { text: string; heard: boolean; host: string }[]; heard: (needle: string | RegExp) => string[] } {
  const said: { text: string; heard: boolean; host: string }[] = [];
  for (const { region, host } of regions()) {
    new MutationObserver(() => {
      const text = region.textContent!.trim();
      if (text) said.push({ text, heard: region.checkVisibility({ checkVisibilityCSS: true }) && inTree(region), host: host?.localName ?? '' });
    }).observe(region, { childList: true, characterData: true, subtree: true });
  }
  const heard = (needle: string | RegExp) => said.filter((s) => s.heard && (typeof needle === 'string' ? s.text.includes(needle) : needle.test(s.text))).map((s) => `${s.host}: ${s.text}`);
  return { said, heard };
}

/**
 * Whether `node` is in the accessibility tree as far as the page decides it: no `inert` or
 * `aria-hidden="true"` on the flat-tree path up from it (slots and shadow hosts), and, with a modal
 * `<dialog>` open, inside it.
 */
function inTree(node: Element): boolean {
  const modal = document.querySelector('dialog[open]:modal');
  let inModal = !modal;
  for (let n: Node | null = node; n; n = (n instanceof Element && n.assignedSlot) || n.parentNode || (n instanceof ShadowRoot ? n.host : null)) {
    if (n instanceof Element && (n.hasAttribute('inert') || n.getAttribute('aria-hidden') === 'true')) return false;
    if (n === modal) inModal = true;
  }
  return inModal;
}

const alert = (i: number, priority: 'low' | 'medium' | 'high' | 'critical' = 'medium') => ({ id: `a${i}`, user_id: ALICE, business_name: `Biz ${i}`, signal_type: 'hiring_spike', priority });
const oldAlert = { id: 'old', user_id: ALICE, business_name: 'Old Co', signal_type: 'x', priority: 'low' as const, created_at: ago(60_000) };

/** All `tag` widgets inside `wrapper`, the dashboard's included, have shown `needle`. */
async function allShow(wrapper: Element, tag: string, needle: string): Promise<Element[]> {
  const all = regions(wrapper)
    .map((r) => r.host)
    .filter((h): h is Element => h?.localName === tag);
  const widgets = [...new Set(all)];
  await waitUntil(() => widgets.every((w) => (w.shadowRoot!.textContent ?? '').includes(needle)), `not every ${tag} showed ${needle}`, { timeout: 5000 });
  for (const w of widgets) await settle(w);
  return widgets;
}

/** Waits until `done`, then two more frames of every widget (another widget would have spoken by then). */
async function spokenThen(done: () => boolean, what: string, said: () => unknown, widgets: Element[]): Promise<void> {
  await waitUntil(done, what, { timeout: 4000, interval: 5 }).catch(() => {
    throw new Error(`${what}; said: ${JSON.stringify(said())}`);
  });
  for (const w of widgets) await settle(w);
}

describe('announcements: one per event per page (QA63 F3)', () => {
  beforeEach(() => resetAnnouncements());

  it('a standalone <rt-signal-alerts> and the dashboard’s: a new alert is said once page-wide, a burst is counted once', async () => {
    const client = memory();
    client.setRows('signal_alerts', [oldAlert]);
    const wrapper = await mount<HTMLElement>(
      client,
      html`<div>
        <rt-signal-alerts></rt-signal-alerts>
        <rt-monitoring-dashboard hide-connection hide-streams hide-scans hide-agents hide-notifications></rt-monitoring-dashboard>
      </div>`,
      'div',
    );
    const widgets = await allShow(wrapper, 'rt-signal-alerts', 'Old Co');
    expect(widgets.length, 'two rt-signal-alerts (one in the dashboard)').to.equal(2);
    const page = recordPage();
    client.insert('signal_alerts', alert(0));
    await spokenThen(() => page.heard('Biz 0').length > 0, 'nobody said Biz 0', () => page.said, widgets);
    expect(page.heard('Biz 0'), 'spoken once page-wide').to.have.length(1);

    // A burst within the window: summed up once ("Signal alerts: 5 new"), not by each widget.
    for (let i = 1; i <= 5; i++) client.insert('signal_alerts', alert(i));
    await spokenThen(() => page.heard(/Signal alerts: 5 new/).length > 0, 'the burst was never counted', () => page.said, widgets);
    expect(page.heard(/Signal alerts: \d+ new|Biz [1-5]/), 'the burst spoken once page-wide').to.have.length(1);
  });

  it('two <rt-notifications> on one client: two different notifications are each said, once', async () => {
    const client = memory();
    const wrapper = await mount<HTMLElement>(client, html`<div><rt-notifications></rt-notifications><rt-notifications></rt-notifications></div>`, 'div');
    const widgets = [...wrapper.querySelectorAll('rt-notifications')];
    for (const w of widgets) await settle(w);
    const page = recordPage();
    client.insert('notifications', { id: 'n1', user_id: ALICE, title: 'First note', type: 'info' });
    await spokenThen(() => page.heard('First note').length > 0, 'nobody said First note', () => page.said, widgets);
    client.insert('notifications', { id: 'n2', user_id: ALICE, title: 'Second note', type: 'info' });
    // Held for the window of the first: said at its end.
    await spokenThen(() => page.heard('Second note').length > 0, 'nobody said Second note', () => page.said, widgets);
    expect(page.heard('First note')).to.have.length(1);
    expect(page.heard('Second note')).to.have.length(1);
  });

  it('an error notification says it is an error, once, assertively', async () => {
    const client = memory();
    const wrapper = await mount<HTMLElement>(
      client,
      html`<div>
        <rt-notifications></rt-notifications>
        <rt-monitoring-dashboard hide-connection hide-streams hide-scans hide-agents hide-alerts></rt-monitoring-dashboard>
      </div>`,
      'div',
    );
    const widgets = await allShow(wrapper, 'rt-notifications', '');
    const page = recordPage();
    client.insert('notifications', { id: 'n9', user_id: ALICE, title: 'Note 9', type: 'error' });
    client.insert('notifications', { id: 'n10', user_id: ALICE, title: 'Note 10', type: 'warning' });
    await spokenThen(() => page.heard('Note 9').length > 0 && page.heard('Note 10').length > 0, 'the notes were never said', () => page.said, widgets);
    expect(page.heard('Note 9')).to.deep.equal(['rt-notifications: New error notification: Note 9']);
    expect(page.heard('Note 10')).to.deep.equal(['rt-notifications: New warning notification: Note 10']);
    const urgent = regions().filter((r) => r.region.getAttribute('role') === 'alert' && r.region.textContent!.includes('Note 9'));
    expect(urgent, 'said in a role="alert" region').to.have.length(1);
  });

  it('two <rt-agent-executions> of one stream: a run’s start and its failure are each said once', async () => {
    const client = memory();
    client.setRows('agent_executions', [{ id: 'old', stream_id: 's1', agent_id: 'scorer', status: 'completed', started_at: ago(60_000), completed_at: ago(50_000) }]);
    const wrapper = await mount<HTMLElement>(
      client,
      html`<div><rt-agent-executions stream-id="s1"></rt-agent-executions><rt-agent-executions stream-id="s1"></rt-agent-executions></div>`,
      'div',
    );
    const widgets = await allShow(wrapper, 'rt-agent-executions', 'scorer');
    const page = recordPage();
    client.insert('agent_executions', { id: 'r1', stream_id: 's1', agent_id: 'enricher', status: 'running', started_at: new Date().toISOString() });
    await spokenThen(() => page.heard('enricher').length > 0, 'nobody said the start', () => page.said, widgets);
    client.update('agent_executions', { id: 'r1', status: 'failed', completed_at: new Date().toISOString() });
    await spokenThen(() => page.heard(/enricher.*failed/i).length > 0, 'nobody said the failure', () => page.said, widgets);
    expect(page.heard('enricher'), JSON.stringify(page.said)).to.have.length(2);
  });

  it('a hidden widget does not take the words from a shown one', async () => {
    const client = memory();
    client.setRows('signal_alerts', [oldAlert]);
    const wrapper = await mount<HTMLElement>(
      client,
      html`<div>
        <rt-signal-alerts hidden></rt-signal-alerts>
        <div style="display: none"><rt-signal-alerts></rt-signal-alerts></div>
        <rt-monitoring-dashboard hide-connection hide-streams hide-scans hide-agents hide-notifications></rt-monitoring-dashboard>
      </div>`,
      'div',
    );
    const widgets = await allShow(wrapper, 'rt-signal-alerts', 'Old Co');
    expect(widgets.length).to.equal(3);
    const page = recordPage();
    client.insert('signal_alerts', alert(7));
    await spokenThen(() => page.heard('Biz 7').length > 0, 'no shown widget said Biz 7', () => page.said, widgets);
    expect(page.heard('Biz 7')).to.deep.equal(['rt-signal-alerts: New medium signal: Biz 7, hiring spike']);
  });

  it('a widget whose host is `display: contents` (no box of its own, its regions heard) claims what it says (QA64 review)', async () => {
    const client = memory();
    client.setRows('signal_alerts', [oldAlert]);
    const wrapper = await mount<HTMLElement>(
      client,
      html`<div>
        <rt-signal-alerts style="display: contents"></rt-signal-alerts>
        <rt-monitoring-dashboard hide-connection hide-streams hide-scans hide-agents hide-notifications></rt-monitoring-dashboard>
      </div>`,
      'div',
    );
    const widgets = await allShow(wrapper, 'rt-signal-alerts', 'Old Co');
    const page = recordPage();
    client.insert('signal_alerts', alert(3));
    await spokenThen(() => page.heard('Biz 3').length > 0, 'nobody said Biz 3', () => page.said, widgets);
    expect(page.heard('Biz 3'), JSON.stringify(page.said)).to.have.length(1);
  });

  it('a `display: contents` <rt-connection-status> beside the dashboard’s: a change of the connection is said once (review of QA64)', async () => {
    const client = memory();
    const wrapper = await mount<HTMLElement>(
      client,
      html`<div>
        <rt-connection-status style="display: contents"></rt-connection-status>
        <rt-monitoring-dashboard hide-streams hide-scans hide-agents hide-alerts hide-notifications></rt-monitoring-dashboard>
      </div>`,
      'div',
    );
    const all = await allShow(wrapper, 'rt-connection-status', 'Connected');
    expect(all.length).to.equal(2);
    const page = recordPage();
    client.setConnection({ status: 'disconnected' });
    await spokenThen(() => page.heard('Disconnected').length > 0, 'nobody said Disconnected', () => page.said, all);
    expect(page.heard('Disconnected'), JSON.stringify(page.said)).to.have.length(1);
  });

  it('two projects on one page whose rows share an id (integer keys): each project’s new row is said', async () => {
    const [one, two] = [memory(), memory()];
    for (const c of [one, two]) c.setRows('signal_alerts', [oldAlert]);
    const a = await mount<HTMLElement>(one, html`<rt-signal-alerts></rt-signal-alerts>`, 'rt-signal-alerts');
    const b = await mount<HTMLElement>(two, html`<rt-signal-alerts></rt-signal-alerts>`, 'rt-signal-alerts');
    for (const w of [a, b]) await waitUntil(() => (w.shadowRoot!.textContent ?? '').includes('Old Co'), 'not shown', { timeout: 5000 });
    const page = recordPage();
    one.insert('signal_alerts', { ...alert(42), business_name: 'Project one', created_at: ago(1000) });
    two.insert('signal_alerts', { ...alert(42), business_name: 'Project two', created_at: ago(5000) });
    await spokenThen(() => page.heard('Project one').length > 0 && page.heard('Project two').length > 0, 'not both said', () => page.said, [a, b]);
    expect(page.heard(/Project (one|two)/), JSON.stringify(page.said)).to.have.length(2);
  });

  it('a widget the page took out of the accessibility tree (`inert`, or `aria-hidden` as a modal library hides the app root) does not take the words from one the user hears', async () => {
    const client = memory();
    client.setRows('signal_alerts', [oldAlert]);
    const wrapper = await mount<HTMLElement>(
      client,
      html`<div>
        <div inert><rt-signal-alerts></rt-signal-alerts></div>
        <div aria-hidden="true"><rt-monitoring-dashboard hide-connection hide-streams hide-scans hide-agents hide-notifications></rt-monitoring-dashboard></div>
        <section role="dialog" aria-modal="true"><rt-signal-alerts></rt-signal-alerts></section>
      </div>`,
      'div',
    );
    const widgets = await allShow(wrapper, 'rt-signal-alerts', 'Old Co');
    expect(widgets.length).to.equal(3);
    const page = recordPage();
    client.insert('signal_alerts', alert(8));
    await spokenThen(() => page.heard('Biz 8').length > 0, 'the widget the user hears never said Biz 8', () => page.said, widgets);
    expect(page.heard('Biz 8')).to.deep.equal(['rt-signal-alerts: New medium signal: Biz 8, hiring spike']);
  });

  it('with a modal <dialog> open, a widget behind it does not take the words from the one inside it', async () => {
    const client = memory();
    client.setRows('signal_alerts', [oldAlert]);
    const wrapper = await mount<HTMLElement>(
      client,
      html`<div>
        <rt-signal-alerts></rt-signal-alerts>
        <dialog><rt-signal-alerts></rt-signal-alerts></dialog>
      </div>`,
      'div',
    );
    wrapper.querySelector('dialog')!.showModal();
    const widgets = await allShow(wrapper, 'rt-signal-alerts', 'Old Co');
    const page = recordPage();
    client.insert('signal_alerts', alert(9));
    await spokenThen(() => page.heard('Biz 9').length > 0, 'the widget in the dialog never said Biz 9', () => page.said, widgets);
    expect(page.heard('Biz 9')).to.have.length(1);
    wrapper.querySelector('dialog')!.close();
  });

  it('a region slotted under `aria-hidden` in another component’s shadow root is not heard; out of it, it is', async () => {
    const host = document.createElement('div');
    host.attachShadow({ mode: 'open' }).innerHTML = '<div aria-hidden="true"><slot name="hidden"></slot></div><slot></slot>';
    const widget = document.createElement('span');
    const region = widget.attachShadow({ mode: 'open' }).appendChild(document.createElement('div'));
    region.textContent = 'x';
    host.append(widget);
    document.body.append(host);
    try {
      expect(heard(region), 'in the default slot').to.equal(true);
      widget.slot = 'hidden';
      expect(heard(region), 'slotted under aria-hidden').to.equal(false);
    } finally {
      host.remove();
    }
  });

  it('the top modal <dialog> decides, wherever it is: one in a design system\'s shadow root, the later of two, and a frame behind one (QA69 F4, F5)', async () => {
    /** A widget-like host with a live region in its shadow root. */
    const widget = () => {
      const host = document.createElement('span');
      const region = host.attachShadow({ mode: 'open' }).appendChild(document.createElement('div'));
      region.textContent = 'x';
      return { host, region };
    };
    const nextTask = () => new Promise((r) => setTimeout(r));
    const behind = widget();
    const lower = widget();
    const top = widget();
    const inShadow = widget();
    const system = document.createElement('div');
    const shadowDialog = system.attachShadow({ mode: 'open' }).appendChild(document.createElement('dialog'));
    shadowDialog.append(document.createElement('slot'));
    system.append(inShadow.host);
    const d1 = document.createElement('dialog');
    const d2 = document.createElement('dialog');
    d1.append(lower.host);
    d2.append(top.host);
    const frame = document.createElement('iframe');
    document.body.append(behind.host, system, d2, d1, frame); // the top dialog first in the document
    const inFrame = frame.contentDocument!.body.appendChild(document.createElement('div'));
    try {
      expect([heard(behind.region), heard(inFrame)], 'no dialog open').to.deep.equal([true, true]);
      shadowDialog.showModal();
      await nextTask(); // the top modal is looked up once per task
      expect([heard(behind.region), heard(inShadow.region), heard(inFrame)], 'a dialog in a shadow root').to.deep.equal([false, true, false]);
      shadowDialog.close();
      d1.showModal();
      d2.showModal();
      await nextTask();
      expect([heard(lower.region), heard(top.region), heard(behind.region)], 'two dialogs: the one opened last is on top').to.deep.equal([false, true, false]);
    } finally {
      d2.close();
      d1.close();
      for (const n of [behind.host, system, d1, d2, frame]) n.remove();
    }
  });

  it('words held for a batch are said by another widget when the one holding them is removed', async () => {
    const client = memory();
    client.setRows('signal_alerts', [oldAlert]);
    const wrapper = await mount<HTMLElement>(client, html`<div><rt-signal-alerts></rt-signal-alerts><rt-signal-alerts></rt-signal-alerts></div>`, 'div');
    const widgets = await allShow(wrapper, 'rt-signal-alerts', 'Old Co');
    const page = recordPage();
    client.insert('signal_alerts', alert(1));
    await spokenThen(() => page.heard('Biz 1').length > 0, 'nobody said Biz 1', () => page.said, widgets);
    const speaker = widgets.find((w) => w.shadowRoot!.querySelector('.sr-only[role="status"]')!.textContent!.includes('Biz 1'))!;
    const other = widgets.find((w) => w !== speaker)!;
    client.insert('signal_alerts', alert(2));
    await waitUntil(() => widgets.every((w) => (w.shadowRoot!.textContent ?? '').includes('Biz 2')), 'Biz 2 never shown', { timeout: 4000 });
    // The speaker holds Biz 2 for the end of its window; it goes away first.
    speaker.remove();
    await spokenThen(() => page.heard('Biz 2').length > 0, 'Biz 2 was lost with the widget that held it', () => page.said, [other]);
    expect(page.heard('Biz 2')).to.have.length(1);
  });
});
