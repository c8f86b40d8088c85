/**
 * Bounded lists keep the work under way (real backend): a running agent, scan or stream behind
 * more newer finished rows than the list holds is still shown and counted as running, both when
 * the list is read and when newer rows arrive live. (QA round 10: "0 running agents", Live, while
 * one was running.)
 */
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/elements/rt-provider/rt-provider.js';
import '../../src/elements/rt-agent-executions/rt-agent-executions.js';
import '../../src/elements/rt-stream-card/rt-stream-card.js';
import '../../src/elements/rt-monitoring-dashboard/rt-monitoring-dashboard.js';
import type { RtClient } from '../../src/core/client.js';
import { ALICE, USERS, clientFor, deleteRows, insertInto, insertRows, newId, newStream, updateRows, waitFor } from '../helpers/backend.js';
import { deepText } from '../elements/helpers.js';

const clients: RtClient[] = [];
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.dispose();
  for (const f of cleanups.splice(0)) await f();
});

const text = (el: Element) => deepText(el.shadowRoot!);
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

function finished(streamId: string, n: number, from: number) {
  return Array.from({ length: n }, (_, i) => ({
    id: newId(), stream_id: streamId, agent_id: `done-${from + i}`, status: 'completed' as const,
    started_at: minutesAgo(30), completed_at: minutesAgo(29), created_at: minutesAgo(20 - (from + i) / 100),
  }));
}

