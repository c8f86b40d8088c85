/**
 * The demo's control panel (/__demo/*) and the data simulator (server/simulator.ts):
 * each control changes the database as it claims, bad input is a 400, the controls are absent
 * without dev controls and refuse non-local pages, and the simulator moves rows and stops cleanly.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { startTestBackend, ALICE, BOB, CAROL } from './helpers.ts';
import type { LocalBackend } from '../../server/index.ts';
import { Simulator } from '../../server/simulator.ts';
import { DEMO_ORGS, DEMO_STREAMS, DEMO_SCANS } from '../../server/seed.ts';

interface Reply {
  status: number;
  body: Record<string, any>;
}

async function call(b: LocalBackend, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  const r = await fetch(b.url + path, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : {} };
}
const post = (b: LocalBackend, path: string, body?: unknown) => call(b, 'POST', path, body);

/** fetch() cannot set Host; node:http can. */
function rawGet(b: LocalBackend, path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(b.url + path, { method: 'GET', headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

async function one<T = Record<string, any>>(b: LocalBackend, sql: string, params: unknown[] = []): Promise<T> {
  return (await b.db.query<T>(sql, params)).rows[0] as T;
}

describe('demo controls without dev controls', () => {
  let b: LocalBackend;
  before(async () => {
    b = await startTestBackend({ devControls: false });
  });
  after(async () => {
    await b.stop();
  });

  test('every /__demo endpoint is 404', async () => {
    for (const [method, path] of [
      ['GET', '/__demo/config'],
      ['GET', '/__demo/state'],
      ['POST', '/__demo/alert'],
      ['POST', '/__demo/fault/drop-connections'],
      ['POST', '/__demo/burst?count=10'],
    ] as const) {
      const r = await call(b, method, path, method === 'POST' ? { userId: ALICE, priority: 'low' } : undefined);
      assert.equal(r.status, 404, `${method} ${path}`);
    }
    const n = await one<{ n: number }>(b, `select count(*)::int as n from public.signal_alerts`);
    assert.equal(n.n, 4, 'nothing was written');
  });
});

describe('demo controls', () => {
  let b: LocalBackend;
  before(async () => {
    b = await startTestBackend({ devControls: true });
  });
  after(async () => {
    await b.stop();
  });

  test('config gives the url, anon key and demo users, never the service key', async () => {
    const r = await call(b, 'GET', '/__demo/config');
    assert.equal(r.status, 200);
    assert.equal(r.body.url, b.url);
    assert.equal(r.body.anonKey, b.anonKey);
    assert.deepEqual(
      r.body.users.map((u: { email: string }) => u.email).sort(),
      ['alice@example.com', 'bob@example.com', 'carol@example.com'],
    );
    const bob = r.body.users.find((u: { email: string }) => u.email === 'bob@example.com');
    assert.equal(bob.id, BOB);
    assert.equal(bob.orgId, DEMO_ORGS.globex);
    assert.equal(bob.orgName, 'Globex');
    assert.ok(!JSON.stringify(r.body).includes(b.serviceRoleKey), 'the service_role key is never served');
    assert.ok(!JSON.stringify(r.body).includes(b.jwtSecret), 'the JWT secret is never served');
  });

  test('state reports the simulator and token lifetime; simulator switch pauses and resumes', async () => {
    let r = await call(b, 'GET', '/__demo/state');
    assert.equal(r.status, 200);
    assert.equal(r.body.simulator.started, false, 'tests start with the simulator off');
    assert.equal(r.body.tokenTtlSeconds, 3600);
    r = await post(b, '/__demo/simulator?running=true');
    assert.equal(r.status, 200);
    assert.equal(r.body.simulator.running, true);
    r = await post(b, '/__demo/simulator?running=false');
    assert.equal(r.body.simulator.running, false);
    assert.equal(r.body.simulator.paused, true);
    assert.equal(b.simulator.paused, true);
    assert.equal((await post(b, '/__demo/simulator?running=maybe')).status, 400);
    assert.equal((await post(b, '/__demo/simulator')).status, 400);
    await b.simulator.stop();
  });

  test('stream/start creates an in-progress stream (default org, or the one given)', async () => {
    let r = await post(b, '/__demo/stream/start');
    assert.equal(r.status, 201);
    const row = await one(b, `select org_id::text as org_id, goal_status, current_progress from public.streams where id = $1`, [r.body.stream.id]);
    assert.equal(row.org_id, DEMO_ORGS.acme);
    assert.equal(row.goal_status, 'in_progress');
    assert.equal(row.current_progress.completed, 0);
    assert.ok(row.current_progress.total > 0);
    const agents = await one<{ n: number }>(b, `select count(*)::int as n from public.agent_executions where stream_id = $1 and status = 'running'`, [r.body.stream.id]);
    assert.equal(agents.n, 1, 'a new stream starts with a running agent');

    r = await post(b, '/__demo/stream/start', { orgId: DEMO_ORGS.globex, name: 'Board deck research' });
    assert.equal(r.status, 201);
    assert.equal(r.body.stream.org_id, DEMO_ORGS.globex);
    assert.equal(r.body.stream.name, 'Board deck research');

    assert.equal((await post(b, '/__demo/stream/start', { orgId: 'acme' })).status, 400);
    assert.equal((await post(b, '/__demo/stream/start', { orgId: '00000000-0000-4000-a000-000000000999' })).status, 404);
    assert.equal((await post(b, '/__demo/stream/start', { name: 'x'.repeat(121) })).status, 400);
    assert.equal((await post(b, '/__demo/stream/start', { name: 42 })).status, 400);
  });

  test('stream/advance moves a stream 10% forward and completes it at 100%', async () => {
    const id = DEMO_STREAMS.globexLaunch; // seeded: 13 of 20
    let r = await post(b, '/__demo/stream/advance', { streamId: id });
    assert.equal(r.status, 200);
    let row = await one(b, `select goal_status, current_progress from public.streams where id = $1`, [id]);
    assert.deepEqual(row.current_progress, { percentage: 75, completed: 15, total: 20 });
    assert.equal(row.goal_status, 'in_progress');
    for (let i = 0; i < 3; i++) r = await post(b, '/__demo/stream/advance', { streamId: id });
    row = await one(b, `select goal_status, current_progress from public.streams where id = $1`, [id]);
    assert.deepEqual(row.current_progress, { percentage: 100, completed: 20, total: 20 });
    assert.equal(row.goal_status, 'completed');
    r = await post(b, '/__demo/stream/advance', { streamId: id });
    assert.equal(r.status, 409, 'a completed stream cannot advance');

    // Without a streamId: the most recently updated active stream of the org.
    r = await post(b, '/__demo/stream/advance', { orgId: DEMO_ORGS.acme });
    assert.equal(r.status, 200);
    assert.equal(r.body.stream.org_id, DEMO_ORGS.acme);

    assert.equal((await post(b, '/__demo/stream/advance', { streamId: 'not-a-uuid' })).status, 400);
    assert.equal((await post(b, '/__demo/stream/advance', { streamId: '5a000000-0000-4000-8000-0000000000ff' })).status, 404);
    assert.equal((await post(b, '/__demo/stream/advance', { streamId: id, extra: 1 })).status, 400);
  });

  test('stream/fail fails the stream and cancels its running agents', async () => {
    const id = DEMO_STREAMS.acmeOnboarding;
    const r = await post(b, '/__demo/stream/fail', { streamId: id });
    assert.equal(r.status, 200);
    assert.equal(r.body.stream.goal_status, 'failed');
    const running = await one<{ n: number }>(b, `select count(*)::int as n from public.agent_executions where stream_id = $1 and status = 'running'`, [id]);
    assert.equal(running.n, 0);
    const cancelled = await one<{ n: number }>(b, `select count(*)::int as n from public.agent_executions where stream_id = $1 and status = 'cancelled'`, [id]);
    assert.ok(cancelled.n >= 1);
    assert.equal((await post(b, '/__demo/stream/fail', { streamId: id })).status, 409);
  });

  test('scan/start queues a scan for the user in their org', async () => {
    const r = await post(b, '/__demo/scan/start', { userId: BOB, name: 'Robotics in Osaka' });
    assert.equal(r.status, 201);
    const row = await one(b, `select user_id::text as user_id, org_id::text as org_id, name, status, progress_percentage from public.acquisition_scans where id = $1`, [r.body.scan.id]);
    assert.equal(row.user_id, BOB);
    assert.equal(row.org_id, DEMO_ORGS.globex);
    assert.equal(row.name, 'Robotics in Osaka');
    assert.equal(row.status, 'queued');
    assert.equal((await post(b, '/__demo/scan/start', {})).status, 400);
    assert.equal((await post(b, '/__demo/scan/start', { userId: '99999999-9999-4999-8999-999999999999' })).status, 404);
  });

  test('agent/launch starts a running agent on a stream', async () => {
    const id = DEMO_STREAMS.acmeExpansion;
    const r = await post(b, '/__demo/agent/launch', { streamId: id, agentId: 'scoring-agent' });
    assert.equal(r.status, 201);
    const row = await one(b, `select stream_id::text as stream_id, agent_id, status, started_at from public.agent_executions where id = $1`, [r.body.agent.id]);
    assert.equal(row.stream_id, id);
    assert.equal(row.agent_id, 'scoring-agent');
    assert.equal(row.status, 'running');
    assert.ok(row.started_at);
    assert.equal((await post(b, '/__demo/agent/launch', {})).status, 400);
    assert.equal((await post(b, '/__demo/agent/launch', { streamId: id, agentId: 'Robert"); drop table x;--' })).status, 400);
    assert.equal((await post(b, '/__demo/agent/launch', { streamId: DEMO_STREAMS.acmeOnboarding })).status, 409, 'failed stream (previous test)');
  });

  test('alert inserts a signal alert of the chosen priority for the user', async () => {
    const r = await post(b, '/__demo/alert', { userId: CAROL, priority: 'critical', businessName: '<img src=x onerror=alert(1)>' });
    assert.equal(r.status, 201);
    const row = await one(b, `select user_id::text as user_id, org_id::text as org_id, priority, business_name, signal_type, read from public.signal_alerts where id = $1`, [r.body.alert.id]);
    assert.equal(row.user_id, CAROL);
    assert.equal(row.org_id, DEMO_ORGS.acme);
    assert.equal(row.priority, 'critical');
    assert.equal(row.business_name, '<img src=x onerror=alert(1)>', 'stored as given; the elements render it as text');
    assert.ok(['funding_round', 'hiring_spike', 'leadership_change', 'tech_adoption', 'expansion'].includes(row.signal_type));
    assert.equal(row.read, false);
    const r2 = await post(b, '/__demo/alert', { userId: ALICE, priority: 'low', signalType: 'expansion' });
    assert.equal(r2.body.alert.signal_type, 'expansion');
    assert.equal(r2.body.alert.details.new_office, true);

    for (const badBody of [
      { userId: ALICE },
      { userId: ALICE, priority: 'urgent' },
      { userId: ALICE, priority: 'high', businessName: 'x'.repeat(201) },
      { userId: ALICE, priority: 'high', businessName: '   ' },
      { userId: ALICE, priority: 'high', signalType: 'ipo' },
      { priority: 'high' },
      [ALICE],
    ]) {
      const bad = await post(b, '/__demo/alert', badBody);
      assert.equal(bad.status, 400, JSON.stringify(badBody));
      assert.equal(typeof bad.body.message, 'string');
    }
    assert.equal((await post(b, '/__demo/alert', '{"userId":')).status, 400, 'garbage JSON');
  });

  test('notification inserts a notification of the chosen type', async () => {
    let r = await post(b, '/__demo/notification', { userId: BOB, type: 'warning', title: 'Disk almost full', body: '92% used', link: '/settings' });
    assert.equal(r.status, 201);
    const row = await one(b, `select user_id::text as user_id, type, title, body, link, read from public.notifications where id = $1`, [r.body.notification.id]);
    assert.deepEqual(row, { user_id: BOB, type: 'warning', title: 'Disk almost full', body: '92% used', link: '/settings', read: false });
    r = await post(b, '/__demo/notification', { userId: ALICE, type: 'success' });
    assert.equal(r.status, 201);
    assert.ok(r.body.notification.title.length > 0, 'a realistic default title');
    assert.equal((await post(b, '/__demo/notification', { userId: ALICE, type: 'fatal' })).status, 400);
    assert.equal((await post(b, '/__demo/notification', { userId: ALICE, type: 'info', link: 'javascript:alert(1)' })).status, 400);
  });

  test('burst makes N updates to one stream and reports the time', async () => {
    // Change ids issued meanwhile (the queue's delivered rows are cleaned up every few seconds, so
    // counting its rows afterwards depends on when that ran).
    const seq = async () => (await one<{ n: string }>(b, `select last_value::text as n from _rt_local.changes_id_seq`, [])).n;
    assert.equal(b.simulator.running, false, 'no other writer meanwhile');
    const before = BigInt(await seq());
    const t0 = (await one<{ t: string }>(b, `select now()::timestamp::text as t`, [])).t;
    const r = await post(b, '/__demo/burst?count=200', { streamId: DEMO_STREAMS.acmeExpansion });
    assert.equal(r.status, 200);
    assert.equal(r.body.count, 200);
    assert.equal(typeof r.body.ms, 'number');
    assert.ok(r.body.perSecond > 0);
    const row = await one(b, `select goal_status, current_progress from public.streams where id = $1`, [DEMO_STREAMS.acmeExpansion]);
    assert.deepEqual(row.current_progress, { percentage: 100, completed: 200, total: 200 });
    assert.equal(row.goal_status, 'completed');
    const issued = BigInt(await seq()) - before;
    // The queue also carries the Broadcast-from-Database copy of each update (realtime.messages,
    // supabase/migrations/*_rt_monitor_broadcast.sql): one per update, on the stream's org topic.
    const broadcast = BigInt(
      (await one<{ n: string }>(b, `select count(*)::text as n from realtime.messages where inserted_at >= $1::timestamp and payload->>'table' = 'streams' and payload->'record'->>'id' = $2`, [t0, DEMO_STREAMS.acmeExpansion])).n,
    );
    assert.equal(broadcast, 200n, `one broadcast message per update (${broadcast})`);
    assert.equal(issued - broadcast, 200n, `each update is its own change (${issued} - ${broadcast})`);
    for (const q of ['count=0', 'count=10001', 'count=abc', 'count=-5', 'count=1.5']) {
      assert.equal((await post(b, `/__demo/burst?${q}`)).status, 400, q);
    }
  });

  test('fault controls: drop connections, pause realtime, expire tokens', async () => {
    let r = await post(b, '/__demo/fault/drop-connections');
    assert.equal(r.status, 200);
    assert.equal(typeof r.body.dropped, 'number');

    r = await post(b, '/__demo/fault/pause-realtime?ms=1500');
    assert.equal(r.status, 200);
    let state = await call(b, 'GET', '/__demo/state');
    assert.ok(state.body.realtimePausedUntil, 'realtime is paused');
    assert.equal((await post(b, '/__demo/fault/pause-realtime?ms=999999')).status, 400);
    assert.equal((await post(b, '/__demo/fault/pause-realtime?ms=soon')).status, 400);

    // Each fault lasts long enough to be read back on a busy machine, then lifts itself.
    r = await post(b, '/__demo/fault/lag-realtime?ms=2000&for=4000');
    assert.equal(r.status, 200);
    assert.equal(r.body.lagMs, 2000);
    state = await call(b, 'GET', '/__demo/state');
    assert.equal(state.body.realtimeLagMs, 2000, 'realtime lags');
    assert.equal((await post(b, '/__demo/fault/lag-realtime?ms=999999')).status, 400);
    // On time again by itself after `for` ms.
    for (let polls = 0; (await call(b, 'GET', '/__demo/state')).body.realtimeLagMs !== 0; polls++) {
      assert.ok(polls < 100, 'the lag is lifted by itself');
      await new Promise((r) => setTimeout(r, 100));
    }

    // REST busy: 503 with Retry-After (exposed to pages) for `for` ms, then answered again.
    r = await post(b, '/__demo/fault/rest-busy?for=4000&retry-after=7');
    assert.equal(r.status, 200);
    assert.equal(r.body.retryAfterSeconds, 7);
    assert.ok((await call(b, 'GET', '/__demo/state')).body.restBusyUntil, 'REST is busy');
    const busy = await fetch(`${b.url}/rest/v1/streams?select=id&limit=1`, { headers: { apikey: b.anonKey, Origin: 'http://127.0.0.1:5173' } });
    assert.equal(busy.status, 503);
    assert.equal(busy.headers.get('retry-after'), '7');
    assert.match(busy.headers.get('access-control-expose-headers') ?? '', /Retry-After/);
    assert.equal((await busy.json()).code, 'PGRST001');
    assert.equal((await post(b, '/__demo/fault/rest-busy?for=999999')).status, 400);
    for (let polls = 0; (await fetch(`${b.url}/rest/v1/streams?select=id&limit=1`, { headers: { apikey: b.anonKey } })).status === 503; polls++) {
      assert.ok(polls < 100, 'REST answers again by itself');
      await new Promise((r) => setTimeout(r, 100));
    }

    r = await post(b, '/__demo/fault/expire-token?seconds=10');
    assert.equal(r.status, 200);
    assert.equal(r.body.tokenTtlSeconds, 10);
    assert.equal(r.body.restoresTo, 3600);
    state = await call(b, 'GET', '/__demo/state');
    assert.equal(state.body.tokenTtlSeconds, 10, 'tokens issued now are short-lived');
    // The normal lifetime comes back by itself (at `restoresAt`), so the next refresh recovers.
    const restoresAt = Date.parse(r.body.restoresAt);
    assert.ok(restoresAt > Date.now(), 'restoresAt is ahead');
    for (let polls = 0; ; polls++) {
      state = await call(b, 'GET', '/__demo/state');
      if (state.body.tokenTtlSeconds === 3600) break;
      assert.ok(polls < 400, `the normal lifetime never came back (ttl ${state.body.tokenTtlSeconds})`);
      await new Promise((res) => setTimeout(res, 50));
    }
    assert.equal(state.body.tokenTtlSeconds, 3600, 'the normal lifetime comes back, so the next refresh recovers');
    assert.equal((await post(b, '/__demo/fault/expire-token?seconds=1')).status, 400);
    assert.equal((await post(b, '/__demo/fault/unplug')).status, 404);
  });

  test('only local pages: foreign Origin or Host is refused; wrong method and unknown paths', async () => {
    assert.equal((await call(b, 'POST', '/__demo/alert', { userId: ALICE, priority: 'low' }, { origin: 'https://evil.example' })).status, 403);
    assert.equal((await call(b, 'GET', '/__demo/config', undefined, { origin: 'http://localhost:5173' })).status, 200);
    assert.equal((await call(b, 'GET', '/__demo/config', undefined, { origin: 'http://127.0.0.1:5173' })).status, 200);
    assert.equal(await rawGet(b, '/__demo/config', { host: 'evil.example' }), 403, 'DNS rebinding');
    assert.equal(await rawGet(b, '/__demo/config', { host: `localhost:${b.port}` }), 200);
    assert.equal((await call(b, 'GET', '/__demo/alert')).status, 405);
    assert.equal((await call(b, 'POST', '/__demo/state')).status, 405);
    assert.equal((await call(b, 'GET', '/__demo/nothing-here')).status, 404);
    assert.equal((await post(b, '/__demo/nothing-here')).status, 404);
  });
});

describe('simulator', () => {
  let b: LocalBackend;
  before(async () => {
    b = await startTestBackend({ devControls: true, simulator: { tickMs: 20, seed: 42 } });
  });
  after(async () => {
    await b.stop();
  });

  test('moves rows over time and stops cleanly', async () => {
    const snapshot = async () =>
      one<{ alerts: number; notes: number; versions: string }>(
        b,
        `select (select count(*) from public.signal_alerts)::int as alerts,
                (select count(*) from public.notifications)::int as notes,
                (select string_agg(id::text || updated_at::text, ',' order by id) from public.streams) ||
                (select string_agg(id::text || updated_at::text, ',' order by id) from public.acquisition_scans) as versions`,
      );
    const first = await snapshot();
    assert.equal(b.simulator.running, true);
    const moved = await (async () => {
      const deadline = Date.now() + 15_000;
      for (;;) {
        const now = await snapshot();
        if (now.alerts > first.alerts && now.versions !== first.versions) return now;
        if (Date.now() > deadline) return null;
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    assert.ok(moved, 'alerts arrive and streams / scans change');
    const progress = await one<{ n: number }>(
      b,
      `select count(*)::int as n from public.streams where (current_progress->>'completed')::int > 0 and id <> $1`,
      [DEMO_STREAMS.acmeExpansion],
    );
    assert.ok(progress.n >= 1, 'streams advance');

    await b.simulator.stop();
    assert.equal(b.simulator.started, false);
    const ticks = b.simulator.tickCount;
    const stopped = await snapshot();
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(b.simulator.tickCount, ticks, 'no tick after stop');
    assert.deepEqual(await snapshot(), stopped, 'nothing changes after stop');
  });

  test("a stream that completes ends its agents: the running one completed, the queued one cancelled (it never started: QA62 F4)", async () => {
    const sim = new Simulator(b.db, { seed: 11 });
    const stream = (await sim.startStream({ orgId: DEMO_ORGS.acme })) as { id: string };
    const running = (await sim.launchAgent({ streamId: stream.id })) as { id: string };
    const queued = await b.db.query<{ id: string }>(`insert into public.agent_executions (stream_id, agent_id, status) values ($1, 'enricher', 'queued') returning id::text as id`, [stream.id]);
    for (let i = 0; i < 20; i++) {
      const s = (await sim.advanceStream({ streamId: stream.id })) as { goal_status: string };
      if (s.goal_status === 'completed') break;
    }
    const agents = await b.db.query<{ id: string; status: string; started_at: string | null; error: string | null }>(
      `select id::text as id, status, started_at, error from public.agent_executions where stream_id = $1`,
      [stream.id],
    );
    const byId = new Map(agents.rows.map((a) => [a.id, a]));
    assert.equal(byId.get(running.id)?.status, 'completed');
    assert.equal(byId.get(queued.rows[0]!.id)?.status, 'cancelled');
    assert.equal(byId.get(queued.rows[0]!.id)?.started_at, null);
  });

  test('many ticks keep values sane and tables capped; seeded rows survive', async () => {
    const sim = new Simulator(b.db, { seed: 7, maxAlertsPerUser: 5, maxNotificationsPerUser: 5, maxScansPerUser: 2, maxFinishedAgentsPerStream: 3, maxFinishedStreamsPerOrg: 2 });
    for (let i = 0; i < 120; i++) await sim.tick();
    await sim.trim();
    const perUser = await b.db.query<{ n: number }>(`select count(*)::int as n from public.signal_alerts group by user_id`);
    assert.ok(perUser.rows.every((r) => r.n <= 5), 'alerts capped per user');
    const notes = await b.db.query<{ n: number }>(`select count(*)::int as n from public.notifications group by user_id`);
    assert.ok(notes.rows.every((r) => r.n <= 5), 'notifications capped per user');
    const streams = await b.db.query<{ id: string; goal_status: string; current_progress: { percentage: number; completed: number; total: number } }>(
      `select id::text as id, goal_status, current_progress from public.streams`,
    );
    for (const s of streams.rows) {
      const p = s.current_progress;
      assert.ok(p.percentage >= 0 && p.percentage <= 100, `percentage ${p.percentage}`);
      assert.ok(p.completed >= 0 && p.completed <= p.total, `completed ${p.completed} of ${p.total}`);
      assert.ok(['pending', 'in_progress', 'completed', 'failed', 'paused'].includes(s.goal_status));
    }
    for (const id of Object.values(DEMO_STREAMS)) assert.ok(streams.rows.some((s) => s.id === id), `seeded stream ${id} kept`);
    // An agent its stream's end finished is completed only if it ran (QA62 F4: "Completed" beside "Not started").
    const unstarted = await b.db.query<{ n: number }>(`select count(*)::int as n from public.agent_executions where status = 'completed' and started_at is null`);
    assert.equal(unstarted.rows[0]!.n, 0, 'a completed agent that never started');
    const scans = await b.db.query<{ id: string; status: string; progress_percentage: number | string; targets_identified: number; targets_analyzed: number; current_step: string | null }>(
      `select id::text as id, status, progress_percentage, targets_identified, targets_analyzed, current_step from public.acquisition_scans`,
    );
    for (const s of scans.rows) {
      const pct = Number(s.progress_percentage);
      assert.ok(pct >= 0 && pct <= 100, `scan progress ${pct}`);
      assert.ok(s.targets_analyzed <= s.targets_identified, 'analysed never exceeds identified');
      if (s.status === 'running') assert.ok(['Discovering targets', 'Analyzing websites', 'Scoring fit', 'Compiling report'].includes(s.current_step ?? ''), String(s.current_step));
    }
    for (const id of Object.values(DEMO_SCANS)) assert.ok(scans.rows.some((s) => s.id === id), `seeded scan ${id} kept`);
    const finishedScans = await b.db.query<{ n: number }>(
      `select count(*)::int as n from public.acquisition_scans where status in ('completed','failed','cancelled') and not (id = any($1::uuid[])) group by user_id`,
      [Object.values(DEMO_SCANS)],
    );
    assert.ok(finishedScans.rows.every((r) => r.n <= 2), 'finished scans capped per user');
  });
});
