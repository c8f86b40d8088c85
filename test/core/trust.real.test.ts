/**
 * "Live you can trust" against the REAL local backend, in real Chromium, with real elements:
 *
 * - a widget reads "Live" only once its own subscription is joined and "Subscribed to PostgreSQL"
 *   (sockets refused; a socket that opens but whose frames are swallowed);
 * - a page still handing its provider a client is pending ("Connecting…"), never an error flash;
 * - one status per widget and a stable layout through a drop;
 * - errors name the true cause (not signed in / no access vs a wrong key), and a failed
 *   "Mark read" / "Mark all read" fires rt-error and says so;
 * - sessions outlive their first token: a fixed token that expires reads "Session expired",
 *   `rt-session-expired` fires (provider and page default client) and an answered token recovers
 *   without a reload; a token callback assigned after the first render takes effect;
 * - third-party auth: a host supabase-js client made with the `accessToken` option works through
 *   `provider.client` and `configure({ client })`.
 */
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { createClient } from '@supabase/supabase-js';
import '../../src/elements/rt-provider/rt-provider.js';
import '../../src/elements/rt-stream-progress/rt-stream-progress.js';
import '../../src/elements/rt-stream-card/rt-stream-card.js';
import '../../src/elements/rt-signal-alerts/rt-signal-alerts.js';
import '../../src/elements/rt-notifications/rt-notifications.js';
import '../../src/elements/rt-connection-status/rt-connection-status.js';
import '../../src/elements/rt-monitoring-dashboard/rt-monitoring-dashboard.js';
import '../../src/elements/rt-agent-executions/rt-agent-executions.js';
import type { RtProvider } from '../../src/elements/rt-provider/rt-provider.js';
import { createRtClient, type RtClient } from '../../src/core/client.js';
import { configure, setAccessToken, setDefaultClient } from '../../src/core/default-client.js';
import { getDefaultClient } from '../../src/core/default-client-slot.js';
import { resetServerClock } from '../../src/core/server-clock.js';
import type { RtSessionExpiredEvent } from '../../src/events.js';
import { en } from '../../src/internal/strings.js';
import {
  ACME, ALICE, BOB, USERS, backendInfo, deleteRows, dropConnections, insertRows, lagRealtime, mintToken, newId, newStream, pauseRealtime, signIn, updateRows, waitFor,
} from '../helpers/backend.js';
import { instrumentWebSocket, recordWarnings } from '../helpers/hosts.js';
import { badgeText, deepText } from '../elements/helpers.js';

const clients: RtClient[] = [];
const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const f of cleanups.splice(0)) f();
  for (const c of clients.splice(0)) c.dispose();
  setDefaultClient(null);
});

function track(c: RtClient): RtClient {
  clients.push(c);
  return c;
}

/** The text of the widget's one status badge (`part="live-badge"`), without its hidden hint. */
/** A host page's supabase-js client for Alice whose own channel (on `streams`, row `streamId`) is joined: the names it saw, its last status. */
async function hostWithOwnChannel(streamId: string, topic: string) {
  const info = await backendInfo();
  const token = await signIn(USERS.alice);
  const supabase = createClient(info.url, info.anonKey, { accessToken: async () => token });
  cleanups.push(() => void supabase.removeAllChannels());
  const hostSaw: string[] = [];
  let status = '';
  supabase
    .channel(topic)
    .on('postgres_changes', { event: 'UPDATE', schema: 'public', table: 'streams', filter: `id=eq.${streamId}` }, (p) => void hostSaw.push(String((p.new as { name?: string }).name)))
    .subscribe((s) => void (status = s));
  await waitFor(() => status === 'SUBSCRIBED', 15_000, "the host's channel joined");
  return { supabase, hostSaw, hostStatus: () => status };
}

/** README step 6's client (supabase-js with the third-party `accessToken` option) for Alice; its callback never answers while `hang.on`. */
async function hangingHostClient() {
  const info = await backendInfo();
  const token = await signIn(USERS.alice);
  const hang = { on: false };
  const sb = createClient(info.url, info.anonKey, { accessToken: async () => (hang.on ? new Promise<string>(() => {}) : token) });
  cleanups.push(() => void sb.removeAllChannels());
  return { sb, hang };
}

