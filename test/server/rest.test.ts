/**
 * The local PostgREST subset, through the real supabase-js: every operator and response shape
 * the widgets and users rely on, RLS and column grants, PostgREST's errors, hostile input.
 * Runs on PGlite by default, on PostgreSQL with RT_TEST_DB=postgres.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { SupabaseClient } from '@supabase/supabase-js';
import { signJwt } from '../../server/jwt.ts';
import type { LocalBackend } from '../../server/index.ts';
import { startTestBackend, client, signedIn, ALICE, BOB } from './helpers.ts';

const ACME = '00000000-0000-4000-a000-00000000ac01';
const GLOBEX = '00000000-0000-4000-a000-0000000061e0';
/** Owner of the fixture rows: no demo user, so RLS tests are unaffected. */
const FIX = 'f1f1f1f1-0000-4000-8000-00000000f1f1';
const TS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?\+00:00$/;

const SCANS = [
  { name: 'Alpha one', status: 'running', progress_percentage: 10, targets_identified: 5, current_step: 'crawl' },
  { name: 'beta, two', status: 'completed', progress_percentage: 100, targets_identified: 50, current_step: null },
  { name: 'Gamma "three"', status: 'failed', progress_percentage: 55.5, targets_identified: 20, current_step: 'analyze' },
  { name: 'delta four', status: 'queued', progress_percentage: 0, targets_identified: 0, current_step: null },
  { name: 'Épsilon ünïcode 🚀', status: 'cancelled', progress_percentage: 75, targets_identified: 30, current_step: 'rank' },
];

let backend: LocalBackend;
let svc: SupabaseClient;
let anon: SupabaseClient;
let alice: SupabaseClient;
let bob: SupabaseClient;

/** Names of fixture scans matching a query, sorted, for set comparisons. */
async function names(build: (q: any) => any): Promise<string[]> {
  const { data, error } = await build(svc.from('acquisition_scans').select('name').eq('user_id', FIX));
  assert.equal(error, null, JSON.stringify(error));
  return (data as { name: string }[]).map((r) => r.name).sort();
}

async function raw(path: string, init: RequestInit & { key?: string; token?: string } = {}): Promise<Response> {
  const key = init.key ?? backend.serviceRoleKey;
  const headers = new Headers(init.headers);
  headers.set('apikey', key);
  headers.set('Authorization', `Bearer ${init.token ?? key}`);
  return fetch(`${backend.url}${path}`, { ...init, headers });
}

before(async () => {
  backend = await startTestBackend();
  svc = client(backend, backend.serviceRoleKey);
  anon = client(backend);
  alice = await signedIn(backend, 'alice@example.com');
  bob = await signedIn(backend, 'bob@example.com');
  const { error } = await svc.from('acquisition_scans').insert(SCANS.map((s) => ({ ...s, user_id: FIX })));
  assert.equal(error, null, JSON.stringify(error));
});

after(async () => {
  await backend?.stop();
});

describe('select', () => {
  it('select * returns every column, JSON typed, timestamps formatted like PostgREST', async () => {
    const { data, error, status } = await svc.from('streams').select('*').eq('id', '5a000000-0000-4000-8000-000000000001');
    assert.equal(error, null);
    assert.equal(status, 200);
    assert.equal(data!.length, 1);
    const row = data![0];
    assert.deepEqual(Object.keys(row), ['id', 'org_id', 'name', 'goal_status', 'current_progress', 'created_at', 'updated_at']);
    assert.deepEqual(row.current_progress, { percentage: 42, completed: 21, total: 50 });
    assert.match(row.created_at, TS);
    assert.equal(row.name, 'Customer onboarding');
  });

  it('column lists, aliases, casts and JSON paths', async () => {
    const { data, error } = await svc
      .from('streams')
      .select('name, state:goal_status, pct:current_progress->percentage, total:current_progress->>total, id::text')
      .eq('id', '5a000000-0000-4000-8000-000000000001')
      .single();
    assert.equal(error, null, JSON.stringify(error));
    assert.deepEqual(data, { name: 'Customer onboarding', state: 'in_progress', pct: 42, total: '50', id: '5a000000-0000-4000-8000-000000000001' });
  });

  it('numeric and integer columns come back as JSON numbers', async () => {
    const { data } = await svc.from('acquisition_scans').select('progress_percentage, targets_identified').eq('user_id', FIX).eq('name', 'Gamma "three"').single();
    assert.deepEqual(data, { progress_percentage: 55.5, targets_identified: 20 });
  });
});

