/**
 * The once-a-minute re-check (src/core/live-hub.ts → RowWindow.diff) interleaved with Realtime
 * changes and snapshot reads, so that a row the database holds went missing from a list that said
 * "Live" (race review QA43, after QA40 M2). In-memory, in the style of test/core/live-query.test.ts
 * ("reads racing changes delivered out of commit order").
 */
import { expect } from '@open-wc/testing';
import { waitFor } from '../helpers/backend.js';
import { LiveQueryStore, type StoreRow } from '../../src/core/live-query.js';
import { observeServerTime, resetServerClock } from '../../src/core/server-clock.js';
import type { ChangeListener, ChannelSpec, LiveSource, SnapshotQuery, SnapshotResult } from '../../src/core/client-types.js';

const U = 'user-1';
const frame = () => new Promise<void>((r) => requestAnimationFrame(() => setTimeout(r, 0)));
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describe('re-check removals against Realtime and snapshots (QA43)', () => {
  type Row = StoreRow & { user_id?: string; created_at: string };

  /** A scripted backend: a table; a select reads it when it runs (after `holdSelects` until `releaseSelects`). */
  class Scripted implements LiveSource {
    rows = new Map<string, Row>();
    listeners: ChangeListener<Row>[] = [];
    selects = 0;
    #gate: Array<() => void> | null = null;
    subscribe<R>(_spec: ChannelSpec, listener: ChangeListener<R>): () => void {
      this.listeners.push(listener as unknown as ChangeListener<Row>);
      return () => {};
    }
    async select<R>(query: SnapshotQuery): Promise<SnapshotResult<R>> {
      this.selects++;
      if (this.#gate) await new Promise<void>((r) => this.#gate!.push(r));
      const rows = [...this.rows.values()].filter((r) => query.eq.every(([c, v]) => String(r[c]) === v)).map((r) => ({ ...r }));
      return { rows: rows.sort((a, b) => b.created_at.localeCompare(a.created_at)).slice(0, query.limit) as unknown as R[], error: null };
    }
    holdSelects(): void {
      this.#gate ??= [];
    }
    releaseSelects(): void {
      const waiting = this.#gate ?? [];
      this.#gate = null;
      for (const go of waiting) go();
    }
    state(epoch: number): void {
      for (const l of this.listeners) l.onState({ status: 'connected', ready: true, epoch, error: null });
    }
    deliver(change: { type: 'INSERT' | 'UPDATE' | 'DELETE'; new: Row | null; old: Row | null; committedAt?: number }): void {
      for (const l of this.listeners) l.onChange(change);
    }
  }

  const at = (n: number) => `2024-11-30T04:00:${String(n).padStart(2, '0')}.000000+00:00`;
  const row = (n: number): Row => ({ id: `r${n}`, user_id: U, created_at: at(n), updated_at: at(n) });
  /** A list with room to spare: not full, so a removal asks for no refill. */
  const listQuery: SnapshotQuery = { table: 'streams', eq: [['user_id', U]], order: { column: 'created_at', ascending: false }, limit: 10 };

  async function withKnownClock(fn: () => Promise<void>): Promise<void> {
    resetServerClock();
    observeServerTime(Date.now());
    try {
      await fn();
    } finally {
      resetServerClock();
    }
  }

  async function liveStore(db: Scripted) {
    const store = new LiveQueryStore<Row, Row[]>({ kind: 'list', source: db, resolve: async () => ({ query: listQuery, name: 'rows' }) });
    store.start();
    await waitFor(() => db.listeners.length === 1, 2000, 'subscribed');
    db.state(1);
    await waitFor(() => store.state.phase === 'live' && store.state.data.length === db.rows.size, 2000, 'live');
    return store;
  }
  const shown = (store: LiveQueryStore<Row, Row[]>) => store.state.data.map((r) => r.id).sort();
  const truth = (db: Scripted) => [...db.rows.keys()].sort();

  it('a row deleted and inserted again from a copy around a re-check read comes back when Realtime delivers both after the reply', async () => {
    // The re-check asks at A; r1 is deleted at A+5 (before the server reads) and inserted again
    // from a copy (its old updated_at: an undo, a restore) at A+10, after the server read and before
    // the reply. Realtime (slower than a by-key REST read) delivers the DELETE and the INSERT after
    // the reply. The database holds r1 throughout the end state.
    await withKnownClock(async () => {
      const db = new Scripted();
      db.rows.set('r1', row(1));
      db.rows.set('r2', row(2));
      const store = await liveStore(db);
      await sleep(200); // the snapshot landed well before the re-check asks
      const askedAt = Date.now() - 50;
      const copy = { ...db.rows.get('r1')! };
      db.rows.delete('r1'); // committed at askedAt + 5
      const fresh = new Map([...db.rows].map(([k, r]) => [k, { ...r }])); // the server reads here
      db.rows.set('r1', copy); // committed at askedAt + 10, before the reply
      const gone = store.reconcile(fresh, new Set(['r1', 'r2']), askedAt); // the reply
      expect(gone.length, 'the reply misses r1: removed').to.equal(1);
      // Realtime delivers both, in commit order, after the reply.
      db.deliver({ type: 'DELETE', new: null, old: { id: 'r1' } as Row, committedAt: askedAt + 5 });
      db.deliver({ type: 'INSERT', new: { ...copy }, old: null, committedAt: askedAt + 10 });
      await sleep(400); // past any refill
      await frame();
      expect(store.state.phase).to.equal('live');
      const selects = db.selects;
      expect(store.recheck()?.sort(), 'the next re-check reads the rows held (r1 is read again only if held)').to.deep.equal(shown(store));
      expect(db.selects, 'and nothing else reads the list again').to.equal(selects);
      expect(shown(store), 'the list shows what the database holds').to.deep.equal(truth(db));
      store.stop();
    });
  });

  it('a re-check removal whose reply comes while a newer snapshot is read is not folded over that snapshot', async () => {
    // The re-check asks at A and its server read misses r1: r1 had left the user's view (a
    // membership removed, RLS; Realtime sends nothing). A snapshot read is asked after that (a
    // refresh, a refill, a rejoin, a later chunk's …) and runs after r1 came back into view (the
    // membership restored: again no event on this table). The re-check's reply arrives while the
    // snapshot is in flight: its DELETE is buffered and folded again on top of the newer snapshot,
    // which held r1. Nothing reads r1 again afterwards (re-checks read held rows only).
    await withKnownClock(async () => {
      const db = new Scripted();
      db.rows.set('r1', row(1));
      db.rows.set('r2', row(2));
      const store = await liveStore(db);
      await sleep(200); // the snapshot landed well before the re-check asks
      const askedAt = Date.now() - 50;
      const visible = { ...db.rows.get('r1')! };
      db.rows.delete('r1'); // out of the user's view
      const fresh = new Map([...db.rows].map(([k, r]) => [k, { ...r }])); // the re-check's server read
      db.holdSelects();
      const selects = db.selects;
      store.refresh(); // the snapshot read, asked after the re-check
      await waitFor(() => db.selects > selects, 2000, 'snapshot asked');
      db.rows.set('r1', visible); // back in view before the snapshot's server read
      expect(store.reconcile(fresh, new Set(['r1', 'r2']), askedAt).length, "the re-check's reply, mid-snapshot").to.equal(1);
      db.releaseSelects(); // the snapshot reads r1 and r2
      await waitFor(() => store.state.phase === 'live', 2000, 'live again');
      await sleep(400);
      await frame();
      expect(store.state.phase).to.equal('live');
      expect(store.recheck()?.sort(), 'the next re-check reads the rows held (r1 is read again only if held)').to.deep.equal(shown(store));
      expect(shown(store), 'the list shows what the database (and the newer snapshot) holds').to.deep.equal(truth(db));
      store.stop();
    });
  });
});
