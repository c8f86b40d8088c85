/**
 * Unit tests of SnapshotReader (src/core/snapshot-reader.ts) with a select the test resolves by
 * hand: changes racing a read are handed over with it, an overtaken read is dropped, failed reads
 * are retried with backoff, a refill waits for the read in flight, the channel's state asks for re-reads.
 */
import { expect } from '@open-wc/testing';
import { waitFor } from '../helpers/backend.js';
import type { ChannelState, RowChange, SnapshotResult } from '../../src/core/client-types.js';
import type { RtError } from '../../src/core/types.js';
import { rtError } from '../../src/core/errors.js';
import { SnapshotReader } from '../../src/core/snapshot-reader.js';

type Row = { id: string };

/** A reader whose reads wait until the test settles them (`settle(i, result)`: the i-th read). */
function harness(retryDelays?: number[], holdUntil?: () => number) {
  const pending: ((r: SnapshotResult<Row>) => void)[] = [];
  const read: { rows: Row[]; buffered: RowChange<Row>[]; epoch: number }[] = [];
  const failed: RtError[] = [];
  let epoch = 1;
  const reader = new SnapshotReader<Row>({
    select: () => new Promise((resolve) => pending.push(resolve)),
    count: () => undefined,
    epoch: () => epoch,
    read: (rows, buffered, count, e) => {
      expect(count).to.equal(null);
      read.push({ rows, buffered, epoch: e });
    },
    failed: (error) => failed.push(error),
    retryDelays,
    holdUntil,
  });
  const settle = async (i: number, result: SnapshotResult<Row>) => {
    await waitFor(() => pending.length > i, 2000, `read ${i}`);
    pending[i](result);
  };
  return { reader, pending, read, failed, settle, setEpoch: (e: number) => (epoch = e) };
}

const rows = (...ids: string[]): SnapshotResult<Row> => ({ rows: ids.map((id) => ({ id })), error: null });
const change = (id: string): RowChange<Row> => ({ type: 'INSERT', new: { id }, old: null });
const ready = (epoch: number, reread = 0): ChannelState => ({ status: 'connected', ready: true, epoch, error: null, reread });