describe('filters', () => {
  it('eq and neq', async () => {
    assert.deepEqual(await names((q) => q.eq('status', 'running')), ['Alpha one']);
    assert.deepEqual(await names((q) => q.neq('status', 'running')), ['Gamma "three"', 'beta, two', 'delta four', 'Épsilon ünïcode 🚀']);
  });

  it('gt, gte, lt, lte on numeric columns', async () => {
    assert.deepEqual(await names((q) => q.gt('progress_percentage', 55.5)), ['beta, two', 'Épsilon ünïcode 🚀']);
    assert.deepEqual(await names((q) => q.gte('progress_percentage', 55.5)), ['Gamma "three"', 'beta, two', 'Épsilon ünïcode 🚀']);
    assert.deepEqual(await names((q) => q.lt('progress_percentage', 10)), ['delta four']);
    assert.deepEqual(await names((q) => q.lte('progress_percentage', 10)), ['Alpha one', 'delta four']);
  });

  it('gt on timestamps compares as timestamps', async () => {
    const { data } = await svc.from('acquisition_scans').select('name').eq('user_id', FIX).gt('created_at', '2000-01-01T00:00:00Z');
    assert.equal(data!.length, 5);
    const none = await svc.from('acquisition_scans').select('name').eq('user_id', FIX).gt('created_at', '2999-01-01T00:00:00+00:00');
    assert.deepEqual(none.data, []);
  });

  it('like is case-sensitive, ilike is not', async () => {
    assert.deepEqual(await names((q) => q.like('name', '%T%')), []);
    assert.deepEqual(await names((q) => q.like('name', '%t%')), ['Gamma "three"', 'beta, two', 'delta four']);
    assert.deepEqual(await names((q) => q.ilike('name', '%T%')), ['Gamma "three"', 'beta, two', 'delta four']);
    assert.deepEqual(await names((q) => q.ilike('name', '%ALPHA%')), ['Alpha one']);
    assert.deepEqual(await names((q) => q.ilike('name', 'épsilon%')), ['Épsilon ünïcode 🚀']);
  });

  it('in, with values containing commas and quotes', async () => {
    assert.deepEqual(await names((q) => q.in('name', ['beta, two', 'delta four'])), ['beta, two', 'delta four']);
    assert.deepEqual(await names((q) => q.in('name', ['Gamma "three"', 'nope'])), ['Gamma "three"']);
    assert.deepEqual(await names((q) => q.in('status', ['running', 'failed'])), ['Alpha one', 'Gamma "three"']);
    assert.deepEqual(await names((q) => q.in('status', [])), []);
  });

  it('is null / true / false and not.is.null', async () => {
    assert.deepEqual(await names((q) => q.is('current_step', null)), ['beta, two', 'delta four']);
    assert.deepEqual(await names((q) => q.not('current_step', 'is', null)), ['Alpha one', 'Gamma "three"', 'Épsilon ünïcode 🚀']);
    const unread = await svc.from('signal_alerts').select('business_name').is('read', false).eq('user_id', BOB);
    assert.deepEqual(unread.data, [{ business_name: 'Initech' }]);
    const read = await svc.from('signal_alerts').select('business_name').is('read', true).eq('user_id', BOB);
    assert.deepEqual(read.data, []);
  });

  it('not.<op> negates eq, in and ilike', async () => {
    assert.deepEqual(await names((q) => q.not('status', 'eq', 'running')), ['Gamma "three"', 'beta, two', 'delta four', 'Épsilon ünïcode 🚀']);
    assert.deepEqual(await names((q) => q.not('status', 'in', '(running,failed)')), ['beta, two', 'delta four', 'Épsilon ünïcode 🚀']);
    assert.deepEqual(await names((q) => q.not('name', 'ilike', '%a%')), ['Épsilon ünïcode 🚀']);
  });

  it('in.(…) items as PostgREST reads them: a quote inside an unquoted item is a character, quoted items unescape, an unclosed quote is a 400 (QA24)', async () => {
    // postgrest-js quotes only items with , ( or ): `Gamma "three"` goes out bare.
    assert.deepEqual(await names((q) => q.in('name', ['Gamma "three"', 'Alpha one'])), ['Alpha one', 'Gamma "three"']);
    assert.deepEqual(await names((q) => q.in('name', ['q"x', 'Alpha one'])), ['Alpha one'], 'an item with one quote does not swallow the next');
    assert.deepEqual(await names((q) => q.filter('name', 'in', '("Gamma \\"three\\"","beta, two")')), ['Gamma "three"', 'beta, two']);
    const { error } = await svc.from('acquisition_scans').select('name').filter('name', 'in', '("Gamma,Alpha one)');
    assert.equal(error?.code, 'PGRST100', JSON.stringify(error));
  });

  it('or=(…), with nested and(…) and quoted values', async () => {
    assert.deepEqual(await names((q) => q.or('status.eq.running,progress_percentage.gt.60')), ['Alpha one', 'beta, two', 'Épsilon ünïcode 🚀']);
    assert.deepEqual(
      await names((q) => q.or('status.eq.queued,and(progress_percentage.gte.50,targets_identified.lt.25)')),
      ['Gamma "three"', 'delta four'],
    );
    assert.deepEqual(await names((q) => q.or('name.eq."beta, two",current_step.is.null')), ['beta, two', 'delta four']);
    assert.deepEqual(await names((q) => q.or('status.in.(running,queued),name.ilike.*gamma*')), ['Alpha one', 'Gamma "three"', 'delta four']);
  });

  it('several filters are AND-ed', async () => {
    assert.deepEqual(await names((q) => q.gte('progress_percentage', 10).lt('targets_identified', 30)), ['Alpha one', 'Gamma "three"']);
  });

  it('filters on JSON paths', async () => {
    const { data } = await svc.from('streams').select('name').eq('current_progress->>percentage', '65');
    assert.deepEqual(data, [{ name: 'Product launch' }]);
  });
});

