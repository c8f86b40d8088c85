/**
 * Broadcast from Database on the local backend: realtime.send / realtime.broadcast_changes,
 * private channels authorized by the realtime.messages policies of
 * supabase/migrations/*_rt_monitor_broadcast.sql, re-checks on access_token, replay; with the real
 * supabase-js 2.119 client, on PGlite or PostgreSQL (RT_TEST_DB).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { createClient, type RealtimeChannel, type SupabaseClient } from '@supabase/supabase-js';

import type { LocalBackend } from '../../server/index.ts';
import { signJwt } from '../../server/jwt.ts';
import { DEMO_ORGS, DEMO_STREAMS, DEMO_SCANS } from '../../server/seed.ts';
import { ALICE, BOB, startTestBackend, waitFor } from './helpers.ts';

const clients: SupabaseClient[] = [];

async function userToken(b: LocalBackend, sub: string): Promise<string> {
  return signJwt(b.jwtSecret, { sub, role: 'authenticated', aud: 'authenticated' }, 3600);
}

async function userClient(b: LocalBackend, token: string) {
  let current = token;
  const c = createClient(b.url, b.anonKey, {
    accessToken: async () => current,
    realtime: { transport: WebSocket as never } as never,
  });
  clients.push(c);
  await c.realtime.setAuth();
  return {
    c,
    async setToken(t: string) {
      current = t;
      await c.realtime.setAuth();
    },
  };
}

interface PrivateSub {
  ch: RealtimeChannel;
  messages: Record<string, any>[];
  systems: Record<string, any>[];
  statuses: { status: string; err?: string }[];
}

function joinPrivate(c: SupabaseClient, topic: string, broadcast: Record<string, unknown> = {}): PrivateSub {
  const ch = c.channel(topic, { config: { private: true, broadcast: { self: false, ack: false, ...broadcast } } });
  const sub: PrivateSub = { ch, messages: [], systems: [], statuses: [] };
  ch.on('broadcast', { event: '*' }, (p) => sub.messages.push(p));
  ch.on('system' as never, {} as never, (p: any) => sub.systems.push(p));
  ch.subscribe((status, err) => sub.statuses.push({ status, err: err?.message }));
  return sub;
}

const subscribed = (s: PrivateSub) => s.statuses.some((x) => x.status === 'SUBSCRIBED');

describe('Broadcast from Database', () => {
  let b: LocalBackend;
  before(async () => {
    b = await startTestBackend();
  });
  after(async () => {
    for (const c of clients) await c.removeAllChannels().catch(() => {});
    await b.stop();
  });

  test('the migration and Realtime functions exist: realtime.messages, topic(), send(), broadcast_changes()', async () => {
    const r = await b.db.query<{ fn: string }>(
      `select p.proname as fn from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where n.nspname = 'realtime' and p.proname in ('topic', 'send', 'broadcast_changes') order by 1`,
    );
    assert.deepEqual(r.rows.map((x) => x.fn), ['broadcast_changes', 'send', 'topic']);
    const cols = await b.db.query<{ c: string }>(
      `select column_name as c from information_schema.columns where table_schema = 'realtime' and table_name = 'messages' order by ordinal_position`,
    );
    assert.deepEqual(cols.rows.map((x) => x.c), ['topic', 'extension', 'payload', 'event', 'private', 'updated_at', 'inserted_at', 'id']);
    const trig = await b.db.query<{ n: number }>(`select count(*)::int as n from pg_trigger where tgname = 'rt_broadcast_change'`);
    assert.equal(trig.rows[0]!.n, 5);
  });

  test('a member receives a stream UPDATE on org:<org_id>, as broadcast_changes shapes it', async () => {
    const { c } = await userClient(b, await userToken(b, ALICE));
    const s = joinPrivate(c, `org:${DEMO_ORGS.acme}`);
    await waitFor(() => subscribed(s), 8000, 'SUBSCRIBED');
    await b.db.query(`update public.streams set name = 'Onboarding (renamed)' where id = $1`, [DEMO_STREAMS.acmeOnboarding]);
    const m = await waitFor(() => s.messages.find((x) => x.payload?.table === 'streams'), 8000, 'stream broadcast');
    assert.equal(m.type, 'broadcast');
    assert.equal(m.event, 'UPDATE');
    assert.equal(m.payload.operation, 'UPDATE');
    assert.equal(m.payload.schema, 'public');
    assert.equal(m.payload.record.id, DEMO_STREAMS.acmeOnboarding);
    assert.equal(m.payload.record.name, 'Onboarding (renamed)');
    assert.equal(m.payload.old_record.name, 'Customer onboarding');
    assert.equal(typeof m.payload.id, 'string', 'realtime.send adds the message id to the payload');
    assert.equal(m.meta.id, m.payload.id);
    // When the trigger sent it (the server's clock): how late Realtime delivers it is read from it (QA88b H1).
    assert.ok(Math.abs(Date.parse(m.payload.sent_at) - Date.now()) < 60_000, `sent_at: ${m.payload.sent_at}`);
  });

  test('the triggers\' sender is not a function a client may call (it would send any row to any topic)', async () => {
    const token = await userToken(b, ALICE);
    for (const auth of [b.anonKey, token]) {
      const res = await fetch(`${b.url}/rest/v1/rpc/rt_broadcast_send`, {
        method: 'POST',
        headers: { apikey: b.anonKey, authorization: `Bearer ${auth}`, 'content-type': 'application/json' },
        body: JSON.stringify({ topic: `org:${DEMO_ORGS.acme}`, operation: 'INSERT', table_name: 'streams', table_schema: 'public', new: null, old: null }),
      });
      assert.ok(res.status >= 400, `refused (${res.status})`);
      await res.text();
    }
    const granted = await b.db.query<{ role: string }>(
      `select r.rolname as role from pg_roles r where r.rolname in ('anon', 'authenticated') and has_function_privilege(r.oid, 'public.rt_broadcast_send(text, text, text, text, record, record)', 'execute')`,
    );
    assert.deepEqual(granted.rows, []);
  });

  test('a non-member is refused with Supabase\'s message, and the row never reaches them', async () => {
    const { c } = await userClient(b, await userToken(b, BOB));
    const s = joinPrivate(c, `org:${DEMO_ORGS.acme}`);
    const refused = await waitFor(() => s.statuses.find((x) => x.status === 'CHANNEL_ERROR'), 8000, 'CHANNEL_ERROR');
    assert.match(refused.err ?? '', new RegExp(`Unauthorized: You do not have permissions to read from this Channel topic: org:${DEMO_ORGS.acme}`));
    // Alice (a member) is joined on the same topic: once her copy arrives, Bob's would have too.
    const alice = await userClient(b, await userToken(b, ALICE));
    const a = joinPrivate(alice.c, `org:${DEMO_ORGS.acme}`);
    await waitFor(() => subscribed(a), 8000, 'alice SUBSCRIBED');
    await b.db.query(`update public.streams set goal_status = 'paused' where id = $1`, [DEMO_STREAMS.acmeExpansion]);
    await waitFor(() => a.messages.find((x) => x.payload?.record?.goal_status === 'paused'), 8000, 'alice got it');
    assert.equal(s.messages.length, 0);
    assert.equal(subscribed(s), false);
  });

  test('user topics: the owner reads user:<own id>, anon and other users are refused', async () => {
    const alice = await userClient(b, await userToken(b, ALICE));
    const own = joinPrivate(alice.c, `user:${ALICE}`);
    const other = joinPrivate(alice.c, `user:${BOB}`);
    await waitFor(() => subscribed(own), 8000, 'own SUBSCRIBED');
    await waitFor(() => other.statuses.some((x) => x.status === 'CHANNEL_ERROR'), 8000, 'other refused');
    const anon = createClient(b.url, b.anonKey, { realtime: { transport: WebSocket as never } as never });
    clients.push(anon);
    const a = joinPrivate(anon, `user:${ALICE}`);
    await waitFor(() => a.statuses.some((x) => x.status === 'CHANNEL_ERROR'), 8000, 'anon refused');

    await b.db.query(`update public.acquisition_scans set progress_percentage = 77 where id = $1`, [DEMO_SCANS.alice]);
    await b.db.query(`insert into public.notifications (user_id, title) values ($1, 'hello')`, [ALICE]);
    await b.db.query(`delete from public.notifications where user_id = $1 and title = 'hello'`, [ALICE]);
    await waitFor(() => own.messages.filter((m) => m.payload?.table === 'notifications').length >= 2, 8000, 'insert + delete');
    const scan = own.messages.find((m) => m.payload?.table === 'acquisition_scans')!;
    assert.equal(Number(scan.payload.record.progress_percentage), 77);
    const del = own.messages.find((m) => m.event === 'DELETE')!;
    assert.equal(del.payload.record, null);
    assert.equal(del.payload.old_record.title, 'hello', 'a DELETE carries the whole old row');
  });

  test('messages arrive in commit order, including several changes of one transaction', async () => {
    const { c } = await userClient(b, await userToken(b, ALICE));
    const s = joinPrivate(c, `user:${ALICE}`);
    await waitFor(() => subscribed(s), 8000, 'SUBSCRIBED');
    await b.db.transaction(async (tx) => {
      for (let i = 1; i <= 5; i++) await tx.query(`update public.acquisition_scans set targets_analyzed = $2 where id = $1`, [DEMO_SCANS.alice, i]);
    });
    for (let i = 6; i <= 10; i++) await b.db.query(`update public.acquisition_scans set targets_analyzed = $2 where id = $1`, [DEMO_SCANS.alice, i]);
    await waitFor(() => s.messages.filter((m) => m.payload?.table === 'acquisition_scans').length >= 10, 8000, '10 messages');
    const seen = s.messages.filter((m) => m.payload?.table === 'acquisition_scans').map((m) => m.payload.record.targets_analyzed);
    assert.deepEqual(seen, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  test('an access_token that loses access closes the channel with Supabase\'s system message', async () => {
    const alice = await userClient(b, await userToken(b, ALICE));
    const s = joinPrivate(alice.c, `user:${ALICE}`);
    await waitFor(() => subscribed(s), 8000, 'SUBSCRIBED');
    await alice.setToken(await userToken(b, BOB));
    const sys = await waitFor(() => s.systems.find((m) => m.status === 'error'), 8000, 'system error');
    assert.equal(sys.message, `You no longer have permission to read from this Channel topic: user:${ALICE}`);
    assert.equal(sys.extension, 'system');
    await waitFor(() => s.statuses.some((x) => x.status === 'CLOSED'), 8000, 'CLOSED');
  });

  test('an access_token that keeps access keeps the channel', async () => {
    const alice = await userClient(b, await userToken(b, ALICE));
    const s = joinPrivate(alice.c, `user:${ALICE}`);
    await waitFor(() => subscribed(s), 8000, 'SUBSCRIBED');
    await alice.setToken(await signJwt(b.jwtSecret, { sub: ALICE, role: 'authenticated', aud: 'authenticated', session_id: 'x' }, 7200));
    await b.db.query(`insert into public.notifications (user_id, title) values ($1, 'still here')`, [ALICE]);
    await waitFor(() => s.messages.find((m) => m.payload?.record?.title === 'still here'), 8000, 'message after token update');
    assert.equal(s.systems.filter((m) => m.status === 'error').length, 0);
  });

  test('replay (private channels): the newest `limit` messages since `since`, capped at 25, marked replayed', async () => {
    const since = Date.now() - 1000;
    for (let i = 0; i < 30; i++) await b.db.query(`insert into public.notifications (user_id, title) values ($1, $2)`, [ALICE, `replay ${i}`]);
    const { c } = await userClient(b, await userToken(b, ALICE));
    const s = joinPrivate(c, `user:${ALICE}`, { replay: { since, limit: 100 } });
    await waitFor(() => s.messages.filter((m) => m.meta?.replayed).length >= 25, 8000, '25 replayed');
    const replayed = s.messages.filter((m) => m.meta?.replayed);
    assert.equal(replayed.length, 25);
    assert.equal(replayed.at(-1)!.payload.record.title, 'replay 29');
    assert.equal(replayed[0]!.payload.record.title, 'replay 5');
    // A public channel may not replay (supabase-js refuses it itself; the server too, on the wire).
    const ws = new WebSocket(`${b.url.replace(/^http/, 'ws')}/realtime/v1/websocket?apikey=${b.anonKey}&vsn=2.0.0`);
    const frames: any[] = [];
    ws.on('message', (d) => frames.push(JSON.parse(d.toString())));
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify(['1', '1', 'realtime:public-replay', 'phx_join', { config: { broadcast: { replay: { since, limit: 5 } }, private: false } }]));
    const reply = await waitFor(() => frames.find((f) => f[3] === 'phx_reply' && f[1] === '1'), 8000, 'public replay reply');
    ws.close();
    assert.deepEqual(reply[4], { status: 'error', response: { reason: 'UnableToReplayMessages: Replay is not allowed for public channels' } });
  });

  test('realtime.send to a public topic reaches public channels of that topic, not private ones', async () => {
    const { c } = await userClient(b, await userToken(b, ALICE));
    const pub = c.channel('announcements');
    const got: any[] = [];
    pub.on('broadcast', { event: 'news' }, (p) => got.push(p));
    const st: string[] = [];
    pub.subscribe((x) => st.push(x));
    await waitFor(() => st.includes('SUBSCRIBED'), 8000, 'public SUBSCRIBED');
    await b.db.query(`select realtime.send('{"text":"hi"}'::jsonb, 'news', 'announcements', false)`);
    const m = await waitFor(() => got[0], 8000, 'public message');
    assert.equal(m.payload.text, 'hi');
  });

  test('a write by a signed-in user (mark as read) is still broadcast (SECURITY DEFINER trigger)', async () => {
    const alice = await userClient(b, await userToken(b, ALICE));
    const s = joinPrivate(alice.c, `user:${ALICE}`);
    await waitFor(() => subscribed(s), 8000, 'SUBSCRIBED');
    const token = await userToken(b, ALICE);
    const r = await fetch(`${b.url}/rest/v1/notifications?user_id=eq.${ALICE}&read=eq.false`, {
      method: 'PATCH',
      headers: { apikey: b.anonKey, Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'Content-Profile': 'public' },
      body: JSON.stringify({ read: true }),
    });
    assert.equal(r.status, 204);
    await waitFor(() => s.messages.find((m) => m.payload?.table === 'notifications' && m.payload.record?.read === true), 8000, 'read broadcast');
  });

  test("your own tables: rt_broadcast_change('org', <column>) broadcasts to that topic; rt_broadcast_sources names every broadcasting table the caller may read, over REST", async () => {
    await b.db.exec(`
      create table public.qa_orders (id text primary key, team_id uuid, title text, updated_at timestamptz default now());
      grant select on public.qa_orders to authenticated;
      create trigger rt_broadcast_change after insert or update or delete on public.qa_orders
        for each row execute function public.rt_broadcast_change('org', 'team_id');
      create table public.qa_hidden (id int primary key);
      create trigger rt_broadcast_change after insert on public.qa_hidden for each row execute function public.rt_broadcast_change();
      revoke all on public.qa_hidden from anon, authenticated; -- Supabase's default privileges grant new tables to both
      create table public.qa_quiet (id int primary key);
      -- QA29 L2: readable through column grants only (as Supabase's docs advise for hiding columns).
      create table public.qa_columns (id text primary key, team_id uuid, secret text, updated_at timestamptz default now());
      revoke all on public.qa_columns from anon, authenticated;
      grant select (id, team_id, updated_at) on public.qa_columns to authenticated;
      create trigger rt_broadcast_change after insert or update or delete on public.qa_columns
        for each row execute function public.rt_broadcast_change('org', 'team_id');
      -- QA29 H2: without arguments a table other than the five would be looked up by user_id, which
      -- this one lacks; with arguments naming a column it lacks, the same. Neither may be listed.
      create table public.qa_noargs (id int primary key, owner uuid);
      create trigger rt_broadcast_change after insert on public.qa_noargs for each row execute function public.rt_broadcast_change();
      create table public.qa_badcol (id int primary key);
      create trigger rt_broadcast_change after insert on public.qa_badcol for each row execute function public.rt_broadcast_change('user', 'owner_id');`);
    try {
      const token = await userToken(b, ALICE);
      const r = await fetch(`${b.url}/rest/v1/rt_broadcast_sources?select=table_name,topic,topic_column&order=table_name`, {
        headers: { apikey: b.anonKey, Authorization: `Bearer ${token}` },
      });
      assert.equal(r.status, 200);
      assert.deepEqual(await r.json(), [
        { table_name: 'acquisition_scans', topic: 'user', topic_column: 'user_id' },
        { table_name: 'agent_executions', topic: 'org', topic_column: null },
        { table_name: 'notifications', topic: 'user', topic_column: 'user_id' },
        { table_name: 'qa_columns', topic: 'org', topic_column: 'team_id' },
        { table_name: 'qa_orders', topic: 'org', topic_column: 'team_id' },
        { table_name: 'signal_alerts', topic: 'user', topic_column: 'user_id' },
        { table_name: 'streams', topic: 'org', topic_column: 'org_id' },
      ], 'qa_columns (SELECT on some columns); not qa_hidden (no SELECT for the user), qa_quiet (no trigger), qa_noargs (no arguments, no user_id) nor qa_badcol (no such column)');

      const { c } = await userClient(b, token);
      const s = joinPrivate(c, `org:${DEMO_ORGS.acme}`);
      await waitFor(() => subscribed(s), 8000, 'SUBSCRIBED');
      await b.db.query(`insert into public.qa_orders (id, team_id, title) values ('O-1', $1, 'first')`, [DEMO_ORGS.acme]);
      const m = await waitFor(() => s.messages.find((x) => x.payload?.table === 'qa_orders'), 8000, 'own table broadcast');
      assert.equal(m.event, 'INSERT');
      assert.equal(m.payload.record.title, 'first');
      // Without arguments on a table that has no user_id: nothing to send, and the write still succeeds.
      await b.db.query(`insert into public.qa_hidden values (1)`);
    } finally {
      await b.db.exec(`drop table if exists public.qa_orders, public.qa_columns, public.qa_hidden, public.qa_quiet, public.qa_noargs, public.qa_badcol;`);
    }
  });
});
