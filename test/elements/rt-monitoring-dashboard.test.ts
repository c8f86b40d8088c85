import { expect, html, oneEvent } from '@open-wc/testing';
import '../../src/elements/rt-monitoring-dashboard/rt-monitoring-dashboard.js';
import type { RtMonitoringDashboard } from '../../src/elements/rt-monitoring-dashboard/rt-monitoring-dashboard.js';
import { $, ALICE, ago, deepText, memory, mount, ORG, settle, waitForText } from './helpers.js';
import { waitUntil } from '@open-wc/testing';
import { rtError } from '../../src/core/errors.js';
import { en } from '../../src/internal/strings.js';

function seeded() {
  const client = memory();
  client.setRows('streams', [
    { id: 's1', org_id: ORG, name: 'Q3 outbound', goal_status: 'in_progress', current_progress: { percentage: 55, completed: 11, total: 20 }, created_at: ago(5000) },
    { id: 's2', org_id: ORG, name: 'Partner intros', goal_status: 'completed', current_progress: { percentage: 100, completed: 8, total: 8 }, created_at: ago(9000) },
    { id: 'sx', org_id: 'other-org', name: 'Not ours', goal_status: 'pending' },
  ]);
  client.setRows('acquisition_scans', [
    { id: 'sc1', user_id: ALICE, name: 'Midwest HVAC', status: 'running', progress_percentage: 30, targets_identified: 10, targets_analyzed: 3, started_at: ago(60_000) },
  ]);
  client.setRows('agent_executions', [{ id: 'e1', stream_id: 's1', agent_id: 'researcher', status: 'running', started_at: ago(20_000) }]);
  client.setRows('signal_alerts', [{ id: 'a1', user_id: ALICE, business_name: 'Acme Plumbing', signal_type: 'hiring', priority: 'high' }]);
  client.setRows('notifications', [{ id: 'n1', user_id: ALICE, title: 'Scan finished', type: 'success' }]);
  return client;
}

async function waitDeep(el: Element, needle: string) {
  await waitUntil(() => deepText(el.shadowRoot!).includes(needle), `no "${needle}" in dashboard: ${deepText(el.shadowRoot!).slice(0, 400)}`, { timeout: 5000 });
  await settle(el);
}

