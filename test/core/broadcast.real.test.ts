/**
 * Broadcast from Database against the REAL local backend, in Chromium, with the real supabase-js:
 * - a private channel on `org:<id>` receives a change broadcast by the database trigger;
 * - a user the realtime.messages policy does not allow is refused with Supabase's message;
 * - a token update that loses access closes the channel (Supabase's system message, CLOSED);
 * - rt-monitor's client in `realtimeMode: 'broadcast'` joins private topics only (no
 *   postgres_changes), shares one channel per topic, and its live queries follow changes.
 */
import { expect } from '@open-wc/testing';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { createRtClient, type RtClient } from '../../src/core/client.js';
import { defineFeed } from '../../src/core/feeds/feed.js';
import type { LiveQueryState, Stream } from '../../src/core/types.js';
import { ACME, ALICE, BOB, GLOBEX, USERS, backendInfo, forgetChannels, insertInto, insertRows, lagRealtime, mintToken, newId, newStream, pauseRealtime, probeFeed, probeTable, runSql, signIn, updateRows, waitFor, type Probe } from '../helpers/backend.js';
import { countRounds } from '../helpers/hosts.js';
import { intercept } from '../elements/offline-helpers.js';

const supabases: SupabaseClient[] = [];
const clients: RtClient[] = [];
const restore: Array<() => void> = [];
afterEach(async () => {
  for (const f of restore.splice(0)) f();
  for (const c of clients.splice(0)) c.dispose();
  for (const s of supabases.splice(0)) await s.removeAllChannels().catch(() => {});
});

/** supabase-js with a user token given through the `accessToken` option (switchable). */
async function supabaseAs(token: string) {
  const info = await backendInfo();
  let current = token;
  const supabase = createClient(info.url, info.anonKey, { accessToken: async () => current });
  supabases.push(supabase);
  await supabase.realtime.setAuth();
  return {
    supabase,
    async setToken(t: string) {
      current = t;
      await supabase.realtime.setAuth();
    },
  };
}

function joinPrivate(supabase: SupabaseClient, topic: string) {
  const out = { messages: [] as any[], systems: [] as any[], statuses: [] as { status: string; err?: string }[] };
  const ch = supabase.channel(topic, { config: { private: true } });
  ch.on('broadcast', { event: '*' }, (m) => out.messages.push(m));
  ch.on('system' as never, {} as never, (m: any) => out.systems.push(m));
  ch.subscribe((status, err) => out.statuses.push({ status, err: err?.message }));
  return out;
}

/** Records the phx_join frames the page sends. */
function recordJoins(): string[] {
  const send = WebSocket.prototype.send;
  const joins: string[] = [];
  WebSocket.prototype.send = function (this: WebSocket, data: string | ArrayBufferLike | Blob | ArrayBufferView) {
    if (typeof data === 'string' && data.includes('"phx_join"')) joins.push(data);
    return send.call(this, data);
  };
  restore.push(() => (WebSocket.prototype.send = send));
  return joins;
}

/** Alice's rt-monitor client in Broadcast mode (disposed after each test); `revalidateMs` as in `createRtClient`. */
async function aliceBroadcast(revalidateMs?: number): Promise<RtClient> {
  const info = await backendInfo();
  const token = await signIn(USERS.alice);
  const client = createRtClient({ url: info.url, anonKey: info.anonKey, accessToken: async () => token, realtimeMode: 'broadcast', ...(revalidateMs ? { revalidateMs } : {}) });
  clients.push(client);
  return client;
}