describe('order, limit, offset', () => {
  it('orders by several columns with nullsfirst', async () => {
    const { data } = await svc
      .from('acquisition_scans')
      .select('name')
      .eq('user_id', FIX)
      .order('current_step', { ascending: true, nullsFirst: true })
      .order('name', { ascending: false });
    assert.deepEqual(data!.map((r) => r.name), ['delta four', 'beta, two', 'Gamma "three"', 'Alpha one', 'Épsilon ünïcode 🚀']);
  });

  it('desc with nullslast', async () => {
    const { data } = await svc.from('acquisition_scans').select('current_step').eq('user_id', FIX).order('current_step', { ascending: false, nullsFirst: false });
    assert.deepEqual(data!.map((r) => r.current_step), ['rank', 'crawl', 'analyze', null, null]);
  });

  it('limit and range (offset)', async () => {
    const limited = await svc.from('acquisition_scans').select('name').eq('user_id', FIX).order('progress_percentage').limit(2);
    assert.deepEqual(limited.data!.map((r) => r.name), ['delta four', 'Alpha one']);
    const page = await svc.from('acquisition_scans').select('name').eq('user_id', FIX).order('progress_percentage').range(1, 2);
    assert.deepEqual(page.data!.map((r) => r.name), ['Alpha one', 'Gamma "three"']);
  });
});

