/**
 * A list scoped by a parent row that does not exist yet (an agent activity list for a stream not
 * yet inserted) reads "Not found or no access" — and is read again the moment that row arrives over
 * Realtime for another query on the page, not at its next retry (QA35 M1: `<rt-stream-card>` and
 * `<rt-agent-executions>` said "No stream id …" for ~10 s beside the stream's own live data).
 * Real backend, real Chromium.
 */
import { expect } from '@open-wc/testing';
import type { RtClient } from '../../src/core/client.js';
import { streamFeed } from '../../src/core/feeds/streams.js';
import { agentExecutionsFeed } from '../../src/core/feeds/agent-executions.js';
import { ACME, USERS, clientFor, newId, newStream, waitFor } from '../helpers/backend.js';

const clients: RtClient[] = [];
const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const f of cleanups.splice(0)) f();
  for (const c of clients.splice(0)) c.dispose();
});

/** Counts the REST reads of `table` (snapshot reads and the parent check alike). */
function countReads(table: string): () => number {
  const native = window.fetch;
  let n = 0;
  window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    if (String(input instanceof Request ? input.url : input).includes(`/rest/v1/${table}?`)) n++;
    return native(input, init);
  };
  cleanups.push(() => (window.fetch = native));
  return () => n;
}

describe('a list whose parent row arrives later (real backend)', function () {
  this.timeout(90_000);

  it('an agent activity list for a stream not yet inserted reads "not found", and is read again as soon as the stream arrives over Realtime', async () => {
    const reads = countReads('agent_executions');
    // No revalidation rounds: each re-reads a "not found" list too, and a slow run of the five
    // failures below could reach the first (60 s) and count its read as the one asserted.
    const client = await clientFor(USERS.alice, { revalidateMs: 0 });
    clients.push(client);
    const streamId = newId();
    const stream = client.liveQuery(streamFeed, { streamId });
    const executions = client.liveQuery(agentExecutionsFeed, { streamId });
    cleanups.push(stream.subscribe(() => {}));
    // Each failed read of the list lands as a new error.
    const failures = new Set<unknown>();
    cleanups.push(executions.subscribe((s) => void (s.error?.code === 'not-found' && failures.add(s.error))));
    await waitFor(() => executions.getState().error?.code === 'not-found' && stream.getState().phase === 'error', 20_000, 'both read "not found"');
    // Its retries are spaced out (1, 2, 5, 10, 30 s): after five failed reads the next is 30 s away.
    await waitFor(() => failures.size >= 5 && executions.getState().error?.code === 'not-found', 60_000, () => `five reads of the list failed (${failures.size})`);
    const before = reads();
    await newStream({ id: streamId, org_id: ACME, name: 'arrives later' });
    await waitFor(() => stream.getState().phase === 'live' && stream.getState().data?.id === streamId, 15_000, 'the stream live');
    // Read again now (one read), not at the retry 30 s away.
    await waitFor(() => executions.getState().phase === 'live', 15_000, () => `the list live (${executions.getState().phase}: ${executions.getState().error?.message})`);
    expect(executions.getState().data, 'no executions yet: the empty list is the truth now').to.deep.equal([]);
    expect(reads() - before, 'read again once').to.equal(1);
  });
});