describe('SnapshotReader', () => {
  it('hands over the changes that arrived during the read, with the epoch the read started in', async () => {
    const h = harness();
    h.reader.note(change('before')); // no read in flight: not kept
    const done = h.reader.read();
    expect(h.reader.reading).to.equal(true);
    h.setEpoch(2);
    h.reader.note(change('during'));
    await h.settle(0, rows('a'));
    await done;
    expect(h.reader.reading).to.equal(false);
    expect(h.read).to.deep.equal([{ rows: [{ id: 'a' }], buffered: [change('during')], epoch: 1 }]);
  });

  it('drops a read overtaken by a newer one', async () => {
    const h = harness();
    const first = h.reader.read();
    const second = h.reader.read();
    await h.settle(1, rows('new'));
    await second;
    await h.settle(0, rows('old'));
    await first;
    expect(h.read.map((r) => r.rows)).to.deep.equal([[{ id: 'new' }]]);
  });

  it('retries a failed read with the given delays, and a thrown select is a server error', async () => {
    const h = harness([30, 60]);
    const started = performance.now();
    void h.reader.read();
    await h.settle(0, { rows: null, error: rtError('network', 'offline') });
    await waitFor(() => h.pending.length === 2, 2000, 'first retry');
    expect(performance.now() - started).to.be.at.least(25);
    h.pending[1](Promise.reject(new Error('boom')) as never);
    await waitFor(() => h.failed.length === 2, 2000, 'second failure');
    expect(h.failed.map((e) => e.code)).to.deep.equal(['network', 'server']);
    await h.settle(2, rows('a'));
    await waitFor(() => h.read.length === 1, 2000, 'read after retries');
    h.reader.stop();
  });

  it('an expired session is not retried on a timer (every try would be refused): a new token re-reads (QA12 F3)', async () => {
    const expired = harness([5, 5]);
    const control = harness([5, 5]); // the same delays, failing for a reason worth retrying
    void expired.reader.read();
    void control.reader.read();
    await expired.settle(0, { rows: null, error: rtError('session-expired', 'The session has expired.') });
    for (let i = 0; i < 3; i++) await control.settle(i, { rows: null, error: rtError('network', 'offline') });
    await waitFor(() => control.pending.length === 4, 2000, 'the control retried three times');
    expect(expired.pending.length, 'reads of the expired session').to.equal(1);
    expect(expired.failed.map((e) => e.code)).to.deep.equal(['session-expired']);
    void expired.reader.read(); // Session renewed: the client re-reads what is not live
    await expired.settle(1, rows('a'));
    await waitFor(() => expired.read.length === 1, 2000, 'read with the new token');
    expired.reader.stop();
    control.reader.stop();
  });

  it('refills after a short delay, and only once the read in flight has landed', async () => {
    const h = harness();
    void h.reader.read();
    h.reader.refill();
    expect(h.reader.refilling).to.equal(true);
    await new Promise((r) => setTimeout(r, 400));
    expect(h.pending.length).to.equal(1); // still waiting for the first read
    await h.settle(0, rows('a'));
    await h.settle(1, rows('a', 'b'));
    await waitFor(() => !h.reader.refilling, 2000, 'refill done');
    expect(h.read.map((r) => r.rows.length)).to.deep.equal([1, 2]);
  });

  it('re-reads when due or when the channel asks, not for a quiet request before the first read', async () => {
    const h = harness();
    const reads = async (n: number) => {
      await new Promise((r) => setTimeout(r, 0));
      expect(h.pending.length).to.equal(n);
    };
    h.reader.channel(ready(1, 1), false);
    await reads(0);
    h.reader.channel(ready(1, 1), true);
    await reads(1);
    h.reader.channel(ready(1, 1), false); // the same reread value: nothing new asked
    await reads(1);
    h.reader.channel(ready(1, 2), false);
    await reads(2);
    h.reader.stop();
    await h.reader.read();
    await reads(2);
  });

  it('a quiet re-read asked for while the latest read failed waits for its retry (QA38: one read per "Error 401" change)', async () => {
    const h = harness([60_000]);
    void h.reader.read();
    await h.settle(0, { rows: null, error: rtError('forbidden', 'No access') });
    await waitFor(() => h.failed.length === 1, 2000, 'the refusal');
    for (let i = 1; i <= 20; i++) h.reader.channel(ready(1, i), false);
    await new Promise((r) => setTimeout(r, 0));
    expect(h.pending.length, 'reads after the refusal').to.equal(1);
    // A new confirmation (reconnected) still reads at once, and once one lands quiet re-reads are back.
    h.reader.channel(ready(2, 20), true);
    await h.settle(1, rows('a'));
    await waitFor(() => h.read.length === 1, 2000, 'read');
    h.reader.channel(ready(2, 21), false);
    await waitFor(() => h.pending.length === 3, 2000, 'quiet re-read after a good read');
    h.reader.stop();
  });

  it('a read refused for want of a signed-in user is not sent again when the channel confirms: its retry reads (QA41: each row read twice, 50 ms apart, on a signed-out page)', async () => {
    const h = harness([60_000]);
    void h.reader.read(); // before the channel is confirmed
    await h.settle(0, { rows: null, error: rtError('forbidden', 'Not signed in', 'not-signed-in') });
    await waitFor(() => h.failed.length === 1, 2000, 'the refusal');
    h.reader.channel(ready(1), true); // the first confirmation, due
    h.reader.channel(ready(2), true); // and a reconnection
    await new Promise((r) => setTimeout(r, 0));
    expect(h.pending.length, 'reads after the refusal').to.equal(1);
    // Any other refusal still reads at the confirmation (a token race: the new token's answer).
    const o = harness([60_000]);
    void o.reader.read();
    await o.settle(0, { rows: null, error: rtError('unauthorized', 'JWT expired') });
    await waitFor(() => o.failed.length === 1, 2000, 'the refusal');
    o.reader.channel(ready(2), true);
    await waitFor(() => o.pending.length === 2, 2000, 'read at the confirmation');
    h.reader.stop();
    o.reader.stop();
  });

  it("the server asked to wait (Retry-After): a re-read asked for meanwhile waits too, and the refused read's error is not dropped", async () => {
    let holdUntil = 0;
    const h = harness([50], () => holdUntil);
    const first = h.reader.read();
    await waitFor(() => h.pending.length === 1, 2000, 'the first request');
    // The 429 arrived (the REST client noted its Retry-After) while its result is still on its way,
    // and the channel's confirmation asks for a re-read: it must wait, not overtake.
    holdUntil = Date.now() + 400;
    h.reader.channel(ready(1), true);
    await new Promise((r) => setTimeout(r, 0));
    expect(h.pending.length, 'no request before the time the server named').to.equal(1);
    await h.settle(0, { rows: null, error: { ...rtError('server', 'The server is busy (429)'), retryAt: holdUntil } });
    await first;
    expect(h.failed.map((e) => e.message), 'the refusal is shown').to.deep.equal(['The server is busy (429)']);
    await waitFor(() => h.pending.length === 2, 3000, 'the read after the wait');
    expect(Date.now(), 'not before the time the server named').to.be.at.least(holdUntil - 5);
    await h.settle(1, rows('a'));
    await waitFor(() => h.read.length === 1, 2000, 'read');
  });
});