describe('count', () => {
  it('count=exact reports the total via Content-Range, also with a page', async () => {
    const all = await svc.from('acquisition_scans').select('name', { count: 'exact' }).eq('user_id', FIX);
    assert.equal(all.count, 5);
    assert.equal(all.data!.length, 5);
    const page = await svc.from('acquisition_scans').select('name', { count: 'exact' }).eq('user_id', FIX).order('name').range(0, 1);
    assert.equal(page.count, 5);
    assert.equal(page.data!.length, 2);
  });

  it('head: true returns the count and no rows', async () => {
    const r = await svc.from('acquisition_scans').select('*', { count: 'exact', head: true }).eq('user_id', FIX).in('status', ['running', 'queued']);
    assert.equal(r.error, null);
    assert.equal(r.count, 2);
    assert.equal(r.data, null);
  });

  it('Content-Range headers: 0-1/5 for a page, */5 for HEAD, */0 when empty', async () => {
    const page = await raw(`/rest/v1/acquisition_scans?select=name&user_id=eq.${FIX}&limit=2`, { headers: { Prefer: 'count=exact' } });
    assert.equal(page.headers.get('content-range'), '0-1/5');
    const head = await raw(`/rest/v1/acquisition_scans?select=*&user_id=eq.${FIX}`, { method: 'HEAD', headers: { Prefer: 'count=exact' } });
    assert.equal(head.headers.get('content-range'), '*/5');
    const empty = await raw(`/rest/v1/acquisition_scans?select=*&user_id=eq.${ALICE}&name=eq.none`, { headers: { Prefer: 'count=exact' } });
    assert.equal(empty.headers.get('content-range'), '*/0');
    assert.deepEqual(await empty.json(), []);
  });

  it('a browser may read the Date header (exposed to CORS): the page estimates the server clock from it', async () => {
    const res = await raw(`/rest/v1/acquisition_scans?select=name&user_id=eq.${FIX}&limit=1`, { headers: { Origin: 'http://page.example' } });
    const exposed = (res.headers.get('access-control-expose-headers') ?? '').split(',').map((h) => h.trim().toLowerCase());
    assert.ok(exposed.includes('date'), `Access-Control-Expose-Headers: ${exposed.join(', ')}`);
    assert.ok(exposed.includes('content-range'));
    const date = Date.parse(res.headers.get('date') ?? '');
    assert.ok(Math.abs(date - Date.now()) < 5_000, `Date: ${res.headers.get('date')}`);
    await res.text();
  });

  it('a wrong apikey is refused (401 Invalid API key) even beside a valid user token, as Supabase\'s gateway does', async () => {
    const res = await raw(`/rest/v1/streams?select=id&limit=1`, { key: 'not-a-key', token: backend.serviceRoleKey });
    assert.equal(res.status, 401);
    assert.equal(((await res.json()) as { message: string }).message, 'Invalid API key');
    const ok = await raw(`/rest/v1/streams?select=id&limit=1`, { key: backend.anonKey, token: backend.serviceRoleKey });
    assert.equal(ok.status, 200);
  });

  it('RLS applies to counts: alice counts 2 streams, bob 1', async () => {
    assert.equal((await alice.from('streams').select('*', { count: 'exact', head: true })).count, 2);
    assert.equal((await bob.from('streams').select('*', { count: 'exact', head: true })).count, 1);
  });
});

describe('single and maybeSingle', () => {
  it('.single() with one row returns the object', async () => {
    const { data, error, status } = await svc.from('acquisition_scans').select('name, status').eq('user_id', FIX).eq('status', 'failed').single();
    assert.equal(error, null);
    assert.equal(status, 200);
    assert.deepEqual(data, { name: 'Gamma "three"', status: 'failed' });
  });

  it('.single() with several or no rows is 406 PGRST116', async () => {
    const many = await svc.from('acquisition_scans').select('name').eq('user_id', FIX).single();
    assert.equal(many.status, 406);
    assert.deepEqual(many.error, {
      code: 'PGRST116',
      details: 'The result contains 5 rows',
      hint: null,
      message: 'Cannot coerce the result to a single JSON object',
    });
    const none = await svc.from('acquisition_scans').select('name').eq('user_id', FIX).eq('status', 'nope').single();
    assert.equal(none.status, 406);
    assert.equal(none.error!.code, 'PGRST116');
    assert.equal(none.error!.details, 'The result contains 0 rows');
  });

  it('.maybeSingle() gives null for no row, the object for one, an error for several', async () => {
    const none = await svc.from('acquisition_scans').select('name').eq('user_id', FIX).eq('status', 'nope').maybeSingle();
    assert.equal(none.error, null);
    assert.equal(none.data, null);
    const one = await svc.from('acquisition_scans').select('name').eq('user_id', FIX).eq('status', 'queued').maybeSingle();
    assert.deepEqual(one.data, { name: 'delta four' });
    const many = await svc.from('acquisition_scans').select('name').eq('user_id', FIX).maybeSingle();
    assert.equal(many.error!.code, 'PGRST116');
  });
});

