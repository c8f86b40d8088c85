/**
 * A list widget pointed at data the signed-in user cannot see (real backend, real Chromium, real
 * elements). Row Level Security answers such a list with no rows, and the widgets used to show
 * that as their empty state under a green "Live": Bob's `<rt-signal-alerts user-id=ALICE>` read
 * "Live · No signal alerts" while Alice had alerts, and a dashboard of an org Bob is not in read
 * "No streams in this organisation". An empty snapshot for an explicitly given parent is now
 * checked (ResolvedFeed.verifyEmpty): the widget says why, and is not Live. The controls (the
 * user's own ids, a stream with no activity yet) keep their empty states.
 */
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/elements/rt-provider/rt-provider.js';
import '../../src/elements/rt-signal-alerts/rt-signal-alerts.js';
import '../../src/elements/rt-notifications/rt-notifications.js';
import '../../src/elements/rt-agent-executions/rt-agent-executions.js';
import '../../src/elements/rt-monitoring-dashboard/rt-monitoring-dashboard.js';
import '../../src/elements/rt-multi-connection-status/rt-multi-connection-status.js';
import type { RtClient } from '../../src/core/client.js';
import { en } from '../../src/internal/strings.js';
import { ACME, ALICE, USERS, clientFor, insertRows, newStream, waitFor } from '../helpers/backend.js';
import { deepText } from './helpers.js';

const clients: RtClient[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.dispose();
});

async function client(email: string): Promise<RtClient> {
  const c = await clientFor(email);
  clients.push(c);
  return c;
}

async function mount(c: RtClient, widget: ReturnType<typeof html>): Promise<HTMLElement> {
  const wrapper = await fixture(html`<rt-provider .client=${c}>${widget}</rt-provider>`);
  return wrapper.firstElementChild as HTMLElement;
}

const text = (el: HTMLElement) => deepText(el.shadowRoot!);

describe('list widgets pointed at data the user cannot see (RLS, real backend)', function () {
  this.timeout(60_000);

  it('another user’s alerts and notifications: an error that says so, not "Live · nothing here"', async () => {
    await insertRows('signal_alerts', [{ user_id: ALICE, org_id: ACME, business_name: 'for alice only', signal_type: 'intent', priority: 'high' }]);
    const bob = await client(USERS.bob);
    const alerts = await mount(bob, html`<rt-signal-alerts user-id=${ALICE}></rt-signal-alerts>`);
    // Words for this cause, not the generic refusal's organisation example (QA41 L6).
    await waitFor(() => text(alerts).includes(en.errorMessages['other-user']), 15_000, 'alerts: another user');
    expect(text(alerts)).to.not.include(en.errorMessages.forbidden);
    expect(text(alerts)).to.not.include(en.noAlerts);
    expect(text(alerts)).to.not.include(en.live);
    const notes = await mount(bob, html`<rt-notifications user-id=${ALICE}></rt-notifications>`);
    await waitFor(() => text(notes).includes(en.errorMessages['other-user']), 15_000, 'notifications: another user');
    expect(text(notes)).to.not.include(en.noNotifications);
  });

  it('agents of a stream in another org, and a dashboard of an org the user is not in: "Not found or no access"', async () => {
    const stream = await newStream({ name: 'acme only' });
    await insertRows('agent_executions', [{ stream_id: stream.id, agent_id: 'a1', status: 'running', started_at: new Date().toISOString() }]);
    const bob = await client(USERS.bob);
    const agents = await mount(bob, html`<rt-agent-executions stream-id=${stream.id}></rt-agent-executions>`);
    await waitFor(() => text(agents).includes(en.notFound), 15_000, 'agents: not found');
    expect(text(agents)).to.not.include(en.noAgents);
    const dashboard = await mount(bob, html`<rt-monitoring-dashboard org-id=${ACME}></rt-monitoring-dashboard>`);
    await waitFor(() => text(dashboard).includes(en.notFound), 15_000, 'dashboard: not found');
    expect(text(dashboard)).to.not.include(en.noStreams);
  });

  it('the subscription list beside such a widget does not read "1 of 1 connected" (QA20), and names the cause (QA57 F3)', async () => {
    const stream = await newStream({ name: 'acme only, listed' });
    const bob = await client(USERS.bob);
    const wrapper = await fixture(html`<rt-provider .client=${bob}><rt-agent-executions stream-id=${stream.id}></rt-agent-executions><rt-multi-connection-status></rt-multi-connection-status></rt-provider>`);
    const agents = wrapper.querySelector('rt-agent-executions') as HTMLElement;
    const list = wrapper.querySelector('rt-multi-connection-status') as HTMLElement;
    await waitFor(() => text(agents).includes(en.notFound), 15_000, 'agents: not found');
    // Named by its cause, as the widget says it: "No access", not "Connection error" (QA57 F3).
    await waitFor(() => text(list).includes(en.noAccess), 15_000, `the list names the cause (shows: ${text(list).slice(0, 200)})`);
    expect(text(list)).to.not.include('1 of 1 connected');
    expect(text(list)).to.not.include(en.connectionError);
  });

  it('controls: the user’s own id and a visible stream with no activity yet keep their empty states, Live', async () => {
    const quiet = await newStream({ name: 'no agents yet' });
    const alice = await client(USERS.alice);
    const agents = await mount(alice, html`<rt-agent-executions stream-id=${quiet.id}></rt-agent-executions>`);
    await waitFor(() => text(agents).includes(en.noAgents), 15_000, 'agents: empty');
    expect(text(agents)).to.not.include(en.notFound);
    const carol = await client(USERS.carol);
    const notes = await mount(carol, html`<rt-notifications user-id=${'33333333-3333-4333-8333-333333333333'}></rt-notifications>`);
    await waitFor(() => text(notes).includes(en.noNotifications) || text(notes).includes('Mark all'), 15_000, 'own notifications');
    expect(text(notes)).to.not.include(en.errorMessages.forbidden);
  });
});
