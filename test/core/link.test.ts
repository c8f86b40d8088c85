/**
 * The link's state machine as a table: every (state, event) pair that moves, and the connection
 * status derived from each state.
 */
import { expect } from '@open-wc/testing';
import { LINK_TRANSITIONS, Link, linkStatus, nextLinkState, type LinkEvent, type LinkState } from '../../src/core/link.js';
import { RealtimeLag } from '../../src/core/realtime-lag.js';
import { observeServerTime, serverNow } from '../../src/core/server-clock.js';
import { skewClock } from '../helpers/clock.js';

const STATES = Object.keys(LINK_TRANSITIONS) as LinkState[];
const EVENTS: LinkEvent[] = ['connecting', 'open', 'close', 'error', 'retry', 'retry-again', 'retry-due', 'heartbeat-late', 'heartbeat-ok', 'dispose'];

/** The expected table, written out by hand: [from, event, to]. Pairs not listed keep the state. */
const MOVES: Array<[LinkState, LinkEvent, LinkState]> = [
  ['idle', 'connecting', 'opening'],
  ['idle', 'open', 'open'],
  ['idle', 'error', 'unreachable'],
  ['idle', 'retry', 'opening'],
  ['idle', 'retry-again', 'unreachable'],
  ['opening', 'open', 'open'],
  ['opening', 'error', 'unreachable'],
  ['opening', 'retry-again', 'unreachable'],
  ['unreachable', 'open', 'open'],
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
  ['reconnecting', 'open', 'open'],
  ['reconnecting', 'retry', 'waiting'],
  ['reconnecting', 'retry-again', 'waiting'],
  ...(['idle', 'opening', 'unreachable', 'open', 'late', 'waiting', 'reconnecting'] as LinkState[]).map((s): [LinkState, LinkEvent, LinkState] => [s, 'dispose', 'closed']),
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
      ['closed', ready, 'disconnected'],
    ];
    for (const [state, channels, status] of rows) expect(linkStatus(state, channels), `${state} ${JSON.stringify(channels)}`).to.equal(status);
  });
});

describe('Link: how long answers take (answerDelay)', () => {
  /** A realtime-js stand-in with Phoenix's socket callbacks and the adapter's heartbeat callback (src/core/realtime-tap.ts). */
  function fakeRealtime() {
    const on: Record<'open' | 'close' | 'error', Array<(e?: unknown) => void>> = { open: [], close: [], error: [] };
    const socket = {
      onOpen: (cb: () => void) => (on.open.push(cb), 'o'),
      onClose: (cb: (e?: unknown) => void) => (on.close.push(cb), 'c'),
      onError: (cb: () => void) => (on.error.push(cb), 'e'),
      off: () => {},
    };
    const adapter = { heartbeatCallback: undefined as undefined | ((status: string, latency?: number) => void), getSocket: () => socket };
    let connected = false;
    let closing = false;
    const probes: number[] = [];
    const realtime = {
      socketAdapter: adapter,
      heartbeatIntervalMs: 12_500,
      /** Phoenix's: sent (and told) at once. */
      sendHeartbeat: async () => {
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
      open: () => ((connected = true), on.open.forEach((cb) => cb())),
      close: (code = 1000) => ((connected = false), (closing = false), on.close.forEach((cb) => cb({ code }))),
      /** Phoenix closing the socket, before its close event. */
      closing: () => ((connected = false), (closing = true)),
      beat: (status: string, latency?: number) => adapter.heartbeatCallback?.(status, latency),
    };
  }

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
      // A wait carried, then an answer that measures nothing (sent offline): no old figure stays.
      fake.beat('sent');
      link.fire('heartbeat-late');
      restore.push(skewClock(9000));
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

  it("asks for an answer (probeSoon) only when Phoenix's own next heartbeat cannot collide with it (QA74 3)", () => {
    const fake = fakeRealtime();
    const link = new Link(fake.realtime as never, { changed() {}, socketChanged() {}, healthChanged() {}, needed: () => true, tick() {} });
    const restore: Array<() => void> = [];
    try {
      link.probeSoon();
      expect(fake.probes, 'no socket: nothing asked').to.have.length(0);
      fake.open();
      // Phoenix sends its next heartbeat 12.5 s after the open; 5 s on, it is 7.5 s away: an answer
      // slower than that would find it pending, and realtime-js would reconnect.
      restore.push(skewClock(5000));
      link.probeSoon();
      expect(fake.probes, 'too close to the next heartbeat').to.have.length(0);
      restore.pop()!();
      link.probeSoon();
      expect(fake.probes, '12.5 s away: asked').to.have.length(1);
      link.probeSoon();
      expect(fake.probes, 'one pending: no second').to.have.length(1);
      fake.beat('ok', 10);
      link.probeSoon(); // answered: Phoenix's next is an interval after the answer
      expect(fake.probes).to.have.length(2);
    } finally {
      for (const undo of restore.reverse()) undo();
      link.dispose();
    }
  });

  // Review of b4756c8, 2 and 3; QA74 2. Last in this file: the stall it makes is module state.
  it('tells the lag of a heartbeat given up on, asks a new socket at once, and measures every wait less the time the page stalled', () => {
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
    lag.answerDelay = () => link.answerDelay();
    lag.answeredSentAt = () => link.answeredSentAt;
    const restore: Array<() => void> = [];
    try {
      fake.open();
      expect(fake.probes, 'a first socket: nothing to ask').to.deep.equal([]);
      // A link too slow ever to answer: its heartbeat is given up on after 9 s (Phoenix's timeout).
      fake.beat('sent');
      restore.push(skewClock(9000));
      fake.beat('timeout');
      expect(told).to.have.length(1);
      expect(told[0]![0]).to.be.within(9000, 9500);
      expect(told[0]![1], 'told as unanswered').to.equal(true);
      expect(lag.cause?.detail, 'not live, the connection named: no change needed').to.equal('delivery-slow');
      fake.close();
      fake.open();
      // The next socket is asked at once (not an interval later), and is not live until it answers.
      expect(fake.probes).to.have.length(1);
      expect(lag.cause?.detail, 'the new socket carries the episode').to.equal('delivery-slow');
      fake.beat('ok', 20);
      expect(lag.cause, 'a quick answer on the new socket ends it (a server back from a freeze)').to.equal(null);
      fake.close(); // an ordinary close: nothing carried, nothing asked
      fake.open();
      expect(fake.probes).to.have.length(1);

      // A host page's task of seconds while a heartbeat is in flight is no slower connection
      // (review 3: the link's figures were raw, the lag's less the stall).
      told.length = 0;
      fake.beat('sent');
      const sentAt = Date.now();
      busy(3500); // the watch ticks every second: 2.5–3.5 s of this is a stall
      expect(link.answerDelay(), 'the pending age, less the stall').to.be.below(1500);
      lag.answeredSentAt = () => null; // no proof either way: only the answers' speed can tell
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