describe('insert, upsert, update, delete', () => {
  const W = 'a1a1a1a1-0000-4000-8000-00000000a1a1'; // owner of the write-test notifications

  it('insert without select: 201 and no body; the row exists', async () => {
    const r = await svc.from('notifications').insert({ user_id: W, title: 'minimal insert' });
    assert.equal(r.error, null);
    assert.equal(r.status, 201);
    assert.equal(r.data, null);
    const check = await svc.from('notifications').select('title, type, read').eq('user_id', W).eq('title', 'minimal insert').single();
    assert.deepEqual(check.data, { title: 'minimal insert', type: 'info', read: false }, 'omitted columns take their defaults');
  });

  it('insert().select(): 201 with the inserted rows (array), defaults filled in', async () => {
    const r = await svc.from('notifications').insert([{ user_id: W, title: 'rep 1', type: 'warning' }, { user_id: W, title: 'rep 2', type: 'error' }]).select('title, type, read, id');
    assert.equal(r.error, null, JSON.stringify(r.error));
    assert.equal(r.status, 201);
    assert.deepEqual(r.data!.map((x) => [x.title, x.type, x.read]), [['rep 1', 'warning', false], ['rep 2', 'error', false]]);
    assert.match(r.data![0].id, /^[0-9a-f-]{36}$/);
  });

  it('bulk insert with missing keys: NULL by default, column default with defaultToNull: false', async () => {
    const nulls = await svc.from('notifications').insert([{ user_id: W, title: 'bulk a', type: 'success' }, { user_id: W, title: 'bulk b' }]);
    assert.equal(nulls.error?.code, '23502', 'type is NOT NULL: a missing key becomes null, as on PostgREST');
    const defaults = await svc
      .from('notifications')
      .insert([{ user_id: W, title: 'bulk a', type: 'success' }, { user_id: W, title: 'bulk b' }], { defaultToNull: false })
      .select('title, type');
    assert.equal(defaults.error, null, JSON.stringify(defaults.error));
    assert.deepEqual(defaults.data, [{ title: 'bulk a', type: 'success' }, { title: 'bulk b', type: 'info' }]);
  });

  it('insert().select().single() returns the object', async () => {
    const r = await svc.from('notifications').insert({ user_id: W, title: 'single insert', body: 'b' }).select('title, body').single();
    assert.equal(r.status, 201);
    assert.deepEqual(r.data, { title: 'single insert', body: 'b' });
  });

  it('upsert merges on the primary key and on on_conflict; ignoreDuplicates leaves rows alone', async () => {
    const first = await svc.from('notifications').insert({ user_id: W, title: 'upsert me' }).select('id').single();
    const id = first.data!.id as string;
    const merged = await svc.from('notifications').upsert({ id, user_id: W, title: 'upserted', type: 'success' }).select('id, title, type');
    assert.equal(merged.error, null, JSON.stringify(merged.error));
    assert.deepEqual(merged.data, [{ id, title: 'upserted', type: 'success' }]);
    const viaConflict = await svc.from('notifications').upsert({ id, user_id: W, title: 'upserted again' }, { onConflict: 'id' }).select('title');
    assert.deepEqual(viaConflict.data, [{ title: 'upserted again' }]);
    const ignored = await svc.from('notifications').upsert({ id, user_id: W, title: 'ignored' }, { ignoreDuplicates: true }).select('title');
    assert.equal(ignored.error, null);
    assert.deepEqual(ignored.data, [], 'a duplicate ignored returns no row');
    const now = await svc.from('notifications').select('title').eq('id', id).single();
    assert.equal(now.data!.title, 'upserted again');
    const fresh = await svc.from('notifications').upsert({ user_id: W, title: 'brand new' }).select('title');
    assert.deepEqual(fresh.data, [{ title: 'brand new' }]);
  });

  it('update without select: 204; with select: 200 and the changed rows', async () => {
    const minimal = await svc.from('notifications').update({ read: true }).eq('user_id', W).eq('title', 'rep 1');
    assert.equal(minimal.error, null);
    assert.equal(minimal.status, 204);
    assert.equal(minimal.data, null);
    const rep = await svc.from('notifications').update({ body: 'changed' }).eq('user_id', W).like('title', 'rep %').select('title, body, read').order('title');
    assert.equal(rep.status, 200);
    assert.deepEqual(rep.data!.sort((a, b) => a.title.localeCompare(b.title)), [
      { title: 'rep 1', body: 'changed', read: true },
      { title: 'rep 2', body: 'changed', read: false },
    ]);
  });

  it('update and delete report counts with count: exact', async () => {
    const r = await svc.from('notifications').update({ read: true }, { count: 'exact' }).eq('user_id', W).like('title', 'bulk%');
    assert.equal(r.count, 2);
  });

  it('delete without select: 204; with select: 200 and the deleted rows', async () => {
    const minimal = await svc.from('notifications').delete().eq('user_id', W).eq('title', 'minimal insert');
    assert.equal(minimal.status, 204);
    const rep = await svc.from('notifications').delete().eq('user_id', W).eq('title', 'single insert').select('title');
    assert.equal(rep.status, 200);
    assert.deepEqual(rep.data, [{ title: 'single insert' }]);
    const left = await svc.from('notifications').select('title').eq('user_id', W).in('title', ['minimal insert', 'single insert']);
    assert.deepEqual(left.data, []);
  });

  it('update or delete without any filter is refused (as with Supabase safeupdate)', async () => {
    const r = await svc.from('notifications').delete();
    assert.equal(r.status, 400);
    assert.equal(r.error!.code, '21000');
    const count = await svc.from('notifications').select('*', { count: 'exact', head: true });
    assert.ok(count.count! > 0, 'nothing was deleted');
  });
});

