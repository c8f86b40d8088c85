/**
 * What the widgets say in their live regions (src/internal/announcer.ts, QA round 20): the
 * same words said again are spoken again; rows arriving one per update are batched, not read out
 * one by one; nothing is lost off screen or within one update; urgent words never wait behind
 * polite ones. Announcements are counted with a MutationObserver on each region (one callback per
 * change of the DOM, which is what a screen reader is told about).
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/elements/rt-signal-alerts/rt-signal-alerts.js';
import '../../src/elements/rt-notifications/rt-notifications.js';
import '../../src/elements/rt-agent-executions/rt-agent-executions.js';
import '../../src/elements/rt-progress/rt-progress.js';
import '../../src/elements/rt-stream-progress/rt-stream-progress.js';
import '../../src/elements/rt-connection-status/rt-connection-status.js';
import '../../src/elements/rt-multi-connection-status/rt-multi-connection-status.js';
import type { RtSignalAlerts } from '../../src/elements/rt-signal-alerts/rt-signal-alerts.js';
import type { RtNotifications } from '../../src/elements/rt-notifications/rt-notifications.js';
import type { RtAgentExecutions } from '../../src/elements/rt-agent-executions/rt-agent-executions.js';
import type { RtProgress } from '../../src/elements/rt-progress/rt-progress.js';
import type { RtStreamProgress } from '../../src/elements/rt-stream-progress/rt-stream-progress.js';
import type { RtConnectionStatus } from '../../src/elements/rt-connection-status/rt-connection-status.js';
import { MAX_SAID } from '../../src/internal/announcer.js';
import { resetAnnouncements } from '../../src/internal/announcements.js';
import { $, ALICE, ago, memory, mount, settle, text, waitForText } from './helpers.js';

/** Each announcement (a DOM change with words in it) of `el`'s polite or urgent region, in order. */
function spoken(el: Element, role: 'status' | 'alert'): string[] {
  const region = $(el, `.sr-only[role="${role}"]`)!;
  expect(region, `a ${role} region`).to.exist;
  const said: string[] = [];
  new MutationObserver(() => {
    const text = region.textContent!.trim();
    if (text) said.push(text);
  }).observe(region, { childList: true, characterData: true, subtree: true });
  return said;
}

/** Notification titles named in `said`, and rows summed up as "Notifications: N new". */
function accounted(said: string[]): { named: string[]; counted: number } {
  const named = said.flatMap((t) => [...t.matchAll(/New notification: (Row \d+)/g)].map((m) => m[1]));
  const counted = said.reduce((n, t) => n + Number(/^Notifications: (\d+) new$/.exec(t)?.[1] ?? 0), 0);
  return { named, counted };
}

/** Waits (up to 4 s) until `done`; on failure names `what` and what was said by then. */
async function until(done: () => boolean, what: string, said: () => unknown): Promise<void> {
  await waitUntil(done, what, { timeout: 4000, interval: 5 }).catch(() => {
    throw new Error(`${what}; said: ${JSON.stringify(said())}`);
  });
}

/** Inserts `n` notifications, each in its own update (the next once the element has taken the last). */
async function oneByOne(client: ReturnType<typeof memory>, el: Element, n: number): Promise<void> {
  let arrived = 0;
  el.addEventListener('rt-notification', () => arrived++);
  for (let i = 1; i <= n; i++) {
    client.insert('notifications', { id: `row${i}`, user_id: ALICE, title: `Row ${i}`, type: 'info' });
    await waitUntil(() => arrived === i, `row ${i} never arrived`, { interval: 5 });
  }
}

