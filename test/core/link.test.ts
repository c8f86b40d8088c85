/**
 * The link's state machine as a table: every (state, event) pair that moves, and the connection
 * status derived from each state.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { LINK_TRANSITIONS, Link, linkStatus, nextLinkState, type LinkEvent, type LinkState } from '../../src/core/link.js';
import { RealtimeLag } from '../../src/core/realtime-lag.js';
import { observeServerTime, serverNow } from '../../src/core/server-clock.js';
import { skewClock } from '../helpers/clock.js';

const STATES = Object.keys(LINK_TRANSITIONS) as LinkState[];
const EVENTS: LinkEvent[] = ['connecting', 'open', 'close', 'error', 'retry', 'retry-again', 'retry-due', 'heartbeat-late', 'heartbeat-ok', 'refuse', 'dispose'];

/** The expected table, written out by hand: [from, event, to]. Pairs not listed keep the state. */
const MOVES: Array<[LinkState, LinkEvent, LinkState]> = [
  ['idle', 'connecting', 'opening'],
  ['idle', 'open', 'open'],
  ['idle', 'error', 'unreachable'],
  ['idle', 'retry', 'opening'],
  ['idle', 'retry-again', 'unreachable'],
  ['idle', 'refuse', 'refused'],
  ['opening', 'open', 'open'],
  ['opening', 'error', 'unreachable'],
  ['opening', 'retry-again', 'unreachable'],
  ['opening', 'refuse', 'refused'],
  ['unreachable', 'open', 'open'],
  ['unreachable', 'refuse', 'refused'],
  ['open', 'heartbeat-late', 'late'],
  ['open', 'close', 'waiting'],
  ['open', 'retry', 'waiting'],
  ['open', 'retry-again', 'waiting'],
  ['open', 'connecting', 'reconnecting'],
  ['late', 'heartbeat-ok', 'open'],
  ['late', 'open', 'open'],
  ['late', 'close', 'waiting'],
  ['late', 'retry', 'waiting'],
  ['late', 'retry-again', 'waiting'],
  ['late', 'connecting', 'reconnecting'],
  ['waiting', 'retry-due', 'reconnecting'],
  ['waiting', 'connecting', 'reconnecting'],
  ['waiting', 'open', 'open'],
  ['waiting', 'refuse', 'refused'],
  ['reconnecting', 'open', 'open'],
  ['reconnecting', 'retry', 'waiting'],
  ['reconnecting', 'retry-again', 'waiting'],
  ['reconnecting', 'refuse', 'refused'],
  // Refused (REST rejects the project's key or address): only an explicit reconnect, or an open, moves it.
  ['refused', 'connecting', 'reconnecting'],
  ['refused', 'open', 'open'],
  ...(['idle', 'opening', 'unreachable', 'open', 'late', 'waiting', 'reconnecting', 'refused'] as LinkState[]).map((s): [LinkState, LinkEvent, LinkState] => [s, 'dispose', 'closed']),
];

describe('Link state machine', () => {
  it('moves exactly as the table says for every state and event', () => {
    for (const from of STATES) {
      for (const event of EVENTS) {
        const row = MOVES.find(([f, e]) => f === from && e === event);
        expect(nextLinkState(from, event), `${from} --${event}-->`).to.equal(row ? row[2] : from);
      }
    }
  });

  it('a disposed link never moves again', () => {
    for (const event of EVENTS) expect(nextLinkState('closed', event)).to.equal('closed');
  });

  it('derives the connection status from the link state and the channels', () => {
    const none = { any: false, ready: false, failed: false };
    const waitingChannels = { any: true, ready: false, failed: false };
    const ready = { any: true, ready: true, failed: false };
    const refused = { any: true, ready: false, failed: true };
    const rows: Array<[LinkState, typeof none, string]> = [
      ['idle', none, 'disconnected'],
      ['idle', waitingChannels, 'connecting'],
      // Broadcast mode: refused its topics by the configuration, with no channel (QA37 N5).
      ['idle', { any: false, ready: false, failed: true }, 'error'],
      ['opening', waitingChannels, 'connecting'],
      ['unreachable', waitingChannels, 'error'],
      ['open', waitingChannels, 'connecting'],
      ['open', ready, 'connected'],
      ['open', refused, 'error'],
      ['late', waitingChannels, 'connecting'],
      ['late', ready, 'connecting'],
      ['late', { any: false, ready: true, failed: false }, 'connecting'],
      ['late', refused, 'error'],
      ['waiting', ready, 'disconnected'],
      ['reconnecting', waitingChannels, 'connecting'],
      ['refused', waitingChannels, 'error'],
      ['refused', none, 'error'],
      ['closed', ready, 'disconnected'],
    ];
    for (const [state, channels, status] of rows) expect(linkStatus(state, channels), `${state} ${JSON.stringify(channels)}`).to.equal(status);
  });
});

