/**
 * The dashboard's agent-stream picker against the real backend: the picker and the agents below it
 * name the same stream, whatever happens to the list (QA49 F1: a picked stream deleted, or the
 * `org-id` changed, left the agents of the stream gone under a picker showing another, or no picker).
 */
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/elements/rt-provider/rt-provider.js';
import '../../src/elements/rt-monitoring-dashboard/rt-monitoring-dashboard.js';
import type { RtClient } from '../../src/core/client.js';
import { ALICE, USERS, clientFor, deleteRows, insertInto, insertRows, newId, newStream, waitFor } from '../helpers/backend.js';
import { deepText } from './helpers.js';

const clients: RtClient[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.dispose();
});

async function freshOrg(): Promise<string> {
  const orgId = newId();
  await insertInto('orgs', [{ id: orgId, name: `picker ${orgId.slice(0, 4)}` }]);
  await insertInto('org_members', [{ org_id: orgId, user_id: ALICE, role: 'member' }]);
  return orgId;
}

const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

describe('the dashboard agent picker (real backend)', function () {
  this.timeout(60_000);

  /** Alpha (newer) and beta, both in progress, one running agent each; the dashboard shows alpha's. */
  async function setup(extra?: (org: string) => Promise<unknown>) {
    const org = await freshOrg();
    const a = await newStream({ org_id: org, name: 'alpha-stream', goal_status: 'in_progress', created_at: ago(60_000) } as never);
    const b = await newStream({ org_id: org, name: 'beta-stream', goal_status: 'in_progress', created_at: ago(120_000) } as never);
    await insertRows('agent_executions', [
      { stream_id: a.id, agent_id: 'agent-of-alpha', status: 'running', started_at: ago(0) },
      { stream_id: b.id, agent_id: 'agent-of-beta', status: 'running', started_at: ago(0) },
    ] as never);
    await extra?.(org);
    const c = await clientFor(USERS.alice);
    clients.push(c);
    const root = await fixture(html`<rt-provider .client=${c}><rt-monitoring-dashboard org-id=${org} hide-scans hide-alerts hide-notifications></rt-monitoring-dashboard></rt-provider>`);
    const dash = root.querySelector('rt-monitoring-dashboard')!;
    const select = () => dash.shadowRoot!.querySelector('select');
    const agents = () => dash.shadowRoot!.querySelector('rt-agent-executions')!;
    const agentsText = () => deepText(agents().shadowRoot!);
    /** The picker (when shown) names the stream whose agents are listed. */
    const agree = () => !select() || select()!.value === agents().getAttribute('stream-id');
    await waitFor(() => (select()?.options.length ?? 0) >= 2 && agentsText().includes('agent-of-alpha'), 15_000, 'both streams listed, agents of alpha');
    const pick = async (id: string, agent: string) => {
      select()!.value = id;
      select()!.dispatchEvent(new Event('change', { bubbles: true }));
      await waitFor(() => agentsText().includes(agent) && agree(), 15_000, `agents of ${agent}`);
    };
    return { org, a, b, dash, select, agents, agentsText, agree, pick };
  }

  it('a newer stream arrives: the picked stream stays picked, in the picker and below it', async () => {
    const { org, b, select, agents, agree, pick } = await setup();
    await pick(b.id, 'agent-of-beta');
    await newStream({ org_id: org, name: 'gamma-stream', goal_status: 'pending' });
    await waitFor(() => select()!.options.length === 3, 15_000, 'three options');
    expect(select()!.value).to.equal(b.id);
    expect(agents().getAttribute('stream-id')).to.equal(b.id);
    expect(agree()).to.equal(true);
  });

  it('the picked stream deleted, two left: the picker and the agents go back to the default (the newest in progress), together', async () => {
    const { a, b, select, agents, agentsText, agree, pick } = await setup((org) => newStream({ org_id: org, name: 'gamma-stream', goal_status: 'pending', created_at: ago(180_000) } as never));
    await waitFor(() => select()!.options.length === 3, 15_000, 'three options');
    await pick(b.id, 'agent-of-beta');
    await deleteRows('agent_executions', { stream_id: b.id });
    await deleteRows('streams', { id: b.id });
    await waitFor(() => select()!.options.length === 2 && agentsText().includes('agent-of-alpha'), 20_000, `beta gone; agents of alpha (shows ${agentsText().slice(0, 120)})`);
    expect(select()!.value).to.equal(a.id);
    expect(agents().getAttribute('stream-id')).to.equal(a.id);
    expect(agree()).to.equal(true);
  });

  it('the picked stream deleted, one left: no picker, the agents of the one left', async () => {
    const { a, b, select, agents, agentsText, pick } = await setup();
    await pick(b.id, 'agent-of-beta');
    await deleteRows('agent_executions', { stream_id: b.id });
    await deleteRows('streams', { id: b.id });
    await waitFor(() => !select() && agentsText().includes('agent-of-alpha'), 20_000, `no picker; agents of alpha (shows ${agentsText().slice(0, 120)})`);
    expect(agents().getAttribute('stream-id')).to.equal(a.id);
  });

  it("org-id changed after a pick: the agents of the new org's stream, not of the one picked in the old org", async () => {
    const { b, dash, agents, agentsText, pick } = await setup();
    await pick(b.id, 'agent-of-beta');
    const org2 = await freshOrg();
    const d = await newStream({ org_id: org2, name: 'delta-stream', goal_status: 'in_progress' });
    await insertRows('agent_executions', [{ stream_id: d.id, agent_id: 'agent-of-delta', status: 'running', started_at: ago(0) }] as never);
    dash.setAttribute('org-id', org2);
    await waitFor(() => deepText(dash.shadowRoot!).includes('delta-stream') && agentsText().includes('agent-of-delta'), 15_000, "the new org's stream and its agents");
    expect(agents().getAttribute('stream-id')).to.equal(d.id);
  });

  it('agents-stream-id naming a stream the list does not hold: the picker names it too, not the first stream', async () => {
    const org = await freshOrg();
    await newStream({ org_id: org, name: 'alpha-stream', goal_status: 'in_progress' });
    await newStream({ org_id: org, name: 'beta-stream', goal_status: 'in_progress' });
    const other = await newStream({ org_id: await freshOrg(), name: 'elsewhere', goal_status: 'in_progress' });
    const c = await clientFor(USERS.alice);
    clients.push(c);
    const root = await fixture(html`<rt-provider .client=${c}><rt-monitoring-dashboard org-id=${org} agents-stream-id=${other.id} hide-scans hide-alerts hide-notifications></rt-monitoring-dashboard></rt-provider>`);
    const dash = root.querySelector('rt-monitoring-dashboard')!;
    const select = () => dash.shadowRoot!.querySelector('select');
    await waitFor(() => (select()?.options.length ?? 0) === 3, 15_000, 'the two streams and the one named');
    expect(select()!.value).to.equal(other.id);
    expect(dash.shadowRoot!.querySelector('rt-agent-executions')!.getAttribute('stream-id')).to.equal(other.id);
  });

  it('the picker has keyboard focus when the list drops to one stream: it stays, with focus, until focus leaves it (QA50 F6: focus fell to <body>)', async () => {
    const { a, b, select, agentsText } = await setup();
    select()!.focus();
    await deleteRows('agent_executions', { stream_id: b.id });
    await deleteRows('streams', { id: b.id });
    await waitFor(() => select()?.options.length === 1 && agentsText().includes('agent-of-alpha'), 20_000, 'one stream left, its agents');
    expect(select()!.value).to.equal(a.id);
    const dash = select()!.getRootNode() as ShadowRoot;
    expect(dash.activeElement, 'focus stays on the picker').to.equal(select());
    expect(document.activeElement).to.not.equal(document.body);
    select()!.blur();
    await waitFor(() => !select(), 5000, 'the picker gone once focus left it');
  });
});