describe('RLS and grants through user tokens', () => {
  it('alice sees Acme streams only, bob Globex only', async () => {
    const a = await alice.from('streams').select('name, org_id').order('name');
    assert.deepEqual(a.data, [
      { name: 'Customer onboarding', org_id: ACME },
      { name: 'Enterprise expansion', org_id: ACME },
    ]);
    const b = await bob.from('streams').select('name, org_id');
    assert.deepEqual(b.data, [{ name: 'Product launch', org_id: GLOBEX }]);
  });

  it('the anon key cannot read the tables: 401 42501', async () => {
    const r = await anon.from('streams').select('*');
    assert.equal(r.status, 401);
    assert.equal(r.error!.code, '42501');
  });

  it('alice may mark her own alert read', async () => {
    const r = await alice.from('signal_alerts').update({ read: true }).eq('business_name', 'Northwind Traders').select('business_name, read');
    assert.equal(r.error, null, JSON.stringify(r.error));
    assert.deepEqual(r.data, [{ business_name: 'Northwind Traders', read: true }]);
  });

  it('alice may not change business_name (column grant): 403 42501', async () => {
    const r = await alice.from('signal_alerts').update({ business_name: 'Hacked' }).eq('business_name', 'Contoso Ltd');
    assert.equal(r.status, 403);
    assert.equal(r.error!.code, '42501');
    const check = await svc.from('signal_alerts').select('business_name').eq('user_id', ALICE).eq('business_name', 'Hacked');
    assert.deepEqual(check.data, []);
  });

  it("alice's update of bob's alert touches 0 rows", async () => {
    const r = await alice.from('signal_alerts').update({ read: true }).eq('business_name', 'Initech').select();
    assert.equal(r.error, null);
    assert.deepEqual(r.data, []);
    const check = await svc.from('signal_alerts').select('read').eq('business_name', 'Initech').single();
    assert.equal(check.data!.read, false);
  });

  it('users cannot insert streams: 403 42501 (RLS / grant violation)', async () => {
    const r = await alice.from('streams').insert({ org_id: ACME, name: 'sneaky' });
    assert.equal(r.status, 403);
    assert.equal(r.error!.code, '42501');
  });

  it('rpc runs as the caller: rt_is_org_member', async () => {
    assert.deepEqual((await alice.rpc('rt_is_org_member', { p_org: ACME })).data, true);
    assert.deepEqual((await alice.rpc('rt_is_org_member', { p_org: GLOBEX })).data, false);
    assert.deepEqual((await bob.rpc('rt_is_org_member', { p_org: GLOBEX })).data, true);
  });
});