describe('Link: how long answers take (answerDelay)', () => {
  /**
   * A realtime-js stand-in with Phoenix's socket (callbacks, `makeRef`/`push`, its pending heartbeat)
   * and the adapter's heartbeat callback (src/core/realtime-tap.ts).
   */
  function fakeRealtime() {
    const on: Record<'open' | 'close' | 'error' | 'message', Array<(e?: unknown) => void>> = { open: [], close: [], error: [], message: [] };
    let connected = false;
    let closing = false;
    let ref = 0;
    /** The link's own heartbeats (its pings): their refs, in order. */
    const pings: string[] = [];
    /** Phoenix's pending heartbeat ref, and how many heartbeats were sent while one was pending (each a timeout: the socket closed). */
    let pending: string | null = null;
    let timeouts = 0;
    /** Phoenix's channels: joined, joining or errored (an error event errors it, as Phoenix's `trigger('phx_error')`). */
    const channels: Array<{ state: string; isJoined(): boolean; trigger(event: string): void }> = [];
    const socket = {
      channels,
      onOpen: (cb: () => void) => (on.open.push(cb), 'o'),
      onClose: (cb: (e?: unknown) => void) => (on.close.push(cb), 'c'),
      onError: (cb: () => void) => (on.error.push(cb), 'e'),
      onMessage: (cb: () => void) => (on.message.push(cb), 'm'),
      off: () => {},
      isConnected: () => connected,
      makeRef: () => String(++ref),
      push: (m: { topic: string; event: string; ref: string }) => void (m.topic === 'phoenix' && m.event === 'heartbeat' && pings.push(m.ref)),
      get pendingHeartbeatRef() {
        return pending;
      },
    };
    const adapter = { heartbeatCallback: undefined as undefined | ((status: string, latency?: number) => void), getSocket: () => socket };
    const probes: number[] = [];
    const closeSocket = (code: number) => ((connected = false), (closing = false), (pending = null), on.close.forEach((cb) => cb({ code })));
    const realtime = {
      socketAdapter: adapter,
      heartbeatIntervalMs: 12_500,
      /** realtime-js's `worker` mode: its `pendingHeartbeatRef` getter then reads the worker's (none), not Phoenix's. */
      worker: false,
      get pendingHeartbeatRef() {
        return this.worker ? null : pending;
      },
      /** Phoenix's: sent (and told) at once; one sent while another is pending times out and closes the socket. */
      sendHeartbeat: async () => {
        if (!connected) return;
        if (pending) {
          timeouts++;
          pending = null;
          adapter.heartbeatCallback?.('timeout');
          closeSocket(1000);
          return;
        }
        pending = String(++ref);
        probes.push(Date.now());
        adapter.heartbeatCallback?.('sent');
      },
      isConnected: () => connected,
      connectionState: () => (closing ? 'closing' : connected ? 'open' : 'closed'),
      channel: () => ({}) as never,
      removeChannel: async () => 'ok',
      getChannels: () => [],
      connect: () => {},
      disconnect: async () => {},
      setAuth: async () => {},
    };
    return {
      realtime,
      probes,
      pings,
      /** Heartbeats realtime-js gave up on because another was sent while one was pending (the socket closed). */
      timeouts: () => timeouts,
      open: () => ((connected = true), on.open.forEach((cb) => cb())),
      /** A frame taken in (a change, a reply): the link is heard, however slow. */
      frame: (frame: object = { topic: 'realtime:x', event: 'postgres_changes', ref: null }) => on.message.forEach((cb) => cb(frame)),
      /** The server's reply to the heartbeat sent under `ref`. */
      pong: (ref: string, status = 'ok') => on.message.forEach((cb) => cb({ topic: 'phoenix', event: 'phx_reply', ref, payload: { status, response: {} } })),
      close: (code = 1000) => closeSocket(code),
      /** Phoenix closing the socket, before its close event. */
      closing: () => ((connected = false), (closing = true)),
      /** An earlier socket's close event, heard while this one is open (Phoenix's `pageshow` reconnect). */
      earlierClose: () => on.close.forEach((cb) => cb({ code: 1000 })),
      /** The socket gone, its close never heard (Phoenix's teardown dropped it after 1.5 s). */
      drop: () => ((connected = false), (closing = false), (pending = null)),
      /** A Phoenix channel in `state`. */
      channel: (state: string) => {
        const channel = { state, isJoined: () => channel.state === 'joined', trigger: (event: string) => void (event === 'phx_error' && (channel.state = 'errored')) };
        channels.push(channel);
        return channel;
      },
      /** Phoenix's heartbeat lifecycle, as realtime-js tells it: `sent` leaves one pending, any other ends it. */
      beat: (status: string, latency?: number) => {
        pending = status === 'sent' ? 'hb' : null;
        adapter.heartbeatCallback?.(status, latency);
      },
    };
  }

  it("a link disposed while its reconnect drops the socket opens a host page's socket again (its joined channels errored to rejoin); its own stays closed", async () => {
    for (const host of [true, false]) {
      const fake = fakeRealtime();
      let connects = 0;
      fake.realtime.connect = () => void connects++;
      const link = new Link(fake.realtime as never, { changed() {}, socketChanged() {}, healthChanged() {}, needed: () => true, tick() {} });
      fake.open();
      const joined = fake.channel('joined');
      const reconnecting = link.reconnect();
      fake.drop(); // its close never heard
      link.dispose(host);
      await reconnecting;
      expect(connects, host ? "the host page's socket" : "the client's own").to.equal(host ? 1 : 0);
      expect(joined.state).to.equal(host ? 'errored' : 'joined');
    }
  });

  it("carries the wait a socket was closed in to the next one, until it answers (QA72 F1); not an ordinary close's, nor one sent offline", () => {
    const fake = fakeRealtime();
    const answers: number[] = [];
    const link = new Link(fake.realtime as never, { changed() {}, socketChanged() {}, healthChanged() {}, needed: () => true, tick() {}, answered: (ms) => answers.push(ms) });
    const restore: Array<() => void> = [];
    try {
      fake.open();
      fake.beat('sent');
      fake.beat('ok', 40);
      expect(link.answerDelay()).to.equal(40);
      expect(answers).to.deep.equal([40]);
      expect(link.answeredSentAt, 'when the answered heartbeat was sent').to.be.within(Date.now() - 100, Date.now());
      fake.beat('sent');
      link.fire('heartbeat-late'); // unanswered past HEARTBEAT_LATE_MS
      restore.push(skewClock(9000)); // 9 s on, still unanswered: the socket is closed for it
      fake.frame(); // frames still come in: a slow link, not a dead one
      expect(link.answerDelay()).to.be.within(9000, 9500);
      fake.beat('timeout'); // Phoenix's order: the heartbeat given up on, then the close
      fake.closing();
      link.sync(); // a status update between them moves the link on (QA74 1)
      fake.close();
      fake.open();
      expect(link.answerDelay(), 'the next socket, before its first answer').to.be.within(9000, 9500);
      fake.beat('sent');
      fake.beat('ok', 30);
      expect(link.answerDelay(), 'its own answer').to.equal(30);
      fake.close(); // an ordinary close: nothing carried
      fake.open();
      expect(link.answerDelay()).to.equal(0);
      // A dead link (nothing taken in while it waited: a frozen server): its wait is no slowness.
      fake.beat('sent');
      restore.push(skewClock(9000));
      fake.beat('timeout');
      fake.close();
      fake.open();
      expect(link.answerDelay(), 'a dead link carries nothing').to.equal(0);
      // A wait carried, then an answer that measures nothing (sent offline): no old figure stays.
      fake.beat('sent');
      link.fire('heartbeat-late');
      restore.push(skewClock(9000));
      fake.frame();
      fake.beat('timeout');
      fake.close();
      fake.open();
      expect(link.answerDelay()).to.be.within(9000, 9500);
      link.offline();
      fake.beat('sent');
      fake.beat('ok', 3000);
      expect(link.answerDelay(), 'an unmeasured answer').to.equal(0);
      // Sent while offline: its wait measured the outage, not the connection.
      const online = Object.getOwnPropertyDescriptor(Navigator.prototype, 'onLine')!;
      Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => false });
      restore.push(() => delete (navigator as unknown as Record<string, unknown>).onLine);
      fake.beat('sent');
      link.offline();
      restore.push(skewClock(20_000));
      fake.frame();
      fake.beat('timeout'); // given up on, but sent offline
      fake.close(1006);
      fake.open();
      expect(link.answerDelay(), 'an outage carries nothing').to.equal(0);
      expect(Object.getOwnPropertyDescriptor(Navigator.prototype, 'onLine')).to.deep.equal(online);
    } finally {
      for (const undo of restore.reverse()) undo();
      link.dispose();
    }
  });

  it("asks for an answer (probe) under a ref of its own (Phoenix's ping): never realtime-js's heartbeat, so it cannot collide with it, due or pending (QA75 3; review of 01ca32f, M2)", () => {
    const fake = fakeRealtime();
    const link = new Link(fake.realtime as never, { changed() {}, socketChanged() {}, healthChanged() {}, needed: () => true, tick() {} });
    const restore: Array<() => void> = [];
    try {
      expect(link.probe(), 'no socket: nothing asked').to.equal(false);
      expect(fake.pings).to.have.length(0);
      fake.open();
      // Just opened: realtime-js's own heartbeat may be due at any moment; the ping is sent anyway.
      expect(link.probe()).to.equal(true);
      expect(fake.pings).to.have.length(1);
      expect(fake.probes, 'not through realtime-js sendHeartbeat()').to.have.length(0);
      expect(link.probe(), 'one pending: no second').to.equal(false);
      fake.beat('sent'); // realtime-js's own heartbeat, while the ping is pending: no collision
      expect(fake.timeouts()).to.equal(0);
      fake.pong('other'); // a reply to someone else's heartbeat (another rt-monitor client on the socket)
      expect(link.lastHeartbeatAt, 'not its answer').to.equal(null);
      restore.push(skewClock(2000));
      fake.pong(fake.pings[0]!);
      expect(link.lastHeartbeatAt, 'its answer').to.be.a('number');
      expect(link.answerDelay(), "realtime-js's pending heartbeat still counts").to.be.at.least(2000);
      expect(link.probe(), "realtime-js's own still pending: its answer tells the same").to.equal(false);
      fake.beat('ok', 10);
      expect(link.probe()).to.equal(true);
      fake.pong(fake.pings[1]!, 'error'); // a reply with an error status: the socket is alive, nothing measured
      expect(link.probe(), 'the error reply ended it').to.equal(true);
      // A ping pending when the socket closes is nothing to the next socket.
      fake.close();
      fake.open();
      expect(link.answerDelay()).to.equal(0);
      expect(link.probe()).to.equal(true);
      expect(fake.pings).to.have.length(4);
      expect(fake.timeouts(), 'no heartbeat sent while one was pending').to.equal(0);
    } finally {
      for (const undo of restore.reverse()) undo();
      link.dispose();
    }
  });

  it("a ping and realtime-js's heartbeat pending at once: each answer is measured by its own send (one sent or pending offline measures nothing), and the link stays late while the other is overdue (review of 10b6516, M1, L1)", () => {
    const fake = fakeRealtime();
    const told: number[] = [];
    const health: boolean[] = [];
    const link = new Link(fake.realtime as never, {
      changed() {}, socketChanged() {}, healthChanged: () => void health.push(link.healthy), needed: () => true, tick() {},
      answered: (roundTrip) => void told.push(roundTrip),
    });
    const restore: Array<() => void> = [];
    try {
      fake.open();
      // The ping goes out; the browser goes offline; realtime-js's heartbeat goes out while offline.
      link.probe();
      link.offline();
      restore.push(skewClock(1500));
      fake.beat('sent');
      restore.push(skewClock(1500));
      fake.pong(fake.pings[0]!);
      fake.beat('ok', 1500);
      expect(told, 'neither answer measured the connection').to.deep.equal([]);
      expect(link.answerDelay()).to.equal(0);
      // Both pending again; the ping answered 4.5 s on, realtime-js's (sent just after it) not yet:
      // it is overdue, so the link stays late (no late → open → late).
      link.probe();
      fake.beat('sent');
      link.fire('heartbeat-late');
      health.length = 0;
      restore.push(skewClock(4500));
      fake.pong(fake.pings[1]!);
      expect(link.healthy, 'late while the other is overdue').to.equal(false);
      expect(told, 'the ping measured').to.have.length(1);
      fake.beat('ok', 4500);
      expect(link.healthy).to.equal(true);
      expect(health, 'one move back to open').to.deep.equal([true]);
    } finally {
      for (const undo of restore.reverse()) undo();
      link.dispose();
    }
  });

  it('two links on one host socket each ask under their own ref and read only their own answer (review: a reconnect every second)', () => {
    const fake = fakeRealtime();
    const events = { changed() {}, socketChanged() {}, healthChanged() {}, needed: () => true, tick() {} };
    const [a, b] = [new Link(fake.realtime as never, events), new Link(fake.realtime as never, events)];
    try {
      fake.open();
      expect([a.probe(), b.probe()]).to.deep.equal([true, true]);
      expect(new Set(fake.pings).size, 'two refs').to.equal(2);
      fake.pong(fake.pings[0]!);
      expect([a.lastHeartbeatAt !== null, b.lastHeartbeatAt !== null], "a's answer is a's").to.deep.equal([true, false]);
      fake.pong(fake.pings[1]!);
      expect(b.lastHeartbeatAt).to.be.a('number');
      fake.beat('sent');
      fake.beat('ok', 20); // realtime-js's own: both are told of it
      expect([a.answerDelay(), b.answerDelay()]).to.deep.equal([20, 20]);
      expect(fake.timeouts()).to.equal(0);
    } finally {
      a.dispose();
      b.dispose();
    }
  });

  it("a close never heard (Phoenix's teardown drops one not confirmed within 1.5 s) is handled as a heard one: within a watchdog tick while no socket is open, its joined channels errored as Phoenix's onConnClose would; also for a socket already open when the link was made", async function () {
    this.timeout(20_000);
    for (const openBefore of [false, true]) {
      const fake = fakeRealtime();
      let socketChanges = 0;
      if (openBefore) fake.open(); // a host page's socket, open before rt-monitor's client (no open told)
      const link = new Link(fake.realtime as never, { changed() {}, socketChanged: () => void socketChanges++, healthChanged() {}, needed: () => true, tick() {}, answered() {} });
      try {
        if (!openBefore) fake.open();
        if (openBefore) link.sync();
        expect(link.state, `open (${openBefore ? 'before' : 'after'} the link)`).to.equal('open');
        const joined = fake.channel('joined');
        link.startWatchdog();
        const before = socketChanges;
        fake.drop(); // e.g. the host page's own disconnect() on a slow link
        await waitUntil(() => socketChanges > before, 'the close never handled', { timeout: 6000 }); // the next tick (every 2.5 s)
        expect(link.state).to.not.equal('open');
        expect(joined.state, 'errored: it rejoins on the next socket').to.equal('errored');
      } finally {
        link.dispose();
      }
    }
  });

  it("the next socket opening before the last one's close was heard: the last one's is handled first, only channels joined on it errored (one joining on the new socket left alone)", () => {
    const fake = fakeRealtime();
    const link = new Link(fake.realtime as never, { changed() {}, socketChanged() {}, healthChanged() {}, needed: () => true, tick() {}, answered() {} });
    try {
      fake.open();
      const old = fake.channel('joined');
      fake.drop();
      const joining = fake.channel('joining');
      fake.open(); // before any tick
      expect(old.state, 'joined on the last socket: errored').to.equal('errored');
      expect(joining.state, 'joining on the new socket: left alone').to.equal('joining');
      expect(link.state).to.equal('open');
      // An earlier socket's close heard while the next is open changes nothing of the open one's state.
      fake.earlierClose();
      expect(link.state, "after an earlier socket's close").to.equal('open');
      expect(link.probe(), 'the open socket asked').to.equal(true);
    } finally {
      link.dispose();
    }
  });

  it("the watchdog gives up on a heartbeat unanswered for 8.5 s and closes the socket as Phoenix does for a heartbeat timeout: the wait told once, to no other link, and only on a link that took frames in", async function () {
    this.timeout(20_000);
    const fake = fakeRealtime();
    const told: Array<[string, number, boolean]> = [];
    const events = (name: string) => ({
      changed() {}, socketChanged() {}, healthChanged() {}, needed: () => true, tick() {},
      answered: (roundTrip: number, _every: number, _sentAt: number, unanswered: boolean) => void told.push([name, roundTrip, unanswered]),
    });
    const a = new Link(fake.realtime as never, events('a'));
    let b: Link | undefined;
    const restore: Array<() => void> = [];
    try {
      fake.open();
      a.startWatchdog();
      // 1. a's ping, none of realtime-js's pending: one heartbeat is sent to make it a timeout.
      expect(a.probe()).to.equal(true);
      restore.push(skewClock(9000));
      fake.frame(); // frames still come in: a slow link
      b = new Link(fake.realtime as never, events('b')); // another rt-monitor client on the socket, that has heard no frame yet
      await waitUntil(() => fake.timeouts() === 1, 'the socket closed for it', { timeout: 6000 }); // the next tick (every 2.5 s)
      expect(a.open).to.equal(false);
      expect(told.map(([n, , u]) => [n, u]), "a's wait told once, as unanswered; b told nothing").to.deep.equal([['a', true]]);
      expect(told[0]![1], '9 s on, and up to a tick (2.5 s)').to.be.within(9000, 12_000);
      expect(a.error?.message).to.match(/stopped answering/);
      expect(fake.probes, 'one heartbeat sent to make it a timeout').to.have.length(1);
      // 2. realtime-js's own pending (in worker mode, its getter reads none): given up on with one send.
      told.length = 0;
      fake.realtime.worker = true;
      fake.open();
      fake.beat('sent');
      fake.frame();
      restore.push(skewClock(9000));
      fake.frame();
      await waitUntil(() => fake.timeouts() === 2, 'closed again', { timeout: 6000 });
      expect(fake.probes, 'nothing more sent: it was pending').to.have.length(1);
      expect(told.map(([n]) => n).sort(), 'each link gave up on it once (Phoenix told both)').to.deep.equal(['a', 'b']);
      // 3. A socket that took no frame in while a ping waited is dead, not slow: nothing told.
      told.length = 0;
      fake.realtime.worker = false;
      fake.open();
      restore.push(skewClock(1000)); // (the last frame is now well before the ping)
      a.probe();
      restore.push(skewClock(9000));
      await waitUntil(() => fake.timeouts() === 3, 'closed again', { timeout: 6000 });
      expect(told, 'a dead link').to.deep.equal([]);
    } finally {
      for (const undo of restore.reverse()) undo();
      a.dispose();
      b?.dispose();
    }
  });

  // Review of b4756c8, 2 and 3; QA74 2. Last in this file: the stall it makes is module state.
  it('tells the lag of a heartbeat given up on by a slow link (not a dead one), and measures every wait less the time the page stalled', () => {
    const busy = (ms: number) => {
      const until = performance.now() + ms;
      while (performance.now() < until);
    };
    observeServerTime(Date.now(), Date.now()); // the clocks agree
    const fake = fakeRealtime();
    const lag = new RealtimeLag();
    const stop = lag.subscribe(() => {}); // a live query listens: the stall watch runs
    const told: Array<[number, boolean]> = [];
    const link = new Link(fake.realtime as never, {
      changed() {}, socketChanged() {}, healthChanged() {}, needed: () => true, tick() {},
      answered: (roundTrip, every, sentAt, unanswered) => {
        told.push([roundTrip, unanswered]);
        lag.answered(roundTrip, every, sentAt, unanswered);
      },
    });
    let noProof = false;
    lag.link = {
      lateSpan: null,
      answerDelay: () => link.answerDelay(),
      get answeredSentAt() {
        return noProof ? null : link.answeredSentAt;
      },
      probe: () => false,
      get openedAt() {
        return link.openedAt;
      },
      heardAt: 0,
    };
    const restore: Array<() => void> = [];
    try {
      fake.open();
      // A dead link (a frozen server): nothing taken in while its heartbeat waited. Its error says
      // so; no episode, and the next socket carries nothing (its first answer is quick: QA75 1).
      fake.frame(); // frames before (the socket's frames are seen), none while it waited
      fake.beat('sent');
      restore.push(skewClock(9000));
      fake.beat('timeout');
      expect(told, 'a dead link: nothing told').to.deep.equal([]);
      expect(lag.cause).to.equal(null);
      fake.close();
      fake.open();
      // A link too slow ever to answer: frames come in, its heartbeat is given up on 9 s after it was sent.
      fake.beat('sent');
      restore.push(skewClock(9000));
      fake.frame();
      fake.beat('timeout');
      expect(told).to.have.length(1);
      expect(told[0]![0]).to.be.within(9000, 9500);
      expect(told[0]![1], 'told as unanswered').to.equal(true);
      expect(lag.cause?.detail, 'not live, the connection named: no change needed').to.equal('delivery-slow');
      fake.close();
      fake.open();
      expect(lag.cause?.detail, 'the new socket carries the episode').to.equal('delivery-slow');
      expect([...fake.probes, ...fake.pings], 'nothing asked at the open: an empty queue answers quickly (QA75 1)').to.have.length(0);
      // For as long as the last socket waited, the new one's empty queue says nothing of the link
      // (QA76: "Live" for seconds after each reconnect, mid-load).
      lag.observe(serverNow() - 100);
      expect(lag.cause?.detail, 'a change on time in its first moments').to.equal('delivery-slow');
      fake.beat('sent');
      fake.beat('ok', 20);
      expect(lag.cause?.detail, 'a quick answer in its first moments').to.equal('delivery-slow');
      restore.push(skewClock(6000)); // 6 s on, still within the 9 s the last socket waited
      lag.observe(serverNow() - 5500); // late, committed after that quick answer (nothing proven): still the connection's
      expect(lag.cause?.detail, 'not "not known yet" on the strength of that answer').to.equal('delivery-slow');
      restore.push(skewClock(9500)); // as long as the last socket waited, and more
      fake.beat('sent'); // its own heartbeat
      fake.beat('ok', 20);
      expect(lag.cause, 'a quick answer then ends it').to.equal(null);
      fake.close();
      fake.open();

      // A host page's task of seconds while a heartbeat is in flight is no slower connection
      // (review 3: the link's figures were raw, the lag's less the stall).
      told.length = 0;
      fake.beat('sent');
      const sentAt = Date.now();
      busy(3500); // the stall watch's last tick was just before: 2.5 s of this is a stall
      expect(link.answerDelay(), 'the pending age, less the stall').to.be.below(1500);
      noProof = true; // no proof either way: only the answers' speed can tell
      lag.observe(serverNow() - 9000); // 9 s late: 6 s of it outside the stall
      expect(lag.cause?.detail, 'not the connection: its answer is not slow, less the stall').to.equal('arriving-late');
      fake.beat('ok', Date.now() - sentAt);
      expect(told[0]![0], 'the round trip told, less the stall').to.be.below(1500);
      expect(link.answerDelay()).to.be.below(1500);
      expect(link.latencyMs, 'the latency shown is what was measured').to.be.at.least(3400);
      expect(lag.cause?.detail, 'a quick answer (less the stall) after the change: Realtime').to.equal('realtime-behind');
      lag.observe(serverNow() - 100);
      // A wait longer than the stall by more than LATE_MS is the connection's.
      fake.beat('sent');
      busy(3500);
      restore.push(skewClock(9500));
      fake.beat('ok', 9500 + 3500);
      expect(told.at(-1)![0]).to.be.above(9000);
      expect(lag.cause?.detail).to.equal('delivery-slow');
      // A give-up, however short once the stall is left out, is no quick answer: it ends nothing.
      lag.answered(1000, 12_500, Date.now() - 1000, true);
      expect(lag.cause?.detail).to.equal('delivery-slow');
    } finally {
      for (const undo of restore.reverse()) undo();
      stop();
      link.dispose();
      lag.dispose();
    }
  });
});