describe('rt-monitoring-dashboard', () => {
  for (const [theme, page] of [['dark', 'light'], ['light', 'dark']] as const) {
    it(`theme="${theme}" on a ${page} page: its headings and the compact subscription list stay readable (a surface of its own)`, async () => {
      document.documentElement.style.colorScheme = page;
      document.body.style.background = page === 'light' ? '#ffffff' : '#0b1120';
      try {
        const el = await mount<RtMonitoringDashboard>(seeded(), html`<rt-monitoring-dashboard theme=${theme}></rt-monitoring-dashboard>`, 'rt-monitoring-dashboard');
        for (const needle of ['Live monitoring', 'Q3 outbound', 'Midwest HVAC', 'Acme Plumbing']) await waitDeep(el, needle);
        await expect(el).to.be.accessible();
      } finally {
        document.documentElement.style.colorScheme = '';
        document.body.style.background = '';
      }
    });
  }

  it("shows connection, the org's streams, the user's scans, agents, alerts and notifications", async () => {
    const el = await mount<RtMonitoringDashboard>(seeded(), html`<rt-monitoring-dashboard></rt-monitoring-dashboard>`, 'rt-monitoring-dashboard');
    for (const needle of ['Live monitoring', 'Connected', 'Q3 outbound', 'Partner intros', 'Midwest HVAC', 'researcher', 'Acme Plumbing', 'Scan finished']) {
      await waitDeep(el, needle);
    }
    expect(deepText(el.shadowRoot!)).not.to.include('Not ours');
    expect(el.shadowRoot!.querySelectorAll('rt-stream-card').length).to.equal(2);
    await settle(el);
    await expect(el).to.be.accessible();
  });

  it("a section's cause reaches its cards' badges (the scans feed failing: each scan card says why, not only the section)", async () => {
    const client = seeded();
    const el = await mount<RtMonitoringDashboard>(client, html`<rt-monitoring-dashboard></rt-monitoring-dashboard>`, 'rt-monitoring-dashboard');
    await waitDeep(el, 'Midwest HVAC');
    client.fail('acquisition_scans', rtError('network', 'Cannot reach the server: Failed to fetch'));
    const card = () => el.shadowRoot!.querySelector('rt-scan-progress')!;
    const badge = () => card().shadowRoot!.querySelector<HTMLElement>('[part~="live-badge"]');
    await waitUntil(() => badge()?.title === en.errorMessages.network, 'the scan card names the cause', { timeout: 5000 });
    expect(badge()!.textContent).to.include(en.stale);
  });

  it('a section counts the rows it holds, "N+" when the list may not hold every row (QA21 F1)', async () => {
    const client = seeded();
    const only = html`<rt-monitoring-dashboard hide-connection hide-scans hide-agents hide-alerts hide-notifications></rt-monitoring-dashboard>`;
    const count = (el: Element) => el.shadowRoot!.querySelector('#streams-h .count')?.textContent;
    const few = await mount<RtMonitoringDashboard>(client, only, 'rt-monitoring-dashboard');
    await waitDeep(few, 'Q3 outbound');
    expect(count(few)).to.equal('(2)');
    // The section (a landmark) is named by its title alone, not the count and badge that change with each update (QA84 F6).
    const section = few.shadowRoot!.querySelector('section[part="streams"]')!;
    expect(few.shadowRoot!.getElementById(section.getAttribute('aria-labelledby')!)!.textContent!.trim()).to.equal(en.streams);
    // 130 more in progress (the list holds 100): every one held, and the total is a lower bound.
    const more = memory();
    more.setRows('streams', Array.from({ length: 130 }, (_, i) => ({ id: `b${i}`, org_id: ORG, name: `bulk ${i}`, goal_status: 'in_progress' as const, created_at: ago(1000 * (i + 1)) })));
    const many = await mount<RtMonitoringDashboard>(more, only, 'rt-monitoring-dashboard');
    await waitDeep(many, 'bulk 129');
    expect(count(many)).to.equal('(130+)');
    expect(many.shadowRoot!.querySelectorAll('rt-stream-card').length).to.equal(130);
  });

  it('the agent picker tells apart streams that share a name by when each was created (QA53), and a unique name stays bare', async () => {
    const client = seeded();
    const created = ['2026-11-02T09:15:00Z', '2026-12-01T16:40:00Z'];
    client.setRows('streams', [
      { id: 'r1', org_id: ORG, name: 'Renewal pipeline', goal_status: 'in_progress', created_at: created[0] },
      { id: 'r2', org_id: ORG, name: 'Renewal pipeline', goal_status: 'in_progress', created_at: created[1] },
      { id: 'u1', org_id: ORG, name: 'Unique', goal_status: 'pending', created_at: ago(1000) },
    ]);
    const el = await mount<RtMonitoringDashboard>(client, html`<rt-monitoring-dashboard></rt-monitoring-dashboard>`, 'rt-monitoring-dashboard');
    await waitUntil(() => el.shadowRoot!.querySelectorAll('#agent-stream option').length === 3, 'three options', { timeout: 5000 });
    const options = [...el.shadowRoot!.querySelectorAll('#agent-stream option')].map((o) => [o.getAttribute('value'), o.textContent]);
    const when = (iso: string) => new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
    expect(options).to.deep.include.members([
      ['r1', `Renewal pipeline · ${when(created[0]!)}`],
      ['r2', `Renewal pipeline · ${when(created[1]!)}`],
      ['u1', 'Unique'],
    ]);
  });

  it('hides sections by attribute', async () => {
    const el = await mount<RtMonitoringDashboard>(
      seeded(),
      html`<rt-monitoring-dashboard hide-connection hide-scans hide-agents hide-alerts hide-notifications></rt-monitoring-dashboard>`,
      'rt-monitoring-dashboard',
    );
    await waitDeep(el, 'Q3 outbound');
    const root = el.shadowRoot!;
    expect(root.querySelector('rt-connection-status')).to.be.null;
    expect(root.querySelector('[part="scans"]')).to.be.null;
    expect(root.querySelector('rt-agent-executions')).to.be.null;
    expect(root.querySelector('rt-signal-alerts')).to.be.null;
    expect(root.querySelector('rt-notifications')).to.be.null;
    el.hideStreams = true;
    el.hideAlerts = false;
    await settle(el);
    expect(root.querySelector('[part="streams"]')).to.be.null;
    expect(root.querySelector('rt-signal-alerts')).to.exist;
  });

  it('is one column on a phone and a grid on a wide screen', async () => {
    const el = await mount<RtMonitoringDashboard>(seeded(), html`<rt-monitoring-dashboard style="width: 375px"></rt-monitoring-dashboard>`, 'rt-monitoring-dashboard');
    await waitDeep(el, 'Q3 outbound');
    const cols = () => getComputedStyle($(el, '.layout')!).gridTemplateColumns.split(' ').length;
    const cardCols = () => getComputedStyle($(el, '.cards')!).gridTemplateColumns.split(' ').length;
    expect(cols()).to.equal(1);
    expect(cardCols()).to.equal(1);
    el.style.width = '1280px';
    await settle(el);
    expect(cols()).to.equal(2);
    expect(cardCols()).to.be.greaterThan(1);
  });

  it('lets events of inner elements reach the page', async () => {
    const client = seeded();
    const el = await mount<RtMonitoringDashboard>(client, html`<rt-monitoring-dashboard></rt-monitoring-dashboard>`, 'rt-monitoring-dashboard');
    await waitDeep(el, 'Acme Plumbing');
    const ev = oneEvent(document, 'rt-alert');
    client.insert('signal_alerts', { id: 'a2', user_id: ALICE, business_name: 'Zeta Inc', signal_type: 'x', priority: 'low' });
    expect((await ev).detail.alert.business_name).to.equal('Zeta Inc');
  });

  it('loading, empty and error states for streams and scans', async () => {
    const held = seeded();
    held.hold('streams');
    held.hold('acquisition_scans');
    const loading = await mount<RtMonitoringDashboard>(held, html`<rt-monitoring-dashboard hide-alerts hide-notifications hide-agents></rt-monitoring-dashboard>`, 'rt-monitoring-dashboard');
    expect(loading.shadowRoot!.querySelectorAll('[part="loading"]').length).to.equal(2);
    await expect(loading).to.be.accessible();

    const empty = await mount<RtMonitoringDashboard>(memory(), html`<rt-monitoring-dashboard hide-alerts hide-notifications></rt-monitoring-dashboard>`, 'rt-monitoring-dashboard');
    await waitForText(empty, 'No streams in this organisation');
    await waitForText(empty, 'No scans yet');
    await expect(empty).to.be.accessible();

    const failing = seeded();
    failing.fail('streams', { code: 'server', message: 'x' });
    const error = await mount<RtMonitoringDashboard>(failing, html`<rt-monitoring-dashboard hide-alerts hide-notifications hide-agents></rt-monitoring-dashboard>`, 'rt-monitoring-dashboard');
    await waitForText(error, 'Could not load live data');
    await expect(error).to.be.accessible();
  });
});
