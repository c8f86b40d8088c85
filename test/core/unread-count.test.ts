/**
 * Unit tests of UnreadCount's re-reads (src/core/unread-count.ts) with a count the test answers:
 * a failed count is read again later, except when the session expired (every try would be
 * refused; a new token re-reads through the snapshot).
 */
import { expect } from '@open-wc/testing';
import { waitFor } from '../helpers/backend.js';
import type { CountResult } from '../../src/core/client-types.js';
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