describe('PostgREST errors', () => {
  it('unknown table: 404 PGRST205', async () => {
    const r = await svc.from('no_such_table').select('*');
    assert.equal(r.status, 404);
    assert.equal(r.error!.code, 'PGRST205');
    assert.match(r.error!.message, /no_such_table/);
  });

  it('unknown column in select or filter: 400 42703; in a body: 400 PGRST204', async () => {
    const sel = await svc.from('streams').select('name, nope');
    assert.equal(sel.status, 400);
    assert.equal(sel.error!.code, '42703');
    assert.equal(sel.error!.message, 'column streams.nope does not exist');
    const filt = await svc.from('streams').select('name').eq('nope', 1);
    assert.equal(filt.status, 400);
    assert.equal(filt.error!.code, '42703');
    const body = await svc.from('streams').insert({ org_id: ACME, name: 'x', nope: 1 });
    assert.equal(body.status, 400);
    assert.equal(body.error!.code, 'PGRST204');
    assert.equal(body.error!.message, "Could not find the 'nope' column of 'streams' in the schema cache");
  });

  it('unique violation: 409 23505; foreign key violation: 409 23503', async () => {
    const dup = await svc.from('streams').insert({ id: '5a000000-0000-4000-8000-000000000001', org_id: ACME, name: 'dup' });
    assert.equal(dup.status, 409);
    assert.equal(dup.error!.code, '23505');
    assert.match(dup.error!.details, /already exists/);
    const fk = await svc.from('streams').insert({ org_id: 'deadbeef-0000-4000-8000-000000000000', name: 'orphan' });
    assert.equal(fk.status, 409);
    assert.equal(fk.error!.code, '23503');
  });

  it('invalid input for a column type: 400 22P02; check constraint: 400 23514', async () => {
    const bad = await svc.from('streams').select('name').eq('id', 'not-a-uuid');
    assert.equal(bad.status, 400);
    assert.equal(bad.error!.code, '22P02');
    const check = await svc.from('streams').insert({ org_id: ACME, name: 'x', goal_status: 'exploded' });
    assert.equal(check.status, 400);
    assert.equal(check.error!.code, '23514');
  });

  it('unknown function: 404 PGRST202', async () => {
    const r = await svc.rpc('no_such_function', { a: 1 });
    assert.equal(r.status, 404);
    assert.equal(r.error!.code, 'PGRST202');
  });

  it('garbage JSON body: 400 PGRST102', async () => {
    const r = await raw('/rest/v1/streams', { method: 'POST', body: '{"name": ', headers: { 'Content-Type': 'application/json' } });
    assert.equal(r.status, 400);
    assert.equal(((await r.json()) as { code: string }).code, 'PGRST102');
  });

  it('unknown operator and malformed filters: 400 PGRST100', async () => {
    const r = await raw('/rest/v1/streams?name=explode.x');
    assert.equal(r.status, 400);
    assert.equal(((await r.json()) as { code: string }).code, 'PGRST100');
    const r2 = await raw('/rest/v1/streams?or=(name.eq.x');
    assert.equal(r2.status, 400);
    const r3 = await raw('/rest/v1/streams?limit=-1');
    assert.equal(r3.status, 400);
  });

  it('expired token: 401 PGRST303 "JWT expired"; bad signature: 401 PGRST301', async () => {
    const expired = await signJwt(backend.jwtSecret, { role: 'authenticated', sub: ALICE }, 60, Math.floor(Date.now() / 1000) - 3600);
    const r = await raw('/rest/v1/streams', { key: backend.anonKey, token: expired });
    assert.equal(r.status, 401);
    assert.deepEqual(await r.json(), { code: 'PGRST303', details: null, hint: null, message: 'JWT expired' });
    const forged = await signJwt('another-secret-another-secret-another-secret', { role: 'service_role' }, 3600);
    const f = await raw('/rest/v1/streams', { key: backend.anonKey, token: forged });
    assert.equal(f.status, 401);
    assert.equal(((await f.json()) as { code: string }).code, 'PGRST301');
  });

  it('a schema other than public: 406 PGRST106', async () => {
    const r = await raw('/rest/v1/users', { headers: { 'Accept-Profile': 'auth' } });
    assert.equal(r.status, 406);
    assert.equal(((await r.json()) as { code: string }).code, 'PGRST106');
  });
});

