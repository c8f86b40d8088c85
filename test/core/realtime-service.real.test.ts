/**
 * The original design's RealtimeService tells a migrating page what the widgets know (real
 * backend, real Chromium). QA70: a refused anon key left `onStatus` at "connecting" for good (F1);
 * a stream the user may not read (Row Level Security) reported "connected" with no error and no
 * callback, while `<rt-stream-progress>` said "Not found or no access" (F2); the snapshot row was
 * given to the callback twice (F10); `getActiveSubscriptions()` named the first table of a
 * Broadcast topic for every subscription on it (F8).
 */
import { expect } from '@open-wc/testing';
import { createRtClient, type RtClient } from '../../src/core/client.js';
import { RealtimeService } from '../../src/core/realtime-service.js';
import type { ConnectionStatus, RtError, Stream } from '../../src/core/types.js';
import { USERS, backendInfo, clientFor, insertInto, newStream, signIn, updateRows, waitFor } from '../helpers/backend.js';

const clients: RtClient[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.dispose();
});
async function client(email: string, options: Parameters<typeof clientFor>[1] = {}): Promise<RtClient> {
  const c = await clientFor(email, options);
  clients.push(c);
  return c;
}

/** `subscribeToStreamProgress` with every callback recorded. */
function watch(service: RealtimeService, id: string) {
  const rows: Stream[] = [];
  const statuses: Array<[ConnectionStatus, RtError | null | undefined]> = [];
  const sub = service.subscribeToStreamProgress(id, (s) => rows.push(s), (st, err) => statuses.push([st, err]));
  const last = () => statuses.at(-1);
  return { rows, statuses, sub, last };
}

describe('RealtimeService says what the widgets say (real backend; QA70)', function () {
  this.timeout(40_000);

  it("a refused anon key reaches onStatus as 'error' with the widgets' cause (F1)", async () => {
    const info = await backendInfo();
    const c = createRtClient({ url: info.url, anonKey: `${info.anonKey.slice(0, -4)}AAAA`, accessToken: await signIn(USERS.alice) });
    clients.push(c);
    const stream = await newStream({ name: 'service, wrong key' });
    const w = watch(new RealtimeService(c), stream.id);
    await waitFor(() => w.last()?.[0] === 'error', 20_000, () => `onStatus 'error' (got ${JSON.stringify(w.statuses)})`);
    expect(w.last()![1]?.message).to.match(/API key/);
    expect(w.rows).to.deep.equal([]);
  });

  for (const mode of ['postgres_changes', 'broadcast'] as const) {
    it(`${mode}: a stream the user may not read reaches onStatus as 'error' (not found or no access), never 'connected' without a cause (F2)`, async () => {
      const stream = await newStream({ name: 'service, not yours' });
      const c = await client(USERS.bob, { realtimeMode: mode });
      const w = watch(new RealtimeService(c), stream.id);
      await waitFor(() => w.last()?.[0] === 'error', 20_000, () => `onStatus 'error' (got ${JSON.stringify(w.statuses)})`);
      expect(['not-found', 'forbidden']).to.include(w.last()![1]?.code);
      expect(w.rows).to.deep.equal([]);
    });
  }

  for (const mode of ['postgres_changes', 'broadcast'] as const) {
    it(`${mode}: the snapshot's row is given once; each change once more (F10)`, async () => {
      const stream = await newStream({ name: 'service, once' });
      const c = await client(USERS.alice, { realtimeMode: mode });
      const service = new RealtimeService(c);
      const w = watch(service, stream.id);
      await waitFor(() => w.last()?.[0] === 'connected' && w.rows.length > 0 && c.getActiveSubscriptions().every((s) => s.status === 'connected'), 15_000, 'connected with the row');
      await updateRows('streams', { id: stream.id }, { name: 'service, once!' });
      await waitFor(() => w.rows.at(-1)?.name === 'service, once!', 15_000, 'the change');
      expect(w.rows.map((r) => r.name)).to.deep.equal(['service, once', 'service, once!']);
      expect(w.statuses.filter(([, e]) => e)).to.deep.equal([]);
    });
  }

  it("a list: given once when read, once more for each change, never again unchanged (a frame's new array, a resync)", async () => {
    const c = await client(USERS.alice);
    const service = new RealtimeService(c);
    const stream = await newStream({ name: 'service, list' });
    const lists: string[][] = [];
    const statuses: string[] = [];
    service.subscribeToAgentExecutions(stream.id, (runs) => lists.push(runs.map((r) => r.agent_id)), (st) => statuses.push(st));
    await waitFor(() => statuses.at(-1) === 'connected' && lists.length > 0 && c.getActiveSubscriptions().every((s) => s.status === 'connected'), 15_000, 'connected with the list');
    await insertInto('agent_executions', [{ stream_id: stream.id, agent_id: 'service-agent', status: 'running', started_at: new Date().toISOString() }]);
    await waitFor(() => lists.at(-1)?.includes('service-agent'), 15_000, 'the new run');
    // A resync: off Live and back, the list read again (a new array, the same runs).
    const before = statuses.length;
    await c.reconnect();
    await waitFor(() => statuses.slice(before).includes('connecting') && statuses.at(-1) === 'connected' && c.getActiveSubscriptions().every((s) => s.status === 'connected'), 20_000, () => `connected again after the resync (${statuses.slice(before).join(', ')})`);
    await insertInto('agent_executions', [{ stream_id: stream.id, agent_id: 'service-agent-2', status: 'running', started_at: new Date().toISOString() }]);
    await waitFor(() => lists.at(-1)?.includes('service-agent-2'), 15_000, 'the next run');
    expect(lists.map((l) => [...l].sort())).to.deep.equal([[], ['service-agent'], ['service-agent', 'service-agent-2']]);
  });

  it('broadcast: getActiveSubscriptions() names each subscription\'s own table on a shared topic (F8)', async () => {
    const stream = await newStream({ name: 'service, tables' });
    const c = await client(USERS.alice, { realtimeMode: 'broadcast' });
    const service = new RealtimeService(c);
    const runs = service.subscribeToAgentExecutions(stream.id, () => {});
    const progress = watch(service, stream.id);
    await waitFor(() => progress.rows.length > 0, 15_000, 'the row');
    // Both on the org's topic.
    await waitFor(() => service.getActiveSubscriptions().filter((s) => s.status === 'connected' && s.channelFilter === `org:${stream.org_id}`).length === 2, 15_000, 'both joined');
    const byName = new Map(service.getActiveSubscriptions().map((s) => [s.name, s.table]));
    expect(byName.get(`stream:${stream.id}:progress`)).to.equal('streams');
    expect(byName.get(`agents:${stream.id}`)).to.equal('agent_executions');
    runs.unsubscribe();
    progress.sub.unsubscribe();
  });
});