describe('bounded lists keep the work under way (real backend)', function () {
  this.timeout(60_000);

  it('a running agent behind 120 newer finished ones (the list holds 100): read, and kept when more arrive live', async () => {
    const stream = await newStream({ name: 'many agents' });
    const [run] = await insertRows('agent_executions', [
      { id: newId(), stream_id: stream.id, agent_id: 'still-running', status: 'running', started_at: minutesAgo(60), created_at: minutesAgo(60) },
    ]);
    await insertRows('agent_executions', finished(stream.id, 120, 0));
    const c = await clientFor(USERS.alice);
    clients.push(c);
    const q = c.liveQuery('agent-executions', { streamId: stream.id });
    const off = q.subscribe(() => {});
    await waitFor(() => q.getState().phase === 'live', 15_000, 'live');
    const running = () => q.getState().data.filter((e) => e.status === 'running').map((e) => e.agent_id);
    expect(running(), 'read with the snapshot').to.deep.equal(['still-running']);
    // 30 more newer ones, live: the window trims finished rows, not the running one.
    await insertRows('agent_executions', finished(stream.id, 30, 120));
    await waitFor(() => q.getState().data.some((e) => e.agent_id === 'done-149'), 15_000, 'the newest arrived');
    expect(running(), 'kept while trimming').to.deep.equal(['still-running']);
    expect(q.getState().data.filter((e) => e.status !== 'running').length).to.equal(100);
    // The widget says so.
    const wrapper = await fixture(html`<rt-provider .client=${c}><rt-agent-executions stream-id=${stream.id}></rt-agent-executions></rt-provider>`);
    const el = wrapper.querySelector('rt-agent-executions')!;
    await waitFor(() => text(el).includes('still-running'), 15_000, 'the running agent shown');
    expect(text(el)).to.not.include('No agents running');
    // It completes: its end is shown (the row stays, completed), not a row that vanishes.
    await updateRows('agent_executions', { id: run!.id }, { status: 'completed', completed_at: new Date().toISOString() });
    await waitFor(() => q.getState().data.some((e) => e.id === run!.id && e.status === 'completed'), 15_000, 'shown completed');
    off();
  });

  it('more work under way than the list holds (QA21 F1): 150 running agents and 150 streams in progress, all listed and counted; the oldest run failing is shown', async () => {
    const stream = await newStream({ name: 'crowded', goal_status: 'in_progress' });
    await insertRows('agent_executions', Array.from({ length: 150 }, (_, i) => ({
      id: newId(), stream_id: stream.id, agent_id: `run-${i}`, status: 'running' as const, started_at: minutesAgo(i + 1), created_at: minutesAgo(i + 1),
    })));
    // 120 finished runs older still: max-items="1000" lists them all (the window grows with it).
    await insertRows('agent_executions', finished(stream.id, 120, 0).map((r, i) => ({ ...r, created_at: minutesAgo(200 + i) })));
    const [org] = await insertInto('orgs', [{ id: newId(), name: 'Crowded org' }]);
    await insertInto('org_members', [{ org_id: org!.id, user_id: ALICE }]);
    cleanups.push(async () => {
      await deleteRows('streams', { org_id: org!.id as string });
      await deleteRows('org_members' as never, { org_id: org!.id as string, user_id: ALICE });
      await deleteRows('orgs' as never, { id: org!.id as string });
    });
    await insertRows('streams', Array.from({ length: 150 }, (_, i) => ({
      id: newId(), org_id: org!.id as string, name: `bulk ${i}`, goal_status: 'in_progress' as const, created_at: minutesAgo(i + 1),
    })));
    const c = await clientFor(USERS.alice);
    clients.push(c);
    const wrapper = await fixture(html`<rt-provider .client=${c}>
      <rt-agent-executions stream-id=${stream.id} max-items="1000"></rt-agent-executions>
      <rt-stream-card stream-id=${stream.id}></rt-stream-card>
      <rt-monitoring-dashboard org-id=${org!.id as string} hide-connection hide-scans hide-agents hide-alerts hide-notifications></rt-monitoring-dashboard>
    </rt-provider>`);
    const agents = wrapper.querySelector('rt-agent-executions')!;
    const card = wrapper.querySelector('rt-stream-card')!;
    const dash = wrapper.querySelector('rt-monitoring-dashboard')!;
    const items = (part: string) => agents.shadowRoot!.querySelectorAll(`[part="${part}"] [part="item"]`).length;
    await waitFor(() => text(agents).includes('Live') && items('running') === 150, 20_000, '150 running agents listed');
    expect(text(agents)).to.include('150 running agents');
    expect(items('recent'), 'max-items 1000: every finished run').to.equal(120);
    await waitFor(() => text(card).includes('Live') && text(card).includes('150 running agents'), 15_000, 'the card counts 150');
    const heading = () => dash.shadowRoot!.querySelector('#streams-h .count')?.textContent;
    await waitFor(() => dash.shadowRoot!.querySelectorAll('rt-stream-card').length === 150, 15_000, '150 stream cards');
    expect(heading(), 'a full list: a lower bound').to.equal('(150+)');
    // The oldest running agent (beyond the list's 100) fails: shown, and no longer counted.
    await updateRows('agent_executions', { stream_id: stream.id, agent_id: 'run-149' }, { status: 'failed', error: 'OLDEST-FAILED', completed_at: new Date().toISOString() });
    await waitFor(() => text(agents).includes('OLDEST-FAILED'), 15_000, 'the oldest run shown failed');
    await waitFor(() => text(agents).includes('149 running agents') && text(card).includes('149 running agents'), 15_000, '149 running');
    expect(text(agents)).to.not.include('+ running');
  });

  it('a running scan behind 25 newer finished ones of the same user (the list holds 20) is read', async () => {
    const user = ALICE;
    const [run] = await insertRows('acquisition_scans', [{ id: newId(), user_id: user, name: 'old but running', status: 'running', progress_percentage: 10, created_at: minutesAgo(600) }]);
    // (alice's other widgets in later test files must not find these: removed at the end)
    const done = await insertRows('acquisition_scans', Array.from({ length: 25 }, (_, i) => ({
      id: newId(), user_id: user, name: `finished ${i}`, status: 'completed' as const, progress_percentage: 100, created_at: minutesAgo(5 - i / 100),
    })));
    cleanups.push(() => Promise.all([run!, ...done].map((r) => deleteRows('acquisition_scans', { id: r.id }))));
    const c = await clientFor(USERS.alice);
    clients.push(c);
    const q = c.liveQuery('user-scans', {});
    const off = q.subscribe(() => {});
    await waitFor(() => q.getState().phase === 'live', 15_000, 'live');
    expect(q.getState().data.map((s) => s.id)).to.include(run!.id);
    off();
  });
});
