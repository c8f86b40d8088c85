/**
 * Unit tests of the live-query store and feeds with the in-memory client: merge by primary key,
 * version guard, ordering, bounding, snapshot/stream race, resync, coalescing, terminal states,
 * typed errors, optimistic mark-as-read.
 */
import { expect } from '@open-wc/testing';
import { MemoryClient, stamp } from '../helpers/memory-client.js';
import { waitFor } from '../helpers/backend.js';
import type { LiveQuery, RowChange } from '../../src/core/client-types.js';
import type { Stream } from '../../src/core/types.js';
import type { LiveQueryState, RtError } from '../../src/core/types.js';
import { parseTimestamp, versionOf } from '../../src/core/version.js';
import { createFrameNotifier } from '../../src/core/frame.js';
import { decodeJwt, tokenExpiry, tokenUserId } from '../../src/core/jwt.js';
import { fromRestError, rtError } from '../../src/core/errors.js';
import { LiveQueryStore, type StoreRow } from '../../src/core/live-query.js';
import { CATCH_UP_TRIES } from '../../src/core/snapshot-landing.js';
import { compareValues, RowWindow } from '../../src/core/row-window.js';
import { PINNED_LIMIT, type ResolvedFeed } from '../../src/core/feeds/feed.js';
import { ChannelRegistry } from '../../src/core/channel-registry.js';
import { RealtimeLag } from '../../src/core/realtime-lag.js';
import { observeServerTime, resetServerClock } from '../../src/core/server-clock.js';
import { viewStateOf } from '../../src/internal/templates.js';
import type { ChangeListener, ChannelSpec, CountResult, LiveSource, SnapshotQuery, SnapshotResult } from '../../src/core/client-types.js';
import type { RealtimeChannelLike, RealtimeClientLike } from '../../src/core/supabase-like.js';

const U = 'user-1';

function watch<T>(q: LiveQuery<T>) {
  const states: LiveQueryState<T>[] = [];
  const off = q.subscribe((s) => states.push(s));
  return { states, off, get last() { return q.getState(); } };
}

/** A stream's `current_progress` at `percentage` of 100. */
const progress = (percentage: number) => ({ percentage, completed: percentage, total: 100 });

const frame = () => new Promise<void>((r) => requestAnimationFrame(() => setTimeout(r, 0)));

describe('version guard helpers', () => {
  it('keeps microseconds and understands every timestamp spelling', () => {
    const a = parseTimestamp('2025-11-24T10:00:00.123456+00:00');
    const b = parseTimestamp('2025-11-24 10:00:00.123457+00');
    const c = parseTimestamp('2025-11-24T10:00:00.123458');
    const d = parseTimestamp('2025-11-24T11:00:00.123459+01:00');
    expect(a).to.be.lessThan(b);
    expect(b).to.be.lessThan(c);
    expect(c).to.be.lessThan(d);
    expect(d - a).to.be.closeTo(0.003, 0.0005); // microsecond resolution
    expect(versionOf({ updated_at: null })).to.equal(Number.NEGATIVE_INFINITY);
  });

  it('orders bigint keys beyond 2^53 (kept as exact text) among numbers by value', () => {
    const ids: unknown[] = ['9007199254740993', 95, '10000000000000000', '9007199254740992', 5];
    expect([...ids].sort(compareValues)).to.deep.equal([5, 95, '9007199254740992', '9007199254740993', '10000000000000000']);
    expect(compareValues('b', 'a')).to.equal(1); // text stays text
  });

  it("orders values as PostgreSQL's default ORDER BY does: NULLs last ascending (first descending), equal instants tie, text as text (QA61 F2)", () => {
    expect([null, 't2', undefined, 't1'].sort(compareValues)).to.deep.equal(['t1', 't2', null, undefined]);
    expect(compareValues(null, undefined)).to.equal(0);
    expect(compareValues(3, null)).to.be.lessThan(0);
    // One instant in the spellings REST, Realtime and Postgres text give: a tie, for the key to break.
    expect(compareValues('2026-12-05T10:00:00.123456+00:00', '2026-12-05 11:00:00.123456+01')).to.equal(0);
    expect(compareValues('2026-12-05T10:00:00.123457Z', '2026-12-05T10:00:00.123456Z')).to.be.greaterThan(0);
    // Text that Date.parse would take for a date is text: "10" before "9", "May 5" after "April 9".
    expect(['9', '10', 'May 5', 'April 9'].sort(compareValues)).to.deep.equal(['10', '9', 'April 9', 'May 5']);
  });

  it('a row that left the query is remembered as deleted: a copy read before it left does not bring it back (QA64 review)', () => {
    const window = new RowWindow<StoreRow>('list', { table: 'signal_alerts', eq: [['user_id', 'u1']], order: { column: 'created_at', ascending: false }, limit: 10 });
    const row = { id: 'a1', user_id: 'u1', created_at: '2026-12-06T08:00:00.000000+00:00', updated_at: '2026-12-06T08:00:00.000000+00:00' };
    window.replace([row], 1000);
    // Given to another user at 3000 (delivered), after revalidation asked for the list at 2000.
    window.fold({ type: 'UPDATE', new: { ...row, user_id: 'u2', updated_at: '2026-12-06T08:00:03.000000+00:00' }, old: null, committedAt: 3000 });
    expect(window.size).to.equal(0);
    window.fold({ type: 'INSERT', new: { ...row }, old: null, committedAt: 2000 });
    expect(window.size, 'the copy read before the move').to.equal(0);
    // Given back later (a newer version): held again.
    window.fold({ type: 'UPDATE', new: { ...row, updated_at: '2026-12-06T08:00:05.000000+00:00' }, old: null, committedAt: 5000 });
    expect(window.size).to.equal(1);
  });

  it("reads each held row's order value once, however often a long list is sorted (QA62 F2)", () => {
    // A 1,000-row list re-parsed both timestamps at every comparison of every sort (an insert
    // trims, a delivery sorts): the largest script cost of a busy page. Counted, not timed.
    let reads = 0;
    const row = (i: number): StoreRow => {
      const at = new Date(Date.UTC(2026, 11, 6, 0, 0, 0, (i * 7919) % 1000)).toISOString();
      return Object.defineProperty({ id: `r${i}` }, 'created_at', { enumerable: true, get: () => (reads++, at) }) as StoreRow;
    };
    const window = new RowWindow<StoreRow>('list', { table: 'notifications', eq: [], order: { column: 'created_at', ascending: false }, limit: 1000 });
    for (let i = 0; i < 1000; i++) window.fold({ type: 'INSERT', new: row(i), old: null });
    const first = window.sorted();
    window.fold({ type: 'INSERT', new: row(1000), old: null }); // over the limit: trimmed, so sorted again
    const second = window.sorted();
    expect(reads).to.equal(1001);
    expect(first).to.have.length(1000);
    // The order itself, against a plain sort of the same values: newest first, ties by key, the oldest trimmed.
    const plain = Array.from({ length: 1001 }, (_, i) => ({ id: `r${i}`, at: new Date(Date.UTC(2026, 11, 6, 0, 0, 0, (i * 7919) % 1000)).toISOString() }));
    plain.sort((a, b) => compareValues(b.at, a.at) || compareValues(b.id, a.id));
    expect(second.map((r) => r.id)).to.deep.equal(plain.slice(0, 1000).map((r) => r.id));
  });

  it('reads sub and exp from a JWT without verifying it', () => {
    const payload = btoa(JSON.stringify({ sub: 'u-1', exp: 2_000_000_000, role: 'authenticated' })).replace(/=+$/, '');
    const token = `xx.${payload}.yy`;
    expect(decodeJwt(token)?.role).to.equal('authenticated');
    expect(tokenUserId(token)).to.equal('u-1');
    expect(tokenExpiry(token)).to.equal(2_000_000_000_000);
    expect(tokenUserId('sb_publishable_abc')).to.equal(null);
  });

  it('maps REST failures to typed errors', () => {
    expect(fromRestError({ message: 'TypeError: Failed to fetch' }, 0, false).code).to.equal('network');
    expect(fromRestError({ message: 'Invalid API key' }, 401, true).code).to.equal('bad-config');
    expect(fromRestError({ message: 'JWT expired', code: 'PGRST303' }, 401, false).code).to.equal('unauthorized');
    expect(fromRestError({ message: 'relation does not exist', code: '42P01' }, 404, false).code).to.equal('bad-config');
    expect(fromRestError({ message: 'boom' }, 500, false).code).to.equal('server');
  });
});

