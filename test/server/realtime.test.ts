/**
 * Realtime server tests: the real supabase-js 2.119 client (and a raw Phoenix socket for the
 * wire details) against the local backend, on PGlite or PostgreSQL (RT_TEST_DB).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import WebSocket from 'ws';
import { createClient, type RealtimeChannel, type SupabaseClient } from '@supabase/supabase-js';

import { startLocalBackend, type LocalBackend } from '../../server/index.ts';
import { signJwt } from '../../server/jwt.ts';
import { DEMO_ORGS, DEMO_STREAMS } from '../../server/seed.ts';
import { createRealtime } from '../../server/realtime/index.ts';
import type { BackendContext } from '../../server/context.ts';
import { ALICE, BOB, CAROL, ENGINE, startTestBackend, waitFor } from './helpers.ts';

// ---- helpers ---------------------------------------------------------------------------------

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const clients: SupabaseClient[] = [];
const raws: Raw[] = [];

async function userToken(b: LocalBackend, sub: string, ttl = 3600): Promise<string> {
  return signJwt(b.jwtSecret, { sub, role: 'authenticated', aud: 'authenticated' }, ttl);
}

/** supabase-js with a user token through the `accessToken` option (Node: `ws` transport). */
async function userClient(b: LocalBackend, token: string, vsn?: string) {
  let current = token;
  const c = createClient(b.url, b.anonKey, {
    accessToken: async () => current,
    realtime: { transport: WebSocket as never, ...(vsn ? { vsn } : {}) } as never,
  });
  clients.push(c);
  // supabase-js starts setAuth asynchronously; a channel subscribed before it resolves joins
  // with the anon key (the same on a real Supabase project), so let it settle first.
  await c.realtime.setAuth();
  return {
    c,
    async setToken(t: string) {
      current = t;
      await c.realtime.setAuth();
    },
  };
}

interface Binding {
  event: '*' | 'INSERT' | 'UPDATE' | 'DELETE';
  table: string;
  filter?: string;
}

interface Sub {
  ch: RealtimeChannel;
  events: { i: number; p: Record<string, any> }[];
  systems: Record<string, any>[];
  statuses: string[];
}

function subscribe(c: SupabaseClient, name: string, bindings: Binding[]): Sub {
  const ch = c.channel(name);
  const sub: Sub = { ch, events: [], systems: [], statuses: [] };
  bindings.forEach((b, i) =>
    ch.on('postgres_changes' as never, { event: b.event, schema: 'public', table: b.table, ...(b.filter ? { filter: b.filter } : {}) } as never, (p: any) =>
      sub.events.push({ i, p }),
    ),
  );
  ch.on('system' as never, {} as never, (p: any) => sub.systems.push(p));
  ch.subscribe((s) => sub.statuses.push(s));
  return sub;
}

const subscribedCount = (s: Sub) => s.systems.filter((m) => m.message === 'Subscribed to PostgreSQL').length;

async function live(c: SupabaseClient, name: string, bindings: Binding[]): Promise<Sub> {
  const s = subscribe(c, name, bindings);
  await waitFor(() => subscribedCount(s) > 0, 8000, `Subscribed to PostgreSQL on ${name}`);
  return s;
}

/** A raw Phoenix socket, for wire-level assertions. */
class Raw {
  frames: { join_ref: any; ref: any; topic: string; event: string; payload: any }[] = [];
  binaries: Buffer[] = [];
  closed: { code: number; reason: string } | null = null;
  private ref = 0;
  private constructor(
    readonly ws: WebSocket,
    readonly vsn: string,
  ) {
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) return void this.binaries.push(Buffer.from(data));
      const v = JSON.parse(data.toString());
      this.frames.push(Array.isArray(v) ? { join_ref: v[0], ref: v[1], topic: v[2], event: v[3], payload: v[4] } : v);
    });
    ws.on('close', (code, reason) => (this.closed = { code, reason: reason.toString() }));
    ws.on('error', () => {});
  }
  static open(b: LocalBackend | string, opts: { apikey?: string | null; vsn?: string | null } = {}): Promise<Raw> {
    const base = typeof b === 'string' ? b : b.url;
    const apikey = opts.apikey === undefined ? (b as LocalBackend).anonKey : opts.apikey;
    const q = new URLSearchParams();
    if (apikey) q.set('apikey', apikey);
    if (opts.vsn !== null) q.set('vsn', opts.vsn ?? '2.0.0');
    const ws = new WebSocket(`${base.replace(/^http/, 'ws')}/realtime/v1/websocket?${q}`);
    return new Promise((resolve, reject) => {
      ws.once('open', () => {
        const r = new Raw(ws, opts.vsn ?? '1.0.0');
        raws.push(r);
        resolve(r);
      });
      ws.once('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => reject(Object.assign(new Error(`upgrade refused ${res.statusCode}`), { status: res.statusCode, body })));
      });
      ws.once('error', reject);
    });
  }
  push(topic: string, event: string, payload: unknown, joinRef: string | null = null): string {
    const ref = String(++this.ref);
    const frame = this.vsn.startsWith('2') ? [joinRef, ref, topic, event, payload] : { topic, event, payload, ref, join_ref: joinRef };
    this.ws.send(JSON.stringify(frame));
    return ref;
  }
  async reply(ref: string, timeout = 5000) {
    return (await waitFor(() => this.frames.find((f) => f.event === 'phx_reply' && f.ref === ref), timeout, `reply ${ref}`)).payload;
  }
  async join(topic: string, payload: unknown) {
    const ref = String(this.ref + 1);
    this.push(topic, 'phx_join', payload, ref);
    return { ref, reply: await this.reply(ref) };
  }
  wait(pred: (f: Raw['frames'][number]) => boolean, label: string, timeout = 5000) {
    return waitFor(() => this.frames.find(pred), timeout, label);
  }
  close() {
    this.ws.terminate();
  }
}