/** Samples every animation frame until stopped: what a user could have seen, frame by frame. */
function everyFrame(sample: () => void): () => void {
  let on = true;
  const tick = () => {
    if (!on) return;
    sample();
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  const stop = () => (on = false);
  cleanups.push(stop);
  return stop;
}

const frames = (n: number) =>
  new Promise<void>((resolve) => {
    const step = (left: number) => (left <= 0 ? resolve() : requestAnimationFrame(() => step(left - 1)));
    step(n);
  });

async function aliceClient(accessToken?: string | (() => Promise<string | null>)): Promise<RtClient> {
  const info = await backendInfo();
  const token = accessToken ?? (await signIn(USERS.alice));
  return track(createRtClient({ url: info.url, anonKey: info.anonKey, accessToken: token }));
}

describe('Live you can trust (real backend)', function () {
  this.timeout(60_000);

  describe('states never lie', () => {
    it('sockets refused: the REST snapshot shows as "Connecting…", never "Live", until the subscription is confirmed', async () => {
      const stream = await newStream({ name: 'refused sockets', current_progress: { percentage: 20, completed: 2, total: 10 } });
      const c = await aliceClient(); // signed in first: the pause below is not spent on it
      // Drops sockets and refuses new ones until lifted below (a fixed short pause could end
      // before a slow run's first attempt, which would then never be refused).
      await pauseRealtime(60_000);
      let lifted = false;
      // Lifted even when the test fails before it does (lifting drops every socket: not otherwise).
      cleanups.push(() => void (lifted || pauseRealtime(0).catch(() => {})));
      const wrapper = await fixture(html`<rt-provider .client=${c}><rt-stream-progress stream-id=${stream.id}></rt-stream-progress></rt-provider>`);
      const el = wrapper.querySelector('rt-stream-progress')!;
      const seen: Array<string | null> = [];
      everyFrame(() => seen.push(badgeText(el)));
      await waitFor(() => deepText(el.shadowRoot!).includes('refused sockets') && c.getConnection().status !== 'connected', 10_000, 'snapshot shown');
      await frames(2);
      // "Connecting…", or "Not live" (with the cause) once the socket failed to open twice.
      expect([en.connectingData, en.notLive]).to.include(badgeText(el));
      // The socket is refused for a while: the snapshot must not be called live meanwhile.
      await waitFor(() => c.getConnection().attempt >= 1 || c.getConnection().status === 'error', 10_000, 'a refused attempt');
      await frames(2);
      expect(badgeText(el)).to.not.equal(en.live);
      await pauseRealtime(0);
      lifted = true;
      // Once the pause ends the subscription is confirmed, and only then: Live; changes arrive.
      await waitFor(() => badgeText(el) === en.live, 30_000, 'Live after the pause');
      const firstLive = seen.indexOf(en.live);
      expect(seen.slice(0, firstLive).every((t) => t !== en.live)).to.equal(true);
      expect(c.getActiveSubscriptions().every((s) => s.status === 'connected')).to.equal(true);
      await updateRows('streams', { id: stream.id }, { current_progress: { percentage: 70, completed: 7, total: 10 } });
      await waitFor(() => deepText(el.shadowRoot!).includes('70'), 10_000, 'update after going live');
    });

    it('a stream deleted while watched: its agent list, emptied by the cascade, never reads "Live · No agent activity yet" and says "Not found" (QA16 F5)', async () => {
      const stream = await newStream({ name: 'deleted while watched' });
      await insertRows('agent_executions', [{ id: newId(), stream_id: stream.id, agent_id: 'doomed-agent', status: 'running' }]);
      const c = await aliceClient();
      const wrapper = await fixture(html`<rt-provider .client=${c}><rt-agent-executions stream-id=${stream.id}></rt-agent-executions></rt-provider>`);
      const el = wrapper.querySelector('rt-agent-executions')!;
      await waitFor(() => deepText(el.shadowRoot!).includes('doomed-agent') && badgeText(el) === en.live, 15_000, 'Live with the agent');
      const seen: string[] = [];
      everyFrame(() => seen.push(`${badgeText(el)} | ${deepText(el.shadowRoot!).includes(en.noAgents) ? 'empty' : ''}`));
      await deleteRows('streams', { id: stream.id });
      await waitFor(() => deepText(el.shadowRoot!).includes(en.notFound), 15_000, `"Not found" (${deepText(el.shadowRoot!)})`);
      expect(seen.filter((f) => f === `${en.live} | empty`), 'frames reading Live over an empty list').to.deep.equal([]);
    });

    it('a socket that opens but whose frames are swallowed (a proxy): data shows as "Connecting…", never "Live"', async () => {
      const ws = instrumentWebSocket();
      cleanups.push(() => ws.restore());
      ws.closeGate(() => true); // every incoming frame is swallowed: no join reply, no system message
      const stream = await newStream({ name: 'swallowed frames' });
      const c = await aliceClient();
      const wrapper = await fixture(html`<rt-provider .client=${c}><rt-stream-card stream-id=${stream.id}></rt-stream-card></rt-provider>`);
      const el = wrapper.querySelector('rt-stream-card')!;
      const seen = new Set<string | null>();
      everyFrame(() => seen.add(badgeText(el)));
      await waitFor(() => deepText(el.shadowRoot!).includes('swallowed frames'), 10_000, 'snapshot shown');
      await waitFor(() => ws.sockets.some((s) => s.readyState === WebSocket.OPEN), 10_000, 'socket open');
      await frames(3);
      expect(badgeText(el)).to.equal(en.connectingData);
      expect(seen.has(en.live)).to.equal(false);
      expect(c.getConnection().status).to.not.equal('connected');
    });

    it('a server that stops answering mid-session: "Live" goes within a heartbeat, and comes back after recovery', async function () {
      this.timeout(120_000); // ~25 s by design (15 s of silence, then the probe), its waits up to 95 s
      const ws = instrumentWebSocket();
      cleanups.push(() => ws.restore());
      const stream = await newStream({ name: 'frozen server' });
      const info = await backendInfo();
      const token = await signIn(USERS.alice);
      // A long heartbeat interval: the transport itself would not notice for a minute; the watchdog's
      // probe (sent after 15 s of silence) going unanswered is what withdraws "Live".
      const c = track(createRtClient({ url: info.url, anonKey: info.anonKey, accessToken: async () => token, heartbeatIntervalMs: 60_000 }));
      const wrapper = await fixture(html`<rt-provider .client=${c}><rt-stream-progress stream-id=${stream.id}></rt-stream-progress></rt-provider>`);
      const el = wrapper.querySelector('rt-stream-progress')!;
      await waitFor(() => badgeText(el) === en.live, 15_000, 'live');
      // Whether a socket was still open when the connection first stopped being "connected": read
      // in the listener, at that moment, not a frame or more later when the badge has rendered.
      let openWhenWithdrawn: boolean | null = null;
      cleanups.push(
        c.onConnection((d) => {
          if (openWhenWithdrawn === null && d.status !== 'connected') openWhenWithdrawn = ws.sockets.some((s) => s.readyState === WebSocket.OPEN);
        }),
      );
      // Every frame from the server is swallowed from now on (heartbeat replies included).
      ws.closeGate(() => true);
      await waitFor(() => badgeText(el) !== en.live, 40_000, 'Live withdrawn while the server is silent');
      expect(c.getConnection().status).to.not.equal('connected');
      // Withdrawn by the unanswered heartbeat, while the socket is still open (before any timeout).
      expect(openWhenWithdrawn).to.equal(true);
      ws.openGate();
      ws.closeGate(() => false);
      await waitFor(() => badgeText(el) === en.live, 30_000, 'live again');
      await updateRows('streams', { id: stream.id }, { name: 'frozen server back' });
      await waitFor(() => deepText(el.shadowRoot!).includes('frozen server back'), 10_000, 'update after recovery');
    });

    it('Realtime running behind the database: not "Live" once a change arrives late (cause named, rows read again); Live once changes are on time', async () => {
      const stream = await newStream({ name: 'lagging realtime' });
      const c = await aliceClient();
      const wrapper = await fixture(html`<rt-provider .client=${c}><rt-stream-progress stream-id=${stream.id}></rt-stream-progress><rt-signal-alerts></rt-signal-alerts></rt-provider>`);
      const el = wrapper.querySelector('rt-stream-progress')!;
      const quiet = wrapper.querySelector('rt-signal-alerts')!; // its table gets no change meanwhile
      await waitFor(() => badgeText(el) === en.live && badgeText(quiet) === en.live, 15_000, 'live');
      let reads = 0;
      const nativeFetch = window.fetch;
      window.fetch = (input, init) => {
        const url = String(input instanceof Request ? input.url : input);
        if (url.includes('/rest/v1/streams') && (init?.method ?? 'GET') === 'GET') reads++;
        return nativeFetch(input, init);
      };
      cleanups.push(() => (window.fetch = nativeFetch));
      await lagRealtime(6500);
      try {
        await updateRows('streams', { id: stream.id }, { name: 'late 1' });
        const readsBefore = reads;
        // Delivered 6.5 s after its commit: the widget says it is not live, and why.
        await waitFor(() => deepText(el.shadowRoot!).includes('late 1'), 20_000, 'the late change shown');
        await waitFor(() => badgeText(el) === en.stale, 5000, `"${en.stale}" (shows ${badgeText(el)})`);
        // Realtime's lag is the server's: a widget whose table was quiet is as far behind.
        await waitFor(() => badgeText(quiet) === en.stale, 5000, `the quiet widget "${en.stale}" too (shows ${badgeText(quiet)})`);
        // Whose lateness: not known until an answer taken in after the change (asked for at once);
        // a quick one names Realtime (QA74 3).
        const badge = el.shadowRoot!.querySelector('[part~="live-badge"]')!;
        await waitFor(() => badge.getAttribute('title') === en.errorMessages['realtime-behind'], 15_000, () => `Realtime named (${badge.getAttribute('title')})`);
        expect(badgeText(el)).to.equal(en.stale);
        // … and reads the rows over REST (what the database holds now, not when Realtime gets to it).
        await waitFor(() => reads > readsBefore, 10_000, 'the stream read again over REST');
      } finally {
        await lagRealtime(0);
      }
      // On time again: Live.
      await updateRows('streams', { id: stream.id }, { name: 'on time' });
      await waitFor(() => deepText(el.shadowRoot!).includes('on time') && badgeText(el) === en.live && badgeText(quiet) === en.live, 30_000, `live again (shows ${badgeText(el)}, ${badgeText(quiet)})`);
    });

    // QA71 F3, F4: a page too busy to keep up (CPU throttled, many widgets), or a slow downlink, takes
    // in every frame late, the heartbeat answers too. It was read as "the realtime server is behind
    // the database", "Live" between changes, and "Stale" for twice the lateness after it caught up.
    it('a connection slow to bring frames in (heartbeat answers as late as the changes): never Live, blamed on the connection, not on Realtime; Live again once it keeps up, without a change', async function () {
      this.timeout(180_000);
      const ws = instrumentWebSocket();
      cleanups.push(() => ws.restore());
      const stream = await newStream({ name: 'slow link' });
      const c = await aliceClient();
      const wrapper = await fixture(html`<rt-provider .client=${c}><rt-stream-progress stream-id=${stream.id}></rt-stream-progress></rt-provider>`);
      const el = wrapper.querySelector('rt-stream-progress')!;
      await waitFor(() => badgeText(el) === en.live, 15_000, 'live');
      const title = () => el.shadowRoot!.querySelector('[part~="live-badge"]')?.getAttribute('title');
      const titles = new Set<string>();
      const badges = new Set<string>();
      let answers = 0; // heartbeat answers taken in
      let last = c.getConnection().lastHeartbeatAt;
      cleanups.push(c.onConnection((d) => void (d.lastHeartbeatAt !== last && ((last = d.lastHeartbeatAt), answers++))));
      // Past LATE_MS (5 s), and HEARTBEAT_LATE_MS (4 s) goes by before each answer; under the
      // watchdog's 8.5 s after which a pending heartbeat is sent again (a reconnect).
      ws.delayIncoming(6000);
      const socketsBefore = ws.sockets.length;
      let n = 0;
      const writes: Array<ReturnType<typeof setInterval>> = [];
      try {
        // No change at all: a slow answer alone says nothing the socket carries is live.
        await waitFor(() => title() === en.errorMessages['delivery-slow'], 45_000, () => `named the connection (badge ${badgeText(el)}: ${title()})`);
        const stop = everyFrame(() => {
          badges.add(badgeText(el) ?? '');
          titles.add(title() ?? '');
        });
        const from = answers;
        await waitFor(() => answers >= from + 2, 60_000, () => `two more answers (${answers - from})`);
        // Changes now, one a second: each taken in 6 s late.
        writes.push(setInterval(() => void updateRows('streams', { id: stream.id }, { name: `slow ${++n}` }).catch(() => {}), 1000));
        await waitFor(() => Number(/slow (\d+)/.exec(deepText(el.shadowRoot!))?.[1]) >= 6, 30_000, () => `6 changes shown (at ${n})`);
        clearInterval(writes[0]);
        stop();
        expect([...badges], 'the badge, frame by frame').to.not.include(en.live);
        expect([...titles], 'the causes named').to.not.include(en.errorMessages['realtime-behind']);
      } finally {
        writes.forEach(clearInterval);
        ws.delayIncoming(0);
      }
      const written = `slow ${n}`;
      await waitFor(() => ws.delayedCount() === 0, 15_000, 'the frames held taken in');
      // Caught up: Live again at a quick answer, with no change to say so.
      await waitFor(() => deepText(el.shadowRoot!).includes(written) && badgeText(el) === en.live, 40_000, `Live once it keeps up (${badgeText(el)}: ${title()})`);
      expect(ws.sockets.length, 'no reconnect').to.equal(socketsBefore);
    });

    it("the lateness watch knows, socket by socket, when Realtime has confirmed the subscriptions (its \"Subscribed to PostgreSQL\"): a quiet socket then is a drained queue (QA80)", async () => {
      const ws = instrumentWebSocket();
      cleanups.push(() => ws.restore());
      const stream = await newStream({ name: 'confirmed' });
      const c = await aliceClient();
      const wrapper = await fixture(html`<rt-provider .client=${c}><rt-stream-progress stream-id=${stream.id}></rt-stream-progress></rt-provider>`);
      const el = wrapper.querySelector('rt-stream-progress')!;
      await waitFor(() => badgeText(el) === en.live, 15_000, 'live');
      const lag = (c as unknown as { realtimeLag: { subscribed(): boolean } }).realtimeLag;
      expect(lag.subscribed(), 'confirmed on the first socket').to.equal(true);
      // The next socket's confirmation is held: joined, not yet confirmed.
      ws.closeGate((data) => data.includes('"system"') && data.includes('postgres_changes'));
      const before = ws.sockets.length;
      c.reconnect();
      await waitFor(() => ws.sockets.length > before && ws.gatedCount() > 0, 15_000, 'the next socket joined, its confirmation held');
      expect(lag.subscribed(), 'joined on the next socket, not confirmed').to.equal(false);
      expect(badgeText(el)).to.not.equal(en.live);
      ws.openGate();
      await waitFor(() => lag.subscribed() && badgeText(el) === en.live, 15_000, 'confirmed on the next socket, Live');
    });

    // Phoenix's teardown waits about 1.5 s for a close to be confirmed, then drops the socket
    // without its close event (as on a slow link): no channel errored, realtime-js rejoins none.
    // The host page's socket is open before rt-monitor's client is made (Phoenix tells it no open).
    const unheardCloses: Array<[string, 'rt-monitor' | 'host']> = [
      ["rt-monitor's reconnect (the indicator's button): its channels and the host page's own on the shared client", 'rt-monitor'],
      ["the host page's own disconnect() (off Live once the socket is gone) and connect() of its client: rt-monitor's channels", 'host'],
    ];
    for (const [what, who] of unheardCloses) {
      it(`a reconnect whose old socket's close is never heard, by ${what} are joined again on the new socket; never Live before, and its changes come`, async () => {
        const ws = instrumentWebSocket();
        cleanups.push(() => ws.restore());
        const stream = await newStream({ name: `close never heard (${who})` });
        // The host page's own channel on the same client, its socket open before rt-monitor's client is made.
        const { supabase, hostSaw, hostStatus } = await hostWithOwnChannel(stream.id, `host-${who}`);
        const c = track(createRtClient({ client: supabase }));
        const wrapper = await fixture(html`<rt-provider .client=${c}><rt-stream-progress stream-id=${stream.id}></rt-stream-progress></rt-provider>`);
        const el = wrapper.querySelector('rt-stream-progress')!;
        await waitFor(() => badgeText(el) === en.live, 15_000, 'live');
        const before = ws.sockets.length;
        ws.dropCloses(true);
        cleanups.push(() => ws.dropCloses(false));
        if (who === 'rt-monitor') c.reconnect();
        else {
          // Disconnected: the socket is gone, its close unheard; off Live within a watchdog tick.
          await supabase.realtime.disconnect();
          await waitFor(() => badgeText(el) !== en.live, 15_000, 'off Live once the socket is gone');
          supabase.realtime.connect();
        }
        await waitFor(() => ws.sockets.length > before && ws.sockets.at(-1)!.readyState === WebSocket.OPEN, 15_000, 'the next socket open');
        ws.dropCloses(false);
        const next = ws.sockets.at(-1)!;
        // rt-monitor's channel joined on the next socket (the host's is `host-…`, without a stream filter of ours).
        const joined = () => ws.sent.some((f) => f.socket === next && f.data.includes('phx_join') && !f.data.includes(`host-${who}`) && f.data.includes('postgres_changes'));
        let liveUnjoined = 0; // frames that read "Live" before any channel joined on the next socket
        const stop = everyFrame(() => void (badgeText(el) === en.live && !joined() && liveUnjoined++));
        await waitFor(joined, 15_000, 'a channel joined again on the next socket');
        const name = `after the unheard close (${who})`;
        await updateRows('streams', { id: stream.id }, { name });
        await waitFor(() => deepText(el.shadowRoot!).includes(name) && badgeText(el) === en.live, 15_000, () => `the change over the next socket, Live (${badgeText(el)})`);
        stop();
        expect(liveUnjoined, 'frames read "Live" with no channel joined on the socket').to.equal(0);
        // rt-monitor's reconnect leaves the host's channels as a heard close would: rejoined.
        if (who === 'rt-monitor') await waitFor(() => hostSaw.includes(name), 15_000, () => `the host's own channel had the change (${hostStatus()}; ${hostSaw.join(', ')})`);
      });
    }

    // A client disposed while its reconnect waits for the old socket to close (a page that leaves
    // the widgets' route, or switches user, just after "Reconnect"): the socket is the host page's,
    // and its own channels must not be left on no socket at all.
    for (const [what, unheard] of [['heard', false], ['never heard', true]] as const) {
      it(`a client disposed while its reconnect drops the host page's socket (its close ${what}) gives the socket back: the host's own channel has its changes`, async () => {
        const ws = instrumentWebSocket();
        cleanups.push(() => ws.restore());
        const stream = await newStream({ name: `disposed mid-reconnect (${what})` });
        const { supabase, hostSaw, hostStatus } = await hostWithOwnChannel(stream.id, `host-disposed-${unheard}`);
        const c = createRtClient({ client: supabase });
        const wrapper = await fixture(html`<rt-provider .client=${c}><rt-stream-progress stream-id=${stream.id}></rt-stream-progress></rt-provider>`);
        await waitFor(() => badgeText(wrapper.querySelector('rt-stream-progress')!) === en.live, 15_000, 'live');
        const before = ws.sockets.length;
        ws.dropCloses(unheard);
        cleanups.push(() => ws.dropCloses(false));
        c.reconnect();
        wrapper.remove();
        c.dispose();
        await waitFor(() => ws.sockets.length > before && ws.sockets.at(-1)!.readyState === WebSocket.OPEN, 15_000, "the host page's socket open again");
        ws.dropCloses(false);
        const name = `after a disposal mid-reconnect (${what})`;
        await updateRows('streams', { id: stream.id }, { name });
        await waitFor(() => hostSaw.includes(name), 15_000, () => `the host's own channel had the change (${hostStatus()}; ${hostSaw.join(', ')})`);
      });
    }

    // The page held the socket's messages for 7 s (past LATE_MS, 5 s): the change Realtime sent on
    // time is taken in when the page runs again, its commit long past. That is the page's sleep, not
    // Realtime behind. Frozen: Chrome freezes a hidden tab (`freeze`, no task runs, `resume`; QA57 F2).
    // Stalled: no event at all, the page runs nothing else (a host page's `alert()`, a task of seconds).
    const holds: Array<[string, string, { before?: () => void; after?: () => void; broadcast?: boolean }]> = [
      ['a page frozen (Page Lifecycle freeze … resume) (QA57 F2)', 'the freeze', { before: () => document.dispatchEvent(new Event('freeze')), after: () => document.dispatchEvent(new Event('resume')) }],
      ["the page's main thread stalled (a host page's alert() or a task of seconds)", 'the stall', {}],
      // No commit time in Broadcast mode: the stall is seen when the change is taken in (QA71 F2 review).
      ["Broadcast mode: the page's main thread stalled", 'the Broadcast stall', { broadcast: true }],
    ];
    for (const [what, name, hold] of holds) {
      it(`${what} takes in the changes Realtime sent meanwhile: on time, never "Realtime behind"`, async () => {
        const stream = await newStream({ name: `before ${name}` });
        const c = hold.broadcast
          ? track(createRtClient({ url: (await backendInfo()).url, anonKey: (await backendInfo()).anonKey, accessToken: await signIn(USERS.alice), realtimeMode: 'broadcast' }))
          : await aliceClient();
        const wrapper = await fixture(html`<rt-provider .client=${c}><rt-stream-progress stream-id=${stream.id}></rt-stream-progress></rt-provider>`);
        const el = wrapper.querySelector('rt-stream-progress')!;
        await waitFor(() => badgeText(el) === en.live, 15_000, 'live');
        // The causes the badge gave (its title) at every change of the widget.
        const causes = new Set<string>();
        const badge = () => el.shadowRoot!.querySelector('[part~="live-badge"]');
        // What the badge said when the change sent meanwhile was first shown.
        let firstShownUnder: string | null = null;
        const watch = new MutationObserver(() => {
          causes.add(badge()?.getAttribute('title') ?? '');
          if (firstShownUnder === null && deepText(el.shadowRoot!).includes(`during ${name}`)) firstShownUnder = badgeText(el);
        });
        watch.observe(el.shadowRoot!, { subtree: true, childList: true, characterData: true, attributes: true });
        cleanups.push(() => watch.disconnect());
        const info = await backendInfo();
        hold.before?.();
        const write = fetch(`${info.url}/rest/v1/streams?id=eq.${stream.id}`, {
          method: 'PATCH',
          headers: { apikey: info.serviceRoleKey, Authorization: `Bearer ${info.serviceRoleKey}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ name: `during ${name}` }),
        });
        const until = performance.now() + 7000; // past LATE_MS (5 s): read as late before
        while (performance.now() < until);
        hold.after?.();
        expect((await write).ok).to.equal(true);
        await waitFor(() => deepText(el.shadowRoot!).includes(`during ${name}`), 15_000, `the change sent during ${name}`);
        // Off Live after a resume or a stall until the server answers (src/core/transport.ts; QA71
        // F2: after a stall it was shown under "Live"), but never blamed on Realtime: it sent the
        // change on time, the page was asleep.
        expect(firstShownUnder, `the badge when the change sent during ${name} was first shown`).to.not.equal(en.live);
        await waitFor(() => badgeText(el) === en.live, 15_000, `Live after ${name}`);
        await updateRows('streams', { id: stream.id }, { name: `after ${name}` });
        await waitFor(() => deepText(el.shadowRoot!).includes(`after ${name}`) && badgeText(el) === en.live, 15_000, 'the next change, Live');
        expect([...causes]).to.not.include(en.errorMessages['realtime-behind']);
      });
    }

    it("Realtime behind from the first change, through the page's own supabase-js client: not Live (the token's issue time tells lag from clock skew)", async () => {
      const stream = await newStream({ name: 'behind from the start' });
      resetServerClock(); // what this page learnt of the server's clock in earlier tests is forgotten
      const info = await backendInfo();
      const supabase = createClient(info.url, info.anonKey, { auth: { persistSession: false, autoRefreshToken: false } });
      const { error } = await supabase.auth.signInWithPassword({ email: USERS.alice, password: 'rt-monitor-demo' });
      expect(error).to.equal(null);
      cleanups.push(() => void supabase.removeAllChannels());
      await lagRealtime(6500);
      try {
        const wrapper = await fixture(html`<rt-provider .client=${supabase}><rt-stream-progress stream-id=${stream.id}></rt-stream-progress></rt-provider>`);
        const el = wrapper.querySelector('rt-stream-progress')!;
        await waitFor(() => badgeText(el) === en.live, 15_000, 'live');
        await updateRows('streams', { id: stream.id }, { name: 'late from the start' });
        await waitFor(() => deepText(el.shadowRoot!).includes('late from the start'), 20_000, 'the late change shown');
        await waitFor(() => badgeText(el) === en.stale, 5000, `"${en.stale}" (shows ${badgeText(el)})`);
      } finally {
        await lagRealtime(0);
      }
    });

    // Review of 01ca32f, M2: rt-monitor's heartbeats went through realtime-js's sendHeartbeat(), so
    // none was asked for where realtime-js's own could collide with it: in worker mode never (the
    // worker's schedule is not known), else not within 8.5 s of realtime-js's next. They now go
    // under a ref of their own (Phoenix's ping), at once.
    it("whose lateness, asked at once also where realtime-js's heartbeats run in a worker (a host client with `worker: true`): Realtime named long before the worker's next heartbeat, the socket kept", async function () {
      this.timeout(60_000);
      const ws = instrumentWebSocket();
      cleanups.push(() => ws.restore());
      const stream = await newStream({ name: 'worker heartbeats' });
      const info = await backendInfo();
      const token = await signIn(USERS.alice);
      // The worker's first heartbeat is a minute after the open: only rt-monitor's own can answer sooner.
      const supabase = createClient(info.url, info.anonKey, { accessToken: async () => token, realtime: { worker: true, heartbeatIntervalMs: 60_000 } });
      cleanups.push(() => void supabase.removeAllChannels());
      const wrapper = await fixture(html`<rt-provider .client=${supabase}><rt-stream-progress stream-id=${stream.id}></rt-stream-progress></rt-provider>`);
      const el = wrapper.querySelector('rt-stream-progress')!;
      await waitFor(() => badgeText(el) === en.live, 15_000, 'live');
      const isHeartbeat = (data: string) => data.includes('"phoenix"') && data.includes('"heartbeat"');
      const heartbeatsBefore = ws.sent.filter((f) => isHeartbeat(f.data)).length;
      const socketsBefore = ws.sockets.length;
      const badge = el.shadowRoot!.querySelector('[part~="live-badge"]')!;
      await lagRealtime(6500);
      try {
        await updateRows('streams', { id: stream.id }, { name: 'late, worker heartbeats' });
        await waitFor(() => deepText(el.shadowRoot!).includes('late, worker heartbeats'), 20_000, 'the late change shown');
        await waitFor(() => badge.getAttribute('title') === en.errorMessages['realtime-behind'], 10_000, () => `Realtime named (${badge.getAttribute('title')})`);
        expect(badgeText(el)).to.equal(en.stale);
      } finally {
        await lagRealtime(0);
      }
      expect(ws.sent.filter((f) => isHeartbeat(f.data)).length, 'a heartbeat asked for').to.be.above(heartbeatsBefore);
      expect(ws.sockets.length, 'no socket closed and reopened for it').to.equal(socketsBefore);
      await updateRows('streams', { id: stream.id }, { name: 'on time, worker heartbeats' });
      await waitFor(() => deepText(el.shadowRoot!).includes('on time, worker heartbeats') && badgeText(el) === en.live, 30_000, () => `live again (shows ${badgeText(el)})`);
    });

    it('no error flash while the page hands its provider a client after its own sign-in', async () => {
      const stream = await newStream({ name: 'late client' });
      const wrapper = await fixture<RtProvider>(html`<rt-provider>
        <rt-connection-status></rt-connection-status>
        <rt-stream-progress stream-id=${stream.id}></rt-stream-progress>
        <rt-signal-alerts></rt-signal-alerts>
      </rt-provider>`);
      const widgets = [...wrapper.children];
      const errors: string[] = [];
      everyFrame(() => {
        for (const w of widgets) {
          const t = deepText(w.shadowRoot!);
          if (w.shadowRoot!.querySelector('[part~="error"]') || /Connection error|Configuration error|not configured|no Supabase client|Could not load/i.test(t)) errors.push(`${w.localName}: ${t}`);
        }
      });
      // The page signs in (takes a while), then hands over the client.
      const token = await signIn(USERS.alice);
      await frames(20);
      const info = await backendInfo();
      wrapper.client = track(createRtClient({ url: info.url, anonKey: info.anonKey, accessToken: token }));
      const progress = wrapper.querySelector('rt-stream-progress')!;
      await waitFor(() => badgeText(progress) === en.live, 15_000, 'live');
      await waitFor(() => deepText(wrapper.querySelector('rt-connection-status')!.shadowRoot!).includes(en.connected), 15_000, 'connected');
      expect(errors, errors.join('\n')).to.deep.equal([]);
    });

    it('one status per widget and a layout that does not move through a drop', async () => {
      const stream = await newStream({ name: 'one status', current_progress: { percentage: 40, completed: 4, total: 10 } });
      const c = await aliceClient();
      const wrapper = await fixture(html`<rt-provider .client=${c}><rt-stream-card stream-id=${stream.id} style="display:block;width:360px"></rt-stream-card></rt-provider>`);
      const el = wrapper.querySelector('rt-stream-card')!;
      await waitFor(() => badgeText(el) === en.live, 15_000, 'live');
      await frames(2);
      const height = el.getBoundingClientRect().height;
      const texts = new Set<string | null>();
      const problems: string[] = [];
      everyFrame(() => {
        const badges = el.shadowRoot!.querySelectorAll('[part~="live-badge"]').length;
        if (badges !== 1) problems.push(`${badges} status badges`);
        if (el.shadowRoot!.querySelector('.stale-note, [part~="stale"]')) problems.push('a stale note');
        const h = el.getBoundingClientRect().height;
        if (Math.abs(h - height) > 0.5) problems.push(`height ${h} != ${height}`);
        texts.add(badgeText(el));
      });
      await dropConnections();
      await waitFor(() => texts.has(en.stale), 10_000, 'stale shown');
      await waitFor(() => badgeText(el) === en.live, 20_000, 'live again');
      expect(problems, problems.join('\n')).to.deep.equal([]);
    });
  });

  describe('errors say the true cause', () => {
    it('an anonymous page reading a members-only stream: "not signed in / no access", not "bad key"', async () => {
      const info = await backendInfo();
      const stream = await newStream({ name: 'members only' });
      const wrapper = await fixture(html`<rt-provider supabase-url=${info.url} anon-key=${info.anonKey}>
        <rt-stream-progress stream-id=${stream.id}></rt-stream-progress>
      </rt-provider>`);
      const el = wrapper.querySelector('rt-stream-progress')!;
      const errorEvent = await oneEvent(el, 'rt-error');
      expect(errorEvent.detail.error.code).to.equal('forbidden');
      expect(errorEvent.detail.error.message).to.match(/^Not signed in/);
      await waitFor(() => deepText(el.shadowRoot!).includes(en.errorMessages['not-signed-in']), 10_000, 'not-signed-in text');
      expect(deepText(el.shadowRoot!)).to.not.include(en.errorMessages['bad-config']);
    });

    it('a wrong key still reads as a configuration problem', async () => {
      const info = await backendInfo();
      const stream = await newStream({ name: 'wrong key' });
      const wrapper = await fixture(html`<rt-provider supabase-url=${info.url} anon-key="not-the-key">
        <rt-stream-progress stream-id=${stream.id}></rt-stream-progress>
      </rt-provider>`);
      const el = wrapper.querySelector('rt-stream-progress')!;
      await waitFor(() => deepText(el.shadowRoot!).includes(en.errorMessages['bad-config']), 10_000, 'bad-config text');
    });

    it('a rejected key: the unread count is read again only with the rows, on their back-off, not every 2 s besides (QA31)', async () => {
      const info = await backendInfo();
      const token = await signIn(USERS.alice);
      const [snapshots, counts] = [[] as number[], [] as number[]];
      const nativeFetch = window.fetch;
      window.fetch = (input, init) => {
        const url = String(input instanceof Request ? input.url : input);
        if (url.includes('/rest/v1/signal_alerts?')) (url.includes('order=') ? snapshots : counts).push(Date.now());
        return nativeFetch(input, init);
      };
      cleanups.push(() => (window.fetch = nativeFetch));
      // A well-formed key the server did not sign.
      const wrapper = await fixture(html`<rt-provider supabase-url=${info.url} anon-key="eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJyb2xlIjoiYW5vbiJ9.WRONGSIG" access-token=${token}>
        <rt-signal-alerts></rt-signal-alerts>
      </rt-provider>`);
      const el = wrapper.querySelector('rt-signal-alerts')!;
      await waitFor(() => deepText(el.shadowRoot!).includes(en.errorMessages['bad-config']), 10_000, 'bad-config text');
      // Three rounds of the rows' back-off (1 s, then 5 s): the count was read with each, and only then.
      await waitFor(() => snapshots.length >= 4, 30_000, () => `four reads of the rows (${snapshots.length})`);
      expect(counts.length, `count reads (${counts.length}) beside the row reads (${snapshots.length})`).to.be.at.most(snapshots.length);
    });

    it('a failed "Mark read" and "Mark all read" roll back, fire rt-error and say so', async () => {
      // Long enough to go Live on a loaded machine before it expires (the test waits for its expiry).
      const token = await mintToken(ALICE, 15);
      const exp = Date.now() + 15_000;
      const alertId = newId();
      await insertRows('signal_alerts', [{ id: alertId, user_id: ALICE, business_name: 'mark fails', signal_type: 'funding', priority: 'high' }]);
      const info = await backendInfo();
      const wrapper = await fixture(html`<rt-provider supabase-url=${info.url} anon-key=${info.anonKey} access-token=${token}>
        <rt-signal-alerts></rt-signal-alerts>
      </rt-provider>`);
      const el = wrapper.querySelector('rt-signal-alerts')!;
      await waitFor(() => deepText(el.shadowRoot!).includes('mark fails') && badgeText(el) === en.live, 15_000, 'live with the alert');
      // The write will fail: the token is past its expiry when the button is pressed.
      await waitFor(() => Date.now() > exp + 500, 30_000, 'token expired');
      const item = [...el.shadowRoot!.querySelectorAll('[part~="entry"], article, li')].find((n) => n.textContent?.includes('mark fails'));
      const button = [...(item?.querySelectorAll('button') ?? [])].find((b) => /read/i.test(b.textContent ?? '') || /read/i.test(b.getAttribute('aria-label') ?? ''));
      expect(button, 'a mark-read button').to.exist;
      const failed = oneEvent(el, 'rt-error');
      button!.click();
      const event = await failed;
      expect(['session-expired', 'unauthorized']).to.include(event.detail.error.code);
      await waitFor(() => deepText(el.shadowRoot!).includes(en.markReadFailed), 5000, 'message shown');
      // Rolled back: still unread in the widget.
      await frames(2);
      const again = [...el.shadowRoot!.querySelectorAll('[data-unread]')].some((n) => n.textContent?.includes('mark fails'));
      expect(again, 'still unread after the rollback').to.equal(true);
      const markAll = el.shadowRoot!.querySelector<HTMLButtonElement>('[part~="mark-all"]');
      expect(markAll, 'mark-all button').to.exist;
      const failedAll = oneEvent(el, 'rt-error');
      markAll!.click();
      expect(['session-expired', 'unauthorized']).to.include((await failedAll).detail.error.code);
    });
  });

  describe('sessions outlive their first token', () => {
    it('provider with a fixed token: "Session expired", rt-session-expired, and recovery with the answered token', async () => {
      // Long enough to go Live on a loaded machine before it expires; the event is listened for from the start.
      const short = await mintToken(ALICE, 15);
      const stream = await newStream({ name: 'fixed token', org_id: ACME });
      const info = await backendInfo();
      const wrapper = await fixture<RtProvider>(html`<rt-provider supabase-url=${info.url} anon-key=${info.anonKey} access-token=${short}>
        <rt-stream-progress stream-id=${stream.id}></rt-stream-progress>
      </rt-provider>`);
      const expiredEvent = oneEvent(wrapper, 'rt-session-expired');
      const el = wrapper.querySelector('rt-stream-progress')!;
      await waitFor(() => badgeText(el) === en.live, 15_000, 'live');
      const expired = (await expiredEvent) as RtSessionExpiredEvent;
      expect(expired.detail.error.code).to.equal('session-expired');
      await waitFor(() => badgeText(el) === en.sessionExpired, 10_000, 'Session expired shown');
      expect(wrapper.rtClient!.getConnection().status).to.equal('error');
      // The host answers with a fresh token: no reload, live again, changes flow.
      expired.detail.setAccessToken(await mintToken(ALICE, 3600));
      await waitFor(() => badgeText(el) === en.live, 20_000, 'live again');
      await updateRows('streams', { id: stream.id }, { name: 'fixed token renewed' });
      await waitFor(() => deepText(el.shadowRoot!).includes('fixed token renewed'), 10_000, 'update after renewal');
    });

    it('answering rt-session-expired with the token the provider already has (a second expiry raced the first answer) still takes effect (QA14 F3)', async () => {
      const stream = await newStream({ name: 'answered twice', org_id: ACME });
      const info = await backendInfo();
      const fresh = await mintToken(ALICE, 3600);
      let answers = 0;
      const wrapper = await fixture<RtProvider>(html`<rt-provider supabase-url=${info.url} anon-key=${info.anonKey} access-token=${await mintToken(ALICE, -60)}
        @rt-session-expired=${(e: RtSessionExpiredEvent) => {
          answers++;
          e.detail.setAccessToken(fresh);
        }}>
        <rt-stream-progress stream-id=${stream.id}></rt-stream-progress>
      </rt-provider>`);
      const el = wrapper.querySelector('rt-stream-progress')!;
      await waitFor(() => answers >= 1 && badgeText(el) === en.live, 20_000, 'live after the first answer');
      // Something hands the client an expired token again: the page answers with the same fresh token.
      wrapper.rtClient!.setAccessToken?.(await mintToken(ALICE, -30));
      await waitFor(() => answers >= 2, 20_000, 'the second expiry is told');
      await waitFor(() => badgeText(el) === en.live, 20_000, `live after the same answer again (shows ${badgeText(el)})`);
    });

    for (const who of ['the same user', 'another user'] as const) {
      it(`provider access-token set at run time to an already expired token of ${who}: "Session expired" on every widget, rt-session-expired, no stream of refused requests`, async () => {
        const stream = await newStream({ name: 'expired at run time', org_id: ACME });
        const info = await backendInfo();
        const wrapper = await fixture<RtProvider>(html`<rt-provider supabase-url=${info.url} anon-key=${info.anonKey} access-token=${await mintToken(ALICE, 3600)}>
          <rt-stream-progress stream-id=${stream.id}></rt-stream-progress><rt-signal-alerts></rt-signal-alerts>
        </rt-provider>`);
        const widgets = [...wrapper.querySelectorAll('rt-stream-progress, rt-signal-alerts')];
        await waitFor(() => widgets.every((w) => badgeText(w) === en.live), 15_000, 'live');
        let refused = 0;
        let unreachable = 0;
        const nativeFetch = window.fetch;
        window.fetch = async (input, init) => {
          try {
            const res = await nativeFetch(input, init);
            if (res.status === 401) refused++;
            return res;
          } catch (err) {
            unreachable++;
            throw err;
          }
        };
        cleanups.push(() => (window.fetch = nativeFetch));
        const expiredEvent = oneEvent(wrapper, 'rt-session-expired');
        wrapper.accessToken = await mintToken(who === 'the same user' ? ALICE : BOB, -60);
        expect(((await expiredEvent) as RtSessionExpiredEvent).detail.error.code).to.equal('session-expired');
        // The badge, over data still shown or beside the cause in place of data (QA14 F5).
        await waitFor(() => widgets.every((w) => badgeText(w) === en.sessionExpired), 15_000, `Session expired on every widget (shows ${widgets.map((w) => deepText(w.shadowRoot!).slice(0, 120)).join(' | ')})`);
        // A fixed token: the cause names what the page can do, not a "token callback" it never gave (QA12 F3).
        const said = deepText(widgets[1]!.shadowRoot!);
        expect(said).not.to.include('token callback');
        expect(said).to.match(/set accessToken|waiting for a new access token/);
        // Nothing renews a fixed token: the widgets wait for a new one instead of asking again and
        // again. The yardstick: a control widget on an unreachable server, whose reads are retried
        // by the same machinery (1 s, then 2 s later), has failed three times.
        const after = refused;
        const control = await fixture<RtProvider>(html`<rt-provider supabase-url="http://127.0.0.1:9" anon-key=${info.anonKey}>
          <rt-stream-progress stream-id=${stream.id}></rt-stream-progress>
        </rt-provider>`);
        cleanups.push(() => control.remove());
        await updateRows('streams', { id: stream.id }, { name: 'while expired' });
        await waitFor(() => unreachable >= 3, 20_000, 'the control widget retried twice');
        expect(refused - after, 'requests refused while waiting for a new token').to.equal(0);
        expect(refused, 'requests refused in all').to.be.at.most(8);
      });
    }

    it("expired from the start, every section of a dashboard without org-id (the default org's lookup refused too) says \"Session expired\", and all go Live on the answer (QA14 F2, F5)", async () => {
      const stream = await newStream({ name: 'expired dashboard', org_id: ACME });
      const info = await backendInfo();
      const fresh = await mintToken(ALICE, 3600);
      let answer: ((token: string) => void) | undefined;
      const wrapper = await fixture<RtProvider>(html`<rt-provider supabase-url=${info.url} anon-key=${info.anonKey} access-token=${await mintToken(ALICE, -60)}
        @rt-session-expired=${(e: RtSessionExpiredEvent) => (answer = e.detail.setAccessToken)}>
        <rt-stream-progress stream-id=${stream.id}></rt-stream-progress>
        <rt-monitoring-dashboard hide-agents hide-alerts hide-notifications></rt-monitoring-dashboard>
      </rt-provider>`);
      const single = wrapper.querySelector('rt-stream-progress')!;
      const dashboard = wrapper.querySelector('rt-monitoring-dashboard')!;
      const section = (name: string) => dashboard.shadowRoot!.querySelector(`[part~="${name}"]`)!;
      const shows = () => `progress: ${deepText(single.shadowRoot!).slice(0, 120)} | dashboard: ${deepText(dashboard.shadowRoot!).slice(0, 300)}`;
      await waitFor(() => answer !== undefined && [single, section('streams'), section('scans')].every((w) => badgeText(w) === en.sessionExpired), 15_000, `Session expired everywhere (${shows()})`);
      expect(deepText(dashboard.shadowRoot!)).not.to.include(en.noAccess);
      answer!(fresh);
      await waitFor(() => [single, section('streams'), section('scans')].every((w) => badgeText(w) === en.live), 20_000, `Live everywhere after the answer (${shows()})`);
      await waitFor(() => deepText(section('streams')).includes('expired dashboard'), 10_000, "the default org's streams shown");
    });

    it('page default client (script-tag style): rt-session-expired on window, answered with a new token', async () => {
      const info = await backendInfo();
      // Long enough to go Live on a loaded machine before it expires; the event is listened for from the start.
      const expiredEvent = oneEvent(window, 'rt-session-expired');
      configure({ url: info.url, anonKey: info.anonKey, accessToken: await mintToken(ALICE, 15) });
      const stream = await newStream({ name: 'default client expiry' });
      const el = await fixture(html`<rt-stream-progress stream-id=${stream.id}></rt-stream-progress>`);
      await waitFor(() => badgeText(el) === en.live, 15_000, 'live');
      const expired = (await expiredEvent) as RtSessionExpiredEvent;
      await waitFor(() => badgeText(el) === en.sessionExpired, 10_000, 'Session expired shown');
      expired.detail.setAccessToken(await mintToken(ALICE, 3600));
      await waitFor(() => badgeText(el) === en.live, 20_000, 'live again');
      await updateRows('streams', { id: stream.id }, { name: 'default renewed' });
      await waitFor(() => deepText(el.shadowRoot!).includes('default renewed'), 10_000, 'update after renewal');
    });

    it('page default client: a token handed over that is no JWT is refused on the console; the working one and the rows stay (QA88a F2)', async () => {
      const info = await backendInfo();
      configure({ url: info.url, anonKey: info.anonKey, accessToken: await mintToken(ALICE, 3600) });
      const stream = await newStream({ name: 'kept token' });
      const el = await fixture(html`<rt-stream-progress stream-id=${stream.id}></rt-stream-progress>`);
      await waitFor(() => badgeText(el) === en.live, 15_000, 'live');
      const errors: string[] = [];
      const error = console.error;
      console.error = (...args: unknown[]) => void errors.push(args.map(String).join(' '));
      cleanups.push(() => (console.error = error));
      const before = getDefaultClient();
      for (const [given, said] of [['garbage', 'not a JWT'], ['a refresh token, not a JWT', 'not a JWT']] as const) {
        const kept = setAccessToken(given);
        expect(kept, `${said}: the same client`).to.equal(before);
        expect(errors.at(-1), 'the console says why').to.include(said);
        // The session still works: a change is delivered, the widget Live with its rows.
        await updateRows('streams', { id: stream.id }, { name: `kept after ${given}` });
        await waitFor(() => deepText(el.shadowRoot!).includes(`kept after ${given}`) && badgeText(el) === en.live, 15_000, () => `live after "${said}" (${badgeText(el)}: ${deepText(el.shadowRoot!)})`);
      }
    });

    it('a token callback whose tokens expire keeps the widgets live across expiries', async () => {
      let issued = 0;
      const c = await aliceClient(async () => {
        issued++;
        return mintToken(ALICE, 35); // refreshed 30 s before exp: a new token every ~5 s
      });
      const stream = await newStream({ name: 'renewing' });
      const wrapper = await fixture(html`<rt-provider .client=${c}><rt-stream-progress stream-id=${stream.id}></rt-stream-progress></rt-provider>`);
      const el = wrapper.querySelector('rt-stream-progress')!;
      await waitFor(() => badgeText(el) === en.live, 15_000, 'live');
      const first = issued;
      await waitFor(() => issued >= first + 1 && badgeText(el) === en.live, 40_000, 'renewed');
      await updateRows('streams', { id: stream.id }, { name: 'renewing ok' });
      await waitFor(() => deepText(el.shadowRoot!).includes('renewing ok'), 10_000, 'update');
      expect(c.getConnection().lastError?.code ?? null).to.not.equal('session-expired');
    });

    it('a token callback assigned after the first render takes effect (alerts and notifications)', async () => {
      const info = await backendInfo();
      const token = await signIn(USERS.alice);
      const alertId = newId();
      const noteId = newId();
      await insertRows('signal_alerts', [{ id: alertId, user_id: ALICE, business_name: 'late callback alert', signal_type: 'hiring' }]);
      await insertRows('notifications', [{ id: noteId, user_id: ALICE, title: 'late callback note', body: 'hello' }]);
      const wrapper = await fixture<RtProvider>(html`<rt-provider supabase-url=${info.url} anon-key=${info.anonKey}>
        <rt-signal-alerts></rt-signal-alerts><rt-notifications></rt-notifications>
      </rt-provider>`);
      const [alerts, notes] = [wrapper.querySelector('rt-signal-alerts')!, wrapper.querySelector('rt-notifications')!];
      await waitFor(() => [alerts, notes].every((w) => (w as unknown as { hasUpdated: boolean }).hasUpdated), 5000, 'rendered');
      await frames(2);
      // The README's recipe, run by the app after the provider rendered.
      wrapper.accessToken = async () => token;
      await waitFor(
        () => deepText(alerts.shadowRoot!).includes('late callback alert') && deepText(notes.shadowRoot!).includes('late callback note'),
        15_000,
        'signed-in data',
      );
      await waitFor(() => badgeText(alerts) === en.live && badgeText(notes) === en.live, 15_000, 'both live');
    });
  });

  describe('a token source that fails (QA16: throws after a sign-out, fails at first, never answers)', () => {
    const failed = en.errorMessages['token-failed'];

    it("a callback that throws after a sign-out (Auth0's login_required) takes the user's rows off screen, says why, and shows nothing written after; signed in again, Live", async () => {
      const info = await backendInfo();
      const token = await signIn(USERS.alice);
      let signedOut = false;
      const before = `before sign-out ${newId().slice(0, 8)}`;
      const after = `after sign-out ${newId().slice(0, 8)}`;
      await insertRows('signal_alerts', [{ id: newId(), user_id: ALICE, business_name: before, signal_type: 'funding' }]);
      const wrapper = await fixture<RtProvider>(html`<rt-provider supabase-url=${info.url} anon-key=${info.anonKey}
        .accessToken=${async () => {
          if (signedOut) throw new Error('login_required');
          return token;
        }}><rt-signal-alerts></rt-signal-alerts></rt-provider>`);
      const alerts = wrapper.querySelector('rt-signal-alerts')!;
      await waitFor(() => deepText(alerts.shadowRoot!).includes(before) && badgeText(alerts) === en.live, 15_000, "alice's alert, Live");
      signedOut = true;
      await waitFor(() => !deepText(alerts.shadowRoot!).includes(before), 20_000, "alice's alert gone after the callback threw");
      await waitFor(() => deepText(alerts.shadowRoot!).includes(failed), 10_000, `the cause (${deepText(alerts.shadowRoot!)})`);
      expect(badgeText(alerts)).to.not.equal(en.live);
      await insertRows('signal_alerts', [{ id: newId(), user_id: ALICE, business_name: after, signal_type: 'funding' }]);
      // Signed in again: the callback answers, the rows (and the one written meanwhile) are back, Live.
      signedOut = false;
      await waitFor(() => deepText(alerts.shadowRoot!).includes(after) && badgeText(alerts) === en.live, 45_000, 'Live again after signing in');
    });

    it('a callback that fails for its first calls, then answers: the per-user widgets go Live (were "not signed in" for good)', async () => {
      const info = await backendInfo();
      const token = await signIn(USERS.alice);
      let calls = 0;
      const mine = `first calls failed ${newId().slice(0, 8)}`;
      await insertRows('notifications', [{ id: newId(), user_id: ALICE, title: mine, body: 'x' }]);
      const wrapper = await fixture<RtProvider>(html`<rt-provider supabase-url=${info.url} anon-key=${info.anonKey}
        .accessToken=${async () => {
          if (++calls <= 2) throw new Error('503 from the token endpoint');
          return token;
        }}><rt-notifications></rt-notifications></rt-provider>`);
      const notes = wrapper.querySelector('rt-notifications')!;
      await waitFor(() => deepText(notes.shadowRoot!).includes(failed), 15_000, `the cause while failing (${deepText(notes.shadowRoot!)})`);
      await waitFor(() => deepText(notes.shadowRoot!).includes(mine) && badgeText(notes) === en.live, 45_000, `Live once it answers (${deepText(notes.shadowRoot!)})`);
    });

    it('a widget that reads as anyone (one stream by id) names the failed token source as its cause, not "You are not signed in" (QA16 N7)', async () => {
      const info = await backendInfo();
      const stream = await newStream({ name: 'token source down' });
      const wrapper = await fixture<RtProvider>(html`<rt-provider supabase-url=${info.url} anon-key=${info.anonKey}
        .accessToken=${async () => {
          throw new Error('503 from the token endpoint');
        }}><rt-stream-progress stream-id=${stream.id}></rt-stream-progress></rt-provider>`);
      const el = wrapper.querySelector('rt-stream-progress')!;
      await waitFor(() => deepText(el.shadowRoot!).includes(failed), 20_000, `the cause (${deepText(el.shadowRoot!)})`);
      expect(deepText(el.shadowRoot!)).to.not.include(en.errorMessages['not-signed-in']);
    });

    it('a callback that never answers (assigned at sign-out) has failed after 10 s: the rows go, the cause says so', async () => {
      const info = await backendInfo();
      const token = await signIn(USERS.alice);
      const mine = `hung callback ${newId().slice(0, 8)}`;
      await insertRows('signal_alerts', [{ id: newId(), user_id: ALICE, business_name: mine, signal_type: 'funding' }]);
      const wrapper = await fixture<RtProvider>(html`<rt-provider supabase-url=${info.url} anon-key=${info.anonKey} .accessToken=${async () => token}>
        <rt-signal-alerts></rt-signal-alerts></rt-provider>`);
      const alerts = wrapper.querySelector('rt-signal-alerts')!;
      await waitFor(() => deepText(alerts.shadowRoot!).includes(mine) && badgeText(alerts) === en.live, 15_000, 'Live');
      wrapper.accessToken = () => new Promise<string>(() => {});
      await waitFor(() => !deepText(alerts.shadowRoot!).includes(mine) && deepText(alerts.shadowRoot!).includes(failed), 40_000, `rows gone, the cause (${deepText(alerts.shadowRoot!)})`);
      expect(badgeText(alerts)).to.not.equal(en.live);
    });

    it('a callback that starts hanging: the cause shows as the rows go, not one timeout later (QA16 N2)', async () => {
      const info = await backendInfo();
      const token = await signIn(USERS.alice);
      let hang = false;
      const mine = `then hangs ${newId().slice(0, 8)}`;
      await insertRows('signal_alerts', [{ id: newId(), user_id: ALICE, business_name: mine, signal_type: 'funding' }]);
      const wrapper = await fixture<RtProvider>(html`<rt-provider supabase-url=${info.url} anon-key=${info.anonKey}
        .accessToken=${() => (hang ? new Promise<string>(() => {}) : Promise.resolve(token))}><rt-signal-alerts></rt-signal-alerts></rt-provider>`);
      const alerts = wrapper.querySelector('rt-signal-alerts')!;
      await waitFor(() => deepText(alerts.shadowRoot!).includes(mine) && badgeText(alerts) === en.live, 15_000, 'Live');
      // Frame by frame: when the rows went, and when the cause first showed.
      let frame = 0;
      let goneAt = -1;
      let causeAt = -1;
      everyFrame(() => {
        frame++;
        const text = deepText(alerts.shadowRoot!);
        if (goneAt < 0 && !text.includes(mine)) goneAt = frame;
        if (causeAt < 0 && text.includes(failed)) causeAt = frame;
      });
      hang = true; // the next check (every 5 s) hangs, and fails after 10 s
      await waitFor(() => causeAt >= 0, 40_000, `the cause (${deepText(alerts.shadowRoot!)})`);
      expect(goneAt, 'the rows went').to.be.greaterThan(0);
      // The client built after the failure's sign-out starts from that failure; before, it asked
      // the hung callback again and the skeleton stood for another 10 s (~600 frames).
      expect(causeAt - goneAt, `frames from the rows going to the cause (${goneAt} → ${causeAt})`).to.be.lessThan(60);
    });

    it('a callback replaced while the previous one hangs: the new user is not kept waiting behind it (QA16 N3)', async () => {
      const info = await backendInfo();
      const [aliceToken, bobToken] = await Promise.all([signIn(USERS.alice), signIn(USERS.bob)]);
      const secret = `alice, then a hung callback ${newId().slice(0, 8)}`;
      const bobs = `bob after the hung callback ${newId().slice(0, 8)}`;
      await insertRows('signal_alerts', [
        { id: newId(), user_id: ALICE, business_name: secret, signal_type: 'funding' },
        { id: newId(), user_id: BOB, business_name: bobs, signal_type: 'funding' },
      ]);
      const wrapper = await fixture<RtProvider>(html`<rt-provider supabase-url=${info.url} anon-key=${info.anonKey} .accessToken=${async () => aliceToken}>
        <rt-signal-alerts></rt-signal-alerts></rt-provider>`);
      const alerts = wrapper.querySelector('rt-signal-alerts')!;
      await waitFor(() => deepText(alerts.shadowRoot!).includes(secret) && badgeText(alerts) === en.live, 15_000, 'Live for alice');
      const { warnings, restore } = recordWarnings();
      cleanups.push(restore);
      wrapper.accessToken = () => new Promise<string>(() => {}); // the auth library hangs…
      await frames(2);
      wrapper.accessToken = async () => bobToken; // …and the host hands over another user's source
      await waitFor(() => deepText(alerts.shadowRoot!).includes(bobs) && badgeText(alerts) === en.live, 40_000, `Live for bob (${deepText(alerts.shadowRoot!)})`);
      expect(deepText(alerts.shadowRoot!)).to.not.include(secret);
      // Bob's rows came before the hung call's 10 s timeout: it was never waited for.
      expect(warnings.filter((w) => w.includes('could not get an access token'))).to.deep.equal([]);
    });

    it("README step 6 (a supabase-js client with the third-party accessToken option): its callback throwing takes the rows off screen, and a widget that needs no user names the token's failure too, not the network (QA31)", async () => {
      const info = await backendInfo();
      const token = await signIn(USERS.alice);
      let signedOut = false;
      const sb = createClient(info.url, info.anonKey, {
        accessToken: async () => {
          if (signedOut) throw new Error('login_required');
          return token;
        },
      });
      cleanups.push(() => void sb.removeAllChannels());
      const mine = `third-party ${newId().slice(0, 8)}`;
      await insertRows('signal_alerts', [{ id: newId(), user_id: ALICE, business_name: mine, signal_type: 'funding' }]);
      const stream = await newStream({ name: 'third party, signed out' });
      const wrapper = await fixture<RtProvider>(html`<rt-provider .client=${sb}>
        <rt-signal-alerts></rt-signal-alerts><rt-stream-progress stream-id=${stream.id}></rt-stream-progress>
      </rt-provider>`);
      const [alerts, progress] = [wrapper.querySelector('rt-signal-alerts')!, wrapper.querySelector('rt-stream-progress')!];
      await waitFor(() => deepText(alerts.shadowRoot!).includes(mine) && badgeText(alerts) === en.live && badgeText(progress) === en.live, 15_000, 'Live');
      signedOut = true;
      await waitFor(() => !deepText(alerts.shadowRoot!).includes(mine), 20_000, 'rows gone after the callback threw');
      expect(badgeText(alerts)).to.not.equal(en.live);
      // The socket drops: the stream's rejoin and re-read need the callback's token too (the host
      // client calls it before each request, which then fails unsent: not "Cannot reach the server").
      await dropConnections();
      await waitFor(() => deepText(progress.shadowRoot!).includes(failed), 20_000, () => `the token's failure named (${badgeText(progress)}: ${deepText(progress.shadowRoot!)})`);
      expect(deepText(progress.shadowRoot!)).to.not.include('Cannot reach the server');
      expect(badgeText(progress)).to.not.equal(en.live);
    });
    it('README step 6 with a callback that never answers: a widget that needs no user names the token\'s failure, not "Loading…" for as long as it hangs; Live once it answers (QA32)', async function () {
      this.timeout(90_000);
      const { sb, hang } = await hangingHostClient();
      const stream = await newStream({ name: 'third party, hung' });
      const wrapper = await fixture<RtProvider>(html`<rt-provider .client=${sb}><rt-stream-progress stream-id=${stream.id}></rt-stream-progress></rt-provider>`);
      const progress = wrapper.querySelector('rt-stream-progress')!;
      await waitFor(() => badgeText(progress) === en.live, 15_000, 'Live');
      hang.on = true;
      await dropConnections();
      // The host client waits for the callback before each request, which then is never sent.
      await waitFor(() => deepText(progress.shadowRoot!).includes(failed), 40_000, () => `the token's failure named (${badgeText(progress)}: ${deepText(progress.shadowRoot!)})`);
      expect(badgeText(progress)).to.not.equal(en.live);
      hang.on = false;
      await waitFor(() => badgeText(progress) === en.live, 40_000, () => `Live again (${badgeText(progress)}: ${deepText(progress.shadowRoot!)})`);
    });
    it('README step 6 with a callback that starts hanging mid-session: every widget names the failure at once (no second 10 s on "Loading…"), and so does the connection indicator (QA33)', async function () {
      this.timeout(90_000);
      const { sb, hang } = await hangingHostClient();
      const stream = await newStream({ name: 'third party, hangs later' });
      const wrapper = await fixture<RtProvider>(html`<rt-provider .client=${sb}>
        <rt-connection-status></rt-connection-status><rt-signal-alerts></rt-signal-alerts><rt-stream-progress stream-id=${stream.id}></rt-stream-progress>
      </rt-provider>`);
      const [status, alerts, progress] = [wrapper.querySelector('rt-connection-status')!, wrapper.querySelector('rt-signal-alerts')!, wrapper.querySelector('rt-stream-progress')!];
      await waitFor(() => badgeText(alerts) === en.live && badgeText(progress) === en.live, 15_000, 'Live');
      expect(deepText(status.shadowRoot!), 'no error while it answers').to.not.include(failed);
      // Frame by frame: when each widget first named the failure.
      let frame = 0;
      let alertsAt = -1;
      let progressAt = -1;
      everyFrame(() => {
        frame++;
        if (alertsAt < 0 && deepText(alerts.shadowRoot!).includes(failed)) alertsAt = frame;
        if (progressAt < 0 && deepText(progress.shadowRoot!).includes(failed)) progressAt = frame;
      });
      hang.on = true; // the next user check (every 5 s) hangs, and fails after 10 s
      await waitFor(() => alertsAt >= 0 && progressAt >= 0, 60_000, () => `the failure named (${badgeText(alerts)} / ${badgeText(progress)}: ${deepText(progress.shadowRoot!)})`);
      // The stream widget re-read for the user change the failure is; the host client held that read
      // in the hung callback, and rt-monitor waited the whole 10 s again (~600 frames) before naming it.
      expect(progressAt - alertsAt, `frames from the alerts naming it to the stream widget naming it (${alertsAt} → ${progressAt})`).to.be.lessThan(300);
      await waitFor(() => deepText(status.shadowRoot!).includes(failed), 5000, () => `the indicator's last error (${deepText(status.shadowRoot!)})`);
      hang.on = false;
      await waitFor(() => badgeText(alerts) === en.live && badgeText(progress) === en.live, 40_000, 'Live again');
      await waitFor(() => !deepText(status.shadowRoot!).includes(failed), 5000, 'the last error gone');
    });
  });

  describe('third-party auth (supabase-js `accessToken` option)', () => {
    it("a sign-out or another user in the callback takes the previous user's rows off screen with nothing written", async () => {
      const info = await backendInfo();
      const [aliceToken, bobToken] = await Promise.all([signIn(USERS.alice), signIn(USERS.bob)]);
      let current: string | null = aliceToken;
      const sb = createClient(info.url, info.anonKey, { accessToken: async () => current });
      cleanups.push(() => void sb.removeAllChannels());
      const secret = `alice only ${newId().slice(0, 8)}`;
      const bobs = `bob only ${newId().slice(0, 8)}`;
      await insertRows('signal_alerts', [
        { id: newId(), user_id: ALICE, business_name: secret, signal_type: 'funding' },
        { id: newId(), user_id: BOB, business_name: bobs, signal_type: 'funding' },
      ]);
      const wrapper = await fixture<RtProvider>(html`<rt-provider .client=${sb}><rt-signal-alerts></rt-signal-alerts></rt-provider>`);
      const alerts = wrapper.querySelector('rt-signal-alerts')!;
      await waitFor(() => deepText(alerts.shadowRoot!).includes(secret) && badgeText(alerts) === en.live, 15_000, "alice's alert, live");

      // Another user: Bob's rows, never Alice's (no write, no re-read asked for).
      current = bobToken;
      await waitFor(() => deepText(alerts.shadowRoot!).includes(bobs), 20_000, "bob's alert");
      expect(deepText(alerts.shadowRoot!)).to.not.include(secret);
      await waitFor(() => badgeText(alerts) === en.live, 15_000, 'live for bob');

      // Signed out: nothing of Bob's stays on screen, and nothing says Live for it.
      current = null;
      await waitFor(() => !deepText(alerts.shadowRoot!).includes(bobs), 20_000, "bob's alert gone after sign-out");
      expect(badgeText(alerts)).to.not.equal(en.live);
    });

    it('works through provider.client and configure({ client })', async () => {
      const info = await backendInfo();
      const token = await signIn(USERS.alice);
      const sb = createClient(info.url, info.anonKey, { accessToken: async () => token });
      cleanups.push(() => void sb.removeAllChannels());
      expect(() => sb.auth.getSession()).to.throw(); // what such a client does
      const stream = await newStream({ name: 'third party' });
      const alertId = newId();
      await insertRows('signal_alerts', [{ id: alertId, user_id: ALICE, business_name: 'third party alert', signal_type: 'funding' }]);

      const wrapper = await fixture<RtProvider>(html`<rt-provider .client=${sb}>
        <rt-stream-progress stream-id=${stream.id}></rt-stream-progress><rt-signal-alerts></rt-signal-alerts>
      </rt-provider>`);
      const [progress, alerts] = [wrapper.querySelector('rt-stream-progress')!, wrapper.querySelector('rt-signal-alerts')!];
      await waitFor(() => badgeText(progress) === en.live && deepText(alerts.shadowRoot!).includes('third party alert'), 15_000, 'provider: live');
      await updateRows('streams', { id: stream.id }, { name: 'third party!' });
      await waitFor(() => deepText(progress.shadowRoot!).includes('third party!'), 10_000, 'provider: update');
      wrapper.remove();

      let thrown: unknown = null;
      try {
        configure({ client: sb });
      } catch (err) {
        thrown = err;
      }
      expect(thrown).to.equal(null);
      const standalone = await fixture(html`<rt-signal-alerts></rt-signal-alerts>`);
      await waitFor(() => deepText(standalone.shadowRoot!).includes('third party alert') && badgeText(standalone) === en.live, 15_000, 'configure: live');
    });
  });
});
