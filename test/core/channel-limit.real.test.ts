/**
 * Supabase allows 100 channels per connection. When a page asks for more distinct (table, filter)
 * pairs than that, the refused channels must say so (status 'error', a clear message) instead of
 * showing "connecting" forever — against the REAL local backend, which enforces the same limit.
 */
import { expect } from '@open-wc/testing';
import { createRtClient, type RtClient } from '../../src/core/client.js';
import { USERS, backendInfo, signIn, waitFor } from '../helpers/backend.js';

describe('channel limit (real backend)', function () {
  this.timeout(60_000);
  let client: RtClient | undefined;
  const offs: Array<() => void> = [];
  afterEach(() => {
    for (const off of offs.splice(0)) off();
    client?.dispose();
  });

  it('reports channels refused for "Too many channels" as errors, and the rest as connected', async () => {
    const info = await backendInfo();
    const token = await signIn(USERS.alice);
    client = createRtClient({ url: info.url, anonKey: info.anonKey, accessToken: async () => token });
    const ids = Array.from({ length: 103 }, () => crypto.randomUUID());
    for (const streamId of ids) offs.push(client.liveQuery('stream', { streamId }).subscribe(() => {}));
    await waitFor(
      () => {
        const subs = client!.getActiveSubscriptions();
        return subs.filter((s) => s.status === 'connected').length === 100 && subs.filter((s) => s.status === 'error').length === 3;
      },
      45_000,
      '100 connected + 3 refused channels',
    );
    const refused = client.getActiveSubscriptions().filter((s) => s.status === 'error');
    for (const s of refused) expect(s.lastError?.message).to.match(/too many channels/i);
  });
});