const devPost = async (b: LocalBackend, path: string) => {
  const r = await fetch(`${b.url}${path}`, { method: 'POST', headers: { Authorization: `Bearer ${b.serviceRoleKey}`, apikey: b.serviceRoleKey } });
  assert.equal(r.status, 200, await r.clone().text());
  return (await r.json()) as any;
};

async function insertStream(b: LocalBackend, org: string, name: string): Promise<string> {
  const r = await b.db.query<{ id: string }>(`insert into public.streams (org_id, name) values ($1, $2) returning id`, [org, name]);
  return r.rows[0]!.id;
}

async function cleanup() {
  await Promise.all(clients.splice(0).map((c) => c.removeAllChannels().catch(() => {})));
  for (const c of clients) c.realtime.disconnect();
  for (const r of raws.splice(0)) r.close();
}

// ---- the suite -------------------------------------------------------------------------------

describe(`realtime (${ENGINE})`, () => {
  let b: LocalBackend;
  before(async () => {
    b = await startTestBackend();
  });
  after(async () => {
    await cleanup();
    await b?.stop();
  });

  test('INSERT / UPDATE / DELETE payload shapes through supabase-js, and the raw frame', async () => {
    const { c } = await userClient(b, await userToken(b, ALICE));
    const s = await live(c, 'shapes', [{ event: '*', table: 'streams' }]);
    const raw = await Raw.open(b, { vsn: '2.0.0' });
    const sr = await raw.join('realtime:shapes-raw', {
      config: { postgres_changes: [{ event: '*', schema: 'public', table: 'streams' }] },
      access_token: await userToken(b, ALICE),
    });
    assert.equal(sr.reply.status, 'ok');
    await raw.wait((f) => f.event === 'system' && f.payload.message === 'Subscribed to PostgreSQL', 'raw subscribed');

    // One at a time: RLS is checked against the row as it is when the change is drained (as on
    // Supabase), so an UPDATE whose row is already deleted is not delivered.
    const id = await insertStream(b, DEMO_ORGS.acme, 'Shape test');
    await waitFor(() => s.events.length >= 1, 5000, 'insert');
    await b.db.query(`update public.streams set goal_status = 'paused', current_progress = '{"percentage": 50, "completed": 1, "total": 2}' where id = $1`, [id]);
    await waitFor(() => s.events.length >= 2, 5000, 'update');
    await b.db.query(`delete from public.streams where id = $1`, [id]);
    await waitFor(() => s.events.length >= 3, 5000, 'three changes');
    const [ins, upd, del] = s.events.map((e) => e.p);
    assert.equal(ins!.eventType, 'INSERT');
    assert.equal(ins!.schema, 'public');
    assert.equal(ins!.table, 'streams');
    assert.match(ins!.commit_timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.equal(ins!.new.id, id);
    assert.equal(ins!.new.name, 'Shape test');
    assert.deepEqual(ins!.new.current_progress, { percentage: 0, completed: 0, total: 0 }); // jsonb converted by column type
    assert.deepEqual(ins!.old, {});
    assert.equal(ins!.errors, null);
    assert.equal(upd!.eventType, 'UPDATE');
    assert.equal(upd!.new.goal_status, 'paused');
    assert.equal(upd!.old.goal_status, 'pending'); // REPLICA IDENTITY FULL: whole old row on UPDATE
    assert.equal(upd!.new.current_progress.percentage, 50);
    assert.equal(del!.eventType, 'DELETE');
    assert.deepEqual(del!.new, {});
    assert.deepEqual(del!.old, { id }); // RLS enabled ⇒ DELETE old_record cut to the primary key

    await waitFor(() => raw.frames.filter((f) => f.event === 'postgres_changes').length >= 3, 5000, 'raw changes');
    const frames = raw.frames.filter((f) => f.event === 'postgres_changes');
    const bindingId = sr.reply.response.postgres_changes[0].id;
    assert.equal(typeof bindingId, 'number');
    for (const f of frames) {
      assert.equal(f.join_ref, null);
      assert.equal(f.ref, null);
      assert.equal(f.topic, 'realtime:shapes-raw');
      assert.deepEqual(f.payload.ids, [bindingId]);
      assert.deepEqual(Object.keys(f.payload), ['ids', 'data']);
    }
    const [ri, ru, rd] = frames.map((f) => f.payload.data);
    assert.deepEqual(Object.keys(ri), ['schema', 'table', 'commit_timestamp', 'type', 'columns', 'record', 'errors']);
    assert.deepEqual(Object.keys(ru), ['schema', 'table', 'commit_timestamp', 'type', 'columns', 'record', 'old_record', 'errors']);
    assert.deepEqual(Object.keys(rd), ['schema', 'table', 'commit_timestamp', 'type', 'columns', 'old_record', 'errors']);
    assert.deepEqual(ri.columns, [
      { name: 'id', type: 'uuid' },
      { name: 'org_id', type: 'uuid' },
      { name: 'name', type: 'text' },
      { name: 'goal_status', type: 'text' },
      { name: 'current_progress', type: 'jsonb' },
      { name: 'created_at', type: 'timestamptz' },
      { name: 'updated_at', type: 'timestamptz' },
    ]);
    assert.deepEqual(rd.old_record, { id });
    assert.equal(ri.errors, null);
  });

  test('each filter operator compares with the column type', async () => {
    const { c } = await userClient(b, await userToken(b, ALICE));
    const ops = [
      'targets_identified=eq.10',
      'targets_identified=neq.10',
      'targets_identified=lt.10',
      'targets_identified=lte.10',
      'targets_identified=gt.9', // numeric, not text, comparison: 10 > 9 and 20 > 9
      'targets_identified=gte.10',
      'targets_identified=in.(5,20)',
      'name=eq."Scan \\"quoted\\", 10"', // realtime-js quotes values with , ( ) " \
      'name=in.("Scan \\"quoted\\", 5",nope)',
      'name=like."%\\", 2%"',
      'targets_identified=not.eq.10',
      'targets_identified=gt.4,targets_identified=lt.20', // comma-joined AND
      'current_step=is.null',
    ];
    // The last binding has no filter: it receives a control row written after the others, and
    // once it has, every filtered delivery of the rows before it has been made (commit order).
    const s = await live(c, 'filters', [...ops.map((filter) => ({ event: 'INSERT' as const, table: 'acquisition_scans', filter })), { event: 'INSERT', table: 'acquisition_scans' }]);
    for (const n of [5, 10, 20, 999]) {
      await b.db.query(`insert into public.acquisition_scans (user_id, org_id, name, targets_identified) values ($1, $2, $3, $4)`, [ALICE, DEMO_ORGS.acme, `Scan "quoted", ${n}`, n]);
    }
    const expected: Record<number, number[]> = {
      0: [10], 1: [5, 20], 2: [5], 3: [5, 10], 4: [10, 20], 5: [10, 20], 6: [5, 20], 7: [10], 8: [5], 9: [20], 10: [5, 20], 11: [5, 10], 12: [5, 10, 20],
    };
    await waitFor(() => s.events.some((e) => e.i === ops.length && e.p.new.targets_identified === 999), 5000, 'the control row');
    for (const [i, values] of Object.entries(expected)) {
      const got = s.events.filter((e) => e.i === Number(i) && e.p.new.targets_identified !== 999).map((e) => e.p.new.targets_identified).sort((a, b) => a - b);
      assert.deepEqual(got, values, `filter ${ops[Number(i)]}`);
    }
  });

  test('event filters: INSERT, UPDATE, DELETE and *', async () => {
    const { c } = await userClient(b, await userToken(b, ALICE));
    const s = await live(c, 'events', [
      { event: 'INSERT', table: 'notifications' },
      { event: 'UPDATE', table: 'notifications' },
      { event: 'DELETE', table: 'notifications' },
      { event: '*', table: 'notifications' },
    ]);
    const r = await b.db.query<{ id: string }>(`insert into public.notifications (user_id, title) values ($1, 'hello') returning id`, [ALICE]);
    const id = r.rows[0]!.id;
    await waitFor(() => s.events.length >= 2, 5000, 'insert callbacks');
    await b.db.query(`update public.notifications set read = true where id = $1`, [id]);
    await waitFor(() => s.events.length >= 4, 5000, 'update callbacks');
    await b.db.query(`delete from public.notifications where id = $1`, [id]);
    // A control INSERT after the DELETE: once it is in, no callback for the row above is still on its way.
    const control = (await b.db.query<{ id: string }>(`insert into public.notifications (user_id, title) values ($1, 'control') returning id`, [ALICE])).rows[0]!.id;
    await waitFor(() => s.events.some((e) => e.i === 3 && e.p.new?.id === control), 5000, 'the control row');
    const by = (i: number) => s.events.filter((e) => e.i === i && e.p.new?.id !== control).map((e) => e.p.eventType);
    assert.deepEqual(by(0), ['INSERT']);
    assert.deepEqual(by(1), ['UPDATE']);
    assert.deepEqual(by(2), ['DELETE']);
    assert.deepEqual(by(3), ['INSERT', 'UPDATE', 'DELETE']);
  });

  test('per-subscriber RLS: users of different orgs see only their rows; alerts only their owner', async () => {
    const alice = await userClient(b, await userToken(b, ALICE));
    const bob = await userClient(b, await userToken(b, BOB));
    const carol = await userClient(b, await userToken(b, CAROL));
    const bindings: Binding[] = [
      { event: '*', table: 'streams' },
      { event: '*', table: 'signal_alerts' },
    ];
    const [sa, sb, sc] = await Promise.all([live(alice.c, 'rls', bindings), live(bob.c, 'rls', bindings), live(carol.c, 'rls', bindings)]);
    const acme = await insertStream(b, DEMO_ORGS.acme, 'Acme only');
    const globex = await insertStream(b, DEMO_ORGS.globex, 'Globex only');
    await b.db.query(`insert into public.signal_alerts (user_id, org_id, business_name, signal_type) values ($1, $2, 'Alice Co', 'x'), ($3, $4, 'Bob Co', 'y')`, [ALICE, DEMO_ORGS.acme, BOB, DEMO_ORGS.globex]);
    await b.db.query(`update public.streams set name = name || '!' where id = any($1::uuid[])`, [[acme, globex]]);
    // Control rows each user may see, written last: once a user has theirs, anything the rows
    // above could have brought them has arrived (one socket delivers in commit order).
    await insertStream(b, DEMO_ORGS.acme, 'control');
    await insertStream(b, DEMO_ORGS.globex, 'control');
    const gotControl = (s: Sub) => s.events.some((e) => e.p.table === 'streams' && e.p.new.name === 'control');
    await waitFor(() => gotControl(sa) && gotControl(sb) && gotControl(sc), 5000, 'the control rows');
    const view = (s: Sub) => s.events.filter((e) => e.p.new.name !== 'control').map((e) => `${e.p.table}:${e.p.eventType}:${e.p.new.name ?? e.p.new.business_name}`);
    assert.deepEqual(view(sa), ['streams:INSERT:Acme only', 'signal_alerts:INSERT:Alice Co', 'streams:UPDATE:Acme only!']);
    assert.deepEqual(view(sb), ['streams:INSERT:Globex only', 'signal_alerts:INSERT:Bob Co', 'streams:UPDATE:Globex only!']);
    assert.deepEqual(view(sc), ['streams:INSERT:Acme only', 'streams:UPDATE:Acme only!']); // same org, not the owner of the alert
  });

  test('bad filter, unknown column, bad value, unknown table: join ok, then a system error; channel stays', async () => {
    const { c } = await userClient(b, await userToken(b, ALICE));
    const cases: [Binding, RegExp][] = [
      [{ event: '*', table: 'streams', filter: 'wrong' }, /^Error parsing `filter` params: \["wrong"\]$/],
      [{ event: '*', table: 'streams', filter: 'name=foo.x' }, /^Error parsing `filter` params: \["foo", "x"\]$/],
      [{ event: '*', table: 'streams', filter: 'name=in.x' }, /^Error parsing `filter` params: `in` filter value must be wrapped by parentheses$/],
      [{ event: '*', table: 'streams', filter: 'notacolumn=eq.1' }, /An exception happened .*Exception: ERROR P0001 \(raise_exception\) invalid column for filter notacolumn$/],
      [{ event: '*', table: 'streams', filter: 'id=eq.not-a-uuid' }, /Exception: ERROR 22P02 \(invalid_text_representation\) invalid input syntax for type uuid: "not-a-uuid"$/],
      [{ event: '*', table: 'orgs' }, /^Unable to subscribe to changes with given parameters\. Please check Realtime is enabled for the given connect parameters: \[event: \*, schema: public, table: orgs, filters: \[\], select: nil\]$/],
      [{ event: '*', table: 'no_such_table' }, /Please check Realtime is enabled/],
    ];
    for (const [i, [binding, re]] of cases.entries()) {
      const s = subscribe(c, `bad-${i}`, [binding]);
      const err = await waitFor(() => s.systems.find((m) => m.status === 'error'), 5000, `system error ${i}`);
      assert.equal(err.extension, 'postgres_changes');
      assert.equal(err.channel, `bad-${i}`);
      assert.match(err.message, re);
      assert.deepEqual(s.statuses, ['SUBSCRIBED']);
      assert.equal(subscribedCount(s), 0);
    }
    // The channel stays open for broadcast.
    const ch = c.channel('bad-bcast', { config: { broadcast: { self: true, ack: true } } });
    const got: unknown[] = [];
    ch.on('postgres_changes' as never, { event: '*', schema: 'public', table: 'streams', filter: 'wrong' } as never, () => {});
    ch.on('broadcast', { event: 'ping' }, (p) => got.push(p.payload));
    ch.subscribe();
    await waitFor(() => ch.state === 'joined', 5000, 'joined');
    assert.equal(await ch.send({ type: 'broadcast', event: 'ping', payload: { n: 1 } }), 'ok');
    await waitFor(() => got.length === 1, 3000, 'own broadcast');
  });

  test('join errors carry Supabase reason strings', async () => {
    const raw = await Raw.open(b, { vsn: '2.0.0' });
    const expired = await signJwt(b.jwtSecret, { sub: ALICE, role: 'authenticated' }, 10, Math.floor(Date.now() / 1000) - 100);
    const wrongKey = await signJwt('another-secret-another-secret-another-secret', { sub: ALICE, role: 'authenticated' }, 3600);
    const noRole = await signJwt(b.jwtSecret, { sub: ALICE }, 3600);
    const cases: [string, RegExp][] = [
      [expired, /^InvalidJWTToken: Token has expired \d+ seconds ago$/],
      ['not-a-jwt', /^MalformedJWT: The token provided is not a valid JWT$/],
      [wrongKey, /^JwtSignatureError: Failed to validate JWT signature$/],
      [noRole, /^InvalidJWTToken: Fields `role` and `exp` are required in JWT$/],
    ];
    for (const [i, [token, re]] of cases.entries()) {
      const { reply } = await raw.join(`realtime:err-${i}`, { config: {}, access_token: token });
      assert.equal(reply.status, 'error');
      assert.match(reply.response.reason, re);
    }
    const { reply } = await raw.join('realtime:', { config: {} });
    assert.deepEqual(reply, { status: 'error', response: { reason: 'TopicNameRequired: You must provide a topic name' } });
    // Upgrade without / with a bad apikey: HTTP 401 JSON.
    await assert.rejects(Raw.open(b, { apikey: null }), (e: any) => e.status === 401 && typeof JSON.parse(e.body).error === 'string');
    await assert.rejects(Raw.open(b, { apikey: 'garbage' }), (e: any) => e.status === 401 && /MalformedJWT/.test(JSON.parse(e.body).error));
  });

  test('join reply echoes params verbatim with integer ids; identical params share an id; phx_leave', async () => {
    const raw = await Raw.open(b, { vsn: '2.0.0' });
    const p1 = { event: '*', schema: 'public', table: 'streams', filter: `org_id=eq.${DEMO_ORGS.acme}` };
    const p2 = { event: 'INSERT', schema: 'public', table: 'notifications' };
    const { ref, reply } = await raw.join('realtime:ids', { config: { postgres_changes: [p1, p2, { ...p1 }] }, access_token: await userToken(b, ALICE) });
    assert.equal(reply.status, 'ok');
    const echoed = reply.response.postgres_changes;
    assert.deepEqual(echoed.map(({ id, ...rest }: any) => rest), [p1, p2, p1]);
    assert.ok(echoed.every((e: any) => Number.isInteger(e.id) && e.id > 0));
    assert.equal(echoed[0].id, echoed[2].id);
    assert.notEqual(echoed[0].id, echoed[1].id);
    const sys = await raw.wait((f) => f.event === 'system', 'system');
    assert.equal(sys.join_ref, ref);
    assert.equal(sys.ref, null);
    assert.deepEqual(sys.payload, { extension: 'postgres_changes', status: 'ok', message: 'Subscribed to PostgreSQL', channel: 'ids' });
    // Same ids on another socket.
    const raw2 = await Raw.open(b, { vsn: '1.0.0' });
    const again = await raw2.join('realtime:ids', { config: { postgres_changes: [p1] }, access_token: await userToken(b, ALICE) });
    assert.equal(again.reply.response.postgres_changes[0].id, echoed[0].id);
    // Leave: reply ok, then phx_close with the join ref.
    const leaveRef = raw.push('realtime:ids', 'phx_leave', {}, ref);
    assert.deepEqual(await raw.reply(leaveRef), { status: 'ok', response: {} });
    const close = await raw.wait((f) => f.event === 'phx_close', 'phx_close');
    assert.equal(close.ref, ref);
    assert.equal(close.join_ref, ref);
    // Now unjoined: pushes get "unmatched topic".
    const r2 = raw.push('realtime:ids', 'broadcast', { type: 'broadcast', event: 'x', payload: {} }, ref);
    assert.deepEqual(await raw.reply(r2), { status: 'error', response: { reason: 'unmatched topic' } });
  });

  test('an expired token closes the channel: system error, then phx_close', async () => {
    // 4–5 s left (iat is rounded down): enough to join on a busy machine.
    const { c } = await userClient(b, await userToken(b, ALICE, 5));
    const s = await live(c, 'expiry', [{ event: '*', table: 'streams' }]);
    const err = await waitFor(() => s.systems.find((m) => m.status === 'error'), 10_000, 'expiry error');
    assert.equal(err.extension, 'system');
    assert.match(err.message, /^Token has expired \d+ seconds ago$/);
    await waitFor(() => s.statuses.includes('CLOSED'), 2000, 'CLOSED');
    assert.equal(s.ch.state, 'closed');
  });

  test("the demo's expire-token fault (expireTokens): channels joined with a user's token are closed as expired at once, an anon channel is left", async () => {
    const { c } = await userClient(b, await userToken(b, ALICE));
    const mine = await live(c, 'expire-now', [{ event: '*', table: 'streams' }]);
    const anon = await live((await userClient(b, b.anonKey)).c, 'expire-now-anon', [{ event: '*', table: 'streams' }]);
    assert.ok(b.realtime.expireTokens() >= 1);
    const err = await waitFor(() => mine.systems.find((m) => m.status === 'error'), 5000, 'expiry error');
    assert.equal(err.extension, 'system');
    assert.match(err.message, /^Token has expired \d+ seconds ago$/);
    await waitFor(() => mine.statuses.includes('CLOSED'), 2000, 'CLOSED');
    assert.equal(anon.ch.state, 'joined');
    assert.equal(anon.systems.filter((m) => m.status === 'error').length, 0);
  });

  test('a refreshed token (access_token push) keeps the channel alive with the new claims', async () => {
    const first = await userToken(b, ALICE, 6); // 5–6 s left: enough to join and hand the next over
    const firstExp = JSON.parse(Buffer.from(first.split('.')[1]!, 'base64url').toString()).exp as number;
    const u = await userClient(b, first);
    const s = await live(u.c, 'refresh', [{ event: 'INSERT', table: 'streams' }]);
    await u.setToken(await userToken(b, ALICE, 3600));
    // Past the first token's expiry (read from the token), a change written then is delivered, and
    // the channel never had the expiry error it would have had by then (see the test above).
    await waitFor(() => Date.now() > firstExp * 1000, 10_000, "the first token's expiry");
    await insertStream(b, DEMO_ORGS.acme, 'after refresh');
    await waitFor(() => s.events.some((e) => e.p.new.name === 'after refresh'), 5000, 'change after refresh');
    assert.equal(s.systems.filter((m) => m.status === 'error').length, 0);
    assert.equal(s.ch.state, 'joined');
    // Switching to bob's token: his claims apply to the following checks.
    const before = subscribedCount(s); // every accepted new token re-creates the subscriptions
    await u.setToken(await userToken(b, BOB, 3600));
    await waitFor(() => subscribedCount(s) > before, 5000, 'resubscribed');
    await insertStream(b, DEMO_ORGS.acme, 'acme after switch');
    await insertStream(b, DEMO_ORGS.globex, 'globex after switch');
    await waitFor(() => s.events.some((e) => e.p.new.name === 'globex after switch'), 5000, 'bob sees globex');
    assert.ok(!s.events.some((e) => e.p.new.name === 'acme after switch'));
  });

  test('a channel joined before its user token (as anon) validates its filter by existence and type, then delivers with the later access_token claims', async () => {
    // anon has no SELECT at all on signal_alerts. Supabase's realtime.subscription_check_filters
    // checks only that the column exists and the value casts; privileges shape delivery.
    const raw = await Raw.open(b, { vsn: '2.0.0' });
    const binding = { event: '*', schema: 'public', table: 'signal_alerts', filter: `user_id=eq.${ALICE}` };
    const { ref, reply } = await raw.join('realtime:late-token', { config: { postgres_changes: [binding] } }); // no access_token: the anon apikey
    assert.equal(reply.status, 'ok');
    const first = await raw.wait((f) => f.topic === 'realtime:late-token' && f.event === 'system', 'first system message');
    assert.deepEqual(
      { status: first.payload.status, message: first.payload.message },
      { status: 'ok', message: 'Subscribed to PostgreSQL' },
      `anon join: ${first.payload.message}`,
    );
    // Existence and type are still checked for anon.
    for (const [topic, filter, re] of [
      ['realtime:late-nocol', 'notacolumn=eq.1', /invalid column for filter notacolumn$/],
      ['realtime:late-badval', 'user_id=eq.not-a-uuid', /invalid input syntax for type uuid: "not-a-uuid"$/],
    ] as const) {
      await raw.join(topic, { config: { postgres_changes: [{ ...binding, filter }] } });
      const sys = await raw.wait((f) => f.topic === topic && f.event === 'system', `system on ${topic}`);
      assert.equal(sys.payload.status, 'error');
      assert.match(sys.payload.message, re);
    }
    // As anon nothing of alice's alert leaks. A second socket, signed in as alice, watches the same
    // rows: the server evaluates every subscriber of a change in one fanout (claims read then) and
    // sends after, so once the watcher has the row, the anon socket's evaluation of it is done.
    const watcher = await Raw.open(b, { vsn: '2.0.0' });
    await watcher.join('realtime:late-watch', { config: { postgres_changes: [binding] }, access_token: await userToken(b, ALICE) });
    await watcher.wait((f) => f.topic === 'realtime:late-watch' && f.event === 'system' && f.payload.message === 'Subscribed to PostgreSQL', 'watcher subscribed');
    const marker = `late-token ${Date.now()}`;
    await b.db.query(`insert into public.signal_alerts (user_id, business_name, signal_type, priority) values ($1, $2, 'funding', 'high')`, [ALICE, `${marker} anon`]);
    await watcher.wait((f) => f.topic === 'realtime:late-watch' && f.event === 'postgres_changes' && f.payload.data?.record?.business_name === `${marker} anon`, 'the watcher saw the row written while the channel was anon');
    const pushes = () => raw.frames.filter((f) => f.topic === 'realtime:late-token' && f.event === 'postgres_changes');

    // The user's token arrives: claims re-evaluated for delivery, bindings re-validated.
    const seen = raw.frames.length;
    raw.push('realtime:late-token', 'access_token', { access_token: await userToken(b, ALICE) }, ref);
    await raw.wait((f) => raw.frames.indexOf(f) >= seen && f.topic === 'realtime:late-token' && f.event === 'system' && f.payload.message === 'Subscribed to PostgreSQL', 're-subscribed');
    await b.db.query(`insert into public.signal_alerts (user_id, business_name, signal_type, priority) values ($1, $2, 'funding', 'high')`, [ALICE, `${marker} alice`]);
    const got = await raw.wait((f) => f.topic === 'realtime:late-token' && f.event === 'postgres_changes' && f.payload.data?.record?.business_name === `${marker} alice`, 'alice receives her alert');
    assert.ok(!pushes().some((f) => JSON.stringify(f.payload).includes(`${marker} anon`)), 'anon must not see the row');
    assert.equal(got.payload.data.type, 'INSERT');
    assert.equal(got.payload.data.record.user_id, ALICE);
    assert.equal(got.payload.data.errors, null);
    assert.ok(got.payload.data.columns.some((c: { name: string }) => c.name === 'business_name'));
    assert.equal(raw.frames.filter((f) => f.topic === 'realtime:late-token' && f.event === 'phx_close').length, 0);
  });

  test('an invalid access_token push: system error, then phx_close', async () => {
    const raw = await Raw.open(b, { vsn: '2.0.0' });
    const { ref } = await raw.join('realtime:badtoken', { config: {}, access_token: await userToken(b, ALICE) });
    raw.push('realtime:badtoken', 'access_token', { access_token: 'a.b.c' }, ref);
    const sys = await raw.wait((f) => f.event === 'system', 'system');
    assert.deepEqual(sys.payload, { extension: 'system', status: 'error', message: 'The token provided is not a valid JWT', channel: 'badtoken' });
    await raw.wait((f) => f.event === 'phx_close' && f.ref === ref, 'phx_close');
  });

  for (const vsn of ['1.0.0', '2.0.0']) {
    test(`vsn ${vsn}: supabase-js receives changes and broadcasts (self, ack)`, async () => {
      const { c } = await userClient(b, await userToken(b, ALICE), vsn);
      const other = await userClient(b, await userToken(b, CAROL), vsn);
      const s = await live(c, `vsn-${vsn}`, [{ event: 'INSERT', table: 'streams', filter: `org_id=eq.${DEMO_ORGS.acme}` }]);
      await insertStream(b, DEMO_ORGS.acme, `vsn ${vsn}`);
      await waitFor(() => s.events.some((e) => e.p.new.name === `vsn ${vsn}`), 5000, 'change');

      const topic = `room-${vsn}`;
      const got: Record<string, unknown[]> = { a: [], b: [] };
      const ca = c.channel(topic, { config: { broadcast: { self: true, ack: true } } }).on('broadcast', { event: 'msg' }, (p) => got.a!.push(p.payload));
      const cb = other.c.channel(topic).on('broadcast', { event: 'msg' }, (p) => got.b!.push(p.payload));
      ca.subscribe();
      cb.subscribe();
      await waitFor(() => ca.state === 'joined' && cb.state === 'joined', 5000, 'joined');
      assert.equal(await ca.send({ type: 'broadcast', event: 'msg', payload: { hello: 'wörld', n: 1 } }), 'ok');
      await waitFor(() => got.a!.length === 1 && got.b!.length === 1, 3000, 'broadcast both');
      assert.deepEqual(got.b![0], { hello: 'wörld', n: 1 });
      await cb.send({ type: 'broadcast', event: 'msg', payload: { n: 2 } }); // self:false ⇒ only ca
      await waitFor(() => got.a!.length === 2, 3000, 'second');
      // A control message from ca, sent after the server handled n: 2: b gets it, and nothing before it.
      assert.equal(await ca.send({ type: 'broadcast', event: 'msg', payload: { n: 3 } }), 'ok');
      await waitFor(() => got.b!.length >= 2, 3000, 'the control message');
      assert.deepEqual(got.b, [{ hello: 'wörld', n: 1 }, { n: 3 }]);
    });
  }

  test('raw vsn 1.0.0 frames are JSON objects; heartbeat; absent vsn means 1.0.0', async () => {
    const raw = await Raw.open(b, { vsn: null });
    raw.ws.send(JSON.stringify({ topic: 'phoenix', event: 'heartbeat', payload: {}, ref: '7', join_ref: null }));
    const f = await raw.wait((x) => x.ref === '7', 'heartbeat reply');
    assert.deepEqual(f, { topic: 'phoenix', event: 'phx_reply', payload: { status: 'ok', response: {} }, ref: '7', join_ref: null });
    const raw2 = await Raw.open(b, { vsn: '2.0.0' });
    raw2.ws.send(JSON.stringify([null, '9', 'phoenix', 'heartbeat', {}]));
    await raw2.wait((x) => x.ref === '9' && x.payload.status === 'ok', 'v2 heartbeat');
  });

  test('presence: presence_state after join and presence_diff on track', async () => {
    const a = await userClient(b, await userToken(b, ALICE));
    const c2 = await userClient(b, await userToken(b, CAROL));
    const ca = a.c.channel('lobby', { config: { presence: { key: 'alice' } } });
    const syncs: unknown[] = [];
    ca.on('presence', { event: 'sync' }, () => syncs.push(ca.presenceState()));
    ca.subscribe();
    await waitFor(() => ca.state === 'joined', 5000, 'joined');
    const cc = c2.c.channel('lobby', { config: { presence: { key: 'carol' } } });
    cc.subscribe();
    await waitFor(() => cc.state === 'joined', 5000, 'carol joined');
    assert.equal(await cc.track({ online_at: 1 }), 'ok');
    await waitFor(() => (ca.presenceState() as any).carol?.[0]?.online_at === 1, 3000, 'alice sees carol');
    await cc.untrack();
    await waitFor(() => !(ca.presenceState() as any).carol, 3000, 'carol left');
  });

  test('malformed frames, garbage and huge frames never take the server down', async () => {
    const bad = await Raw.open(b, { vsn: '2.0.0' });
    bad.ws.send('this is not json');
    bad.ws.send(JSON.stringify({ not: 'an array' }));
    bad.ws.send(JSON.stringify([null, '1', 42, 'phx_join', {}]));
    bad.ws.send(JSON.stringify([null, '2', 'realtime:x', 'phx_join', 'not an object']));
    bad.ws.send(Buffer.from([3, 200, 200, 200, 1, 1, 1, 1]), { binary: true });
    bad.ws.send(Buffer.from([9, 0, 0]), { binary: true });
    bad.ws.send(JSON.stringify([null, '3', 'realtime:x', 'wat', {}]));
    bad.ws.send(JSON.stringify([null, '4', 'realtime:x', 'phx_join', { config: { postgres_changes: 'nope', broadcast: 5 } }]));
    bad.ws.send(JSON.stringify([null, '5', 'realtime:y', 'phx_join', { config: { postgres_changes: [null, 7, { table: 'streams', filter: 'id=in.(' + 'a,'.repeat(200) + 'b)' }] } }]));
    const r3 = '6';
    bad.ws.send(JSON.stringify([null, r3, 'realtime:unjoined', 'broadcast', { type: 'broadcast', event: 'x', payload: {} }]));
    assert.deepEqual(await bad.reply(r3), { status: 'error', response: { reason: 'unmatched topic' } });
    await bad.wait((f) => f.ref === '2' && f.event === 'phx_reply', 'join with non-object payload answered');
    const sysY = await bad.wait((f) => f.topic === 'realtime:y' && f.event === 'system', 'system error for y');
    assert.equal(sysY.payload.status, 'error');
    // Still serving this socket…
    bad.ws.send(JSON.stringify([null, '10', 'phoenix', 'heartbeat', {}]));
    await bad.wait((f) => f.ref === '10', 'heartbeat after garbage');
    // …and a frame over 5 MB closes only that socket.
    bad.ws.send('x'.repeat(5_000_001));
    await waitFor(() => bad.closed, 5000, 'oversize close');
    assert.equal(bad.closed!.code, 1009);
    // Everyone else is fine.
    const { c } = await userClient(b, await userToken(b, ALICE));
    const s = await live(c, 'after-garbage', [{ event: 'INSERT', table: 'streams' }]);
    await insertStream(b, DEMO_ORGS.acme, 'after garbage');
    await waitFor(() => s.events.length === 1, 5000, 'change after garbage');
  });

  test('drop-connections: the client reconnects, rejoins and receives new changes', async () => {
    const { c } = await userClient(b, await userToken(b, ALICE));
    const s = await live(c, 'drop', [{ event: 'INSERT', table: 'streams' }]);
    const r = await devPost(b, '/__dev/drop-connections');
    assert.ok(r.dropped >= 1);
    await waitFor(() => subscribedCount(s) >= 2, 8000, 'rejoined');
    await insertStream(b, DEMO_ORGS.acme, 'after drop');
    await waitFor(() => s.events.some((e) => e.p.new.name === 'after drop'), 5000, 'change after drop');
  });

  test('pause-realtime: sockets refused while paused; changes made meanwhile are never pushed', async () => {
    const { c } = await userClient(b, await userToken(b, ALICE));
    const s = await live(c, 'pause', [{ event: 'INSERT', table: 'streams' }]);
    // Paused until lifted: a short pause could end before the refused socket and the write.
    await devPost(b, '/__dev/pause-realtime?ms=60000');
    try {
      await assert.rejects(Raw.open(b), (e: any) => e.status === 503);
      await insertStream(b, DEMO_ORGS.acme, 'during pause');
    } finally {
      await devPost(b, '/__dev/pause-realtime?ms=0'); // lifted also when the above fails
    }
    await waitFor(() => subscribedCount(s) >= 2, 15_000, 'rejoined after pause');
    await insertStream(b, DEMO_ORGS.acme, 'after pause');
    await waitFor(() => s.events.some((e) => e.p.new.name === 'after pause'), 5000, 'change after pause');
    assert.deepEqual(s.events.map((e) => e.p.new.name), ['after pause']);
  });

  test('lag-realtime: changes go out in commit order no sooner than the lag after their commit; commit_timestamp stays the commit time; 0 lifts it', async () => {
    const { c } = await userClient(b, await userToken(b, ALICE));
    const s = await live(c, 'lag', [{ event: 'INSERT', table: 'streams' }]);
    const lag = 800;
    await devPost(b, `/__dev/lag-realtime?ms=${lag}`);
    try {
      const names = ['lag A', 'lag B', 'lag C'];
      const received = new Map<string, number>();
      s.events.length = 0;
      for (const name of names) await insertStream(b, DEMO_ORGS.acme, name);
      await waitFor(() => {
        for (const e of s.events) if (!received.has(e.p.new.name)) received.set(e.p.new.name, Date.now());
        return s.events.length >= 3;
      }, 10_000, 'three lagged changes');
      assert.deepEqual(s.events.map((e) => e.p.new.name), names);
      for (const e of s.events) {
        // A lower bound the server guarantees (a busy machine only makes it later).
        assert.ok(received.get(e.p.new.name)! - Date.parse(e.p.commit_timestamp) >= lag - 50, `${e.p.new.name} went out after the lag`);
      }
    } finally {
      await devPost(b, '/__dev/lag-realtime?ms=0');
    }
    await insertStream(b, DEMO_ORGS.acme, 'lag lifted');
    await waitFor(() => s.events.some((e) => e.p.new.name === 'lag lifted'), 5000, 'change after the lag is lifted');
  });

  test('sockets are closed after the idle timeout', async () => {
    // A second realtime server on the same database with a short idle timeout.
    const ctx: BackendContext = {
      db: b.db,
      jwtSecret: b.jwtSecret,
      anonKey: b.anonKey,
      serviceRoleKey: b.serviceRoleKey,
      dev: { enabled: false, tokenTtlSeconds: 3600, realtimePausedUntil: 0, realtimeHeldUntil: 0, realtimeLagMs: 0, restBusyUntil: 0, restRetryAfterSeconds: 0 },
      log: () => {},
    };
    // 1.5 s: a busy machine's event-loop stall between two heartbeats must not close it.
    const rt = createRealtime(ctx, { idleTimeoutMs: 1500 });
    await rt.start();
    const http: Server = createServer((_q, res) => res.end());
    http.on('upgrade', (req, socket, head) => rt.handleUpgrade(req, socket, head));
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
    try {
      const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
      const raw = await Raw.open(url, { apikey: b.anonKey, vsn: '2.0.0' });
      for (let i = 0; i < 8; i++) {
        raw.ws.send(JSON.stringify([null, String(100 + i), 'phoenix', 'heartbeat', {}]));
        await sleep(300); // 2.4 s of frames: longer than the idle timeout
      }
      assert.equal(raw.closed, null, 'frames keep it open');
      await waitFor(() => raw.closed, 6000, 'idle close');
    } finally {
      await rt.stop();
      http.closeAllConnections();
      await new Promise<void>((r) => http.close(() => r()));
    }
  });
});

describe(`realtime across a backend restart (${ENGINE})`, () => {
  let dir = '';
  let dbName = '';
  const admin = process.env.RT_TEST_DATABASE_URL;
  const dbUrl = () => {
    const u = new URL(admin!);
    u.pathname = `/${dbName}`;
    return u.toString();
  };
  before(async () => {
    if (ENGINE === 'pglite') dir = mkdtempSync(join(tmpdir(), 'rt-restart-'));
    else {
      dbName = `rt_restart_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`create database ${dbName}`);
      await c.end();
    }
  });
  after(async () => {
    await cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (dbName) {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`drop database if exists ${dbName} with (force)`);
      await c.end();
    }
  });
  const start = (port: number) =>
    startLocalBackend({ port, quiet: true, devControls: true, ...(ENGINE === 'pglite' ? { dataDir: dir } : { databaseUrl: dbUrl() }) });

  test('the client reconnects to the restarted backend, rejoins and receives new changes', async () => {
    let b = await start(0);
    const port = b.port;
    try {
      const { c } = await userClient(b, await userToken(b, ALICE));
      const s = await live(c, 'restart', [{ event: 'INSERT', table: 'streams', filter: `org_id=eq.${DEMO_ORGS.acme}` }]);
      await b.stop();
      await insertStreamDirect(ENGINE === 'pglite' ? null : dbUrl(), 'while down');
      b = await start(port);
      await waitFor(() => subscribedCount(s) >= 2, 25_000, 'rejoined after restart');
      await insertStream(b, DEMO_ORGS.acme, 'after restart');
      await waitFor(() => s.events.some((e) => e.p.new.name === 'after restart'), 5000, 'change after restart');
      assert.deepEqual(s.events.map((e) => e.p.new.name), ['after restart']);
    } finally {
      await cleanup();
      await b.stop();
    }
  });
});

/** While the backend is down: PostgreSQL can still be written; PGlite (embedded) cannot. */
async function insertStreamDirect(url: string | null, name: string) {
  if (!url) return;
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query(`insert into public.streams (org_id, name) values ($1, $2)`, [DEMO_ORGS.acme, name]);
  await c.end();
}

void DEMO_STREAMS;
