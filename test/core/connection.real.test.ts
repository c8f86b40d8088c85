/**
 * The connection state machine against the REAL local backend: a dead socket (heartbeats no
 * longer answered) is closed and replaced; `online` and `visibilitychange` reconnect at once
 * instead of waiting for the scheduled retry; `attempt` / `nextRetryAt` follow the back-off during
 * an outage; an expired plain-string token (no callback to refresh it) ends in a clear
 * 'session-expired' error state.
 *
 * No wall-clock windows: the back-off is the sequence of delays the client hands the socket's
 * reconnect timer (which the test holds and fires by hand, see `manualTimer`), "at once" means
 * "connected while the scheduled retry never ran", and a dead socket is counted in unanswered
 * heartbeats. How long these take is measured in bench/reconnect.ts.
 */
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/elements/rt-provider/rt-provider.js';
import '../../src/elements/rt-stream-progress/rt-stream-progress.js';
import { en, stringsFor } from '../../src/internal/strings.js';
import { errorHint } from '../../src/internal/templates.js';
import { createRtClient, type RtClient } from '../../src/core/client.js';
import type { ConnectionDetail } from '../../src/core/types.js';
import { ACME, ALICE, USERS, backendInfo, insertRows, selectRows, clientFor, dropConnections, holdRealtime, mintToken, newStream, pauseRealtime, restBusy, signIn, updateRows, waitFor } from '../helpers/backend.js';
import { manualTimer, type PhoenixTimer } from '../helpers/clock.js';
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

/** Every connection detail the client reports, in order. */
function record(c: RtClient): ConnectionDetail[] {
  const seen: ConnectionDetail[] = [];
  const off = c.onConnection((d) => seen.push({ ...d }));
  cleanups.push(off);
  return seen;
}

/**
 * The socket closed with no retry scheduled (Phoenix's reconnect timer reset: no tries counted),
 * and the connection says so: an error, with no retry due.
 */
async function waitForRefused(c: RtClient): Promise<void> {
  const timer = (c.realtime as unknown as { reconnectTimer: PhoenixTimer }).reconnectTimer;
  const state = () => {
    const d = c.getConnection();
    return `${d.status}, next retry ${d.nextRetryAt}, socket ${c.realtime!.connectionState?.()}, tries ${timer.tries}`;
  };
  await waitFor(() => state() === 'error, next retry null, socket closed, tries 0', 20_000, `no retries (is: ${state()})`);
  expect(c.getConnection().lastError?.code).to.equal('bad-config');
}

