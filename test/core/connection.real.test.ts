/**
 * The connection state machine against the REAL local backend: a dead socket (heartbeats no
 * longer answered) is closed and replaced; `online` and `visibilitychange` reconnect at once
 * instead of waiting for the scheduled retry; `attempt` / `nextRetryAt` follow the back-off during
 * an outage; an expired plain-string token (no callback to refresh it) ends in a clear
 * 'session-expired' error state.
 */
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/elements/rt-provider/rt-provider.js';
import { createRtClient, type RtClient } from '../../src/core/client.js';
import type { ConnectionDetail } from '../../src/core/types.js';
import { ALICE, USERS, backendInfo, mintToken, newStream, pauseRealtime, signIn, updateRows, waitFor, sleep } from '../helpers/backend.js';
import { instrumentWebSocket, type TestStreamHost } from '../helpers/hosts.js';
import '../helpers/hosts.js';

const clients: RtClient[] = [];
const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.dispose();
  for (const f of cleanups.splice(0)) f();
});

async function aliceClient(options: { heartbeatIntervalMs?: number } = {}): Promise<RtClient> {
  const info = await backendInfo();
  const token = await signIn(USERS.alice);
  const c = createRtClient({ url: info.url, anonKey: info.anonKey, accessToken: async () => token, ...options });
  clients.push(c);
  return c;
}

async function liveStream(c: RtClient) {
  const stream = await newStream({ name: 'connection', current_progress: { percentage: 1, completed: 1, total: 100 } });
  const el = await fixture<HTMLElement>(html`<rt-provider .client=${c}><test-stream-host stream-id=${stream.id}></test-stream-host></rt-provider>`);
  const host = el.querySelector('test-stream-host') as TestStreamHost;
  await waitFor(() => host.ctl.phase === 'live' && host.ctl.isConnected && c.getConnection().status === 'connected', 10_000, 'live + connected');
  return { stream, host };
}

/** Every connection detail the client reports, with the time it was reported. */
function record(c: RtClient): Array<ConnectionDetail & { at: number }> {
  const seen: Array<ConnectionDetail & { at: number }> = [];
  const off = c.onConnection((d) => seen.push({ ...d, at: Date.now() }));
  cleanups.push(off);
  return seen;
}