describe('hostile values and identifiers', () => {
  const H = 'b2b2b2b2-0000-4000-8000-00000000b2b2';
  const hostile = [
    "'; drop table streams; --",
    'Robert"); DROP TABLE notifications;--',
    "quote ' double \" backslash \\ percent % underscore _ star *",
    'unicode ✓ 日本語 \u0000-free 👩‍💻',
    '$1 $2 ::text ) or 1=1 --',
  ];

  it('values round-trip exactly and filter exactly', async () => {
    const ins = await svc.from('notifications').insert(hostile.map((t) => ({ user_id: H, title: t.replace('\u0000', '') }))).select('title');
    assert.equal(ins.error, null, JSON.stringify(ins.error));
    for (const t of hostile.map((x) => x.replace('\u0000', ''))) {
      const r = await svc.from('notifications').select('title').eq('user_id', H).eq('title', t);
      assert.deepEqual(r.data, [{ title: t }], t);
      const inList = await svc.from('notifications').select('title').eq('user_id', H).in('title', [t]);
      assert.deepEqual(inList.data, [{ title: t }], `in: ${t}`);
    }
    const orHit = await svc.from('notifications').select('title').eq('user_id', H).or(`title.eq."${"'; drop table streams; --"}",title.eq.nope`);
    assert.deepEqual(orHit.data, [{ title: "'; drop table streams; --" }]);
    const streams = await svc.from('streams').select('*', { count: 'exact', head: true });
    assert.ok(streams.count! >= 3, 'streams still there');
  });

  it('a 1 MB string is stored and read back', async () => {
    const big = 'x'.repeat(1024 * 1024);
    const r = await svc.from('notifications').insert({ user_id: H, title: 'big', body: big }).select('body').single();
    assert.equal(r.error, null);
    assert.equal(r.data!.body.length, big.length);
  });

  it('hostile identifiers are rejected as unknown, never executed', async () => {
    const col = await svc.from('streams').select('name"; drop table streams; --');
    assert.equal(col.status, 400);
    const table = await svc.from('streams; drop table orgs; --').select('*');
    assert.equal(table.status, 404);
    assert.equal(table.error!.code, 'PGRST205');
    const order = await raw(`/rest/v1/streams?order=${encodeURIComponent('name; drop table streams')}.desc`);
    assert.equal(order.status, 400);
    const key = await raw(`/rest/v1/streams?${encodeURIComponent('id) or (1=1')}=eq.x`);
    assert.equal(key.status, 400);
    const cast = await raw(`/rest/v1/streams?select=${encodeURIComponent('name::text); drop table streams; --')}`);
    assert.equal(cast.status, 400);
    const path = await svc.from('streams').select(`name, x:current_progress->>'; drop table streams; --`).eq('id', '5a000000-0000-4000-8000-000000000001').single();
    assert.deepEqual(path.data, { name: 'Customer onboarding', x: null }, 'JSON path keys are values');
    const rpc = await raw(`/rest/v1/rpc/${encodeURIComponent('rt_is_org_member; drop table streams')}`, { method: 'POST', body: '{}' });
    assert.equal(rpc.status, 404);
    const body = await svc.from('streams').insert({ org_id: ACME, 'name" text); drop table streams; --': 'x' });
    assert.equal(body.status, 400);
    assert.equal(body.error!.code, 'PGRST204');
  });

  it('the server keeps serving after all of the above, tables intact', async () => {
    const r = await svc.from('streams').select('id', { count: 'exact' });
    assert.equal(r.error, null);
    assert.equal(r.count, 3);
    const orgs = await svc.from('orgs').select('name').order('name');
    assert.deepEqual(orgs.data, [{ name: 'Acme' }, { name: 'Globex' }]);
  });
});

describe('the schema changing under the REST layer (QA61 F3)', () => {
  it('a column renamed or dropped after the table was read: select=*, filters and writes answer from the table as it is now', async () => {
    const t = `renamed_${Date.now().toString(36)}`;
    await backend.db.query(`create table public.${t} (id text primary key, team text not null, note text, status text)`);
    try {
      await backend.db.query(`grant all on public.${t} to service_role`);
      const read = async () => {
        const res = await raw(`/rest/v1/${t}?select=*&team=eq.a&order=id`);
        return { status: res.status, body: (await res.json()) as unknown };
      };
      const insert = await raw(`/rest/v1/${t}?select=*`, { method: 'POST', headers: { 'Content-Type': 'application/json', Prefer: 'return=representation' }, body: JSON.stringify([{ id: '1', team: 'a', note: 'n', status: 's' }]) });
      assert.equal(insert.status, 201);
      assert.deepEqual(await read(), { status: 200, body: [{ id: '1', team: 'a', note: 'n', status: 's' }] }); // cached with note, status
      await backend.db.query(`alter table public.${t} rename column note to remark`);
      assert.deepEqual(await read(), { status: 200, body: [{ id: '1', team: 'a', remark: 'n', status: 's' }] });
      await backend.db.query(`alter table public.${t} drop column status`);
      // A write first after the change: run again on the table as it is (its body read once).
      const patch = await raw(`/rest/v1/${t}?id=eq.1&select=*`, { method: 'PATCH', headers: { 'Content-Type': 'application/json', Prefer: 'return=representation' }, body: JSON.stringify({ remark: 'm' }) });
      assert.equal(patch.status, 200, await patch.clone().text());
      assert.deepEqual(await patch.json(), [{ id: '1', team: 'a', remark: 'm' }]);
      assert.deepEqual(await read(), { status: 200, body: [{ id: '1', team: 'a', remark: 'm' }] });
      // A column that is really not there still fails as PostgREST does.
      const wrong = await raw(`/rest/v1/${t}?select=status`);
      assert.equal(wrong.status, 400);
      assert.equal(((await wrong.json()) as { code: string }).code, '42703');
    } finally {
      await backend.db.query(`drop table if exists public.${t}`);
    }
  });
});
