/**
 * Supabase allows 100 channels per connection. rt-monitor packs its subscriptions (channels by
 * table, see channels.real.test.ts), but a page may use the same socket for channels of its own:
 * when the connection is full, a refused rt-monitor channel must say so (status 'error', a clear
 * message) instead of showing "connecting" forever — against the REAL local backend, which
 * enforces the same limit — and 103 streams still fit in a couple of channels.
 */
import { expect } from '@open-wc/testing';
import { createRtClient, type RtClient } from '../../src/core/client.js';
import type { RealtimeClientLike } from '../../src/core/supabase-like.js';
import { USERS, backendInfo, signIn, waitFor } from '../helpers/backend.js';

describe('channel limit (real backend)', function () {
  this.timeout(60_000);
  let client: RtClient | undefined;
  const offs: Array<() => void> = [];
  afterEach(() => {
    for (const off of offs.splice(0)) off();
    client?.dispose();
  });

  async function aliceClient(): Promise<RtClient> {
    const info = await backendInfo();
    const token = await signIn(USERS.alice);
    client = createRtClient({ url: info.url, anonKey: info.anonKey, accessToken: async () => token });
    return client;
  }

  it('103 streams fit in two channels, all connected', async () => {
    const c = await aliceClient();
    const ids = Array.from({ length: 103 }, () => crypto.randomUUID());
    for (const streamId of ids) offs.push(c.liveQuery('stream', { streamId }).subscribe(() => {}));
    await waitFor(() => {
      const subs = c.getActiveSubscriptions();
      return subs.length === 103 && subs.every((s) => s.status === 'connected');
    }, 45_000, '103 connected subscriptions');
    expect(c.getChannels().channels.length).to.equal(2);
  });

  it('a connection already full (the page\'s own channels): the refused channel reports "too many channels"', async () => {
    const c = await aliceClient();
    const realtime = c.realtime as RealtimeClientLike;
    // The page fills the connection with 100 channels of its own.
    const own = Array.from({ length: 100 }, (_, i) => realtime.channel(`page-own-${i}-${crypto.randomUUID()}`));
    let joined = 0;
    for (const ch of own) ch.subscribe((status) => status === 'SUBSCRIBED' && joined++);
    await waitFor(() => joined === 100, 30_000, '100 own channels joined');
    offs.push(() => own.forEach((ch) => void realtime.removeChannel(ch)));
    offs.push(c.liveQuery('stream', { streamId: crypto.randomUUID() }).subscribe(() => {}));
    await waitFor(() => c.getActiveSubscriptions().some((s) => s.status === 'error'), 30_000, 'refused');
    const [refused] = c.getActiveSubscriptions();
    expect(refused.lastError?.message).to.match(/too many channels/i);
  });
});