describe('Broadcast from Database (realtime-mode="broadcast")', function () {
  this.timeout(30_000);

  it('a private channel receives a change the database broadcasts to its topic', async () => {
    const { supabase } = await supabaseAs(await signIn(USERS.alice));
    const s = await newStream({ name: `Broadcast ${newId().slice(0, 6)}` });
    const ch = joinPrivate(supabase, `org:${ACME}`);
    await waitFor(() => ch.statuses.some((x) => x.status === 'SUBSCRIBED'), 10_000, 'SUBSCRIBED');
    await updateRows('streams', { id: s.id }, { goal_status: 'completed' });
    const m = await waitFor(() => ch.messages.find((x) => x.payload?.record?.id === s.id), 10_000, 'the broadcast change');
    expect(m.event).to.equal('UPDATE');
    expect(m.payload).to.include({ table: 'streams', schema: 'public', operation: 'UPDATE' });
    expect(m.payload.record.goal_status).to.equal('completed');
    expect(m.payload.old_record.goal_status).to.equal('pending');
  });

  it("a row moved to another user reaches the old topic as a DELETE of the old row (never its new content) and the new topic as an INSERT (never its old content) (QA16 F4)", async () => {
    const alice = joinPrivate((await supabaseAs(await signIn(USERS.alice))).supabase, `user:${ALICE}`);
    const bob = joinPrivate((await supabaseAs(await signIn(USERS.bob))).supabase, `user:${BOB}`);
    await waitFor(() => [alice, bob].every((ch) => ch.statuses.some((x) => x.status === 'SUBSCRIBED')), 10_000, 'both SUBSCRIBED');
    const tag = newId().slice(0, 8);
    const [note] = await insertRows('notifications', [{ id: newId(), user_id: ALICE, title: `ALICE-OLD ${tag}`, body: 'for alice' }]);
    await waitFor(() => alice.messages.some((m) => m.payload?.record?.id === note.id), 10_000, "alice's insert");
    await updateRows('notifications', { id: note.id }, { user_id: BOB, title: `BOB-NEW ${tag}`, body: 'for bob' });
    const left = await waitFor(() => alice.messages.find((m) => m.event === 'DELETE' && m.payload?.old_record?.id === note.id), 10_000, 'the row leaving alice');
    const came = await waitFor(() => bob.messages.find((m) => m.event === 'INSERT' && m.payload?.record?.id === note.id), 10_000, 'the row reaching bob');
    expect(left.payload).to.include({ operation: 'DELETE', record: null });
    expect(came.payload).to.include({ operation: 'INSERT', old_record: null });
    expect(JSON.stringify(alice.messages)).to.not.include(`BOB-NEW ${tag}`);
    expect(JSON.stringify(bob.messages)).to.not.include(`ALICE-OLD ${tag}`);
    // rt-monitor's own stores follow: tested by the widgets' move tests in this mode (rls-exit.real).
  });

  it("a stream moved to another org takes its agent executions along: a DELETE of each on the old org's topic, an INSERT on the new one's", async () => {
    const [from, to] = await insertInto('orgs', [{ id: newId(), name: 'Topic from' }, { id: newId(), name: 'Topic to' }]);
    const [u1, u2] = [newId(), newId()];
    await insertInto('org_members', [{ org_id: from.id, user_id: u1 }, { org_id: to.id, user_id: u2 }]);
    const stream = await newStream({ org_id: from.id as string, name: `moving ${newId().slice(0, 6)}` });
    const [run] = await insertRows('agent_executions', [{ id: newId(), stream_id: stream.id, agent_id: 'moving-agent', status: 'running' }]);
    const old = joinPrivate((await supabaseAs(await mintToken(u1, 3600))).supabase, `org:${from.id}`);
    const now = joinPrivate((await supabaseAs(await mintToken(u2, 3600))).supabase, `org:${to.id}`);
    await waitFor(() => [old, now].every((ch) => ch.statuses.some((x) => x.status === 'SUBSCRIBED')), 10_000, 'both SUBSCRIBED');
    await updateRows('streams', { id: stream.id }, { org_id: to.id as string });
    const left = await waitFor(() => old.messages.find((m) => m.payload?.table === 'agent_executions' && m.payload?.old_record?.id === run.id), 10_000, 'the execution leaving the old org');
    const came = await waitFor(() => now.messages.find((m) => m.payload?.table === 'agent_executions' && m.payload?.record?.id === run.id), 10_000, 'the execution reaching the new org');
    expect([left.event, left.payload.record]).to.deep.equal(['DELETE', null]);
    expect([came.event, came.payload.old_record]).to.deep.equal(['INSERT', null]);
  });

  it("a user the realtime.messages policy does not allow is refused with Supabase's message", async () => {
    const { supabase } = await supabaseAs(await signIn(USERS.alice));
    const ch = joinPrivate(supabase, `org:${GLOBEX}`);
    const refused = await waitFor(() => ch.statuses.find((x) => x.status === 'CHANNEL_ERROR'), 10_000, 'CHANNEL_ERROR');
    expect(refused.err).to.include(`Unauthorized: You do not have permissions to read from this Channel topic: org:${GLOBEX}`);
    // … and rt-monitor reports it as "no access" on the query, not as a connection problem.
    const client = await aliceBroadcast();
    let state: LiveQueryState<Stream[]> | undefined;
    const off = client.liveQuery('org-streams', { orgId: GLOBEX }).subscribe((st) => (state = st));
    await waitFor(() => state?.error?.code === 'forbidden', 10_000, 'forbidden');
    expect(state!.status).to.equal('error');
    expect(state!.phase).not.to.equal('live');
    expect(state!.error!.message).to.include('You do not have permissions to read from this Channel topic');
    // The page's connection is not waiting on it: "Connected", as when Row Level Security hides rows
    // in postgres_changes mode; the widget says "no access" (QA28 M5: "Connecting…" for good;
    // QA29 L1: not the whole page's "No access" either).
    await waitFor(() => client.getConnection().status === 'connected', 10_000, `the connection's status (is ${client.getConnection().status})`);
    expect(state!.error!.code).to.equal('forbidden');
    off();
  });

  it('a token update that loses access closes the channel with Supabase\'s system message', async () => {
    const alice = await supabaseAs(await mintToken(ALICE, 3600));
    const ch = joinPrivate(alice.supabase, `user:${ALICE}`);
    await waitFor(() => ch.statuses.some((x) => x.status === 'SUBSCRIBED'), 10_000, 'SUBSCRIBED');
    await alice.setToken(await mintToken(BOB, 3600));
    const sys = await waitFor(() => ch.systems.find((m) => m.status === 'error'), 10_000, 'system error');
    expect(sys.message).to.equal(`You no longer have permission to read from this Channel topic: user:${ALICE}`);
    await waitFor(() => ch.statuses.some((x) => x.status === 'CLOSED'), 10_000, 'CLOSED');
    // Nothing of Alice's reaches the closed channel any more.
    const before = ch.messages.length;
    await insertRows('notifications', [{ id: newId(), user_id: ALICE, title: 'after the close', type: 'info' }]);
    const probe = joinPrivate((await supabaseAs(await mintToken(ALICE, 3600))).supabase, `user:${ALICE}`);
    await waitFor(() => probe.statuses.some((x) => x.status === 'SUBSCRIBED'), 10_000, 'probe SUBSCRIBED');
    await insertRows('notifications', [{ id: newId(), user_id: ALICE, title: 'probe', type: 'info' }]);
    await waitFor(() => probe.messages.find((m) => m.payload?.record?.title === 'probe'), 10_000, 'probe message');
    expect(ch.messages.length).to.equal(before);
  });

  it('Realtime behind the database: a change older than the row read over REST meanwhile puts the query off Live, "behind" (QA61 F1: Live over values 20 s old)', async () => {
    const client = await aliceBroadcast();
    const s = await newStream({ name: `Behind ${newId().slice(0, 6)}` });
    let state: LiveQueryState<Stream | null> | undefined;
    const q = client.liveQuery('stream', { streamId: s.id });
    const off = q.subscribe((st) => (state = st));
    try {
      await waitFor(() => state?.phase === 'live', 10_000, 'live');
      await lagRealtime(8000); // every change delivered 8 s after its commit
      await updateRows('streams', { id: s.id }, { name: 'first, delivered late' });
      await updateRows('streams', { id: s.id }, { name: 'second, read over REST' });
      q.refresh(); // a revalidation read: the database's row, newer than anything Realtime delivered
      await waitFor(() => state?.data?.name === 'second, read over REST', 10_000, 'the REST read');
      // The first change arrives 8 s after its commit, older than the row held: Realtime is behind.
      await waitFor(() => state?.error?.detail === 'realtime-behind', 20_000, () => `"behind" (phase ${state?.phase}, ${state?.error?.message ?? 'no cause'})`);
      expect(state!.phase).to.not.equal('live');
      expect(state!.data?.name).to.equal('second, read over REST'); // the older change did not win
    } finally {
      await lagRealtime(0);
      off();
    }
  });

  it('Realtime behind the database: a change delivered long after the trigger sent it (`sent_at`) puts the query off Live, "behind", with no REST read to compare (QA88b H1: Live over values 8 s old)', async () => {
    const client = await aliceBroadcast();
    const s = await newStream({ name: `Sent at ${newId().slice(0, 6)}` });
    let state: LiveQueryState<Stream | null> | undefined;
    const seen: string[] = [];
    const off = client.liveQuery('stream', { streamId: s.id }).subscribe((st) => {
      state = st;
      seen.push(`${st.phase}:${st.data?.name}`);
    });
    try {
      await waitFor(() => state?.phase === 'live', 10_000, 'live');
      await lagRealtime(6000); // every change delivered 6 s after its commit
      await updateRows('streams', { id: s.id }, { name: 'delivered late' });
      await waitFor(() => state?.data?.name === 'delivered late', 20_000, 'the late change');
      await waitFor(() => state?.error?.detail === 'realtime-behind', 5_000, () => `"behind" (phase ${state?.phase}, ${state?.error?.message ?? 'no cause'})`);
      expect(seen, 'never Live with the late change').to.not.include('live:delivered late');
      await lagRealtime(0);
      await updateRows('streams', { id: s.id }, { name: 'on time again' });
      await waitFor(() => state?.phase === 'live' && state.data?.name === 'on time again', 30_000, () => `live again (phase ${state?.phase}: ${state?.data?.name})`);
    } finally {
      await lagRealtime(0);
      off();
    }
  });

  it('after the connection drops, a change written meanwhile is shown (resync), then changes flow live again', async () => {
    const client = await aliceBroadcast();
    const s = await newStream({ name: `Resync ${newId().slice(0, 6)}` });
    let state: LiveQueryState<Stream | null> | undefined;
    const phases: string[] = [];
    const off = client.liveQuery('stream', { streamId: s.id }).subscribe((st) => {
      state = st;
      phases.push(st.phase);
    });
    await waitFor(() => state?.phase === 'live', 10_000, 'live');
    await pauseRealtime(1500); // sockets dropped, refused for 1.5 s: a write now is never pushed
    await waitFor(() => state?.phase === 'stale', 10_000, 'stale while down');
    await updateRows('streams', { id: s.id }, { name: 'written while down' });
    await waitFor(() => state?.phase === 'live' && state.data?.name === 'written while down', 20_000, 'resynced');
    await updateRows('streams', { id: s.id }, { name: 'live again' });
    await waitFor(() => state?.data?.name === 'live again', 10_000, 'live change after the resync');
    expect(phases).to.include('stale');
    off();
  });

  it('a stream of an org the user joined after the page loaded: its widgets hear its changes (the topic of the stream\'s own org, read when they start)', async () => {
    // A user of their own, in one org at first.
    const user = newId();
    const [first, later] = [newId(), newId()];
    await insertInto('orgs', [{ id: first, name: 'First org' }, { id: later, name: 'Joined later' }]);
    await insertInto('org_members', [{ org_id: first, user_id: user }]);
    const info = await backendInfo();
    const token = await mintToken(user, 3600);
    const client = createRtClient({ url: info.url, anonKey: info.anonKey, accessToken: async () => token, realtimeMode: 'broadcast' });
    clients.push(client);
    const own = await newStream({ org_id: first, name: 'own org' });
    let ownState: LiveQueryState<Stream | null> | undefined;
    const offs = [client.liveQuery('stream', { streamId: own.id }).subscribe((st) => (ownState = st))];
    await waitFor(() => ownState?.phase === 'live', 10_000, 'the first widget live (memberships read)');
    // The user joins another org while the page is open; widgets for its stream come after.
    await insertInto('org_members', [{ org_id: later, user_id: user }]);
    const theirs = await newStream({ org_id: later, name: 'joined org' });
    let stream: LiveQueryState<Stream | null> | undefined;
    let agents: LiveQueryState<Array<{ id: string }>> | undefined;
    offs.push(client.liveQuery('stream', { streamId: theirs.id }).subscribe((st) => (stream = st)));
    offs.push(client.liveQuery('agent-executions', { streamId: theirs.id }).subscribe((st) => (agents = st as never)));
    await waitFor(() => stream?.phase === 'live' && agents?.phase === 'live', 10_000, 'live');
    await updateRows('streams', { id: theirs.id }, { name: 'heard' });
    const [run] = await insertInto('agent_executions', [{ stream_id: theirs.id, agent_id: 'late-org-agent', status: 'running', started_at: new Date().toISOString() }]);
    await waitFor(() => stream?.data?.name === 'heard', 10_000, `the stream's change heard (shows ${stream?.data?.name})`);
    await waitFor(() => agents?.data.some((e) => e.id === run!.id), 10_000, 'the new execution heard');
    for (const off of offs) off();
  });

  describe('a watched stream moved to another org (QA68 F1: "not found" and "no runs", Live, for a minute)', () => {
    /** A user of their own in orgs `first` and `second`; a stream of `first` with one run, watched by its stream and runs queries. */
    async function watchedStream(revalidateMs?: number) {
      const user = newId();
      const [first, second, foreign] = [newId(), newId(), newId()];
      await insertInto('orgs', [{ id: first, name: 'First' }, { id: second, name: 'Second' }, { id: foreign, name: 'Not theirs' }]);
      await insertInto('org_members', [{ org_id: first, user_id: user }, { org_id: second, user_id: user }]);
      const info = await backendInfo();
      const token = await mintToken(user, 3600);
      const client = createRtClient({ url: info.url, anonKey: info.anonKey, accessToken: async () => token, realtimeMode: 'broadcast', ...(revalidateMs ? { revalidateMs } : {}) });
      clients.push(client);
      const stream = await newStream({ org_id: first, name: `moving ${newId().slice(0, 6)}` });
      const [run] = await insertInto('agent_executions', [{ stream_id: stream.id, agent_id: 'before-the-move', status: 'completed' }]);
      const seen = { stream: [] as LiveQueryState<Stream | null>[], runs: [] as LiveQueryState<Array<{ id: string; agent_id: string }>>[] };
      const offs = [
        client.liveQuery('stream', { streamId: stream.id }).subscribe((st) => seen.stream.push(st)),
        client.liveQuery('agent-executions', { streamId: stream.id }).subscribe((st) => seen.runs.push(st as never)),
      ];
      const last = () => ({ stream: seen.stream.at(-1), runs: seen.runs.at(-1) });
      await waitFor(() => last().stream?.phase === 'live' && last().runs?.phase === 'live' && last().runs!.data.length === 1, 10_000, 'live');
      // The topics its subscriptions are on (a channel left lingers a moment with none).
      const topics = () => client.getChannels().channels.filter((c) => c.subscriptions > 0).map((c) => c.topic);
      expect(topics()).to.deep.equal([`org:${first}`]);
      return { client, user, stream, run: run!, first, second, foreign, seen, last, topics, offs };
    }

    it("to another org of the user: its queries follow it to that org's topic, never Live over \"not found\" or no runs, and its later changes arrive at once", async () => {
      const w = await watchedStream();
      const from = { stream: w.seen.stream.length, runs: w.seen.runs.length };
      await updateRows('streams', { id: w.stream.id }, { org_id: w.second } as never);
      await waitFor(() => w.topics().includes(`org:${w.second}`) && w.last().stream?.phase === 'live' && w.last().runs?.phase === 'live', 10_000, () => `on ${w.topics()}`);
      await updateRows('streams', { id: w.stream.id }, { name: 'after the move' });
      const [later] = await insertInto('agent_executions', [{ stream_id: w.stream.id, agent_id: 'after-the-move', status: 'running', started_at: new Date().toISOString() }]);
      // Within 10 s: the revalidation round (60 s) would find them too; only Realtime brings them this soon.
      await waitFor(() => w.last().stream?.data?.name === 'after the move' && w.last().runs?.data.some((r) => r.id === later!.id), 10_000, () => `after the move: ${w.last().stream?.data?.name}, runs ${w.last().runs?.data.map((r) => r.agent_id)}`);
      expect(w.topics(), `first ${w.first}, second ${w.second}: ${JSON.stringify(w.client.getChannels().channels)}`).to.deep.equal([`org:${w.second}`]);
      const wrong = [
        ...w.seen.stream.slice(from.stream).filter((st) => !st.data || st.error).map((st) => `stream ${st.phase} ${st.error?.code ?? 'no row'}`),
        ...w.seen.runs.slice(from.runs).filter((st) => st.phase === 'live' && !st.data.some((r) => r.id === w.run.id)).map(() => 'runs Live without the run'),
      ];
      expect(wrong, 'states after the move').to.deep.equal([]);
      w.offs.forEach((off) => off());
    });

    it('to an org the user is not in: the stream is gone from their view ("not found"), its runs too', async () => {
      const w = await watchedStream();
      await updateRows('streams', { id: w.stream.id }, { org_id: w.foreign } as never);
      await waitFor(() => w.last().stream?.error?.code === 'not-found' && w.last().runs?.data.length === 0, 10_000, () => `${w.last().stream?.phase} ${w.last().stream?.error?.code}, runs ${w.last().runs?.data.length}`);
      expect(w.topics()).to.deep.equal([`org:${w.first}`]);
      w.offs.forEach((off) => off());
    });

    it('the stream deleted: its runs (deleted by cascade) leave their list at once, as the stream does (QA69 F3: Live with its runs for a minute)', async () => {
      const w = await watchedStream();
      await runSql(`delete from public.streams where id = '${w.stream.id}'`);
      await waitFor(() => w.last().stream?.error?.code === 'not-found', 10_000, () => `stream ${w.last().stream?.phase}`);
      // Within 10 s: the revalidation round (60 s) would find it too; only the broadcast DELETEs bring it this soon.
      await waitFor(() => w.last().runs?.data.length === 0, 10_000, () => `runs ${w.last().runs?.phase}: ${w.last().runs?.data.map((r) => r.agent_id)}`);
      w.offs.forEach((off) => off());
    });

    it('a run deleted (its stream unmoved) leaves the list at once, the topic kept', async () => {
      const w = await watchedStream();
      await runSql(`delete from public.agent_executions where id = '${w.run.id}'`);
      await waitFor(() => w.last().runs?.phase === 'live' && w.last().runs!.data.length === 0, 10_000, 'the run gone');
      expect(w.topics()).to.deep.equal([`org:${w.first}`]);
      w.offs.forEach((off) => off());
    });

    it('moved again while it was joining the org it followed it to (A, then X, then Y): it ends on Y\'s topic, not Live on X\'s (QA69 F1)', async () => {
      const w = await watchedStream();
      const third = newId();
      await insertInto('orgs', [{ id: third, name: 'Third' }]);
      await insertInto('org_members', [{ org_id: third, user_id: w.user }]);
      // The org reads that answer "second" are held back until the stream has moved on to the third org.
      let moved: () => void = () => {};
      const movedOn = new Promise<void>((r) => (moved = r));
      let answered = 0;
      const restore = await intercept((url) => url.includes('streams?select=org_id'), async (go) => {
        const res = await go();
        answered++;
        await movedOn;
        return res;
      });
      try {
        await updateRows('streams', { id: w.stream.id }, { org_id: w.second } as never);
        await waitFor(() => answered > 0, 10_000, 'the DELETE heard, its org read answered by the server');
        await updateRows('streams', { id: w.stream.id }, { org_id: third } as never);
        moved();
        await waitFor(() => w.topics().includes(`org:${third}`) && w.last().stream?.phase === 'live', 10_000, () => `on ${w.topics()} (second ${w.second}, third ${third})`);
      } finally {
        restore();
      }
      await updateRows('streams', { id: w.stream.id }, { name: 'on the third org' });
      await waitFor(() => w.last().stream?.data?.name === 'on the third org', 10_000, 'its change, on the third org');
      w.offs.forEach((off) => off());
    });

    it('moved while the socket was down: once back, it reads the org again and follows it before it is Live (QA69 F2)', async () => {
      const w = await watchedStream();
      await pauseRealtime(1500); // sockets dropped, refused for 1.5 s: the move's DELETE is never heard
      await waitFor(() => w.last().stream?.phase !== 'live', 10_000, 'off Live while down');
      await updateRows('streams', { id: w.stream.id }, { org_id: w.second } as never);
      await waitFor(() => w.topics().includes(`org:${w.second}`) && w.last().stream?.phase === 'live', 20_000, () => `on ${w.topics()}`);
      const [later] = await insertInto('agent_executions', [{ stream_id: w.stream.id, agent_id: 'after-the-outage', status: 'running', started_at: new Date().toISOString() }]);
      await waitFor(() => w.last().runs?.data.some((r) => r.id === later!.id), 10_000, 'the new run, on the new topic');
      w.offs.forEach((off) => off());
    });

    it("moved while Realtime had forgotten the channels (its DELETE never came): the next revalidation round follows it, and its changes arrive", async () => {
      const w = await watchedStream(500);
      await forgetChannels();
      await updateRows('streams', { id: w.stream.id }, { org_id: w.second } as never);
      await waitFor(() => w.topics().includes(`org:${w.second}`) && !w.topics().includes(`org:${w.first}`), 15_000, () => `still on ${w.topics()}`);
      await waitFor(() => w.last().stream?.phase === 'live', 10_000, 'live on the new topic');
      const [later] = await insertInto('agent_executions', [{ stream_id: w.stream.id, agent_id: 'after-the-move', status: 'running', started_at: new Date().toISOString() }]);
      await waitFor(() => w.last().runs?.data.some((r) => r.id === later!.id), 10_000, 'the new run');
      w.offs.forEach((off) => off());
    });
  });

  it("rt-monitor's client joins private topics only, one per topic, and its live queries follow changes", async () => {
    const joins = recordJoins();
    const client = await aliceBroadcast();
    const a = await newStream({ name: `Bcast A ${newId().slice(0, 6)}` });
    const b = await newStream({ name: `Bcast B ${newId().slice(0, 6)}` });
    const states = new Map<string, LiveQueryState<Stream | null>>();
    const offs = [a, b].map((s) => client.liveQuery('stream', { streamId: s.id }).subscribe((st) => states.set(s.id, st)));
    let list: LiveQueryState<Stream[]> | undefined;
    offs.push(client.liveQuery('org-streams', { orgId: ACME }).subscribe((st) => (list = st)));
    let alerts: LiveQueryState<unknown[]> | undefined;
    offs.push(client.liveQuery('signal-alerts', {}).subscribe((st) => (alerts = st)));
    await waitFor(() => states.get(a.id)?.phase === 'live' && states.get(b.id)?.phase === 'live' && list?.phase === 'live' && alerts?.phase === 'live', 15_000, 'all live');

    const channels = client.getChannels().channels;
    expect(channels.every((c) => c.private)).to.equal(true);
    expect(channels.map((c) => c.topic)).to.include(`org:${ACME}`);
    expect(channels.map((c) => c.topic)).to.include(`user:${ALICE}`);
    expect(new Set(channels.map((c) => c.topic)).size).to.equal(channels.length, 'one channel per topic');
    expect(joins.length).to.be.greaterThan(0);
    expect(joins.every((j) => j.includes('"private":true') && !j.includes('"postgres_changes":[{'))).to.equal(true);

    await updateRows('streams', { id: a.id }, { current_progress: { percentage: 55, completed: 11, total: 20 } });
    await waitFor(() => (states.get(a.id)?.data?.current_progress as { percentage?: number } | undefined)?.percentage === 55, 10_000, 'card A follows');
    await waitFor(() => list?.data.find((s) => s.id === a.id && (s.current_progress as { percentage?: number }).percentage === 55), 10_000, 'list follows');
    expect(states.get(b.id)!.data!.name).to.equal(b.name);
    const title = `Alert ${newId().slice(0, 6)}`;
    await insertRows('signal_alerts', [{ id: newId(), user_id: ALICE, business_name: title, signal_type: 'x', priority: 'low' }]);
    await waitFor(() => (alerts?.data as Array<{ business_name: string }>).some((r) => r.business_name === title), 10_000, 'alert arrives');
    offs.forEach((off) => off());
  });

  describe('your own tables (QA28: "Live" over a table nothing broadcasts)', () => {
    const tables: string[] = [];
    afterEach(async () => {
      for (const t of tables.splice(0)) await runSql(`drop table if exists public.${t}`);
    });
    it('a feed on a table without an rt_broadcast_change trigger is refused with that cause, never Live', async () => {
      const table = await probeTable('bc_none');
      tables.push(table);
      const client = await aliceBroadcast();
      const seen: string[] = [];
      let state: LiveQueryState<Probe[]> | undefined;
      const off = client.liveQuery(probeFeed(table), { team: ACME }).subscribe((st) => (seen.push(st.phase), (state = st)));
      await waitFor(() => state?.error, 15_000, 'the cause');
      expect(state!.error!.code).to.equal('bad-config');
      expect(state!.error!.detail).to.equal('broadcast-source');
      expect(state!.error!.message).to.include(`"${table}"`);
      expect(state!.error!.message).to.include('streams'); // the tables that do broadcast
      expect(seen).to.not.include('live');
      expect(client.getChannels().channels.map((c) => c.topic)).to.not.include(`org:${ACME}`);
      // The subscription list and the connection say so too (QA37 N5: "No active subscriptions", and
      // a connection that read Live beside a widget refused).
      await waitFor(() => client.getActiveSubscriptions().some((s) => s.table === table), 5000, 'listed');
      const listed = client.getActiveSubscriptions().find((s) => s.table === table)!;
      expect(listed.status).to.equal('error');
      expect(listed.lastError?.detail).to.equal('broadcast-source');
      expect(listed.channel).to.equal(null);
      await waitFor(() => client.getConnection().status === 'error', 5000, () => `connection error (is ${client.getConnection().status})`);
      expect(client.getConnection().lastError?.detail).to.equal('broadcast-source');
      off();
      await waitFor(() => !client.getActiveSubscriptions().some((s) => s.table === table), 5000, 'unlisted once released');
    });

    it('a project without the broadcast migration (no rt_broadcast_sources) is a configuration error naming the migration', async () => {
      const nativeFetch = window.fetch;
      window.fetch = async (input, init) =>
        String(input instanceof Request ? input.url : input).includes('/rest/v1/rt_broadcast_sources')
          ? new Response(JSON.stringify({ code: 'PGRST205', details: null, hint: null, message: "Could not find the table 'public.rt_broadcast_sources' in the schema cache" }), { status: 404, headers: { 'content-type': 'application/json' } })
          : nativeFetch(input, init);
      restore.push(() => (window.fetch = nativeFetch));
      const client = await aliceBroadcast();
      const stream = await newStream({ name: `No migration ${newId().slice(0, 6)}` });
      let state: LiveQueryState<Stream | null> | undefined;
      const off = client.liveQuery('stream', { streamId: stream.id }).subscribe((st) => (state = st));
      await waitFor(() => state?.error, 15_000, 'the cause');
      expect(state!.error!.code).to.equal('bad-config');
      expect(state!.error!.detail).to.equal('broadcast-source');
      expect(state!.error!.message).to.include('_rt_monitor_broadcast.sql');
      expect(state!.phase).to.not.equal('live');
      off();
    });

    it('a trigger added while the feed is refused: it goes Live by itself, no reload (QA29)', async () => {
      const table = await probeTable('bc_later');
      tables.push(table);
      const client = await aliceBroadcast();
      let state: LiveQueryState<Probe[]> | undefined;
      const off = client.liveQuery(probeFeed(table), { team: ACME }).subscribe((st) => (state = st));
      await waitFor(() => state?.error?.detail === 'broadcast-source', 15_000, 'refused first');
      await runSql(`create trigger rt_broadcast_change after insert or update or delete on public.${table}
        for each row execute function public.rt_broadcast_change('org', 'team')`);
      // Named again within TOPIC_RETRY_MS, past the 10 s for which the tables that broadcast are shared.
      await waitFor(() => state?.phase === 'live', 30_000, `live (is ${state?.phase}: ${state?.error?.message})`);
      const title = `later ${newId().slice(0, 6)}`;
      await insertInto(table, [{ team: ACME, title }]);
      await waitFor(() => state?.data.some((r) => r.title === title), 10_000, 'the insert arrives');
      off();
    });

    it('an org topic whose id is not a UUID is refused as the setup it is, not "No access" over rows the user reads (QA61 F4)', async () => {
      const table = await probeTable('bc_text');
      tables.push(table);
      await runSql(`create trigger rt_broadcast_change after insert or update or delete on public.${table}
        for each row execute function public.rt_broadcast_change('org', 'team')`);
      await insertInto(table, [{ team: 'team-acme', title: 'readable' }]);
      const client = await aliceBroadcast();
      let state: LiveQueryState<Probe[]> | undefined;
      const off = client.liveQuery(probeFeed(table), { team: 'team-acme' }).subscribe((st) => (state = st));
      // The shipped rt_can_read_topic grants org:<uuid> only: "org:team-acme" is refused to everyone.
      await waitFor(() => state?.error?.detail === 'broadcast-topic', 20_000, () => `the cause (${state?.error?.code}: ${state?.error?.message})`);
      expect(state!.error!.code).to.equal('bad-config');
      expect(state!.error!.message).to.include('"org:team-acme"').and.include('rt_can_read_topic');
      expect(state!.phase).to.not.equal('live');
      expect(state!.data.map((r) => r.title), 'the rows read over REST are kept').to.deep.equal(['readable']);
      // The connection says the same cause, as for a table left out of the publication.
      await waitFor(() => client.getConnection().lastError?.detail === 'broadcast-topic', 10_000, () => `the connection's cause (${client.getConnection().lastError?.message})`);
      off();
    });

    it('a trigger dropped while the page is open: every feed on the table is refused with that cause (not "Realtime did not deliver"), and Live again once it is back (QA29 M2)', async function () {
      this.timeout(120_000);
      const table = await probeTable('bc_drop');
      tables.push(table);
      const trigger = `create trigger rt_broadcast_change after insert or update or delete on public.${table}
        for each row execute function public.rt_broadcast_change('org', 'team')`;
      await runSql(trigger);
      await insertInto(table, [{ team: ACME, title: 'first' }]);
      // Revalidation every 4 s finds the change nothing broadcast.
      const client = await aliceBroadcast(4000);
      const states: Record<'team' | 'all', LiveQueryState<Probe[]> | undefined> = { team: undefined, all: undefined };
      const causes: string[] = [];
      // Two feeds on the table: by team, and every row the user may read (the memberships' topics).
      const everything = defineFeed<Probe, Record<string, never>>({ name: `all-${table}`, table, kind: 'list', filters: [] });
      const offs = [
        client.liveQuery(probeFeed(table), { team: ACME }).subscribe((st) => (causes.push(st.error?.detail ?? st.phase), (states.team = st))),
        client.liveQuery(everything, {}).subscribe((st) => (causes.push(st.error?.detail ?? st.phase), (states.all = st))),
      ];
      const both = (ok: (st: LiveQueryState<Probe[]> | undefined) => boolean) => ok(states.team) && ok(states.all);
      await waitFor(() => both((st) => st?.phase === 'live'), 15_000, () => `both live (${states.team?.phase} ${states.team?.error?.message}; ${states.all?.phase} ${states.all?.error?.message})`);
      await runSql(`drop trigger rt_broadcast_change on public.${table}`);
      await runSql(`update public.${table} set title = 'unsent', updated_at = now()`);
      await waitFor(() => both((st) => st?.error?.detail === 'broadcast-source'), 30_000, () => `both refused with the cause (${states.team?.error?.detail}, ${states.all?.error?.detail})`);
      expect(states.team!.error!.message).to.include(`"${table}"`);
      expect([states.team!.phase, states.all!.phase]).to.not.include('live');
      causes.length = 0;
      await runSql(trigger);
      await waitFor(() => both((st) => st?.phase === 'live'), 45_000, () => `live again (${states.team?.phase}: ${states.team?.error?.message})`);
      // Straight from the refusal to Live: the refusal was the cause, not Realtime (QA30: "not
      // arriving" for up to a revalidation interval after the trigger was back).
      expect(causes, 'no "not arriving" on the way back').to.not.include('realtime-undelivered');
      await runSql(`update public.${table} set title = 'sent', updated_at = now()`);
      await waitFor(() => both((st) => !!st?.data.some((r) => r.title === 'sent')), 10_000, 'the next change arrives');
      for (const off of offs) off();
    });

    it('a trigger dropped on a table that only gets inserts: refused at the next revalidation round, not "Live" over rows nothing sends (QA30)', async function () {
      this.timeout(60_000);
      const table = await probeTable('bc_ins');
      tables.push(table);
      await runSql(`create trigger rt_broadcast_change after insert or update or delete on public.${table}
        for each row execute function public.rt_broadcast_change('org', 'team')`);
      const client = await aliceBroadcast(1000);
      let state: LiveQueryState<Probe[]> | undefined;
      const off = client.liveQuery(probeFeed(table), { team: ACME }).subscribe((st) => (state = st));
      await waitFor(() => state?.phase === 'live', 15_000, () => `live (${state?.phase}: ${state?.error?.message})`);
      await runSql(`drop trigger rt_broadcast_change on public.${table}`);
      await insertInto(table, [{ team: ACME, title: 'never sent' }]);
      // Re-reading held rows cannot see a new row; the round reads which tables broadcast, too.
      await waitFor(() => state?.error?.detail === 'broadcast-source', 20_000, () => `refused (${state?.phase}: ${state?.error?.message})`);
      expect(state!.phase).to.not.equal('live');
      off();
    });

    it('a row without a topic id (never broadcast) changed: not read as Realtime failing the whole table (QA30)', async function () {
      this.timeout(60_000);
      const table = await probeTable('bc_null');
      tables.push(table);
      await runSql(`alter table public.${table} alter column team drop not null;
        create trigger rt_broadcast_change after insert or update or delete on public.${table}
        for each row execute function public.rt_broadcast_change('org', 'team');
        insert into public.${table} (team, title) values ('${ACME}', 'org row'), (null, 'no topic');`);
      const counter = countRounds(table);
      restore.push(counter.restore);
      const { rounds } = counter;
      const client = await aliceBroadcast(1000);
      // Every row the user may read, over the memberships' topics: the row without a team included.
      const everything = defineFeed<Probe, Record<string, never>>({ name: `all-${table}`, table, kind: 'list', filters: [] });
      let state: LiveQueryState<Probe[]> | undefined;
      const causes: string[] = [];
      const off = client.liveQuery(everything, {}).subscribe((st) => (causes.push(st.error?.detail ?? st.phase), (state = st)));
      await waitFor(() => state?.phase === 'live' && state.data.length === 2, 15_000, () => `live with both rows (${state?.phase}: ${state?.error?.message})`);
      await runSql(`update public.${table} set title = 'no topic, changed', updated_at = now() where team is null`);
      await waitFor(() => state?.data.some((r) => r.title === 'no topic, changed'), 10_000, 'the change read by revalidation');
      // Eight more rounds at 1 s: past the 5 s in which a change found must arrive (LATE_MS).
      const after = rounds();
      await waitFor(() => rounds() >= after + 8 && state?.phase === 'live', 30_000, () => `eight more rounds (${rounds() - after}), Live (${state?.phase})`);
      expect(causes, 'never "not arriving"').to.not.include('realtime-undelivered');
      off();
    });

    it("a table with rt_broadcast_change('org', <its column>) joins that org's topic, is Live, and follows its changes", async () => {
      const table = await probeTable('bc_org');
      tables.push(table);
      await runSql(`create trigger rt_broadcast_change after insert or update or delete on public.${table}
        for each row execute function public.rt_broadcast_change('org', 'team')`);
      const client = await aliceBroadcast();
      let state: LiveQueryState<Probe[]> | undefined;
      const off = client.liveQuery(probeFeed(table), { team: ACME }).subscribe((st) => (state = st));
      await waitFor(() => state?.phase === 'live', 15_000, `live (is ${state?.phase}: ${state?.error?.message})`);
      expect(client.getChannels().channels.map((c) => c.topic)).to.include(`org:${ACME}`);
      const title = `own ${newId().slice(0, 6)}`;
      await insertInto(table, [{ team: ACME, title }]);
      await waitFor(() => state?.data.some((r) => r.title === title), 10_000, 'the insert arrives over the org topic');
      off();
    });
  });
});