describe('LiveQueryStore with the in-memory client', () => {
  let client: MemoryClient;
  beforeEach(() => {
    client = new MemoryClient({ userId: U, orgId: 'org-1' });
  });
  afterEach(() => client.dispose());

  it('shows the snapshot, then live INSERT / UPDATE / DELETE, newest first', async () => {
    client.setRows('signal_alerts', [
      { id: 'a1', user_id: U, business_name: 'One', created_at: '2025-01-01T00:00:01Z' },
      { id: 'a2', user_id: U, business_name: 'Two', created_at: '2025-01-01T00:00:02Z' },
      { id: 'x', user_id: 'someone-else', business_name: 'Not mine', created_at: '2025-01-01T00:00:03Z' },
    ]);
    const w = watch(client.liveQuery('signal-alerts', {}));
    await waitFor(() => w.last.phase === 'live', 2000, 'live');
    expect(w.last.data.map((a) => a.id)).to.deep.equal(['a2', 'a1']);
    client.insert('signal_alerts', { id: 'a3', user_id: U, business_name: 'Three', created_at: '2025-01-01T00:00:04Z' });
    client.insert('signal_alerts', { id: 'y', user_id: 'someone-else' });
    await frame();
    expect(w.last.data.map((a) => a.id)).to.deep.equal(['a3', 'a2', 'a1']);
    client.update('signal_alerts', { id: 'a1', business_name: 'One!' });
    await frame();
    expect(w.last.data.find((a) => a.id === 'a1')?.business_name).to.equal('One!');
    client.remove('signal_alerts', 'a2');
    await frame();
    expect(w.last.data.map((a) => a.id)).to.deep.equal(['a3', 'a1']);
    w.off();
  });

  it('never lets an older version overwrite a newer row', async () => {
    const t1 = stamp();
    const t2 = stamp();
    client.setRows('streams', [
      { id: 's1', org_id: 'o', name: 'new', updated_at: t2, created_at: '2025-01-01T00:00:01Z' },
      { id: 's2', org_id: 'o', name: 'control', updated_at: t2, created_at: '2025-01-01T00:00:02Z' },
    ]);
    const w = watch(client.liveQuery('org-streams', { orgId: 'o' }));
    await waitFor(() => w.last.phase === 'live', 2000, 'live');
    const s1 = client.rows('streams').find((r) => r.id === 's1')!;
    const s2 = client.rows('streams').find((r) => r.id === 's2')!;
    // The late, older change to s1, then a control change to s2 on the same subscription: once the
    // control change is shown, the older one has been folded in (in order) — and did not win.
    client.deliver('streams', { type: 'UPDATE', new: { ...s1, name: 'old', updated_at: t1 }, old: null });
    client.deliver('streams', { type: 'UPDATE', new: { ...s2, name: 'control!', updated_at: stamp() }, old: null });
    await waitFor(() => w.last.data.find((s) => s.id === 's2')?.name === 'control!', 2000, 'the control change');
    expect(w.last.data.find((s) => s.id === 's1')?.name).to.equal('new');
    expect(w.states.some((s) => s.data.some((r) => r.name === 'old')), 'never shown').to.equal(false);
    client.deliver('streams', { type: 'UPDATE', new: { ...s1, name: 'newer', updated_at: stamp() }, old: null });
    await waitFor(() => w.last.data.find((s) => s.id === 's1')?.name === 'newer', 2000, 'a newer version wins');
    w.off();
  });

  it('commit order beats the version: a row deleted and inserted again with its old updated_at shows; a late copy of an older change does not (QA13 F1)', async () => {
    resetServerClock();
    const old = '2020-01-01T00:00:00Z';
    client.setRows('streams', [
      { id: 's1', org_id: 'o', name: 'first', updated_at: stamp(), created_at: '2025-01-01T00:00:01Z' },
      { id: 's2', org_id: 'o', name: 'control', updated_at: stamp(), created_at: '2025-01-01T00:00:02Z' },
    ]);
    const list = watch(client.liveQuery('org-streams', { orgId: 'o' }));
    const single = watch(client.liveQuery('stream', { streamId: 's1' }));
    await waitFor(() => list.last.phase === 'live' && single.last.phase === 'live', 2000, 'live');
    const s1 = client.rows('streams').find((r) => r.id === 's1')!;
    const s2 = client.rows('streams').find((r) => r.id === 's2')!;
    const t = Date.now() - 1000;
    let n = 0;
    /** A control change to s2 after `change`: once it shows, `change` was folded in (in order). */
    const then = async (change: RowChange<Stream>, label: string) => {
      client.deliver('streams', change);
      const name = `control ${++n}`;
      client.deliver('streams', { type: 'UPDATE', new: { ...s2, name, updated_at: stamp() }, old: null, committedAt: change.committedAt });
      await waitFor(() => list.last.data.find((s) => s.id === 's2')?.name === name, 2000, label);
    };
    await then({ type: 'DELETE', new: null, old: { id: 's1' } as never, committedAt: t }, 'deleted');
    await waitFor(() => single.last.error?.code === 'not-found', 2000, 'the single row says not found');
    // A late copy of a change committed before the deletion (a channel hand-over): stays deleted.
    await then({ type: 'UPDATE', new: { ...s1, name: 'late copy', updated_at: old }, old: null, committedAt: t - 10 }, 'late copy folded');
    // The same without a commit time: the version guard alone decides, as before.
    await then({ type: 'INSERT', new: { ...s1, name: 'no commit time', updated_at: old }, old: null }, 'no commit time folded');
    expect(list.last.data.map((s) => s.id)).to.deep.equal(['s2']);
    // Inserted again from a copy, with its old updated_at, committed after the deletion: shown.
    await then({ type: 'INSERT', new: { ...s1, name: 'restored', updated_at: old }, old: null, committedAt: t + 10 }, 'restored folded');
    expect(list.last.data.find((s) => s.id === 's1')?.name).to.equal('restored');
    await waitFor(() => single.last.data?.name === 'restored' && single.last.error === null, 2000, 'the single row is back');
    // A writer that sets updated_at back, committed later still: its change shows.
    await then({ type: 'UPDATE', new: { ...s1, name: 'set back', updated_at: '2019-01-01T00:00:00Z' }, old: null, committedAt: t + 20 }, 'set back folded');
    expect(list.last.data.find((s) => s.id === 's1')?.name).to.equal('set back');
    // ...but never a change committed before the one shown.
    await then({ type: 'UPDATE', new: { ...s1, name: 'older commit', updated_at: '2018-01-01T00:00:00Z' }, old: null, committedAt: t + 15 }, 'older commit folded');
    expect(list.last.data.find((s) => s.id === 's1')?.name).to.equal('set back');
    expect(list.states.some((s) => s.data.some((r) => r.name === 'late copy' || r.name === 'no commit time' || r.name === 'older commit')), 'never shown').to.equal(false);
    list.off();
    single.off();
  });

  it('merges changes that arrive while the snapshot is in flight', async () => {
    client.setRows('agent_executions', [{ id: 'e1', stream_id: 's', status: 'running', created_at: '2025-01-01T00:00:01Z' }]);
    client.hold('agent_executions');
    const w = watch(client.liveQuery('agent-executions', { streamId: 's' }));
    await waitFor(() => client.selectCount.agent_executions >= 1, 2000, 'snapshot requested');
    // the snapshot above was read before these changes; its reply is delayed
    client.insert('agent_executions', { id: 'e2', stream_id: 's', status: 'queued', created_at: '2025-01-01T00:00:02Z' });
    client.update('agent_executions', { id: 'e1', status: 'completed' });
    client.release('agent_executions');
    await waitFor(() => w.last.phase === 'live' && w.last.data.length === 2, 2000, 'merged');
    expect(w.last.data.find((e) => e.id === 'e1')?.status).to.equal('completed');
    expect(w.last.data.map((e) => e.id)).to.deep.equal(['e2', 'e1']);
    w.off();
  });

  it('keeps bounded lists bounded and refills a full window after a delete', async () => {
    const rows = Array.from({ length: 6 }, (_, i) => ({ id: `n${i}`, user_id: U, created_at: `2025-01-01T00:00:0${i}Z` }));
    client.setRows('notifications', rows);
    const w = watch(client.liveQuery('notifications', { limit: 3 }));
    await waitFor(() => w.last.phase === 'live', 2000, 'live');
    expect(w.last.data.map((n) => n.id)).to.deep.equal(['n5', 'n4', 'n3']);
    client.insert('notifications', { id: 'n9', user_id: U, created_at: '2025-01-01T00:00:09Z' });
    await frame();
    expect(w.last.data.map((n) => n.id)).to.deep.equal(['n9', 'n5', 'n4']);
    client.remove('notifications', 'n5');
    await waitFor(() => w.last.data.length === 3 && w.last.data[2].id === 'n3', 2000, 'refill');
    expect(w.last.data.map((n) => n.id)).to.deep.equal(['n9', 'n4', 'n3']);
    w.off();
  });

  it('work under way beyond the limit is held whole and counted exactly; the list says when it may not hold every row (QA21 F1)', async () => {
    const at = (m: number) => new Date(Date.UTC(2025, 0, 1) - m * 60_000).toISOString();
    const runs = (stream: string, n: number, status: 'running' | 'completed', from = 0) =>
      Array.from({ length: n }, (_, i) => ({ id: `${stream}-${status}-${from + i}`, stream_id: stream, agent_id: `a${from + i}`, status, created_at: at(from + i) }));
    // 151 running behind 20 newer finished runs (the list holds 100).
    client.setRows('agent_executions', [...runs('s1', 20, 'completed'), ...runs('s1', 151, 'running', 20), ...runs('s2', 3, 'running'), ...runs('s3', 1001, 'running')]);
    const w = watch(client.liveQuery('agent-executions', { streamId: 's1' }));
    await waitFor(() => w.last.phase === 'live', 2000, 'live');
    const running = () => w.last.data.filter((e) => e.status === 'running').length;
    expect(running()).to.equal(151);
    expect(w.last.more, 'at its limit: not every finished run held').to.equal('rows');
    // The oldest run, held beyond the limit, fails: shown failed, no longer counted as running.
    client.update('agent_executions', { id: 's1-running-170', status: 'failed', error: 'oldest failed' });
    await waitFor(() => w.last.data.find((e) => e.id === 's1-running-170')?.status === 'failed', 2000, 'the oldest run failed');
    expect(running()).to.equal(150);
    w.off();
    // A short list holds every row.
    const short = watch(client.liveQuery('agent-executions', { streamId: 's2' }));
    await waitFor(() => short.last.phase === 'live', 2000, 'live');
    expect(short.last.data.length).to.equal(3);
    expect(short.last.more).to.equal(undefined);
    short.off();
    // More work under way than PINNED_LIMIT: held up to it, and said.
    const many = watch(client.liveQuery('agent-executions', { streamId: 's3' }));
    await waitFor(() => many.last.phase === 'live', 2000, 'live');
    expect(many.last.data.length).to.equal(PINNED_LIMIT);
    expect(many.last.more).to.equal('pinned');
    many.off();
  });

  it('goes stale on disconnect and converges to the data after reconnect', async () => {
    client.setRows('streams', [{ id: 's1', org_id: 'o1', name: 'a', created_at: '2025-01-01T00:00:01Z' }, { id: 's2', org_id: 'o1', name: 'b', created_at: '2025-01-01T00:00:02Z' }]);
    const w = watch(client.liveQuery('org-streams', { orgId: 'o1' }));
    await waitFor(() => w.last.phase === 'live', 2000, 'live');
    client.setConnection({ status: 'disconnected' });
    await frame();
    expect(w.last.phase).to.equal('stale');
    expect(w.last.status).to.equal('disconnected');
    client.silently(() => {
      client.update('streams', { id: 's1', name: 'a2' });
      client.remove('streams', 's2');
      client.insert('streams', { id: 's3', org_id: 'o1', name: 'c', created_at: '2025-01-01T00:00:03Z' });
    });
    await frame();
    expect(w.last.data.map((s) => s.id)).to.deep.equal(['s2', 's1']); // still the old picture
    client.setConnection({ status: 'connected' });
    await waitFor(() => w.last.phase === 'live' && w.last.data.length === 2 && w.last.data[0].id === 's3', 2000, 'resynced');
    expect(w.last.data.map((s) => `${s.id}:${s.name}`)).to.deep.equal(['s3:c', 's1:a2']);
    expect(w.states.some((s) => s.phase === 'stale')).to.equal(true);
    w.off();
  });

  it("a re-read older than the rows the server already sent (a service worker's cached reply) is read once more, never shown", async () => {
    client.setRows('streams', [{ id: 's1', org_id: 'o', current_progress: progress(42), updated_at: '2025-01-01T00:00:01Z' }]);
    const w = watch(client.liveQuery('stream', { streamId: 's1' }));
    await waitFor(() => w.last.phase === 'live', 2000, 'live');
    client.update('streams', { id: 's1', current_progress: progress(63), updated_at: '2025-01-01T00:00:02Z' });
    await waitFor(() => w.last.data?.current_progress.percentage === 63, 2000, '63 shown live');
    // The cached reply (42) answers the first read after the reconnect; the database has 63.
    client.silently(() => client.update('streams', { id: 's1', current_progress: progress(42), updated_at: '2025-01-01T00:00:01Z' }));
    const reads = client.selectCount.streams ?? 0;
    const from = w.states.length;
    client.setConnection({ status: 'disconnected' });
    client.setConnection({ status: 'connected' });
    await waitFor(() => (client.selectCount.streams ?? 0) > reads, 2000, 'the re-read');
    client.silently(() => client.update('streams', { id: 's1', current_progress: progress(63), updated_at: '2025-01-01T00:00:02Z' }));
    await waitFor(() => (client.selectCount.streams ?? 0) > reads + 1 && w.last.phase === 'live', 5000, 'read once more, live');
    const shown = w.states.slice(from).map((st) => `${st.phase}:${st.data?.current_progress.percentage}`);
    expect(shown.every((x) => x.endsWith(':63')), shown.join(', ')).to.equal(true);
    w.off();
  });

  it('a re-read that stays older on the second read (a database restored from a backup) is believed: its rows, live', async () => {
    client.setRows('streams', [{ id: 's1', org_id: 'o', current_progress: progress(90), updated_at: '2025-01-01T00:00:02Z' }]);
    const w = watch(client.liveQuery('stream', { streamId: 's1' }));
    await waitFor(() => w.last.phase === 'live', 2000, 'live');
    client.silently(() => client.update('streams', { id: 's1', current_progress: progress(40), updated_at: '2025-01-01T00:00:01Z' }));
    client.setConnection({ status: 'disconnected' });
    client.setConnection({ status: 'connected' });
    await waitFor(() => w.last.phase === 'live' && w.last.data?.current_progress.percentage === 40, 5000, 'the restored row, live');
    w.off();
  });

  it('coalesces a burst of 500 changes into a few notifications ending on the last value', async () => {
    client.setRows('streams', [{ id: 's1', org_id: 'o', current_progress: { percentage: 0, completed: 0, total: 500 } }]);
    const w = watch(client.liveQuery('stream', { streamId: 's1' }));
    await waitFor(() => w.last.phase === 'live', 2000, 'live');
    const before = w.states.length;
    for (let i = 1; i <= 500; i++) client.update('streams', { id: 's1', current_progress: { percentage: i / 5, completed: i, total: 500 } });
    await frame();
    await frame();
    const during = w.states.length - before;
    expect(during).to.be.within(1, 3);
    expect(w.last.data?.current_progress.completed).to.equal(500);
    w.off();
  });

  it('never coalesces away a terminal state', async () => {
    client.setRows('streams', [{ id: 's1', org_id: 'o', goal_status: 'in_progress' }]);
    const w = watch(client.liveQuery('stream', { streamId: 's1' }));
    await waitFor(() => w.last.phase === 'live', 2000, 'live');
    client.update('streams', { id: 's1', goal_status: 'completed' });
    client.update('streams', { id: 's1', goal_status: 'pending' });
    await frame();
    const seen = w.states.map((s) => s.data?.goal_status);
    expect(seen).to.include('completed');
    expect(w.last.data?.goal_status).to.equal('pending');
    w.off();
  });

  it('delivers by timer when animation frames do not run (hidden tab)', async () => {
    const raf = window.requestAnimationFrame;
    let flushed = 0;
    try {
      (window as { requestAnimationFrame: unknown }).requestAnimationFrame = () => 0; // frames never come
      const n = createFrameNotifier(() => flushed++);
      n.schedule();
      n.schedule();
      await waitFor(() => flushed > 0, 2000, 'the fallback timer');
      expect(flushed).to.equal(1);
    } finally {
      window.requestAnimationFrame = raf;
    }
  });

  it('shares one store and one subscription between identical queries', async () => {
    client.setRows('streams', [{ id: 's1', org_id: 'o' }]);
    const a = watch(client.liveQuery('stream', { streamId: 's1' }));
    const b = watch(client.liveQuery('stream', { streamId: 's1' }));
    await waitFor(() => a.last.phase === 'live' && b.last.phase === 'live', 2000, 'live');
    expect(client.getActiveSubscriptions()).to.have.length(1);
    expect(client.selectCount.streams).to.equal(1);
    a.off();
    b.off();
    await waitFor(() => client.getActiveSubscriptions().length === 0, 2000, 'released');
  });

  it('reports typed errors: not found, failing reads, no user', async () => {
    const missing = watch(client.liveQuery('scan', { scanId: 'nope' }));
    await waitFor(() => missing.last.phase === 'error', 2000, 'not found');
    expect(missing.last.error?.code).to.equal('not-found');
    // the row appears later: the error clears
    client.insert('acquisition_scans', { id: 'nope', user_id: U });
    await waitFor(() => missing.last.data?.id === 'nope', 2000, 'appeared');
    expect(missing.last.error).to.equal(null);
    missing.off();

    client.fail('notifications', { code: 'server', message: 'boom' });
    const failing = watch(client.liveQuery('notifications', {}));
    await waitFor(() => failing.last.phase === 'error', 2000, 'error');
    expect(failing.last.error).to.deep.equal({ code: 'server', message: 'boom' });
    client.fail('notifications', null); // recovers (re-read)
    await waitFor(() => failing.last.phase === 'live', 3000, 'recovered');
    failing.off();

    const anon = new MemoryClient();
    const nobody = watch(anon.liveQuery('signal-alerts', {}));
    await waitFor(() => nobody.last.phase === 'error', 2000, 'not signed in');
    expect(nobody.last.error?.code).to.equal('forbidden');
    expect(nobody.last.error?.message).to.match(/^Not signed in/);
    nobody.off();
    anon.dispose();
  });

  it('a confirmed "mark read" whose change is late (realtime lagging) is read again, never shown unread again', async function () {
    this.timeout(30_000);
    client.setRows('signal_alerts', [{ id: 'a1', user_id: U }, { id: 'a2', user_id: U }]);
    const w = watch(client.liveQuery('signal-alerts', {}));
    await waitFor(() => w.last.phase === 'live', 2000, 'live');
    const reads = client.selectCount.signal_alerts ?? 0;
    client.lag(true);
    expect(await client.markAsRead('signal_alerts', 'a1')).to.equal(null);
    const from = w.states.length;
    // The confirmed patch lapses (CONFIRMED_OVERLAY_MS) with no change delivered: the rows are read again.
    await waitFor(() => (client.selectCount.signal_alerts ?? 0) > reads, 20_000, 'read again when the patch lapsed');
    await waitFor(() => w.states.length > from, 5000, 'the read delivered');
    await frame();
    const shown = w.states.slice(from).map((st) => st.data.find((a) => a.id === 'a1')?.read);
    expect(shown.every((read) => read === true), `a1.read as shown: ${shown.join(', ')}`).to.equal(true);
    expect(w.last.data.find((a) => a.id === 'a1')?.read).to.equal(true);
    expect(w.last.unreadCount).to.equal(1);
    client.lag(false);
    w.off();
  });

  it('marks read optimistically and rolls back when the server refuses', async () => {
    client.setRows('signal_alerts', [{ id: 'a1', user_id: U }, { id: 'a2', user_id: U }]);
    const w = watch(client.liveQuery('signal-alerts', {}));
    await waitFor(() => w.last.phase === 'live', 2000, 'live');
    client.failWrites('signal_alerts', { code: 'unauthorized', message: 'no' });
    client.holdWrites(); // the write is answered only when the test says so
    const pending = client.markAsRead('signal_alerts', 'a1');
    await frame();
    expect(w.last.data.find((a) => a.id === 'a1')?.read).to.equal(true); // optimistic
    client.releaseWrites();
    expect((await pending)?.code).to.equal('unauthorized');
    await frame();
    expect(w.last.data.find((a) => a.id === 'a1')?.read).to.equal(false); // rolled back
    client.failWrites('signal_alerts', null);
    expect(await client.markAllAsRead('signal_alerts')).to.equal(null);
    await frame();
    expect(w.last.data.every((a) => a.read)).to.equal(true);
    expect(client.readCalls.map((c) => c.all)).to.deep.equal([false, true]);
    w.off();
  });
});