describe('announcer: what the list widgets say', () => {
  // Rows are said once per page (QA63 F3): each test's row ids are new to the page.
  beforeEach(() => resetAnnouncements());

  it('three identical critical alerts in a row are spoken three times (QA20 #1)', async () => {
    const client = memory();
    client.setRows('signal_alerts', [{ id: 'old', user_id: ALICE, business_name: 'Acme Plumbing', signal_type: 'x', priority: 'low', created_at: ago(60_000) }]);
    const el = await mount<RtSignalAlerts>(client, html`<rt-signal-alerts></rt-signal-alerts>`, 'rt-signal-alerts');
    await waitForText(el, 'Acme Plumbing');
    const urgent = spoken(el, 'alert');
    const polite = spoken(el, 'status');
    // The region's text as a screen reader that reads only text changes sees it (QA20's recorder).
    const region = $(el, '.sr-only[role="alert"]')!;
    const texts: string[] = [];
    let events = 0;
    el.addEventListener('rt-alert', () => events++);
    for (let i = 1; i <= 3; i++) {
      client.insert('signal_alerts', { id: `same${i}`, user_id: ALICE, business_name: 'Same Co', signal_type: 'expansion', priority: 'critical' });
      await until(() => urgent.length === i, `alert ${i} spoken`, () => urgent);
      texts.push(region.textContent!);
    }
    expect(events).to.equal(3);
    expect(urgent).to.deep.equal(Array(3).fill('New critical signal: Same Co, expansion'));
    expect(polite).to.deep.equal([]);
    expect(texts[1], 'a text change, not only a new node').to.not.equal(texts[0]);
    expect(texts[2]).to.not.equal(texts[1]);
  });

  it('the same agent started twice is spoken twice (QA20 #1)', async () => {
    const client = memory();
    client.setRows('agent_executions', [{ id: 'old', stream_id: 's1', agent_id: 'scorer', status: 'completed', started_at: ago(60_000), completed_at: ago(50_000) }]);
    const el = await mount<RtAgentExecutions>(client, html`<rt-agent-executions stream-id="s1"></rt-agent-executions>`, 'rt-agent-executions');
    await waitForText(el, 'scorer');
    const said = spoken(el, 'status');
    for (let i = 1; i <= 2; i++) {
      client.insert('agent_executions', { id: `run${i}`, stream_id: 's1', agent_id: 'research-agent', status: 'running', started_at: new Date().toISOString() });
      await until(() => said.length === i, `start ${i} spoken`, () => said);
    }
    expect(said).to.deep.equal(['research-agent started', 'research-agent started']);
  });

  it('rows arriving one per update are batched, and every one is named or counted (QA20 #2)', async () => {
    const client = memory();
    const el = await mount<RtNotifications>(client, html`<rt-notifications max-items="100"></rt-notifications>`, 'rt-notifications');
    await waitForText(el, 'You are all caught up');
    const said = spoken(el, 'status');
    const n = 30;
    await oneByOne(client, el, n);
    await until(() => { const a = accounted(said); return a.named.length + a.counted === n; }, `all ${n} named or counted`, () => said);
    expect(said[0], 'the first one at once, by name').to.equal('New notification: Row 1');
    expect(said.length, `a flood, one announcement per row: ${JSON.stringify(said)}`).to.be.at.most(n / MAX_SAID);
    const { named } = accounted(said);
    expect(new Set(named).size, 'no row named twice').to.equal(named.length);
  });

  it('off screen, rows arriving one per update are all said, named or counted (QA20 #3)', async () => {
    const client = memory();
    const wrapper = await mount<HTMLElement>(
      client,
      html`<div><div style="height: 400vh"></div><rt-notifications max-items="100"></rt-notifications></div>`,
      'div',
    );
    const el = wrapper.querySelector('rt-notifications') as RtNotifications;
    await waitUntil(() => el.matches(':state(offscreen)') && el.hasUpdated, 'off screen', { timeout: 3000 });
    const said = spoken(el, 'status');
    const n = 30;
    await oneByOne(client, el, n);
    await until(() => { const a = accounted(said); return a.named.length + a.counted === n; }, `all ${n} named or counted`, () => said);
  });

  it('an urgent message in a polite burst is spoken at once, by name; the polite ones follow as a count', async () => {
    const client = memory();
    const el = await mount<RtNotifications>(client, html`<rt-notifications max-items="100"></rt-notifications>`, 'rt-notifications');
    await waitForText(el, 'You are all caught up');
    const polite = spoken(el, 'status');
    const urgent = spoken(el, 'alert');
    const order: string[] = [];
    new MutationObserver(() => order.push('polite')).observe($(el, '.sr-only[role="status"]')!, { childList: true, characterData: true, subtree: true });
    new MutationObserver(() => order.push('urgent')).observe($(el, '.sr-only[role="alert"]')!, { childList: true, characterData: true, subtree: true });
    client.insert('notifications', { id: 'p0', user_id: ALICE, title: 'Row 0', type: 'info' });
    await waitUntil(() => polite.length === 1, 'the first polite one spoken');
    // One update: five polite and one urgent.
    for (let i = 1; i <= 5; i++) client.insert('notifications', { id: `p${i}`, user_id: ALICE, title: `Row ${i}`, type: 'info' });
    client.insert('notifications', { id: 'u1', user_id: ALICE, title: 'Sync failed', type: 'error' });
    await until(() => polite.length === 2, 'the polite ones summed up', () => ({ polite, urgent }));
    expect(urgent).to.deep.equal(['New error notification: Sync failed']);
    expect(polite).to.deep.equal(['New notification: Row 0', 'Notifications: 5 new']);
    expect(order, 'the urgent one did not wait for the polite batch').to.deep.equal(['polite', 'urgent', 'polite']);
  });

  it('agents: every start and end within one update is said, a failure by name (QA20 #3)', async () => {
    const client = memory();
    client.setRows('agent_executions', [{ id: 'old', stream_id: 's1', agent_id: 'scorer', status: 'completed', started_at: ago(60_000), completed_at: ago(50_000) }]);
    const el = await mount<RtAgentExecutions>(client, html`<rt-agent-executions stream-id="s1"></rt-agent-executions>`, 'rt-agent-executions');
    await waitForText(el, 'scorer');
    const said = spoken(el, 'status');
    const names = ['alpha', 'bravo', 'charlie', 'delta', 'enricher'];
    for (const name of names) client.insert('agent_executions', { id: name, stream_id: 's1', agent_id: name, status: 'running', started_at: new Date().toISOString() });
    await waitUntil(() => said.length === 1, 'the starts spoken');
    expect(said[0]).to.equal('5 agent updates');
    for (const name of names) client.update('agent_executions', { id: name, status: name === 'enricher' ? 'failed' : 'completed', completed_at: new Date().toISOString() });
    await until(() => said.length === 2, 'the ends spoken', () => said);
    expect(said[1]).to.equal('enricher failed. 5 agent updates');
    // Two at a time are named.
    await waitUntil(() => !el.shadowRoot!.querySelector('[part="running"]'), 'none running');
    client.insert('agent_executions', { id: 'x1', stream_id: 's1', agent_id: 'xray', status: 'running', started_at: new Date().toISOString() });
    client.insert('agent_executions', { id: 'y1', stream_id: 's1', agent_id: 'yankee', status: 'running', started_at: new Date().toISOString() });
    await until(() => said.length === 3, 'the pair spoken', () => said);
    expect(said[2].split('. ').sort()).to.deep.equal(['xray started', 'yankee started']);
  });
});