const enc = (o: object) => btoa(JSON.stringify(o)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
/** An anon key signed with another secret: another project's, or the page's once its project's secret is rotated. */
const OTHER_PROJECT_KEY = `${enc({ alg: 'HS256', typ: 'JWT' })}.${enc({ role: 'anon', iss: 'supabase-demo', exp: 4102444800 })}.c2lnbmVkLXdpdGgtYW5vdGhlci1zZWNyZXQ`;

/** The socket's reconnect timer, held by the test (see `manualTimer`). */
function holdRetries(c: RtClient) {
  const timer = manualTimer((c.realtime as unknown as { reconnectTimer: PhoenixTimer }).reconnectTimer);
  cleanups.push(() => timer.restore());
  return timer;
}

/** Refuse realtime sockets until `resume()` (a long pause, always lifted by the cleanup). */
async function outage() {
  await pauseRealtime(120_000);
  let over = false;
  const resume = async () => {
    if (!over) await pauseRealtime(0);
    over = true;
  };
  cleanups.push(() => void resume());
  return resume;
}

/** A proxy that refuses WebSocket upgrades: every socket goes to a closed port (1006), REST is untouched. */
function blockWebSockets(): void {
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(String(url).replace(/^(wss?:\/\/[^/]+?):\d+\//, '$1:9/'), protocols);
    }
  };
  cleanups.push(() => (window.WebSocket = Native));
}

const isHeartbeat = (data: string) => data.includes('"phoenix"') && data.includes('"heartbeat"');

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
    const sentBefore = ws.sent.length;
    await waitFor(() => first.readyState === WebSocket.CLOSED || first.readyState === WebSocket.CLOSING, 15_000, 'dead socket closed');
    silent = false; // the replacement socket answers normally (held frames of the dead one are dropped)
    // Closed by the second unanswered heartbeat at the latest (one probe may come from the
    // client's own watchdog), far from the ~30 s a browser takes to notice by itself.
    const unanswered = ws.sent.slice(sentBefore).filter((f) => f.socket === first && isHeartbeat(f.data)).length;
    expect(unanswered, 'heartbeats sent into the silence').to.be.within(1, 2);
    await waitFor(() => ws.sockets.some((s) => s !== first && s.readyState === WebSocket.OPEN), 8000, 'a new socket');
    await waitFor(() => c.getConnection().status === 'connected' && host.ctl.isConnected, 10_000, 'connected again');
    expect(seen.some((d) => d.status !== 'connected'), 'status left connected meanwhile').to.equal(true);
    expect(ws.openCount()).to.equal(1);

    await updateRows('streams', { id: stream.id }, { current_progress: { percentage: 77, completed: 77, total: 100 } });
    await waitFor(() => host.ctl.progress?.current_progress.percentage === 77, 10_000, 'change after reconnect');
  });

  it('a socket closed by something between (a proxy answering 4008 "blocked by proxy"): the close code and reason are the last error', async () => {
    const ws = instrumentWebSocket();
    cleanups.push(() => ws.restore());
    const c = await aliceClient();
    await liveStream(c);
    const seen = record(c);
    const first = ws.sockets.find((s) => s.readyState === WebSocket.OPEN)!;
    first.close(4008, 'blocked by proxy');
    const named = await waitFor(() => seen.find((d) => d.status !== 'connected' && /4008: blocked by proxy/.test(d.lastError?.message ?? '')), 10_000, 'the close named as the cause');
    expect(named.lastError!.detail, 'a close sent by something between, not "cannot be reached"').to.equal('socket-closed');
    await waitFor(() => c.getConnection().status === 'connected' && c.getConnection().lastError === null, 15_000, 'connected again, the error cleared');
  });

  it('WebSockets blocked while REST works (1006): the connection says the realtime connection could not be opened; no channel reports a server error', async () => {
    blockWebSockets();
    const c = await aliceClient();
    const stream = await newStream({ name: 'blocked sockets' });
    const el = await fixture<HTMLElement>(html`<rt-provider .client=${c}><test-stream-host stream-id=${stream.id}></test-stream-host></rt-provider>`);
    const host = el.querySelector('test-stream-host') as TestStreamHost;
    await waitFor(() => host.ctl.progress !== null && c.getConnection().attempt >= 2, 15_000, 'the row read over REST, the socket retried');
    const detail = c.getConnection();
    expect(detail.status).to.not.equal('connected');
    expect(detail.lastError?.detail, detail.lastError?.message).to.equal('socket-dropped');
    expect(host.ctl.phase).to.not.equal('live');
    for (const sub of c.getActiveSubscriptions()) expect(sub.lastError, `${sub.name}: ${sub.lastError?.message}`).to.equal(null);
    // The widget's own state names the cause (not "connecting" with no reason).
    await waitFor(() => host.ctl.error?.detail === 'socket-dropped', 10_000, "the socket's failure as the query's error");
  });

  it('WebSockets blocked, one widget alone on the page: its badge says "Not live" and why, not "Connecting…" forever', async () => {
    blockWebSockets();
    const c = await aliceClient();
    const stream = await newStream({ name: 'alone, blocked', current_progress: { percentage: 40, completed: 4, total: 10 } });
    const el = await fixture<HTMLElement>(html`<rt-provider .client=${c}><rt-stream-progress stream-id=${stream.id}></rt-stream-progress></rt-provider>`);
    const widget = el.querySelector('rt-stream-progress')!;
    const badge = () => widget.shadowRoot!.querySelector<HTMLElement>('[part~="live-badge"]');
    await waitFor(() => badge()?.dataset.tone === 'warning', 20_000, 'a warning badge');
    expect(badge()!.textContent).to.include(stringsFor('en').notLive);
    expect(badge()!.title).to.equal(stringsFor('en').errorMessages['socket-dropped']);
    expect(widget.shadowRoot!.textContent).to.include('40'); // the row read over REST is shown
  });

  it("a legacy page's Array.prototype.toJSON (Prototype.js 1.6): frames are still JSON arrays and the widget goes live", async () => {
    const proto = Array.prototype as unknown as { toJSON?: () => string };
    // As Prototype.js 1.6 has it (assigned, so enumerable): the array as JSON text, which
    // JSON.stringify then writes as one quoted string.
    const stream = await newStream({ name: 'prototype.js page', current_progress: { percentage: 1, completed: 1, total: 100 } });
    proto.toJSON = function (this: unknown[]) {
      return `[${this.map((v) => JSON.stringify(v)).join(', ')}]`;
    };
    cleanups.push(() => delete proto.toJSON);
    const ws = instrumentWebSocket();
    cleanups.push(() => ws.restore());
    const c = await aliceClient();
    const el = await fixture<HTMLElement>(html`<rt-provider .client=${c}><test-stream-host stream-id=${stream.id}></test-stream-host></rt-provider>`);
    const host = el.querySelector('test-stream-host') as TestStreamHost;
    await waitFor(() => host.ctl.phase === 'live' && c.getConnection().status === 'connected', 15_000, 'live + connected');
    expect(ws.sent.length).to.be.greaterThan(0);
    for (const { data } of ws.sent) expect(Array.isArray(JSON.parse(data)), data).to.equal(true);
    expect(typeof proto.toJSON, "the page's own toJSON is back").to.equal('function');
    delete proto.toJSON; // the test's own writes go through JSON.stringify too
    await updateRows('streams', { id: stream.id }, { current_progress: { percentage: 64, completed: 64, total: 100 } });
    await waitFor(() => host.ctl.progress?.current_progress.percentage === 64, 10_000, 'a change delivered');
  });

  it("a page's Object.prototype.toJSON: mark-as-read's PATCH body is still the plain object", async () => {
    const [alert] = await insertRows('signal_alerts', [
      { user_id: ALICE, org_id: ACME, business_name: `toJSON ${Date.now()}`, signal_type: 'hiring', priority: 'high', details: {}, read: false },
    ]);
    const c = await aliceClient();
    const proto = Object.prototype as unknown as { toJSON?: () => unknown };
    // A page library's "serialize any object as its class name" (so `{ read: true }` would become "[object]").
    Object.defineProperty(proto, 'toJSON', { value: () => '[object]', configurable: true, writable: true });
    cleanups.push(() => delete proto.toJSON);
    let error;
    try {
      error = await c.markAsRead('signal_alerts', alert!.id as string);
    } finally {
      delete proto.toJSON;
    }
    expect(error, error?.message).to.equal(null);
    expect((await selectRows('signal_alerts', { id: alert!.id as string }))[0]!.read).to.equal(true);
  });

  it('a WebSocket upgrade held unanswered (a proxy): the attempt fails after 10 s and says so, no channel blames the server; live again once it passes', async () => {
    const c = await aliceClient();
    const { stream, host } = await liveStream(c);
    await holdRealtime(120_000);
    cleanups.push(() => void holdRealtime(0));
    const said = () => /did not open within 10 s/.test(c.getConnection().lastError?.message ?? '');
    await waitFor(() => said() && c.getConnection().attempt >= 1, 30_000, 'the held upgrade named, an attempt counted');
    expect(c.getConnection().status).to.not.equal('connected');
    expect(c.getConnection().lastError!.detail).to.equal('socket-dropped');
    expect(host.ctl.phase).to.not.equal('live');
    for (const sub of c.getActiveSubscriptions()) expect(sub.lastError?.code, `${sub.name}: ${sub.lastError?.message}`).to.not.equal('server');
    await holdRealtime(0);
    await waitFor(() => host.ctl.phase === 'live' && c.getConnection().status === 'connected', 30_000, 'live again');
    await updateRows('streams', { id: stream.id }, { current_progress: { percentage: 81, completed: 81, total: 100 } });
    await waitFor(() => host.ctl.progress?.current_progress.percentage === 81, 10_000, 'a change delivered');
  });

  it('the browser goes offline: the widgets name it as their cause, not a bare "Stale"; Live again once the server answers (QA88b M4)', async () => {
    const c = await aliceClient();
    const { host } = await liveStream(c);
    window.dispatchEvent(new Event('offline'));
    await waitFor(() => host.ctl.phase === 'stale' && /offline/.test(host.ctl.error?.message ?? ''), 10_000, () => `stale, the cause named (${host.ctl.phase}: ${host.ctl.error?.message})`);
    expect(host.ctl.error!.code).to.equal('network');
    // In the widget's words too, not "The server cannot be reached" (QA89 N1).
    expect(errorHint(en, host.ctl.error!)).to.equal(en.errorMessages.offline);
    // Back online: a heartbeat is sent at once, its answer makes the link (and the widget) live.
    window.dispatchEvent(new Event('online'));
    await waitFor(() => host.ctl.phase === 'live' && host.ctl.error === null, 15_000, () => `live again (${host.ctl.phase}: ${host.ctl.error?.message})`);
  });

  it('a rejected anon key on a page whose widgets read nothing over REST (signed out, a status indicator only): the key is judged, the socket stops retrying (QA83 F7)', async () => {
    const { url } = await backendInfo();
        const c = createRtClient({ url, anonKey: OTHER_PROJECT_KEY });
    clients.push(c);
    cleanups.push(c.onConnection(() => {}));
    await waitFor(() => /API key was rejected/.test(c.getConnection().lastError?.message ?? ''), 30_000, () => `the key named (is: ${c.getConnection().lastError?.message})`);
    await waitForRefused(c);
  });

  it('REST answers again after an outage of both (a server restarted): the socket opens at once, not at the end of its back-off (QA88b M3)', async () => {
    const c = await aliceClient();
    const { host } = await liveStream(c);
    cleanups.push(() => void restBusy(0), () => void pauseRealtime(0));
    await restBusy(600_000);
    await pauseRealtime(600_000);
    // The socket fails again and again; the widgets read over REST meanwhile, refused (503): an outage.
    await waitFor(() => c.getConnection().attempt >= 2 && host.ctl.error?.code === 'server', 30_000, () => `down, REST refused (attempt ${c.getConnection().attempt}, ${host.ctl.error?.message})`);
    const retries = holdRetries(c);
    await waitFor(() => retries.delays.length >= 1, 30_000, 'a retry scheduled (held)');
    await pauseRealtime(0);
    await restBusy(0);
    // REST's outage probe reads again (every 5 s): its answer ends the outage, and the socket opens now.
    await waitFor(() => c.getConnection().status === 'connected' && host.ctl.phase === 'live', 30_000, () => `live again (${c.getConnection().status}, ${host.ctl.phase})`);
    expect(retries.fired, 'the held retry never ran').to.equal(0);
  });

  it("the project's JWT secret rotated under an open page: the widgets read over REST and show the rejected key, not a network fault", async () => {
    const { url } = await backendInfo();
    // Signed with another secret: what the page's anon key and user token are once the project's
    // secret is rotated. The server refuses the WebSocket upgrade (401: the browser sees 1006) and
    // every REST request.
    let isRotated = false;
    // In place before the client exists (it keeps the WebSocket constructor it was made with).
    const NativeSocket = window.WebSocket;
    window.WebSocket = class extends NativeSocket {
      constructor(address: string | URL, protocols?: string | string[]) {
        const u = new URL(String(address));
        if (isRotated) u.searchParams.set('apikey', OTHER_PROJECT_KEY);
        super(u.href, protocols);
      }
    };
    const nativeFetch = window.fetch;
    window.fetch = (input: RequestInfo | URL, init: RequestInit = {}) => {
      const target = input instanceof Request ? input.url : String(input);
      if (!isRotated || !target.startsWith(url) || target.includes('/__dev/')) return nativeFetch(input, init);
      const headers = new Headers(init.headers ?? (input instanceof Request ? input.headers : undefined));
      headers.set('apikey', OTHER_PROJECT_KEY);
      headers.set('Authorization', `Bearer ${OTHER_PROJECT_KEY}`);
      return nativeFetch(input, { ...init, headers });
    };
    cleanups.push(() => {
      window.WebSocket = NativeSocket;
      window.fetch = nativeFetch;
    });
    // A fixed token (a string), as most pages pass: nothing renews it, so nothing else reads REST.
    const c = await clientFor(USERS.alice);
    clients.push(c);
    const { host } = await liveStream(c);
    isRotated = true;
    await dropConnections();
    await waitFor(() => host.ctl.error && host.ctl.error.code !== 'network', 30_000, `a cause REST gives (shows ${host.ctl.phase}: ${host.ctl.error?.code} ${host.ctl.error?.message})`);
    expect(['bad-config', 'unauthorized', 'session-expired']).to.include(host.ctl.error!.code);
    expect(host.ctl.phase).to.not.equal('live');
    expect(c.getConnection().status).to.not.equal('connected');
    // The key rejected: the socket stops retrying (QA83 F7)…
    await waitForRefused(c);
    // …until REST accepts the key again (the secret rotated back): then it opens by itself.
    isRotated = false;
    host.ctl.refresh();
    await waitFor(() => host.ctl.phase === 'live' && c.getConnection().status === 'connected', 30_000, `live again (is ${host.ctl.phase}, ${c.getConnection().status})`);
  });

  it('a page whose anon key the server rejects (another project, a rotated secret): the connection names the key, not the network', async () => {
    const { url } = await backendInfo();
        const c = createRtClient({ url, anonKey: OTHER_PROJECT_KEY });
    clients.push(c);
    const stream = await newStream({ name: 'wrong key' });
    const el = await fixture<HTMLElement>(html`<rt-provider .client=${c}><test-stream-host stream-id=${stream.id}></test-stream-host></rt-provider>`);
    const host = el.querySelector('test-stream-host') as TestStreamHost;
    await waitFor(() => host.ctl.error?.code === 'bad-config', 15_000, "the widget's cause");
    await waitFor(() => /API key was rejected/.test(c.getConnection().lastError?.message ?? ''), 15_000, `the connection's cause (is: ${c.getConnection().lastError?.message})`);
    expect(c.getConnection().lastError!.code).to.equal('bad-config');
    expect(c.getConnection().status).to.not.equal('connected');
    // No retry can get past a rejected key: none is scheduled, none counted down (QA83 F7:
    // "Retrying in 10 s · attempt 14" beside "The configuration is invalid").
    await waitForRefused(c);
    // A page coming back online, or visible, does not open it either.
    window.dispatchEvent(new Event('online'));
    const d = c.getConnection();
    expect([d.status, d.nextRetryAt, c.realtime!.connectionState?.()]).to.deep.equal(['error', null, 'closed']);
  });

  it('during an outage attempt / nextRetryAt follow the back-off (1 s, 2 s, 5 s); `online` reconnects at once', async () => {
    const c = await aliceClient();
    const { stream, host } = await liveStream(c);
    const seen = record(c);
    const retries = holdRetries(c);
    const resume = await outage();
    // Each retry is refused (paused) and the next one scheduled; the test runs them by hand.
    await waitFor(() => retries.delays.length === 1, 10_000, 'first retry scheduled');
    retries.fire();
    await waitFor(() => retries.delays.length === 2, 10_000, 'second retry scheduled');
    retries.fire();
    // The query's phase is delivered on the next frame, not with the retry: waited for with it.
    await waitFor(() => retries.delays.length === 3 && c.getConnection().attempt === 3 && host.ctl.phase === 'stale', 10_000, 'third retry scheduled, the query stale');
    expect(retries.delays).to.deep.equal([1000, 2000, 5000]);

    const byAttempt = new Map<number, ConnectionDetail>();
    for (const d of seen) if (d.nextRetryAt !== null && !byAttempt.has(d.attempt)) byAttempt.set(d.attempt, d);
    expect([...byAttempt.keys()]).to.deep.equal([1, 2, 3]);
    const staleSince = byAttempt.get(1)!.staleSince;
    expect(staleSince, 'staleSince set').to.be.a('number');
    for (const [attempt, d] of byAttempt) {
      expect(d.status, `status at attempt ${attempt}`).to.equal('disconnected');
      expect(d.staleSince, `staleSince kept at attempt ${attempt}`).to.equal(staleSince); // since the drop, not since each retry
    }
    // Each retry is announced later than the one before.
    expect(byAttempt.get(2)!.nextRetryAt!).to.be.greaterThan(byAttempt.get(1)!.nextRetryAt!);
    expect(byAttempt.get(3)!.nextRetryAt!).to.be.greaterThan(byAttempt.get(2)!.nextRetryAt!);
    expect(host.ctl.phase).to.equal('stale');

    // The network is back while the third retry is still scheduled: `online` does not wait for it.
    await resume();
    window.dispatchEvent(new Event('online'));
    await waitFor(() => c.getConnection().status === 'connected', 10_000, 'connected after online');
    expect(retries.fired, 'the scheduled retry never ran').to.equal(2);
    const healthy = c.getConnection();
    expect(healthy.attempt).to.equal(0);
    expect(healthy.nextRetryAt).to.equal(null);
    expect(healthy.staleSince).to.equal(null);
    await waitFor(() => host.ctl.phase === 'live', 5000, 'live again');
    await updateRows('streams', { id: stream.id }, { current_progress: { percentage: 42, completed: 42, total: 100 } });
    await waitFor(() => host.ctl.progress?.current_progress.percentage === 42, 10_000, 'change after online');
  });

  it('`offline` takes every widget off Live at once (no waiting for a heartbeat); `online` brings it back after an answer', async () => {
    const c = await aliceClient();
    const { host } = await liveStream(c);
    await waitFor(() => host.ctl.phase === 'live' && c.getConnection().status === 'connected', 10_000, 'live');
    window.dispatchEvent(new Event('offline'));
    // The socket here still works: only the event can have done this.
    await waitFor(() => host.ctl.phase !== 'live' && c.getConnection().status !== 'connected', 5000, 'off Live after offline');
    expect(c.getConnection().lastError?.message).to.include('offline');
    window.dispatchEvent(new Event('online'));
    await waitFor(() => host.ctl.phase === 'live' && c.getConnection().status === 'connected', 10_000, 'live again after online');
    expect(c.getConnection().lastError).to.equal(null);
  });

  it('`offline` with no channel open (every widget waiting for a sign-in, only the indicator watching): not "connected"', async () => {
    // QA32: a page whose widgets all read "not signed in" kept a green "Connected" through 8 s offline.
    const c = await aliceClient();
    record(c); // what <rt-connection-status> does: a watcher keeps a connection to watch
    await waitFor(() => c.getConnection().status === 'connected', 10_000, 'connected, no channel');
    expect(c.channelCount).to.equal(0);
    window.dispatchEvent(new Event('offline'));
    await waitFor(() => c.getConnection().status !== 'connected', 5000, 'not connected after offline');
    expect(c.getConnection().lastError?.message).to.include('offline');
    window.dispatchEvent(new Event('online'));
    await waitFor(() => c.getConnection().status === 'connected', 10_000, 'connected again after online');
    expect(c.getConnection().lastError).to.equal(null);
  });

  it('a heartbeat answered after an offline spell is not the latency (QA34: "Latency 7,446 ms" for a while after coming back)', async () => {
    const c = await aliceClient();
    record(c);
    await waitFor(() => c.getConnection().status === 'connected' && c.getConnection().latencyMs !== null, 20_000, 'a first latency');
    const before = c.getConnection().latencyMs;
    const beat = (c.realtime as unknown as { socketAdapter: { heartbeatCallback: (status: string, latency?: number) => void } }).socketAdapter;
    // The heartbeat in flight when the browser went offline, answered once it is back (as realtime-js reports it).
    beat.heartbeatCallback('sent');
    window.dispatchEvent(new Event('offline'));
    window.dispatchEvent(new Event('online'));
    beat.heartbeatCallback('ok', 7446);
    expect(c.getConnection().latencyMs).to.equal(before);
    // The next one measures again.
    beat.heartbeatCallback('sent');
    beat.heartbeatCallback('ok', 12);
    expect(c.getConnection().latencyMs).to.equal(12);
  });

  it('back from the back/forward cache or resumed after a freeze: off Live at once, Live again after the server answers', async () => {
    const c = await aliceClient();
    const { host } = await liveStream(c);
    for (const event of [new PageTransitionEvent('pageshow', { persisted: true }), new Event('resume')]) {
      await waitFor(() => host.ctl.phase === 'live' && c.getConnection().status === 'connected', 10_000, 'live');
      (event.type === 'resume' ? document : window).dispatchEvent(event);
      // Synchronously, before any frame: the socket here still works, so only the event can have done this.
      expect(c.getConnection().status, event.type).to.not.equal('connected');
      await waitFor(() => host.ctl.phase === 'live' && c.getConnection().status === 'connected', 10_000, `live again after ${event.type}`);
    }
    // A first load's pageshow (not persisted) changes nothing.
    window.dispatchEvent(new PageTransitionEvent('pageshow', { persisted: false }));
    expect(c.getConnection().status).to.equal('connected');
  });

  it('`visibilitychange` to visible with the socket down reconnects at once', async () => {
    const c = await aliceClient();
    await liveStream(c);
    const retries = holdRetries(c);
    const resume = await outage();
    await waitFor(() => retries.delays.length === 1, 10_000, 'first retry scheduled');
    retries.fire();
    await waitFor(() => retries.delays.length === 2 && c.getConnection().attempt === 2, 10_000, 'second retry scheduled');
    await resume();
    expect(document.visibilityState).to.equal('visible');
    document.dispatchEvent(new Event('visibilitychange', { bubbles: true })); // as the browser fires it: phoenix's listener is on window
    await waitFor(() => c.getConnection().status === 'connected', 10_000, 'connected after visibilitychange');
    expect(retries.fired, 'the scheduled retry never ran').to.equal(1);
  });

  it('`refreshAuth()` on a fixed token (nothing to refresh): false, and the connection stays as it was (not "refused")', async () => {
    const stream = await newStream({ name: 'fixed token refresh' });
    const c = await clientFor(USERS.alice);
    clients.push(c);
    const el = await fixture<HTMLElement>(html`<rt-provider .client=${c}><test-stream-host stream-id=${stream.id}></test-stream-host></rt-provider>`);
    const host = el.querySelector('test-stream-host') as TestStreamHost;
    await waitFor(() => c.getConnection().status === 'connected' && host.ctl.phase === 'live', 15_000, 'live');
    expect(await c.refreshAuth()).to.equal(false);
    expect([c.getConnection().status, c.getConnection().lastError]).to.deep.equal(['connected', null]);
    await updateRows('streams', { id: stream.id }, { name: 'after refreshAuth' });
    await waitFor(() => host.ctl.data?.name === 'after refreshAuth', 10_000, 'changes still arrive');
    expect([c.getConnection().status, host.ctl.phase]).to.deep.equal(['connected', 'live']);
  });

  it('an expired plain-string access token (no callback) ends in the error state: session-expired, with a clear message', async () => {
    const info = await backendInfo();
    const expired = await mintToken(ALICE, -3600); // expired an hour ago
    const ws = instrumentWebSocket();
    cleanups.push(() => ws.restore());
    const c = createRtClient({ url: info.url, anonKey: info.anonKey, accessToken: expired, heartbeatIntervalMs: 1000 });
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
    // It stays in the error state: no retry loop with the same stale token. The server refuses
    // the join once; over a span in which a rejoin loop would have run (Phoenix rejoins after 1 s)
    // — the next three heartbeats the server answers on the open socket — no join is sent again.
    const refusal = () => ws.log.findIndex((f) => f.dir === 'in' && f.data.includes('phx_reply') && /"status":"error"/.test(f.data) && /expired/i.test(f.data));
    await waitFor(() => refusal() >= 0, 10_000, 'the join refused');
    const after = () => ws.log.slice(refusal() + 1);
    const answered = () => after().filter((f) => f.dir === 'in' && f.data.includes('"phoenix"') && f.data.includes('phx_reply')).length;
    await waitFor(() => answered() >= 3, 15_000, 'three heartbeats answered after the refusal');
    expect(after().filter((f) => f.dir === 'out' && f.data.includes('phx_join')), 'joins sent after the refusal').to.deep.equal([]);
    expect(ws.log.filter((f) => f.dir === 'out' && f.data.includes('phx_join')), 'joins in all').to.have.length(1);
    expect(c.getConnection().status).to.equal('error');
  });
});