/**
 * The database, the change stream and the reads are not ordered with each other (on PostgreSQL
 * the backend's REST reads and its change fan-out run on different connections): a change can be
 * committed before a read and delivered after it. These tests play those interleavings exactly.
 */
describe('reads racing changes delivered out of commit order', () => {
  type Row = StoreRow & { user_id?: string; stream_id?: string; read?: boolean; created_at: string };

  /** A scripted backend: a table, reads that see it when they run, a count read the test can hold. */
  class Scripted implements LiveSource {
    rows = new Map<string, Row>();
    listeners: ChangeListener<Row>[] = [];
    selects = 0;
    counts = 0;
    /** Tables whose channels were asked to join again (LiveSource.rejoin). */
    rejoins: string[] = [];
    #countGate: Array<() => void> | null = null;
    rejoin(table: string): void {
      this.rejoins.push(table);
    }
    subscribe<R>(_spec: ChannelSpec, listener: ChangeListener<R>): () => void {
      this.listeners.push(listener as unknown as ChangeListener<Row>);
      return () => {};
    }
    /** Catch-up reads (`since`: the rows inserted while a list was off Live), not counted in `selects`. */
    catchUps = 0;
    async select<R>(query: SnapshotQuery): Promise<SnapshotResult<R>> {
      const since = query.since;
      if (since === undefined) this.selects++;
      else this.catchUps++;
      const rows = this.#matching(query.eq).filter((r) => since === undefined || r.created_at > since);
      const { column, ascending } = query.order ?? { column: 'created_at', ascending: false };
      const by = (a: Row, b: Row) => String(a[column]).localeCompare(String(b[column])) * (ascending ? 1 : -1);
      const top = rows.sort(by).slice(0, query.limit);
      // Rows in a pinned state are read beyond the limit too (RestSource: work under way).
      const pin = query.pinned;
      const beyond = pin ? rows.filter((r) => !top.includes(r) && pin.values.includes(String(r[pin.column]))) : [];
      return { rows: [...top, ...beyond] as unknown as R[], error: null };
    }
    async count(_table: string, eq: ReadonlyArray<readonly [string, string]>): Promise<CountResult> {
      this.counts++;
      if (this.#countGate) await new Promise<void>((r) => this.#countGate!.push(r));
      return { count: this.#matching(eq).length, error: null }; // read when it runs
    }
    holdCounts(): void {
      this.#countGate ??= [];
    }
    releaseCounts(): void {
      const waiting = this.#countGate ?? [];
      this.#countGate = null;
      for (const go of waiting) go();
    }
    state(epoch: number): void {
      for (const l of this.listeners) l.onState({ status: 'connected', ready: true, epoch, error: null });
    }
    deliver(change: { type: 'INSERT' | 'UPDATE' | 'DELETE'; new: Row | null; old: Row | null; committedAt?: number }): void {
      for (const l of this.listeners) l.onChange(change);
    }
    #matching(eq: ReadonlyArray<readonly [string, string]>): Row[] {
      return [...this.rows.values()].filter((r) => eq.every(([c, v]) => String(r[c]) === v)).map((r) => ({ ...r }));
    }
  }

  const at = (n: number) => `2026-11-30T04:00:${String(n).padStart(2, '0')}.000000+00:00`;
  const note = (n: number, read = false): Row => ({ id: `n${n}`, user_id: U, read, created_at: at(n), updated_at: at(n) });
  const unreadQuery: SnapshotQuery = {
    table: 'notifications',
    eq: [['user_id', U]],
    order: { column: 'created_at', ascending: false },
    limit: 2,
    countWhere: [['read', 'false']],
  };

  async function liveCountStore(db: Scripted, unread = 4) {
    const store = new LiveQueryStore<Row>({ kind: 'list', source: db, resolve: async () => ({ query: unreadQuery, name: 'notes' }) });
    store.start();
    await waitFor(() => db.listeners.length === 1, 2000, 'subscribed');
    db.state(1);
    await waitFor(() => store.state.phase === 'live' && store.state.unreadCount === unread, 2000, `live with ${unread} unread`);
    return store;
  }
  /** A live list store over `db` (unreadQuery), and the ids it told as inserted, in order. */
  async function liveTellingStore(db: Scripted, retryDelays?: number[]) {
    const store = new LiveQueryStore<Row>({ kind: 'list', source: db, retryDelays, resolve: async () => ({ query: unreadQuery, name: 'notes' }) });
    const told: string[] = [];
    store.subscribe((st) => told.push(...(st.inserted ?? []).map((r) => String((r as Row).id))));
    store.start();
    await waitFor(() => db.listeners.length === 1, 2000, 'subscribed');
    db.state(1);
    await waitFor(() => store.state.phase === 'live', 2000, 'live');
    return { store, told };
  }
  const truth = (db: Scripted) => [...db.rows.values()].filter((r) => !r.read).length;
  /** A live list store over `db` holding `rows` (unreadQuery, limit 2), owed changes due within 50 ms. */
  async function liveWatched(rows: Row[] = [note(1), note(2)], query: SnapshotQuery = unreadQuery) {
    const db = new Scripted();
    for (const r of rows) db.rows.set(String(r.id), r);
    const store = new LiveQueryStore<Row, Row[]>({ kind: 'list', source: db, deliveryGraceMs: 50, resolve: async () => ({ query, name: 'notes' }) });
    store.start();
    await waitFor(() => db.listeners.length === 1, 2000, 'subscribed');
    db.state(1);
    await waitFor(() => store.state.phase === 'live' && store.state.data.length >= 2, 2000, 'live');
    return { db, store };
  }

  /** Runs `fn` with the server's clock known (as from any commit_timestamp); forgotten afterwards. */
  async function withKnownClock(fn: () => Promise<void>): Promise<void> {
    resetServerClock();
    observeServerTime(Date.now());
    try {
      await fn();
    } finally {
      resetServerClock();
    }
  }

  it('parameters not resolved for a cause that may pass are resolved again: after the backoff (network), on refresh (an expired session); "no access" stays (QA14 F2)', async () => {
    const db = new Scripted();
    db.rows.set('n1', note(1));
    const answers: Array<ResolvedFeed | RtError> = [rtError('network', 'down'), rtError('session-expired', 'expired'), { query: unreadQuery, name: 'notes' }];
    let resolves = 0;
    const store = new LiveQueryStore<Row>({ kind: 'list', source: db, retryDelays: [5], resolve: async () => answers[Math.min(resolves++, 2)]! });
    store.start();
    await waitFor(() => store.state.error?.code === 'session-expired', 2000, 'the network failure tried again, after the backoff');
    expect([resolves, store.state.phase]).to.deep.equal([2, 'error']);
    store.refresh(); // a new token: the renewed session refreshes every query not live
    expect(resolves).to.equal(3);
    await waitFor(() => db.listeners.length === 1, 2000, 'subscribed');
    db.state(1);
    await waitFor(() => store.state.phase === 'live' && store.state.data?.length === 1 && store.state.status === 'connected', 2000, 'live');
    store.stop();

    let tries = 0;
    const denied = new LiveQueryStore<Row>({ kind: 'list', source: db, resolve: async () => (tries++, rtError('forbidden', 'No access')) });
    denied.start();
    await waitFor(() => denied.state.phase === 'error', 2000, 'failed');
    denied.refresh();
    expect(tries, 'a real "no access" is not asked again and again').to.equal(1);
    denied.stop();
  });

  it('a catch-up read that fails fails its read: the retry finds the outage rows; a row delivered meanwhile waits, then all come oldest first, once (QA45 F1, F4)', async () => {
    await withKnownClock(async () => {
      const db = new Scripted();
      let refuse = 1;
      const select = db.select.bind(db);
      db.select = (async (q: SnapshotQuery) => (q.since !== undefined && refuse-- > 0 ? { rows: null, error: rtError('network', 'Failed to fetch') } : select(q))) as typeof db.select;
      db.rows.set('n1', note(1));
      // The retry after 100 ms: frames are delivered while the catch-up read is owed.
      const store = new LiveQueryStore<Row>({ kind: 'list', source: db, retryDelays: [100], resolve: async () => ({ query: unreadQuery, name: 'notes' }) });
      const told: string[] = [];
      let held = 0;
      store.subscribe((s) => {
        told.push(...(s.inserted ?? []).map((r) => String((r as Row).id)));
        if (s.catchingUp) held++;
      });
      store.start();
      await waitFor(() => db.listeners.length === 1, 2000, 'subscribed');
      db.state(1);
      await waitFor(() => store.state.phase === 'live' && store.state.data?.length === 1, 2000, 'live');
      // An outage: four rows written, none delivered. The channel joins again; its read starts, with
      // the catch-up read beside it (refused once); a row written now is delivered meanwhile.
      for (let n = 2; n <= 5; n++) db.rows.set(`n${n}`, note(n));
      db.state(2);
      db.rows.set('n6', note(6));
      db.deliver({ type: 'INSERT', new: note(6), old: null });
      await waitFor(() => told.length >= 5, 2000, `the outage rows: ${told}`);
      expect(told).to.deep.equal(['n2', 'n3', 'n4', 'n5', 'n6']);
      expect(refuse, 'the catch-up read was refused once').to.equal(-1);
      expect(held, 'the delivered row waited').to.be.greaterThan(0);
      store.stop();
    });
  });

  it('a catch-up read that keeps failing: after CATCH_UP_TRIES in a row the read lands without it, and nothing waits any more (QA47 review)', async () => {
    await withKnownClock(async () => {
      const db = new Scripted();
      let refused = 0;
      const select = db.select.bind(db);
      db.select = (async (q: SnapshotQuery) => (q.since !== undefined ? (refused++, { rows: null, error: rtError('server', 'timeout') }) : select(q))) as typeof db.select;
      db.rows.set('n1', note(1));
      const { store, told } = await liveTellingStore(db, [5]);
      db.rows.set('n2', note(2));
      db.state(2); // a resync: its catch-up read fails, again and again
      await waitFor(() => refused === CATCH_UP_TRIES && store.state.phase === 'live' && store.state.data?.length === 2, 4000, `live again after ${CATCH_UP_TRIES} refusals (${refused})`);
      expect(store.state.catchingUp).to.equal(undefined);
      db.deliver({ type: 'INSERT', new: note(3), old: null });
      await waitFor(() => told.includes('n3'), 2000, 'a row delivered now is told at once');
      store.stop();
    });
  });

  it('rows the list read finds that Realtime never delivered, more than the list holds: every one is told as inserted, oldest first (QA64 F1, review)', async () => {
    await withKnownClock(async () => {
      const db = new Scripted();
      for (const n of [1, 2]) db.rows.set(`n${n}`, note(n));
      const { store, told } = await liveTellingStore(db);
      for (const n of [7, 8, 9]) db.rows.set(`n${n}`, note(n)); // never delivered; the list holds 2
      store.reconcileList((await db.select<Row>(store.listed()!)).rows!, Date.now());
      await waitFor(() => told.length === 3, 2000, () => `all three told (told: ${told.join(', ')})`);
      expect(told).to.deep.equal(['n7', 'n8', 'n9']);
      expect((store.state.data as Row[]).map((r) => r.id)).to.deep.equal(['n9', 'n8']);
      store.stop();
    });
  });

  it('rows Realtime inserts while no one listens (a released store, lingering) wait for the next listener (QA47 review)', async () => {
    await withKnownClock(async () => {
      const db = new Scripted();
      db.rows.set('n1', note(1));
      const store = new LiveQueryStore<Row>({ kind: 'list', source: db, resolve: async () => ({ query: unreadQuery, name: 'notes' }) });
      const off = store.subscribe(() => {});
      store.start();
      await waitFor(() => db.listeners.length === 1, 2000, 'subscribed');
      db.state(1);
      await waitFor(() => store.state.phase === 'live', 2000, 'live');
      off(); // an element moved in the DOM across frames
      for (const n of [2, 3, 4]) {
        db.rows.set(`n${n}`, note(n));
        db.deliver({ type: 'INSERT', new: note(n), old: null });
      }
      await waitFor(() => store.state.data?.length === 2, 2000, 'a frame delivered to no one'); // the window holds 2
      const told: string[] = [];
      store.subscribe((st) => told.push(...(st.inserted ?? []).map((r) => String((r as Row).id))));
      db.deliver({ type: 'INSERT', new: note(5), old: null });
      await waitFor(() => told.includes('n5'), 2000, `told: ${told}`);
      expect(told).to.deep.equal(['n2', 'n3', 'n4', 'n5']);
      store.stop();
    });
  });

  it('the state read later (getState(), a second subscriber) does not name the rows inserted: only the listeners of that frame are told them', async () => {
    await withKnownClock(async () => {
      const db = new Scripted();
      db.rows.set('n1', note(1));
      const store = new LiveQueryStore<Row>({ kind: 'list', source: db, resolve: async () => ({ query: unreadQuery, name: 'notes' }) });
      const heard: LiveQueryState<unknown>[] = [];
      store.subscribe((st) => heard.push(st));
      store.start();
      await waitFor(() => db.listeners.length === 1, 2000, 'subscribed');
      db.state(1);
      await waitFor(() => store.state.phase === 'live', 2000, 'live');
      db.rows.set('n2', note(2));
      db.deliver({ type: 'INSERT', new: note(2), old: null });
      await waitFor(() => heard.some((st) => st.inserted?.length), 2000, 'the insert told');
      const told = heard.find((st) => st.inserted?.length)!;
      expect(told.inserted!.map((r) => (r as Row).id)).to.deep.equal(['n2']);
      const later = store.state;
      expect(later.inserted, 'read later').to.equal(undefined);
      expect(later.data, 'the same rows').to.equal(told.data);
      expect(store.state, 'the same object until the next delivery').to.equal(later);
      store.stop();
    });
  });

  it('a row revalidation’s list read finds (it came into view without an event) is shown and counted once: the count already held it and is read again (QA64 F2)', async () => {
    const db = new Scripted();
    for (const n of [1, 2]) db.rows.set(`n${n}`, note(n));
    const store = new LiveQueryStore<Row>({ kind: 'list', source: db, resolve: async () => ({ query: { ...unreadQuery, limit: 10 }, name: 'notes' }) });
    store.start();
    await waitFor(() => db.listeners.length === 1, 2000, 'subscribed');
    db.state(1);
    await waitFor(() => store.state.phase === 'live' && store.state.unreadCount === 2, 2000, 'live with 2 unread');
    // In view now, with no event: the round's count, read first, holds it already.
    db.rows.set('n3', note(3));
    expect(store.recheck()).to.deep.equal(['n2', 'n1']);
    await waitFor(() => store.state.unreadCount === 3, 2000, 'the round’s count');
    const query = store.listed();
    expect(query, 'a live list holding rows is read whole').to.not.equal(null);
    store.reconcileList((await db.select<Row>(query!)).rows!, Date.now());
    const ids = () => (store.state.data as Row[]).map((r) => r.id);
    await waitFor(() => ids().length === 3, 2000, 'the row found shown');
    expect(ids()).to.deep.equal(['n3', 'n2', 'n1']);
    await waitFor(() => store.state.unreadCount === truth(db), 2000, () => `counted once: ${store.state.unreadCount} unread, ${truth(db)} in the table`);
    expect(store.state.phase).to.equal('live');
    store.stop();
  });

  it('a revalidation read asked for before a change Realtime then delivered does not put the row back; one asked for after it does (QA40 M2)', async () => {
    // QA40 M2: a stream bar read 20% under Live for half a minute while the database had 99%. A
    // revalidation read ran mid-burst; the burst's last changes arrived over Realtime before its
    // reply, and the reply, counted as read when it came, beat them by commit time.
    await withKnownClock(async () => {
      const db = new Scripted();
      db.rows.set('n1', note(1));
      db.rows.set('n2', note(2));
      const store = await liveCountStore(db, 2);
      const askedAt = Date.now() - 50; // the server's time when revalidation asked for the rows
      const fresh = new Map([...db.rows].map(([k, r]) => [k, { ...r }])); // what the server read then
      // Committed after the ask, delivered before the reply: n2 read; n1 deleted and inserted again.
      const n2 = { ...note(2), read: true, updated_at: at(40) };
      db.deliver({ type: 'UPDATE', new: n2, old: null, committedAt: askedAt + 5 });
      db.deliver({ type: 'DELETE', new: null, old: { id: 'n1' } as Row, committedAt: askedAt + 6 });
      const n1 = { ...note(1), read: true, updated_at: at(41) };
      db.deliver({ type: 'INSERT', new: n1, old: null, committedAt: askedAt + 7 });
      fresh.delete('n1'); // the read ran between the delete and the insert
      store.reconcile(fresh, new Set(['n1', 'n2']), askedAt);
      await frame();
      const shown = () => Object.fromEntries((store.state.data as Row[]).map((r) => [r.id, r.read]));
      expect(shown(), 'the changes Realtime delivered after the ask stand').to.deep.equal({ n1: true, n2: true });
      expect(store.state.phase).to.equal('live');
      // A held row whose last change was committed before the ask: the read's copy is newer, whatever its version says.
      const later = Date.now();
      const copy = { ...n2, read: false, updated_at: at(39) }; // a writer set updated_at back
      store.reconcile(new Map([['n1', { ...n1 }], ['n2', copy]]), new Set(['n1', 'n2']), later);
      await frame();
      expect(shown(), 'a read asked for after the last change wins').to.deep.equal({ n1: true, n2: false });
      store.stop();
    });
  });

  it('a change revalidation found and Realtime never delivered makes the channel join again; one delivered within the grace does not (QA21 F3)', async () => {
    // QA21: a table taken out of the publication left its widgets "Live" while no change arrived.
    const live = () => liveWatched();
    const revalidate = ({ db, store }: { db: Scripted; store: LiveQueryStore<Row, Row[]> }) => {
      db.rows.set('n1', { ...note(1), read: true, updated_at: at(30) });
      store.reconcile(new Map([...db.rows].map(([k, r]) => [k, { ...r }])), new Set(db.rows.keys()), Date.now());
    };
    const delivered = await live();
    const missed = await live();
    revalidate(delivered); // its grace ends first …
    revalidate(missed);
    delivered.db.deliver({ type: 'UPDATE', new: delivered.db.rows.get('n1')!, old: null });
    await waitFor(() => missed.db.rejoins.length === 1, 2000, 'the channel that never delivered the change joins again');
    expect(missed.db.rejoins).to.deep.equal(['notifications']);
    expect(delivered.db.rejoins, 'the change arrived within the grace: nothing missing').to.deep.equal([]);
    expect(missed.store.state.data.find((r) => r.id === 'n1')?.read, 'the rows read are shown meanwhile').to.equal(true);
    delivered.store.stop();
    missed.store.stop();
  });

  it('a row the list read finds that was inserted after the last read is owed by Realtime; one that slid up from below the limit when a row left is not (QA64 F1, review)', async () => {
    await withKnownClock(async () => {
      const live = (ids: number[]) => liveWatched(ids.map((n) => note(n)));
      const listRead = async ({ db, store }: { db: Scripted; store: LiveQueryStore<Row, Row[]> }) => {
        const query = store.listed();
        expect(query).to.not.equal(null);
        store.reconcileList((await db.select<Row>(query!)).rows!, Date.now());
      };
      // Slid up: n1, below the limit of 2, was changed and delivered; n3 then left the user's view.
      const slid = await live([1, 2, 3]);
      const changed = { ...note(1), read: true, updated_at: new Date().toISOString() };
      slid.db.rows.set('n1', changed);
      slid.db.deliver({ type: 'UPDATE', new: changed, old: null, committedAt: Date.now() });
      slid.db.rows.delete('n3');
      slid.store.reconcile(new Map([['n2', { ...note(2) }]]), new Set(['n3', 'n2']), Date.now());
      await listRead(slid);
      // Missed: n9 inserted now, never delivered.
      const missed = await live([1, 2]);
      const now = new Date().toISOString();
      missed.db.rows.set('n9', { id: 'n9', user_id: U, read: false, created_at: now, updated_at: now });
      await listRead(missed);
      await waitFor(() => missed.db.rejoins.length === 1, 2000, 'the channel that never delivered the insert joins again');
      expect(slid.db.rejoins, 'nothing was owed for the row that slid up').to.deep.equal([]);
      await waitFor(() => (missed.store.state.data as Row[]).some((r) => r.id === 'n9'), 2000, 'the row found shown');
      slid.store.stop();
      missed.store.stop();
    });
  });

  it('a whole read in the same channel epoch (a refill, the count’s, a refresh) that brings a row inserted since and never delivered: owed; one this list pushed out and that slid back up is not (QA65 F1)', async () => {
    await withKnownClock(async () => {
      const live = () => liveWatched();
      const fresh = (id: string, ms: number): Row => {
        const t = new Date(Date.now() + ms).toISOString();
        return { id, user_id: U, read: false, created_at: t, updated_at: t };
      };
      // Slid back up: n7, n8, n9 inserted after the read and delivered (n7 pushed out by n9), then n9
      // deleted: the list (full before) is read again and n7 comes back, not owed.
      const slid = await live();
      for (const [id, ms] of [['n7', 1], ['n8', 2], ['n9', 3]] as const) {
        const row = fresh(id, ms);
        slid.db.rows.set(id, row);
        slid.db.deliver({ type: 'INSERT', new: row, old: null, committedAt: Date.now() });
      }
      await waitFor(() => slid.store.state.data.map((r) => r.id).join() === 'n9,n8', 2000, () => `n9, n8 shown (${slid.store.state.data.map((r) => r.id)})`);
      slid.db.rows.delete('n9');
      slid.db.deliver({ type: 'DELETE', new: null, old: { id: 'n9' } as Row, committedAt: Date.now() });
      await waitFor(() => slid.store.state.data.map((r) => r.id).join() === 'n8,n7', 2000, () => `n7 slid back up (${slid.store.state.data.map((r) => r.id)})`);
      // Missed: n9 inserted, never delivered; the rows read again (refresh) in the same epoch.
      const missed = await live();
      missed.db.rows.set('n9', fresh('n9', 1));
      missed.store.refresh();
      await waitFor(() => missed.db.rejoins.length === 1, 2000, 'the channel that never delivered the insert joins again');
      // The state that names it is delivered on the next frame.
      await waitFor(() => missed.store.state.error?.detail === 'realtime-undelivered', 2000, () => `named (${missed.store.state.error?.detail})`);
      await new Promise((r) => setTimeout(r, 200)); // the span is the point: four graces of 50 ms
      expect(slid.db.rejoins, 'nothing was owed for the row that slid back up').to.deep.equal([]);
      slid.store.stop();
      missed.store.stop();
    });
  });

  it('a list in another order (by key, oldest first) holds Realtime to a row inserted since its read by the row’s version; a row that came into view unchanged is not owed', async () => {
    await withKnownClock(async () => {
      const byKey: SnapshotQuery = { ...unreadQuery, order: { column: 'id', ascending: true } };
      const now = (id: string): Row => {
        const t = new Date(Date.now() - 2).toISOString();
        return { id, user_id: U, read: false, created_at: t, updated_at: t };
      };
      const live = async () => {
        const watched = await liveWatched([note(1), note(2)], byKey);
        await new Promise((r) => setTimeout(r, 30)); // the span is the point: rows written after the read, by the clock
        return watched;
      };
      // Missed: n0 (first by key) inserted, never delivered; found by a refresh and by a round's list read.
      const missed = await live();
      missed.db.rows.set('n0', now('n0'));
      missed.store.refresh();
      const round = await live();
      round.db.rows.set('n0', now('n0'));
      const query = round.store.listed();
      round.store.reconcileList((await round.db.select<Row>(query!)).rows!, Date.now());
      // Came into view unchanged (a policy widened): its version is from before the read.
      const widened = await live();
      widened.db.rows.set('n0', note(0));
      widened.store.refresh();
      for (const [name, x] of [['refresh', missed], ['round', round]] as const) {
        await waitFor(() => x.db.rejoins.length === 1, 2000, `${name}: the channel that never delivered the insert joins again`);
        await waitFor(() => x.store.state.error?.detail === 'realtime-undelivered', 2000, () => `${name}: named (${x.store.state.error?.detail})`);
        expect(x.store.state.data.map((r) => r.id)).to.deep.equal(['n0', 'n1']);
      }
      await waitFor(() => widened.store.state.data[0]?.id === 'n0', 2000, 'the row that came into view shown');
      await new Promise((r) => setTimeout(r, 200)); // the span is the point: four graces of 50 ms
      expect(widened.db.rejoins, 'nothing owed for a row that came into view unchanged').to.deep.equal([]);
      expect(widened.store.state.phase).to.equal('live');
      for (const x of [missed, round, widened]) x.store.stop();
    });
  });

  it('a read that also brings a row from before the last read (the user’s view widened: a membership granted) owes nothing, in a refresh or a round (QA66 F1)', async () => {
    await withKnownClock(async () => {
      const fresh = (): Row => {
        const t = new Date(Date.now() - 2).toISOString();
        return { id: 'n9', user_id: U, read: false, created_at: t, updated_at: t };
      };
      const live = async () => {
        const watched = await liveWatched([note(1), note(2)]);
        await new Promise((r) => setTimeout(r, 30)); // the span is the point: rows written after the read, by the clock
        // n3, from before the read, sorts within it: it was hidden from the user then; n9 was written since.
        watched.db.rows.set('n3', note(3));
        watched.db.rows.set('n9', fresh());
        return watched;
      };
      const refreshed = await live();
      refreshed.store.refresh();
      const round = await live();
      round.store.reconcileList((await round.db.select<Row>(round.store.listed()!)).rows!, Date.now());
      for (const x of [refreshed, round]) await waitFor(() => x.store.state.data.map((r) => r.id).join() === 'n9,n3', 2000, () => `both shown (${x.store.state.data.map((r) => r.id)})`);
      await new Promise((r) => setTimeout(r, 200)); // the span is the point: four graces of 50 ms
      for (const x of [refreshed, round]) {
        expect(x.db.rejoins, 'nothing owed').to.deep.equal([]);
        expect(x.store.state.phase).to.equal('live');
        x.store.stop();
      }
    });
  });

  it('review of QA66 F1: a row from before the read is evidence of a widened view only when the clock is known, well before the read (its version too: QA67 F1), and within the limit; held rows found newer stay owed; a list without an order is read', async () => {
    const fresh = (id: string, ms = -2, extra: Partial<Row> = {}): Row => {
      const t = new Date(Date.now() + ms).toISOString();
      return { id, user_id: U, read: false, created_at: t, updated_at: t, ...extra };
    };
    const settle = () => new Promise((r) => setTimeout(r, 30)); // the span is the point: rows written after the read, by the clock
    // No clock (an anon key, another issuer's token, no commit seen yet): a held row updated and a
    // row inserted, neither delivered; the refresh still owes the held row's change.
    resetServerClock();
    const clockless = await liveWatched([note(1), note(2)]);
    clockless.db.rows.set('n2', { ...note(2), read: true, updated_at: new Date(Date.now() - 2).toISOString() });
    clockless.db.rows.set('n9', fresh('n9'));
    clockless.store.refresh();
    await waitFor(() => clockless.db.rejoins.length === 1, 2000, 'no clock: the held row found newer is still owed');
    clockless.store.stop();
    await withKnownClock(async () => {
      // In flight: n8, committed a second before the read landed (the read was asked before it),
      // is no evidence of a widened view; n9, inserted since, is owed.
      const inFlight = await liveWatched([note(1), note(2)]);
      await settle();
      inFlight.db.rows.set('n8', fresh('n8', -1000));
      inFlight.db.rows.set('n9', fresh('n9'));
      inFlight.store.refresh();
      // Pinned: n3, n4 held (limit 2), n2 below them, p0 running and held beyond the limit. n3 and n4
      // deleted, n9 inserted, none delivered: n2 slides up from below the limit, above p0; no evidence.
      const pinnedQuery: SnapshotQuery = { ...unreadQuery, pinned: { column: 'status', values: ['running'] } };
      const p0 = { ...note(0), status: 'running' } as Row;
      const pinned = await liveWatched([p0, note(2), note(3), note(4)], pinnedQuery);
      await settle();
      pinned.db.rows.delete('n3');
      pinned.db.rows.delete('n4');
      pinned.db.rows.set('n9', fresh('n9'));
      pinned.store.refresh();
      // Moved in: n3 from before the read, reassigned to the user by an UPDATE since (its version
      // new), with n9 inserted; neither delivered. Not a widened view: n9 is owed (QA67 F1).
      const moved = await liveWatched([note(1), note(2)]);
      await settle();
      moved.db.rows.set('n3', { ...note(3), updated_at: new Date(Date.now() - 2).toISOString() });
      moved.db.rows.set('n9', fresh('n9'));
      moved.store.refresh();
      for (const [name, x] of [['in flight', inFlight], ['pinned', pinned], ['moved in', moved]] as const) {
        await waitFor(() => x.db.rejoins.length === 1, 2000, `${name}: the channel that never delivered n9 joins again`);
        x.store.stop();
      }
      // No order, bounded: read and shown, no error.
      const unordered: SnapshotQuery = { ...unreadQuery, order: undefined };
      const plain = await liveWatched([note(1), note(2)], unordered);
      plain.db.rows.set('n9', fresh('n9'));
      plain.store.refresh();
      await waitFor(() => plain.store.state.data.some((r) => r.id === 'n9'), 2000, () => `shown (${plain.store.state.error?.message ?? plain.store.state.phase})`);
      expect(plain.store.state.error).to.equal(null);
      plain.store.stop();
    });
  });

  it('a round that finds a held row gone from a full list and a new row: the refill it starts judges the new row, which Realtime owes (QA67 F2)', async () => {
    await withKnownClock(async () => {
      const { db, store } = await liveWatched([note(1), note(2)]);
      await new Promise((r) => setTimeout(r, 30)); // the span is the point: a row written after the read, by the clock
      // n2 deleted and n9 inserted, neither delivered (a subscription the server lost).
      db.rows.delete('n2');
      const t = new Date(Date.now() - 2).toISOString();
      db.rows.set('n9', { id: 'n9', user_id: U, read: false, created_at: t, updated_at: t });
      // The round: held rows by key (n2 gone: the full list is refilled), then the list read.
      store.reconcile(new Map([['n1', note(1)]]), new Set(['n1', 'n2']), Date.now());
      store.reconcileList((await db.select<Row>(store.listed()!)).rows!, Date.now());
      await waitFor(() => db.rejoins.length === 1, 3000, () => `the channel that never delivered n9 joins again (${store.state.data.map((r) => r.id)})`);
      store.stop();
    });
  });

  it('a whole read owes nothing Realtime sent but could not fold (a rounded bigint, "Error 413", a hand-over), nor a row from below a full read’s limit; a held row’s newer version it never sent is owed (review of QA65 F1)', async () => {
    await withKnownClock(async () => {
      const live = async (rows: Row[]) => {
        const watched = await liveWatched(rows);
        await new Promise((r) => setTimeout(r, 30)); // the span is the point: rows written after the read, by the clock
        return watched;
      };
      const stamped = (id: string, ms: number, extra: Partial<Row> = {}): Row => {
        const t = new Date(Date.now() + ms).toISOString();
        return { id, user_id: U, read: false, created_at: t, updated_at: t, ...extra };
      };
      const reads = (db: Scripted) => db.selects;
      // A rounded bigint: the change is refused and the rows read again; the row it was is not owed.
      const big = await live([note(1), note(2)]);
      const bigRow = stamped('n9', -2, { qty: 2 ** 53 + 2 } as Partial<Row>);
      big.db.rows.set('n9', { ...bigRow, qty: '9007199254740994' } as Row);
      big.db.deliver({ type: 'INSERT', new: bigRow, old: null, committedAt: Date.now() });
      await waitFor(() => big.store.state.data.some((r) => r.id === 'n9'), 2000, 'the row read over REST');
      // "Error 413" or a hand-over: the channel asks for a quiet re-read.
      const quiet = await live([note(1), note(2)]);
      quiet.db.rows.set('n9', stamped('n9', -2));
      const before = reads(quiet.db);
      for (const l of quiet.db.listeners) l.onState({ status: 'connected', ready: true, epoch: 1, error: null, reread: 1 });
      await waitFor(() => quiet.store.state.data.some((r) => r.id === 'n9') && reads(quiet.db) > before, 2000, 'the quiet re-read');
      // From below the limit: three rows ahead of the server's clock (a due date, a fast writer); the top one deleted.
      const ahead = await live([stamped('f1', 3_600_000), stamped('f2', 7_200_000), stamped('f3', 10_800_000)]);
      ahead.db.rows.delete('f3');
      ahead.db.deliver({ type: 'DELETE', new: null, old: { id: 'f3' } as Row, committedAt: Date.now() });
      await waitFor(() => ahead.store.state.data.map((r) => r.id).join() === 'f2,f1', 2000, () => `f1 slid up (${ahead.store.state.data.map((r) => r.id)})`);
      // A held row updated and never delivered; the rows read again (refresh) in the same epoch.
      const updated = await live([note(1), note(2)]);
      updated.db.rows.set('n2', { ...note(2), read: true, updated_at: new Date(Date.now() - 2).toISOString() });
      updated.store.refresh();
      await waitFor(() => updated.db.rejoins.length === 1, 2000, 'the channel that never delivered the update joins again');
      await new Promise((r) => setTimeout(r, 200)); // the span is the point: four graces of 50 ms
      expect(big.db.rejoins, 'bigint').to.deep.equal([]);
      expect(quiet.db.rejoins, 'quiet re-read').to.deep.equal([]);
      expect(ahead.db.rejoins, 'from below the limit').to.deep.equal([]);
      for (const x of [big, quiet, ahead]) expect(x.store.state.phase).to.equal('live');
      for (const x of [big, quiet, ahead, updated]) x.store.stop();
    });
  });

  it('a change never delivered is named until Realtime delivers again, or a round after a rejoin owes nothing; revalidation goes on meanwhile (QA23 F5, QA25)', async () => {
    // QA23: stalled replication (the channel joins fine, no change comes) read "Live" over rows
    // only revalidation kept fresh, between rejoins.
    const db = new Scripted();
    for (const n of [1, 2]) db.rows.set(`n${n}`, note(n));
    const store = new LiveQueryStore<Row, Row[]>({ kind: 'list', source: db, deliveryGraceMs: 50, resolve: async () => ({ query: unreadQuery, name: 'notes' }) });
    store.start();
    await waitFor(() => db.listeners.length === 1, 2000, 'subscribed');
    db.state(1);
    await waitFor(() => store.state.phase === 'live', 2000, 'live');
    const round = (id: string, updated: string) => {
      db.rows.set(id, { ...db.rows.get(id)!, read: true, updated_at: updated });
      expect(store.checked, 'revalidation reads its rows').to.equal(true);
      store.reconcile(new Map([...db.rows].map(([k, r]) => [k, { ...r }])), new Set(db.rows.keys()), Date.now());
    };
    round('n1', at(30));
    await waitFor(() => db.rejoins.length === 1, 2000, 'joins again');
    await frame();
    expect(store.state.phase).to.equal('stale');
    expect(store.state.error?.detail).to.equal('realtime-undelivered');
    expect(store.state.error?.message).to.contain('"notifications"');
    // The channel joined again and the snapshot was re-read: still not live (nothing came yet).
    const selects = db.selects;
    db.state(2);
    await waitFor(() => db.selects > selects, 2000, 're-read after the rejoin');
    await frame();
    await frame();
    expect([store.state.phase, store.state.error?.detail]).to.deep.equal(['stale', 'realtime-undelivered']);
    // Still stalled: the next round reads the change and asks to join again.
    round('n2', at(31));
    await frame();
    expect(store.state.data.find((r) => r.id === 'n2')?.read, 'read over REST').to.equal(true);
    await waitFor(() => db.rejoins.length === 2, 2000, 'joins again');
    // Realtime delivers again: live.
    db.deliver({ type: 'UPDATE', new: db.rows.get('n2')!, old: null });
    await waitFor(() => store.state.phase === 'live' && store.state.error === null, 2000, 'live again');
    // Missed again; joined again, and a round then owes nothing (a quiet table): live (QA25).
    round('n1', at(32));
    await waitFor(() => db.rejoins.length === 3 && store.state.phase === 'stale', 2000, 'named again');
    const before = db.selects;
    db.state(3);
    await waitFor(() => db.selects > before, 2000, 're-read after the rejoin');
    await frame();
    expect(store.state.error?.detail, 'the rejoin alone proves nothing').to.equal('realtime-undelivered');
    store.reconcile(new Map([...db.rows].map(([k, r]) => [k, { ...r }])), new Set(db.rows.keys()), Date.now());
    await waitFor(() => store.state.phase === 'live' && store.state.error === null, 2000, 'live after a round that owes nothing');
    // Missed again with no change delivered since: a quiet round after the rejoin no longer clears
    // it (QA30 1: writes sparser than rounds alternated Stale / Live over a stalled table).
    const missAgain = async (t: number, joinsBefore: number, epoch: number) => {
      round('n2', at(t));
      await waitFor(() => db.rejoins.length === joinsBefore + 1 && store.state.phase === 'stale', 2000, 'named again');
      const reads = db.selects;
      db.state(epoch);
      await waitFor(() => db.selects > reads, 2000, 're-read after the rejoin');
      await frame();
      store.reconcile(new Map([...db.rows].map(([k, r]) => [k, { ...r }])), new Set(db.rows.keys()), Date.now());
      await frame();
    };
    await missAgain(33, 3, 4);
    expect(store.state.error?.message).to.contain('until a change arrives over Realtime');
    for (let n = 0; n < 3; n++) store.reconcile(new Map([...db.rows].map(([k, r]) => [k, { ...r }])), new Set(db.rows.keys()), Date.now());
    await frame();
    expect([store.state.phase, store.state.error?.detail], 'quiet rounds prove nothing the second time').to.deep.equal(['stale', 'realtime-undelivered']);
    // A delivered change ends it; the next miss is again cleared by a quiet round.
    db.deliver({ type: 'UPDATE', new: db.rows.get('n1')!, old: null });
    await waitFor(() => store.state.phase === 'live' && store.state.error === null, 2000, 'live when a change is delivered');
    await missAgain(34, 4, 5);
    await waitFor(() => store.state.phase === 'live' && store.state.error === null, 2000, 'a quiet round clears a miss after a delivery');
    store.stop();
  });

  it('a change never delivered holds every query on its table off Live, also one started later and after the finder left; a change delivered to the table, or a round after a rejoin owing nothing, ends it (QA29 M2, QA30 4)', async () => {
    // QA29: a feed on a table whose changes stopped arriving said so; another feed on the same
    // table (another filter, another widget) stayed "Live" until its own rows changed.
    const db = new Scripted();
    for (const n of [1, 2]) db.rows.set(`n${n}`, note(n));
    const lag = new RealtimeLag();
    const start = async () => {
      const store = new LiveQueryStore<Row, Row[]>({ kind: 'list', source: db, lag, deliveryGraceMs: 50, resolve: async () => ({ query: unreadQuery, name: 'notes' }) });
      store.start();
      await waitFor(() => db.listeners.length === stores.length + 1, 2000, 'subscribed');
      stores.push(store);
      return store;
    };
    const stores: LiveQueryStore<Row, Row[]>[] = [];
    const finder = await start();
    const other = await start();
    db.state(1);
    await waitFor(() => stores.every((s) => s.state.phase === 'live'), 2000, 'both live');
    const undelivered = (s: LiveQueryStore<Row, Row[]>) => s.state.phase === 'stale' && s.state.error?.detail === 'realtime-undelivered';
    db.rows.set('n1', { ...db.rows.get('n1')!, read: true, updated_at: at(30) });
    finder.reconcile(new Map([...db.rows].map(([k, r]) => [k, { ...r }])), new Set(db.rows.keys()), Date.now());
    await waitFor(() => undelivered(finder), 2000, 'the finder names the cause');
    await waitFor(() => undelivered(other), 2000, 'the other query on the table is not live either');
    expect(other.state.error, 'the same cause').to.equal(finder.state.error);
    expect(other.checked, 'revalidation keeps reading its rows').to.equal(true);
    // A query started on the table now reads its rows, and is not live either.
    const later = await start();
    db.listeners[2]!.onState({ status: 'connected', ready: true, epoch: 1, error: null });
    await waitFor(() => later.state.phase !== 'loading' && later.state.data.length === 2, 2000, 'the later query read');
    await frame();
    expect(undelivered(later), `a later query (${later.state.phase})`).to.equal(true);
    // A change delivered to one query on the table: Realtime delivers to it again, for all.
    db.listeners[1]!.onChange({ type: 'UPDATE', new: { ...db.rows.get('n2')!, updated_at: at(31) }, old: null });
    await waitFor(() => stores.every((s) => s.state.phase === 'live' && s.state.error === null), 2000, 'all live again');
    // Found again, then the finder leaves: its evidence stays with the others (QA30 4: closing the
    // widget that found it put them back on "Live") …
    db.rows.set('n1', { ...db.rows.get('n1')!, updated_at: at(32) });
    finder.reconcile(new Map([...db.rows].map(([k, r]) => [k, { ...r }])), new Set(db.rows.keys()), Date.now());
    await waitFor(() => undelivered(finder) && undelivered(other) && undelivered(later), 2000, 'named again, for all');
    finder.stop();
    await frame();
    await frame();
    expect([undelivered(other), undelivered(later)], 'still not live once the finder left').to.deep.equal([true, true]);
    // … and a query started now takes it too.
    const last = await start();
    db.listeners[3]!.onState({ status: 'connected', ready: true, epoch: 1, error: null });
    await waitFor(() => last.state.phase !== 'loading' && last.state.data.length === 2, 2000, 'the last query read');
    await frame();
    expect(undelivered(last), `a query started after the finder left (${last.state.phase})`).to.equal(true);
    // The channel joins again (the finder asked for it), and one of them finds nothing owed: Live, for all.
    for (const l of db.listeners.slice(1)) l.onState({ status: 'connected', ready: true, epoch: 2, error: null });
    await waitFor(() => other.state.data.find((r) => r.id === 'n1')?.updated_at === at(32), 2000, 'the rejoin re-read');
    other.reconcile(new Map([...db.rows].map(([k, r]) => [k, { ...r }])), new Set(db.rows.keys()), Date.now());
    await waitFor(() => [other, later, last].every((s) => s.state.phase === 'live' && s.state.error === null), 2000, () => `live after a round owing nothing (${[other, later, last].map((s) => `${s.state.phase}:${s.state.error?.detail}`)})`);
    expect(lag.undelivered.size).to.equal(0);
    for (const s of stores) s.stop();
    lag.dispose();
  });

  it('each revalidation round\'s changes have their own grace; a change set back in time is owed nothing (QA23)', async () => {
    const db = new Scripted();
    for (const n of [1, 2, 3]) db.rows.set(`n${n}`, note(n));
    const store = new LiveQueryStore<Row, Row[]>({ kind: 'list', source: db, deliveryGraceMs: 1000, resolve: async () => ({ query: { ...unreadQuery, limit: 3 }, name: 'notes' }) });
    store.start();
    await waitFor(() => db.listeners.length === 1, 2000, 'subscribed');
    db.state(1);
    await waitFor(() => store.state.phase === 'live' && store.state.data.length === 3, 2000, 'live');
    const round = (id: string, updated: string) => {
      db.rows.set(id, { ...db.rows.get(id)!, read: true, updated_at: updated });
      store.reconcile(new Map([...db.rows].map(([k, r]) => [k, { ...r }])), new Set(db.rows.keys()), Date.now());
    };
    const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
    round('n1', at(30)); // round 1: delivered at once
    db.deliver({ type: 'UPDATE', new: db.rows.get('n1')!, old: null });
    round('n3', at(0)); // set back in time: never owed (its delivery, if any, the version guard refuses)
    await pause(500);
    round('n2', at(31)); // round 2, half a grace later: delivered after round 1's grace is over, within its own
    round('n1', at(32)); // … and n1, newer again since its delivery: round 2's to wait for, not round 1's
    await pause(700);
    db.deliver({ type: 'UPDATE', new: db.rows.get('n2')!, old: null });
    db.deliver({ type: 'UPDATE', new: db.rows.get('n1')!, old: null });
    // A store whose change never comes, found now: its rejoin comes after every grace above is over.
    const control = new Scripted();
    control.rows.set('n1', note(1));
    const other = new LiveQueryStore<Row, Row[]>({ kind: 'list', source: control, deliveryGraceMs: 1000, resolve: async () => ({ query: unreadQuery, name: 'notes' }) });
    other.start();
    await waitFor(() => control.listeners.length === 1, 2000, 'subscribed');
    control.state(1);
    await waitFor(() => other.state.phase === 'live', 2000, 'live');
    control.rows.set('n1', { ...note(1), read: true, updated_at: at(40) });
    other.reconcile(new Map([...control.rows].map(([k, r]) => [k, { ...r }])), new Set(control.rows.keys()), Date.now());
    await waitFor(() => control.rejoins.length === 1, 5000, 'the control store rejoins');
    expect(db.rejoins, 'nothing was missed').to.deep.equal([]);
    store.stop();
    other.stop();
  });

  it('an UPDATE of a row outside the window, committed before a resync read and delivered after it, is not counted twice', async () => {
    const db = new Scripted();
    for (const n of [1, 2, 3, 4]) db.rows.set(`n${n}`, note(n));
    const store = await liveCountStore(db); // holds n4, n3; n1, n2 are outside
    // n1 is marked read (committed) …
    const old = db.rows.get('n1')!;
    db.rows.set('n1', { ...old, read: true, updated_at: at(50) });
    // … the channel rejoins and the store re-reads: rows and count include the update …
    const selects = db.selects;
    db.state(2);
    await waitFor(() => db.selects === selects + 1 && store.state.unreadCount === 3, 2000, 'resync read');
    const counts = db.counts;
    // … and only then is the change delivered.
    db.deliver({ type: 'UPDATE', new: db.rows.get('n1')!, old });
    await frame();
    await waitFor(() => store.state.unreadCount === truth(db) && db.counts > counts, 3000, `count ${truth(db)} (shows ${store.state.unreadCount})`);
    store.stop();
  });

  it('a change record without a column the row holds (renamed, or an unchanged TOAST value) is not trusted: the row is read again', async () => {
    const db = new Scripted();
    for (const n of [1, 2]) db.rows.set(`n${n}`, { ...note(n), title: `title ${n}` } as Row);
    const store = await liveCountStore(db, 2);
    // The database now has another title; the change record leaves the column out (REPLICA
    // IDENTITY DEFAULT with an unchanged TOASTed value; or the column was renamed).
    db.rows.set('n2', { ...db.rows.get('n2')!, title: 'the true title', updated_at: at(40) } as Row);
    const { title: _left, ...partial } = db.rows.get('n2')! as Row & { title: string };
    const selects = db.selects;
    db.deliver({ type: 'UPDATE', new: partial as Row, old: null });
    await waitFor(() => db.selects > selects, 3000, 'the snapshot read again');
    await waitFor(() => (store.state.data as Array<Row & { title?: string }> | null)?.some((r) => r.title === 'the true title'), 3000, 'the true title');
    store.stop();
  });

  it('a new row without a column the held rows have (the column renamed or dropped) is not trusted: the list is read again (QA21 F5)', async () => {
    const db = new Scripted();
    for (const n of [1, 2]) db.rows.set(`n${n}`, { ...note(n), title: `title ${n}` } as Row);
    const store = await liveCountStore(db, 2);
    // `title` was renamed: the INSERT's record has no `title` ("Untitled" under Live until a re-read).
    const { title: _gone, ...fresh } = { ...note(3), title: 'x' } as Row & { title: string };
    db.rows.set('n3', fresh as Row);
    const selects = db.selects;
    db.deliver({ type: 'INSERT', new: fresh as Row, old: null });
    await waitFor(() => db.selects > selects, 3000, 'the snapshot read again');
    // A complete new row is taken as it is (no read).
    const has = (id: string) => (store.state.data as Row[] | null)?.some((r) => r.id === id);
    await waitFor(() => has('n3'), 3000, 'n3 shown');
    const after = db.selects;
    db.rows.set('n4', { ...note(4), title: 'title 4' } as Row);
    db.deliver({ type: 'INSERT', new: db.rows.get('n4')!, old: null });
    await waitFor(() => has('n4'), 3000, 'n4 shown');
    expect(db.selects).to.equal(after);
    store.stop();
  });

  it('a held row moved to the end of a full window by its sort value: the window is read again (a row not held may belong before it)', async () => {
    const db = new Scripted();
    for (const n of [1, 2, 3, 4]) db.rows.set(`n${n}`, note(n));
    const store = await liveCountStore(db); // holds n4, n3 (limit 2, newest first)
    // n4 is re-dated before every other row: the newest two are now n3, n2.
    db.rows.set('n4', { ...db.rows.get('n4')!, created_at: at(0), updated_at: at(45) });
    db.deliver({ type: 'UPDATE', new: db.rows.get('n4')!, old: null });
    const ids = () => ((store.state.data as Row[] | null) ?? []).map((r) => r.id).join(',');
    await waitFor(() => ids() === 'n3,n2', 3000, `the newest two (shows ${ids()})`);
    store.stop();
  });

  it('a re-check that counts more unread rows than any change announced reads the list again (a missed INSERT is shown, not only counted)', async () => {
    const db = new Scripted();
    for (const n of [1, 2, 3]) db.rows.set(`n${n}`, note(n));
    const store = await liveCountStore(db, 3); // holds n3, n2
    // n4 is inserted and no change is delivered (the table left the publication; a lost message).
    db.rows.set('n4', note(4));
    const selects = db.selects;
    store.recheck();
    const ids = () => ((store.state.data as Row[] | null) ?? []).map((r) => r.id).join(',');
    await waitFor(() => db.selects > selects && ids() === 'n4,n3', 3000, `the newest two read again (shows ${ids()})`);
    await waitFor(() => store.state.unreadCount === 4, 2000, `count 4 (shows ${store.state.unreadCount})`);
    store.stop();
  });

  it('a re-read cancelled by a resync does not keep the next late change from being confirmed', async () => {
    const db = new Scripted();
    for (const n of [1, 2, 3, 4, 5]) db.rows.set(`n${n}`, note(n));
    const store = await liveCountStore(db, 5); // holds n5, n4
    // n2 is marked read and delivered in order: adjusted at once, a confirming re-read pending …
    const old2 = db.rows.get('n2')!;
    db.rows.set('n2', { ...old2, read: true, updated_at: at(40) });
    db.deliver({ type: 'UPDATE', new: db.rows.get('n2')!, old: old2 });
    // … n1 is marked read (not yet delivered) and the channel rejoins before that re-read ran.
    const old1 = db.rows.get('n1')!;
    db.rows.set('n1', { ...old1, read: true, updated_at: at(50) });
    const selects = db.selects;
    db.state(2);
    await waitFor(() => db.selects === selects + 1 && store.state.unreadCount === 3, 2000, 'resync read');
    const counts = db.counts;
    db.deliver({ type: 'UPDATE', new: db.rows.get('n1')!, old: old1 }); // late: already in the count
    await frame();
    await waitFor(() => store.state.unreadCount === truth(db) && db.counts > counts, 3000, `count ${truth(db)} (shows ${store.state.unreadCount})`);
    store.stop();
  });

  it('a change to a held row, committed before a count re-read and delivered after it landed, is not counted twice', async () => {
    const db = new Scripted();
    for (const n of [1, 2, 3, 4]) db.rows.set(`n${n}`, note(n));
    const store = await liveCountStore(db); // holds n4, n3
    const counts = db.counts;
    // n1 (outside) is marked read, delivered in order: adjusted at once, a confirming re-read due.
    const old1 = db.rows.get('n1')!;
    db.rows.set('n1', { ...old1, read: true, updated_at: at(50) });
    db.deliver({ type: 'UPDATE', new: db.rows.get('n1')!, old: old1 });
    // n4 (held) is marked read before that re-read runs, and delivered only after it landed.
    const old4 = db.rows.get('n4')!;
    db.rows.set('n4', { ...old4, read: true, updated_at: at(51) });
    await waitFor(() => db.counts === counts + 1 && store.state.unreadCount === 2, 3000, 're-read landed');
    db.deliver({ type: 'UPDATE', new: db.rows.get('n4')!, old: old4 });
    await frame();
    await waitFor(() => store.state.unreadCount === truth(db) && db.counts > counts + 1, 3000, `count ${truth(db)} (shows ${store.state.unreadCount})`);
    store.stop();
  });

  it('an INSERT committed between the snapshot rows and the count, delivered after both, is not counted twice', async () => {
    const db = new Scripted();
    for (const n of [1, 2, 3, 4]) db.rows.set(`n${n}`, note(n));
    const store = await liveCountStore(db);
    db.holdCounts();
    const selects = db.selects;
    const counts = db.counts;
    db.state(2); // resync: the rows are read now, the count when the test releases it
    await waitFor(() => db.selects === selects + 1 && db.counts === counts + 1, 2000, 'resync reads started');
    const n5 = note(5);
    db.rows.set('n5', n5); // committed after the rows were read, before the count
    db.releaseCounts();
    await waitFor(() => store.state.unreadCount === 5, 2000, 'resync landed');
    db.deliver({ type: 'INSERT', new: n5, old: null }); // n5 enters the window, n3 (unread) leaves it
    await frame();
    await waitFor(() => store.state.unreadCount === truth(db) && db.counts > counts + 1, 3000, `count ${truth(db)} (shows ${store.state.unreadCount})`);
    store.stop();
  });

  it('a burst committed at once and delivered over time is counted once: never above the table while the stream catches up', async () => {
    await withKnownClock(async () => {
      const db = new Scripted();
      for (const n of [1, 2, 3, 4]) db.rows.set(`n${n}`, note(n));
      const store = await liveCountStore(db); // holds n4, n3
      // Ten unread rows committed by one statement; the change stream delivers them one by one.
      const committedAt = Date.now() - 5;
      const burst = Array.from({ length: 10 }, (_, i) => note(10 + i));
      for (const row of burst) db.rows.set(row.id as string, row);
      db.deliver({ type: 'INSERT', new: burst[0]!, old: null, committedAt });
      // The first change is adjusted and confirmed: the re-read counts the whole burst.
      await waitFor(() => store.state.unreadCount === truth(db), 3000, `count ${truth(db)} (shows ${store.state.unreadCount})`);
      let most = 0;
      for (const row of burst.slice(1)) {
        db.deliver({ type: 'INSERT', new: row, old: null, committedAt });
        await frame();
        most = Math.max(most, store.state.unreadCount ?? 0);
      }
      expect(most, 'the count while the stream caught up').to.be.at.most(truth(db));
      expect(store.state.unreadCount).to.equal(truth(db));
      store.stop();
    });
  });

  it('a burst of "read" flips (Mark all as read in another tab) delivered over time never takes the count below the table', async () => {
    await withKnownClock(async () => {
      const db = new Scripted();
      for (let n = 1; n <= 22; n++) db.rows.set(`n${n}`, note(n));
      const store = await liveCountStore(db, 22); // holds n22, n21; twenty unread outside
      // Another tab marks n1 … n10 read in one statement; the stream delivers them one by one.
      const committedAt = Date.now() - 5;
      const olds = Array.from({ length: 10 }, (_, i) => db.rows.get(`n${i + 1}`)!);
      for (const old of olds) db.rows.set(old.id as string, { ...old, read: true, updated_at: at(50) });
      db.deliver({ type: 'UPDATE', new: db.rows.get('n1')!, old: olds[0]!, committedAt });
      await waitFor(() => store.state.unreadCount === truth(db), 3000, `count ${truth(db)} (shows ${store.state.unreadCount})`);
      let least = Infinity;
      for (const old of olds.slice(1)) {
        db.deliver({ type: 'UPDATE', new: db.rows.get(old.id as string)!, old, committedAt });
        await frame();
        least = Math.min(least, store.state.unreadCount ?? 0);
      }
      expect(least, 'the count while the stream caught up').to.equal(truth(db));
      store.stop();
    });
  });

  it('a change delivered long after its commit (Realtime behind the database): stale with that cause, rows read again; live once changes are on time', async () => {
    await withKnownClock(async () => {
      const db = new Scripted();
      for (const n of [1, 2]) db.rows.set(`n${n}`, note(n));
      const store = await liveCountStore(db, 2);
      const selects = db.selects;
      const n3 = note(3);
      db.rows.set('n3', n3);
      db.deliver({ type: 'INSERT', new: n3, old: null, committedAt: Date.now() - 8000 });
      await waitFor(() => store.state.phase === 'stale', 2000, `stale (is ${store.state.phase})`);
      expect(store.state.error?.detail).to.equal('arriving-late');
      expect(viewStateOf({ phase: store.state.phase, error: store.state.error, hasData: false })).to.equal('empty'); // not an error box
      await waitFor(() => db.selects > selects, 3000, 'the rows read again');
      // Still late: stays stale (the re-read does not make it live).
      await frame();
      expect(store.state.phase).to.equal('stale');
      // A change on time: caught up.
      const n4 = note(4);
      db.rows.set('n4', n4);
      db.deliver({ type: 'INSERT', new: n4, old: null, committedAt: Date.now() - 100 });
      await waitFor(() => store.state.phase === 'live' && store.state.error === null, 2000, `live again (is ${store.state.phase})`);
      store.stop();
    });
  });

  it('while Realtime runs behind and no further change comes, the rows are still read again (every LATE_HOLD_MS): "read again meanwhile" holds for the whole hold', async function () {
    this.timeout(30_000);
    await withKnownClock(async () => {
      const db = new Scripted();
      for (const n of [1, 2]) db.rows.set(`n${n}`, note(n));
      const store = await liveCountStore(db, 2);
      const n3 = note(3);
      db.rows.set('n3', n3);
      // 9 s late: held behind for 18 s (twice the lateness) without a change on time.
      db.deliver({ type: 'INSERT', new: n3, old: null, committedAt: Date.now() - 9000 });
      await waitFor(() => store.state.error?.detail === 'arriving-late', 2000, `late (is ${store.state.phase})`);
      const first = db.selects;
      await waitFor(() => db.selects > first, 3000, 'the rows read again at once');
      // The database changes; Realtime says nothing more (still behind).
      db.rows.set('n4', note(4));
      const quiet = db.selects;
      await waitFor(() => db.selects > quiet && (store.state.data as Row[] | null)?.some((r) => r.id === 'n4'), 15_000, 'read again with no late change coming');
      expect(store.state.phase, 'still behind: not Live').to.equal('stale');
      store.stop();
    });
  });

  /** realtime-js as far as the registry uses it; the test plays the server. */
  class FakeChannel implements RealtimeChannelLike {
    handlers: Array<{ type: string; cb: (payload: any) => void }> = [];
    status?: (status: string, err?: Error) => void;
    constructor(readonly topic: string) {}
    on(type: string, _filter: Record<string, unknown>, cb: (payload: any) => void): this {
      this.handlers.push({ type, cb });
      return this;
    }
    subscribe(cb?: (status: string, err?: Error) => void): this {
      this.status = cb;
      return this;
    }
    async unsubscribe(): Promise<unknown> {
      return 'ok';
    }
    /** The join reply, then "Subscribed to PostgreSQL". */
    confirm(): void {
      this.status?.('SUBSCRIBED');
      this.emit('system', { extension: 'postgres_changes', status: 'ok', message: 'Subscribed to PostgreSQL' });
    }
    emit(type: string, payload: unknown): void {
      for (const h of this.handlers) if (h.type === type) h.cb(payload);
    }
  }
  class FakeRealtime implements RealtimeClientLike {
    channels: FakeChannel[] = [];
    channel(topic: string): FakeChannel {
      const c = new FakeChannel(`realtime:${topic}`);
      this.channels.push(c);
      return c;
    }
    async removeChannel(c: FakeChannel): Promise<unknown> {
      this.channels = this.channels.filter((x) => x !== c);
      return 'ok';
    }
    getChannels(): FakeChannel[] {
      return this.channels;
    }
    connect(): void {}
    async disconnect(): Promise<unknown> {
      return 'ok';
    }
    isConnected(): boolean {
      return true;
    }
    async setAuth(): Promise<void> {}
  }

  it('a change the server matched to the replaced channel, pushed after the re-pack took over, is not lost (and the store stays live)', async () => {
    const realtime = new FakeRealtime();
    const registry = new ChannelRegistry(realtime, {
      changed() {},
      refreshToken: async () => true,
      socketOpen: () => true,
      linkHealthy: () => true,
      authReady: async () => undefined,
      sessionFailed: () => null,
      renewable: () => true,
    });
    const db = new Map<string, Row>();
    const source: LiveSource = {
      subscribe: (spec, listener) => registry.subscribe(spec, listener),
      select: async <R,>(query: SnapshotQuery) => ({
        rows: [...db.values()].filter((r) => query.eq.every(([c, v]) => String(r[c]) === v)).map((r) => ({ ...r })) as unknown as R[],
        error: null,
      }),
    };
    const agents = (stream: string) =>
      new LiveQueryStore<Row, Row[]>({
        kind: 'list',
        source,
        resolve: async () => ({ query: { table: 'agent_executions', eq: [['stream_id', stream]], order: { column: 'created_at', ascending: false }, limit: 100 }, name: `agents:${stream}` }),
      });
    db.set('a1', { id: 'a1', stream_id: 's1', status: 'running', created_at: at(1), updated_at: at(1) });
    const s1 = agents('s1');
    const phases: string[] = [];
    s1.subscribe((st) => phases.push(st.phase));
    s1.start();
    const first = await waitFor(() => realtime.channels[0], 2000, 'first channel');
    first.confirm();
    await waitFor(() => s1.state.phase === 'live' && s1.state.data.length === 1, 2000, 's1 live');
    const liveFrom = phases.length - 1;

    // A second stream: its value is packed into a replacement channel (make-before-break).
    const s2 = agents('s2');
    s2.start();
    const second = await waitFor(() => realtime.channels.find((c) => c !== first), 2000, 'replacement channel');
    // The server reads a batch with K924 (stream s1) and matches it against the subscriptions it
    // has: the old channel's only. Meanwhile the replacement's subscription is registered and
    // confirmed; the batch's push goes out on the old channel after that confirmation.
    const k924: Row = { id: 'K924', stream_id: 's1', status: 'running', created_at: at(2), updated_at: at(2) };
    db.set('K924', k924);
    second.confirm(); // the take-over: s1 moves to the new channel, the old one is left
    await waitFor(() => !realtime.channels.includes(first), 2000, 'old channel left');
    first.emit('postgres_changes', { schema: 'public', table: 'agent_executions', commit_timestamp: at(2), eventType: 'INSERT', new: k924, old: {}, errors: null });

    await waitFor(() => s1.state.data.some((r) => r.id === 'K924'), 3000, 'K924 shown');
    await waitFor(() => s2.state.phase === 'live', 2000, 's2 live');
    expect(s1.state.phase).to.equal('live');
    expect(phases.slice(liveFrom)).to.not.include('stale'); // a hand-over is not an outage
    s1.stop();
    s2.stop();
    registry.dispose();
  });
});