describe('connection state machine against the real backend', function () {
  this.timeout(45_000);

  it('dead socket: heartbeats no longer answered -> the socket is closed and replaced, and changes flow again', async () => {
    const ws = instrumentWebSocket();
    cleanups.push(() => ws.restore());
    const c = await aliceClient({ heartbeatIntervalMs: 1000 });
    const { stream, host } = await liveStream(c);
    const first = ws.sockets.find((s) => s.readyState === WebSocket.OPEN)!;
    expect(first, 'an open socket').to.exist;
    const seen = record(c);

    // The link goes silent: the server's heartbeat replies never reach the client (the socket
    // itself stays open, as a half-dead mobile / sleeping-laptop connection does).
    let silent = true;
    ws.closeGate((data) => silent && data.includes('"phoenix"') && data.includes('phx_reply'));
    const stoppedAt = Date.now();
    await waitFor(() => first.readyState === WebSocket.CLOSED || first.readyState === WebSocket.CLOSING, 8000, 'dead socket closed');
    const detectedIn = Date.now() - stoppedAt;
    silent = false; // the replacement socket answers normally (held frames of the dead one are dropped)
    expect(detectedIn).to.be.lessThan(4000); // two heartbeat intervals (+ slack), far under the 30 s budget
    await waitFor(() => ws.sockets.some((s) => s !== first && s.readyState === WebSocket.OPEN), 8000, 'a new socket');
    await waitFor(() => c.getConnection().status === 'connected' && host.ctl.isConnected, 10_000, 'connected again');
    expect(seen.some((d) => d.status !== 'connected'), 'status left connected meanwhile').to.equal(true);
    expect(ws.openCount()).to.equal(1);

    await updateRows('streams', { id: stream.id }, { current_progress: { percentage: 77, completed: 77, total: 100 } });
    await waitFor(() => host.ctl.progress?.current_progress.percentage === 77, 10_000, 'change after reconnect');
  });

  it('during an outage attempt / nextRetryAt follow the back-off (1 s, 2 s, 5 s); `online` reconnects at once', async () => {
    const c = await aliceClient();
    const { stream, host } = await liveStream(c);
    const seen = record(c);
    const pauseMs = 4000;
    const pausedAt = Date.now();
    await pauseRealtime(pauseMs);
    // Retries at ~1 s and ~3 s are refused (paused); the third is scheduled 5 s later.
    await waitFor(() => c.getConnection().attempt >= 3 && c.getConnection().nextRetryAt !== null, 12_000, 'third attempt scheduled');

    const scheduled = seen.filter((d) => d.nextRetryAt !== null);
    const byAttempt = new Map<number, ConnectionDetail & { at: number }>();
    for (const d of scheduled) if (!byAttempt.has(d.attempt)) byAttempt.set(d.attempt, d);
    expect([...byAttempt.keys()].slice(0, 3)).to.deep.equal([1, 2, 3]);
    for (const [attempt, delay] of [[1, 1000], [2, 2000], [3, 5000]] as const) {
      const d = byAttempt.get(attempt)!;
      expect(d.status, `status at attempt ${attempt}`).to.equal('disconnected');
      expect(d.nextRetryAt! - d.at, `delay of attempt ${attempt}`).to.be.within(delay - 250, delay + 50);
      expect(d.staleSince, 'staleSince set').to.be.a('number');
      expect(d.staleSince!).to.be.within(pausedAt - 100, d.at);
    }
    expect(host.ctl.phase).to.equal('stale');

    // The network is back (pause over) long before the scheduled retry: `online` does not wait.
    await waitFor(() => Date.now() > pausedAt + pauseMs + 150, pauseMs + 1000, 'pause over');
    const retryAt = c.getConnection().nextRetryAt!;
    expect(retryAt - Date.now()).to.be.greaterThan(1500);
    window.dispatchEvent(new Event('online'));
    await waitFor(() => c.getConnection().status === 'connected', 5000, 'connected after online');
    expect(Date.now()).to.be.lessThan(retryAt);
    const healthy = c.getConnection();
    expect(healthy.attempt).to.equal(0);
    expect(healthy.nextRetryAt).to.equal(null);
    expect(healthy.staleSince).to.equal(null);
    await waitFor(() => host.ctl.phase === 'live', 5000, 'live again');
    await updateRows('streams', { id: stream.id }, { current_progress: { percentage: 42, completed: 42, total: 100 } });
    await waitFor(() => host.ctl.progress?.current_progress.percentage === 42, 10_000, 'change after online');
  });

  it('`visibilitychange` to visible with the socket down reconnects at once', async () => {
    const c = await aliceClient();
    await liveStream(c);
    const pauseMs = 3500;
    const pausedAt = Date.now();
    await pauseRealtime(pauseMs);
    await waitFor(() => c.getConnection().attempt >= 3 && c.getConnection().nextRetryAt !== null, 12_000, 'third attempt scheduled');
    await waitFor(() => Date.now() > pausedAt + pauseMs + 150, pauseMs + 1000, 'pause over');
    const retryAt = c.getConnection().nextRetryAt!;
    expect(retryAt - Date.now()).to.be.greaterThan(1500);
    expect(document.visibilityState).to.equal('visible');
    document.dispatchEvent(new Event('visibilitychange'));
    await waitFor(() => c.getConnection().status === 'connected', 5000, 'connected after visibilitychange');
    expect(Date.now()).to.be.lessThan(retryAt);
  });

  it('an expired plain-string access token (no callback) ends in the error state: session-expired, with a clear message', async () => {
    const info = await backendInfo();
    const expired = await mintToken(ALICE, -3600); // expired an hour ago
    const c = createRtClient({ url: info.url, anonKey: info.anonKey, accessToken: expired });
    clients.push(c);
    const stream = await newStream({ name: 'expired token' });
    const el = await fixture<HTMLElement>(html`<rt-provider .client=${c}><test-stream-host stream-id=${stream.id}></test-stream-host></rt-provider>`);
    const host = el.querySelector('test-stream-host') as TestStreamHost;

    await waitFor(() => c.getConnection().status === 'error', 10_000, 'connection error state');
    const detail = c.getConnection();
    expect(detail.lastError?.code).to.equal('session-expired');
    expect(detail.lastError?.message).to.match(/expired/i);
    expect(detail.lastError?.message).to.match(/new access token/i);
    await waitFor(() => host.ctl.phase === 'error' && host.ctl.error !== null, 10_000, 'live query error');
    expect(host.ctl.error?.code).to.equal('session-expired');
    expect(host.ctl.progress).to.equal(null);
    // It stays in the error state: no retry loop with the same stale token.
    await sleep(1500);
    expect(c.getConnection().status).to.equal('error');
  });
});
