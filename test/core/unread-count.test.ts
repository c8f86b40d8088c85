/**
 * Unit tests of UnreadCount's re-reads (src/core/unread-count.ts) with a count the test answers:
 * a failed count is read again later, except when the session expired (every try would be
 * refused; a new token re-reads through the snapshot).
 */
import { expect } from '@open-wc/testing';
import { waitFor } from '../helpers/backend.js';
import type { CountResult, RowChange } from '../../src/core/client-types.js';
import { observeServerTime, resetServerClock } from '../../src/core/server-clock.js';
import type { RtError } from '../../src/core/types.js';
import { rtError } from '../../src/core/errors.js';
import { UnreadCount } from '../../src/core/unread-count.js';

function counter(error: RtError) {
  let reads = 0;
  const count = new UnreadCount({
    query: { table: 'signal_alerts', eq: [['user_id', 'u1']], countWhere: [['read', 'false']] },
    read: async (): Promise<CountResult> => {
      reads++;
      return { count: null, error };
    },
    held: () => [],
    snapshotInFlight: () => false,
    changed: () => {},
  });
  return { count, reads: () => reads };
}

describe('UnreadCount re-reads', () => {
  it('a count refused for an expired session is not read again on a timer, a failed one is (QA12 F3)', async () => {
    const expired = counter(rtError('session-expired', 'The session has expired.'));
    const control = counter(rtError('network', 'offline'));
    try {
      // Both failed alongside a snapshot, then once more on their own.
      for (const c of [expired, control]) c.count.snapshotRead({ count: null, error: rtError(c === expired ? 'session-expired' : 'network', 'failed') });
      await waitFor(() => control.reads() >= 2, 10_000, 'the control read again twice');
      expect(expired.reads(), 'counts read for the expired session').to.equal(0);
      expired.count.schedule(0); // a change asked for a recount: one read, refused, and no more
      await waitFor(() => expired.reads() === 1, 2000, 'the asked recount');
      const seen = control.reads();
      await waitFor(() => control.reads() >= seen + 1, 10_000, 'the control read again');
      expect(expired.reads(), 'counts read for the expired session').to.equal(1);
    } finally {
      expired.count.dispose();
      control.count.dispose();
    }
  });
});

describe('UnreadCount over held rows behind the count', () => {
  it('"Mark all as read" over many held rows: a count read before their changes arrived, then the changes (committed before it): the total is 0, not one per change (QA83 F1: "461 new" under Live)', async () => {
    resetServerClock();
    observeServerTime(Date.now()); // the server's clock known: changes are ordered against count reads
    const held = Array.from({ length: 50 }, (_, i) => ({ id: `a${i}`, read: false as boolean, updated_at: '2026-01-01T00:00:00Z' }));
    let dbUnread = 50;
    let reads = 0;
    const count = new UnreadCount({
      query: { table: 'signal_alerts', eq: [['user_id', 'u1']], countWhere: [['read', 'false']] },
      read: async (): Promise<CountResult> => (reads++, { count: dbUnread, error: null }),
      held: () => held,
      snapshotInFlight: () => false,
      changed: () => {},
    });
    try {
      count.snapshotRead(await count.readWithSnapshot());
      expect(count.total(held)).to.equal(50);
      // Mark all as read: shown as 0 at once, written (one statement), confirmed.
      const patch = count.patch(0);
      const writtenAt = Date.now() - 5;
      dbUnread = 0;
      patch.confirm();
      // Its recount lands before any of the 50 changes has arrived: the held rows still read unread.
      await waitFor(() => reads >= 2, 5000, 'the recount after the write');
      await new Promise((r) => setTimeout(r)); // (its answer taken in)
      // Then the changes arrive, committed before that count was asked for.
      for (const row of held) {
        const old = { ...row };
        count.fold({ type: 'UPDATE', new: { ...row, read: true }, old, committedAt: writtenAt } as RowChange<unknown>, () => (row.read = true));
      }
      expect(count.total(held), 'every change in').to.equal(0);
      // A new unread row afterwards counts as one.
      held.push({ id: 'new', read: false, updated_at: '2026-01-02T00:00:00Z' });
      expect(count.total(held)).to.equal(1);
    } finally {
      count.dispose();
      resetServerClock();
    }
  });
});
