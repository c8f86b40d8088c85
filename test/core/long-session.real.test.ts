/**
 * Long-session hygiene (issue 15), against the REAL local backend: a tab that reconnects 100 times
 * keeps its listener counts flat. Counted (not timed) after every reconnect:
 * - the socket's state-change callbacks (realtime-js's Phoenix socket: open / close / error /
 *   message), which realtime-js's `RealtimeClient.connect()` grows by 3 per call unless rt-monitor
 *   stops it (src/core/socket-hygiene.ts);
 * - realtime-js channels and their bindings (realtime-js's own and the Phoenix channel's), the
 *   join pushes' receive hooks, push and send buffers;
 * - rt-monitor's subscriptions and channels.
 * Reconnects come both ways a tab meets them: the server closing the socket (dev control) and
 * rt-monitor's own `reconnect()` (watchdog, `online`, `visibilitychange`).
 */
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/elements/rt-provider/rt-provider.js';
import '../../src/elements/rt-stream-card/rt-stream-card.js';
import '../../src/elements/rt-signal-alerts/rt-signal-alerts.js';
import '../../src/elements/rt-notifications/rt-notifications.js';
import { createRtClient, type RtClient } from '../../src/core/client.js';
import { USERS, backendInfo, dropConnections, newStream, signIn, updateRows, waitFor } from '../helpers/backend.js';
import { deepText } from '../elements/helpers.js';

interface Internals {
  stateChangeCallbacks: Record<string, unknown[]>;
  channels: Array<{ bindings: Record<string, unknown[]>; channelAdapter?: { channel?: { bindings?: unknown[]; joinPush?: { recHooks?: unknown[] }; pushBuffer?: unknown[] } } }>;
  socketAdapter: { getSocket(): { sendBuffer?: unknown[]; channels?: unknown[] } };
}

function counts(c: RtClient) {
  const rt = (c as unknown as { realtime: Internals }).realtime;
  const cb = rt.stateChangeCallbacks;
  return {
    open: cb.open.length,
    close: cb.close.length,
    error: cb.error.length,
    message: cb.message.length,
    channels: rt.channels.length,
    bindings: rt.channels.reduce((n, ch) => n + Object.values(ch.bindings).reduce((m, b) => m + b.length, 0), 0),
    phoenixBindings: rt.channels.reduce((n, ch) => n + (ch.channelAdapter?.channel?.bindings?.length ?? 0), 0),
    joinHooks: rt.channels.reduce((n, ch) => n + (ch.channelAdapter?.channel?.joinPush?.recHooks?.length ?? 0), 0),
    pushBuffer: rt.channels.reduce((n, ch) => n + (ch.channelAdapter?.channel?.pushBuffer?.length ?? 0), 0),
    sendBuffer: rt.socketAdapter.getSocket().sendBuffer?.length ?? 0,
    socketChannels: rt.socketAdapter.getSocket().channels?.length ?? 0,
    subscriptions: c.getActiveSubscriptions().length,
  };
}

const clients: RtClient[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.dispose();
});

describe('long-session hygiene (real backend)', function () {
  this.timeout(600_000);

  it('20 clients made, connected and disposed (providers removed, user switches) leave no listener on window (QA21 F2)', async () => {
    const info = await backendInfo();
    const token = await signIn(USERS.alice);
    const stream = await newStream({ name: 'window-listeners' });
    // The page's own wrapper of addEventListener (analytics, zone.js): counts what is on window now.
    const live = new Map<string, number>();
    const own = Object.getOwnPropertyDescriptor(window, 'addEventListener');
    const add = EventTarget.prototype.addEventListener;
    const remove = EventTarget.prototype.removeEventListener;
    const seen = new Set<unknown>();
    const pageAdd = function (this: EventTarget, type: string, fn: EventListenerOrEventListenerObject | null, opts?: boolean | AddEventListenerOptions) {
      if (fn && !seen.has(fn)) {
        seen.add(fn);
        live.set(type, (live.get(type) ?? 0) + 1);
      }
      return add.call(this, type, fn, opts);
    };
    window.addEventListener = pageAdd;
    window.removeEventListener = function (this: EventTarget, type: string, fn: EventListenerOrEventListenerObject | null, opts?: boolean | EventListenerOptions) {
      if (fn && seen.delete(fn)) live.set(type, (live.get(type) ?? 0) - 1);
      return remove.call(this, type, fn, opts);
    };
    try {
      for (let i = 0; i < 20; i++) {
        const c = createRtClient({ url: info.url, anonKey: info.anonKey, accessToken: token });
        if (i % 5 === 0) {
          // Some of them connected and live before they go.
          const q = c.liveQuery('stream', { streamId: stream.id });
          const off = q.subscribe(() => {});
          await waitFor(() => q.getState().phase === 'live', 15_000, `client ${i} live`);
          off();
        }
        c.dispose();
      }
      const left = ['pagehide', 'pageshow', 'visibilitychange', 'online', 'offline'].filter((t) => (live.get(t) ?? 0) > 0).map((t) => `${t}: ${live.get(t)}`);
      expect(left, 'listeners left on window by disposed clients').to.deep.equal([]);
      // The page's wrapper is still the page's.
      expect(window.addEventListener).to.equal(pageAdd);
    } finally {
      delete (window as { addEventListener?: unknown }).addEventListener;
      delete (window as { removeEventListener?: unknown }).removeEventListener;
      if (own) Object.defineProperty(window, 'addEventListener', own);
    }
  });

  it('after 100 reconnects (server drops and reconnect()), listener and channel counts are what they were after the first', async () => {
    const info = await backendInfo();
    const token = await signIn(USERS.alice);
    const c = createRtClient({ url: info.url, anonKey: info.anonKey, accessToken: async () => token });
    clients.push(c);
    const stream = await newStream({ name: `hygiene ${Date.now()}` });
    const wrapper = await fixture(html`<rt-provider .client=${c}>
      <rt-stream-card stream-id=${stream.id}></rt-stream-card>
      <rt-signal-alerts></rt-signal-alerts>
      <rt-notifications></rt-notifications>
    </rt-provider>`);
    const allLive = () => c.getConnection().status === 'connected' && c.getActiveSubscriptions().length > 0 && c.getActiveSubscriptions().every((s) => s.status === 'connected');
    await waitFor(allLive, 20_000, 'live');
    let seenOpen = 0;
    const socketOpens = (() => {
      // Count socket opens through a listener of our own (one, registered once).
      (c as unknown as { realtime: { socketAdapter: { onOpen(cb: () => void): void } } }).realtime.socketAdapter.onOpen(() => seenOpen++);
      return () => seenOpen;
    })();

    let baseline: ReturnType<typeof counts> | null = null;
    const N = 100;
    for (let i = 1; i <= N; i++) {
      const before = socketOpens();
      if (i % 10 === 1) await dropConnections(); // every tenth: the server closes the socket
      else c.reconnect();
      // Positive signals: a new socket opened, every subscription confirmed again.
      await waitFor(() => socketOpens() > before && allLive(), 30_000, `reconnect ${i}`);
      if (i === 1) baseline = counts(c);
    }
    const after = counts(c);
    // Still working: a change after the last reconnect arrives.
    await updateRows('streams', { id: stream.id }, { name: `${stream.name} after ${N}` });
    await waitFor(() => deepText(wrapper).includes(`${stream.name} after ${N}`), 15_000, 'update after the reconnects');
    expect(after, `after 1 reconnect ${JSON.stringify(baseline)}, after ${N}: ${JSON.stringify(after)}`).to.deep.equal(baseline);
  });
});