/** Mounts `tag` below a screen's worth of space (off screen: it renders at most once a second) once it is. */
async function offscreen<T extends Element>(client: ReturnType<typeof memory>, template: ReturnType<typeof html>, tag: string): Promise<T> {
  const wrapper = await mount<HTMLElement>(client, html`<div><div style="height: 400vh"></div>${template}</div>`, 'div');
  const el = wrapper.querySelector(tag) as T;
  await waitUntil(() => el.matches(':state(offscreen)') && (el as unknown as { hasUpdated: boolean }).hasUpdated, 'off screen', { timeout: 3000 });
  return el;
}

describe('announcer: what the status and progress widgets say', () => {
  beforeEach(() => resetAnnouncements());

  it('rt-progress done → running → done: "completed" is spoken twice', async () => {
    const el = await mount<RtProgress>(memory(), html`<rt-progress label="Import" status="running"></rt-progress>`, 'rt-progress');
    const said = spoken(el, 'status');
    el.status = 'completed';
    await until(() => said.length === 1, 'the first completion spoken', () => said);
    el.status = 'running';
    await el.updateComplete;
    el.status = 'completed';
    await until(() => said.length === 2, 'the second completion spoken', () => said);
    expect(said).to.deep.equal(['Import completed', 'Import completed']);
  });

  it('a stream that completes, is reset and completes again is spoken twice', async () => {
    const client = memory();
    client.setRows('streams', [{ id: 'r1', name: 'Rerun', goal_status: 'in_progress', current_progress: { percentage: 80, completed: 8, total: 10 } }]);
    const el = await mount<RtStreamProgress>(client, html`<rt-stream-progress stream-id="r1"></rt-stream-progress>`, 'rt-stream-progress');
    await waitForText(el, '80%');
    const said = spoken(el, 'status');
    for (let i = 1; i <= 2; i++) {
      client.update('streams', { id: 'r1', goal_status: 'completed', current_progress: { percentage: 100, completed: 10, total: 10 } });
      await until(() => said.length === i, `completion ${i} spoken`, () => said);
      // The page-wide dedupe (30 s) is over: the run that follows is announced again.
      resetAnnouncements();
      client.update('streams', { id: 'r1', goal_status: 'in_progress', current_progress: { percentage: 80, completed: 8, total: 10 } });
      await waitForText(el, '80%');
    }
    expect(said).to.deep.equal(['Rerun completed', 'Rerun completed']);
  });

  it('off screen, a stream\'s 50 % milestone and its completion within a second are both spoken', async () => {
    const client = memory();
    client.setRows('streams', [{ id: 'o1', name: 'Offscreen', goal_status: 'in_progress', current_progress: { percentage: 40, completed: 4, total: 10 } }]);
    const el = await offscreen<RtStreamProgress>(client, html`<rt-stream-progress stream-id="o1"></rt-stream-progress>`, 'rt-stream-progress');
    await waitForText(el, '40%');
    const said = spoken(el, 'status');
    // Right after a render (the next is a second away), two updates, each taken by the element.
    client.update('streams', { id: 'o1', current_progress: { percentage: 45, completed: 4, total: 10 } });
    await waitUntil(() => text(el).includes('45%'), 'rendered', { timeout: 3000, interval: 5 });
    client.update('streams', { id: 'o1', current_progress: { percentage: 70, completed: 7, total: 10 } });
    await waitUntil(() => el.progress?.current_progress?.percentage === 70, 'taken', { interval: 5 });
    await el.updateComplete;
    client.update('streams', { id: 'o1', goal_status: 'completed', current_progress: { percentage: 100, completed: 10, total: 10 } });
    await until(() => said.some((t) => t.includes('completed')), 'the completion spoken', () => said);
    expect(said.join(' | ')).to.include('Offscreen: 70%').and.include('Offscreen completed');
  });

  it('two status widgets of one client (a badge and a dashboard\'s) say each change once between them; a flap is heard each time', async () => {
    const client = memory();
    const wrapper = await mount<HTMLElement>(client, html`<div><rt-connection-status></rt-connection-status><rt-connection-status show-text></rt-connection-status></div>`, 'div');
    const [a, b] = [...wrapper.querySelectorAll('rt-connection-status')] as RtConnectionStatus[];
    const saidA = spoken(a, 'status');
    const saidB = spoken(b, 'status');
    const all = () => [...saidA, ...saidB];
    const step = async (status: 'disconnected' | 'connected') => {
      client.setConnection({ status });
      await waitUntil(() => a.matches(`:state(${status})`) && b.matches(`:state(${status})`), 'taken', { interval: 5 });
    };
    const D = 'Realtime connection: Disconnected';
    const C = 'Realtime connection: Connected';
    await step('disconnected');
    await until(() => all().length === 1, 'the drop spoken', all);
    await step('connected');
    await until(() => all().length === 2, 'the recovery spoken', all);
    await step('disconnected');
    await until(() => all().length === 3, 'the second drop spoken', all);
    await settle(a);
    // Without the page-wide rule each widget says every change: six announcements.
    expect(all().sort(), JSON.stringify({ saidA, saidB })).to.deep.equal([C, D, D]);
  });

  it('status widgets of two clients each say their own client\'s change, even in the same words', async () => {
    const [c1, c2] = [memory(), memory()];
    const wrapper = await fixture<HTMLElement>(html`<div>
      <rt-provider .client=${c1}><rt-connection-status></rt-connection-status></rt-provider>
      <rt-provider .client=${c2}><rt-multi-connection-status .subscriptions=${[{ name: 'a', status: 'connected' }]}></rt-multi-connection-status></rt-provider>
    </div>`);
    const a = wrapper.querySelector('rt-connection-status') as RtConnectionStatus;
    const m = wrapper.querySelector('rt-multi-connection-status') as HTMLElement & { subscriptions: unknown };
    await waitUntil(() => a.matches(':state(connected)'), 'connected', { interval: 5 });
    const saidA = spoken(a, 'status');
    const saidM = spoken(m, 'status');
    c1.setConnection({ status: 'disconnected' });
    m.subscriptions = [{ name: 'a', status: 'disconnected' }];
    await until(() => saidA.length === 1 && saidM.length === 1, 'each widget spoke', () => ({ saidA, saidM }));
    expect(saidA[0]).to.equal('Realtime connection: Disconnected');
  });

  it('off screen, a connection that drops and comes back within a second says so (the latest state last)', async () => {
    const client = memory();
    const el = await offscreen<RtConnectionStatus>(client, html`<rt-connection-status></rt-connection-status>`, 'rt-connection-status');
    const said = spoken(el, 'status');
    client.setConnection({ status: 'disconnected' });
    await until(() => said.length === 1, 'the drop spoken', () => said);
    client.setConnection({ status: 'connected' });
    // Right after the render that said "Connected", a drop and a recovery, each taken by the element.
    await until(() => said.length === 2, 'the recovery spoken', () => said);
    client.setConnection({ status: 'disconnected' });
    await waitUntil(() => el.matches(':state(disconnected)'), 'taken', { interval: 5 });
    client.setConnection({ status: 'connected' });
    await waitUntil(() => el.matches(':state(connected)'), 'taken', { interval: 5 });
    await until(() => said.length >= 3 && said.at(-1) === 'Realtime connection: Connected', 'the flap spoken', () => said);
    expect(said.slice(0, 2)).to.deep.equal(['Realtime connection: Disconnected', 'Realtime connection: Connected']);
  });

  it('rt-agent-executions: a larger max-items brings older finished runs, which are not said; a run that starts after is (QA47 review)', async () => {
    const client = memory();
    const done = Array.from({ length: 150 }, (_, i) => ({ id: `d${i}`, stream_id: 's1', agent_id: `old-${i}`, status: 'completed' as const, started_at: ago(600_000), completed_at: ago(500_000 + i), created_at: ago(700_000 + i * 1000) }));
    client.setRows('agent_executions', done);
    const el = await mount<HTMLElement & { maxItems: number }>(client, html`<rt-agent-executions stream-id="s1" max-items="100"></rt-agent-executions>`, 'rt-agent-executions');
    await waitForText(el, 'old-0');
    const said = spoken(el, 'status');
    el.maxItems = 200; // holds 200 runs: the 50 older ones come in
    await waitUntil(() => text(el).includes('old-149'), 'the older runs shown', { timeout: 4000 });
    client.insert('agent_executions', { id: 'n1', stream_id: 's1', agent_id: 'newcomer', status: 'running', started_at: new Date().toISOString() });
    await until(() => said.some((t) => t.includes('newcomer started')), 'the new run said', () => said);
    expect(said.filter((t) => !t.includes('newcomer'))).to.deep.equal([]);
  });
});
