/**
 * A subscription Realtime refuses, then the database put right (real backend). QA round 21: a
 * table out of the `supabase_realtime` publication made the widget read "Not live (Realtime could
 * not subscribe…)" — true — but once the table was published again it stayed so for good (the
 * refusal was retried once, 500 ms later, then never): later changes never showed without a reload.
 * The refused channel is now re-opened, slower and slower, while the error shows.
 */
import { expect } from '@open-wc/testing';
import { createRtClient, type RtClient } from '../../src/core/client.js';
import { REFUSED_READ_EVERY_MS } from '../../src/core/query-rows.js';
import { USERS, backendInfo, insertInto, probeFeed, probeTable, runSql, signIn, waitFor } from '../helpers/backend.js';
import { instrumentWebSocket } from '../helpers/hosts.js';


describe('a refused subscription comes back when the database is put right (real backend)', function () {
  this.timeout(120_000);
  const clients: RtClient[] = [];
  afterEach(() => {
    for (const c of clients.splice(0)) c.dispose();
  });

  it('a table published after the widget was refused: live again, and its changes arrive', async () => {
    const table = await probeTable('rt_refused', false);
    try {
      await insertInto(table, [{ team: 't', title: 'before' }]);
      const feed = probeFeed(table);
      const info = await backendInfo();
      const ws = instrumentWebSocket();
      clients.push({ dispose: () => ws.restore() } as RtClient);
      const client = createRtClient({ url: info.url, anonKey: info.anonKey, accessToken: await signIn(USERS.alice) });
      clients.push(client);
      const query = client.liveQuery(feed, { team: 't' });
      const off = query.subscribe(() => {});
      try {
        // Not published: refused, and said so (the rows read over REST are shown, not as Live).
        await waitFor(() => query.getState().error?.message.includes('could not subscribe'), 30_000, 'the refusal shown');
        // Past the first quick re-open: refused a second time (the server's system messages).
        const refusals = () => ws.received.filter((f) => f.includes('postgres_changes') && f.includes('"error"')).length;
        await waitFor(() => refusals() >= 2, 30_000, 'refused twice');
        expect(query.getState().phase).to.not.equal('live');
        await runSql(`alter publication supabase_realtime add table public.${table};`);
        await waitFor(() => query.getState().phase === 'live', 45_000, 'live again after the table was published');
        await insertInto(table, [{ team: 't', title: 'after' }]);
        await waitFor(() => query.getState().data.some((r) => r.title === 'after'), 15_000, 'a change after the fix arrives');
      } finally {
        off();
      }
    } finally {
      await runSql(`drop table if exists public.${table};`);
    }
  });

  it('while its channel stays refused, the rows are read over REST now and then (not Live, the refusal still shown)', async () => {
    const table = await probeTable('rt_refused_reads', false);
    try {
      await insertInto(table, [{ team: 't', title: 'before' }]);
      const info = await backendInfo();
      const client = createRtClient({ url: info.url, anonKey: info.anonKey, accessToken: await signIn(USERS.alice) });
      clients.push(client);
      const query = client.liveQuery(probeFeed(table), { team: 't' });
      const off = query.subscribe(() => {});
      try {
        await waitFor(() => query.getState().error?.message.includes('could not subscribe') && query.getState().data.length === 1, 30_000, 'the refusal shown');
        // A change Realtime cannot send (the table is not published): read over REST within a
        // period or two of refusals, the refusal still the widget's cause.
        await insertInto(table, [{ team: 't', title: 'read meanwhile' }]);
        await waitFor(() => query.getState().data.some((r) => r.title === 'read meanwhile'), REFUSED_READ_EVERY_MS + 10_000, 'the new row read over REST within a period (QA25: the channel\'s own slower retries set the pace)');
        expect(query.getState().phase).to.not.equal('live');
        expect(query.getState().error?.message).to.contain('could not subscribe');
      } finally {
        off();
      }
    } finally {
      await runSql(`drop table if exists public.${table};`);
    }
  });
});

