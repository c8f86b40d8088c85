/**
 * The page-wide estimate of the server's clock (src/core/server-clock.ts): minimum of the
 * upper bounds over a window, Date headers, wall-clock jumps, one estimate per page, and the
 * formatting that never shows a past event as future.
 */
import { expect, waitUntil } from '@open-wc/testing';
import {
  clockSkew, DRIFT_PER_MS, observeDateHeader, observeServerTime, parseServerTime, resetServerClock, serverNow, SKEW_WINDOW_MS,
} from '../../src/core/server-clock.js';
import { RealtimeLag } from '../../src/core/realtime-lag.js';
import { createRest } from '../../src/core/rest.js';
import { clip, formatAgo, formatDateTime, nextAgoChange } from '../../src/internal/format.js';
import { skewClock } from '../helpers/clock.js';

const MIN = 60_000;

describe('server clock estimate', () => {
  beforeEach(() => resetServerClock());
  afterEach(() => resetServerClock());

  it('without samples there is no correction', () => {
    expect(clockSkew()).to.equal(null);
    const before = Date.now();
    const t = serverNow();
    expect(t).to.be.within(before, Date.now());
  });

  it('takes the smallest upper bound: the sample with the least latency wins, late ones do not pull it off', () => {
    const local = Date.now();
    // The browser is 2 min ahead. Three changes received now, made 300, 40 and 5000 ms ago on the server.
    observeServerTime(new Date(local - 2 * MIN - 300).toISOString(), local);
    observeServerTime(new Date(local - 2 * MIN - 40).toISOString(), local);
    observeServerTime(new Date(local - 2 * MIN - 5000).toISOString(), local);
    expect(clockSkew()).to.equal(2 * MIN + 40);
    // Now on the server's clock, bracketed by the local clock read before and after (a busy machine
    // may tick a millisecond between the calls).
    const before = Date.now();
    const s = serverNow();
    expect(s).to.be.within(before - (2 * MIN + 40), Date.now() - (2 * MIN + 40));
  });

  it('a browser behind the server gets a negative skew', () => {
    const local = Date.now();
    observeServerTime(local + 2 * MIN + 100 - 20, local); // server is 2 min 100 ms ahead, 20 ms latency
    expect(clockSkew()).to.equal(-(2 * MIN + 100) + 20);
  });

  it('reads commit timestamps in every spelling: zone-less means UTC, microseconds are fine', () => {
    const ms = Date.UTC(2025, 10, 24, 10, 0, 0, 123);
    expect(parseServerTime('2025-11-24T10:00:00.123456')).to.equal(ms + 0.456);
    expect(parseServerTime('2025-11-24T10:00:00.123Z')).to.equal(ms);
    expect(parseServerTime('2025-11-24 12:00:00.123+02')).to.equal(ms);
    expect(parseServerTime('not a time')).to.equal(null);
    expect(parseServerTime(undefined)).to.equal(null);
    observeServerTime('garbage');
    observeServerTime(null);
    expect(clockSkew()).to.equal(null);
  });

  it('Date header (whole seconds): local receive − Date is the bound; several replies tighten it', () => {
    const server = Date.UTC(2030, 0, 1, 12, 0, 0); // a whole second on the server
    // Received at local = server + 2 min + 30 ms (latency 30 ms) with the server at .700 s: header says :00.
    observeDateHeader(new Date(server).toUTCString(), server + 2 * MIN + 700 + 30);
    expect(clockSkew()).to.equal(2 * MIN + 730);
    // Next reply with the server at 1.050 s: header says :01.
    observeDateHeader(new Date(server + 1000).toUTCString(), server + 2 * MIN + 1050 + 30);
    expect(clockSkew()).to.equal(2 * MIN + 80);
    observeDateHeader(null);
    observeDateHeader('nonsense');
    expect(clockSkew()).to.equal(2 * MIN + 80);
  });

  it('rest.ts feeds the Date header of its replies', async () => {
    const original = window.fetch;
    const serverDate = new Date(Date.now() + 10 * MIN); // the server is 10 min ahead
    window.fetch = (async () =>
      new Response('[]', { status: 200, headers: { 'Content-Type': 'application/json', Date: serverDate.toUTCString() } })) as typeof fetch;
    try {
      const rest = createRest({ url: 'http://rest.invalid/rest/v1', anonKey: 'anon', token: async () => null });
      const reply = await rest.from('streams').select('*');
      expect(reply.status).to.equal(200);
    } finally {
      window.fetch = original;
    }
    const skew = clockSkew()!;
    expect(skew).to.be.within(-10 * MIN - 1000, -10 * MIN + 1000);
  });

  it('old samples leave the window, so a clock that was corrected is followed (the newest sample stays)', () => {
    const local = Date.now();
    observeServerTime(local - SKEW_WINDOW_MS - MIN - 5 * MIN, local - SKEW_WINDOW_MS - MIN); // 5 min skew, long ago
    // A quiet page keeps its last estimate, loosened by the most two clocks drift apart in a window.
    expect(clockSkew()).to.be.within(5 * MIN, 5 * MIN + DRIFT_PER_MS * SKEW_WINDOW_MS);
    observeServerTime(local - 1000, local); // now only 1 s
    expect(clockSkew()).to.equal(1000);
  });

  it('a steady lag does not turn into skew: a tight bound from before it (a token\'s iat) outlasts 30 min of late changes (QA12 F1)', () => {
    const local = Date.now();
    observeServerTime(local - 30 * MIN - 2 * MIN - 1000, local - 30 * MIN); // iat: the browser is 2 min ahead, 1 s latency
    for (let t = 30 * MIN; t >= 0; t -= 5000) observeServerTime(local - t - 2 * MIN - 8000, local - t); // every change 8 s late
    const skew = clockSkew()!;
    expect(skew).to.be.within(2 * MIN + 1000, 2 * MIN + 1000 + DRIFT_PER_MS * 30 * MIN + 5);
    const lag = new RealtimeLag();
    try {
      lag.observe(serverNow() - 8000); // one more change, committed 8 s ago on the server's clock
      expect(lag.cause?.detail).to.equal('arriving-late');
    } finally {
      lag.dispose();
    }
  });

  it("the time the client's socket heard nothing from the server (its link late) does not count as Realtime's lateness (QA60 F1)", () => {
    observeServerTime(Date.now(), Date.now()); // the clocks agree
    const lag = new RealtimeLag();
    try {
      let span: [number, number | null] | null = [Date.now() - 9000, null]; // offline 9 s ago, not heard from since
      lag.link = { ...lag.link, get lateSpan() { return span; } };
      lag.observe(serverNow() - 8000); // committed 8 s ago, held meanwhile
      expect(lag.cause, 'held while the socket heard nothing').to.equal(null);
      span = [Date.now() - 9000, Date.now() - 7000]; // heard again 7 s ago
      lag.observe(serverNow() - 8000); // 7 s of it outside the span
      expect(lag.cause?.detail, 'late outside the span').to.equal('arriving-late');
    } finally {
      lag.dispose();
    }
  });

  it("lateness the heartbeat answers share is the connection's, not Realtime behind; a quick answer then ends it (QA71 F3, F4)", () => {
    observeServerTime(Date.now(), Date.now()); // the clocks agree
    const lag = new RealtimeLag();
    const causes: Array<string | undefined> = [];
    const stop = lag.subscribe(() => causes.push(lag.cause?.detail));
    const EVERY = 12_500;
    try {
      let delay = 7000; // the pending heartbeat was sent 7 s ago: the socket's queue is 7 s long
      lag.link = { ...lag.link, answerDelay: () => delay };
      lag.observe(serverNow() - 9000); // 9 s late, 7 s of it in the queue
      expect(lag.cause?.detail, 'explained by the answers').to.equal('delivery-slow');
      expect(lag.cause?.code).to.equal('network');
      lag.answered(6500, EVERY); // still slow: held past the next answer
      expect(lag.cause?.detail).to.equal('delivery-slow');
      const held = lag.until! - performance.now();
      expect(held, 'held past the next answer').to.be.within(EVERY + 2 * 6500, EVERY + 2 * 6500 + 1000);
      lag.observe(serverNow() - 7000); // a late change holds for less: the hold is not shortened
      expect(lag.until! - performance.now()).to.be.greaterThan(held - 50);
      lag.answered(3500, EVERY); // slowish: neither ends nor extends (the hold runs out)
      expect(lag.cause?.detail).to.equal('delivery-slow');
      // Not extended (at most what was left: the clock may not have moved between the two reads).
      expect(lag.until! - performance.now()).to.be.at.most(held);
      lag.answered(200, EVERY); // the queue is drained: what waited in it was taken in
      expect(lag.cause, 'ended by a quick answer').to.equal(null);
      expect(lag.until).to.equal(null);

      // Answers quick before the change tell nothing of the queue it waited in (QA74 3: Realtime
      // blamed at the onset of a slow link's lateness): not known yet. An answer taken in after it
      // does: a quick one, the connection keeps up, so Realtime 5–7.5 s behind is Realtime's (review H1).
      for (const [took, d] of [[5050, 100], [6000, 1200]] as const) {
        delay = d;
        lag.observe(serverNow() - took);
        expect(lag.cause?.detail, `${took} ms late, answers in ${d} ms: not known yet`).to.equal('arriving-late');
        lag.answered(d, EVERY); // taken in after the change, quick
        expect(lag.cause?.detail, 'a quick answer after the change').to.equal('realtime-behind');
        lag.observe(serverNow() - took); // the episode's next late change: still Realtime's
        expect(lag.cause?.detail).to.equal('realtime-behind');
        lag.answered(d, EVERY); // a quick answer ends no Realtime lag
        expect(lag.cause?.detail).to.equal('realtime-behind');
        lag.observe(serverNow() - 100); // a change on time does
        expect(lag.cause).to.equal(null);
      }

      // Named Realtime, then an answer 2.5–5 s slow that was in flight as the episode's last late
      // change was taken in: the connection's after all (the relabel alone: review of b4756c8, 6).
      delay = 100;
      lag.observe(serverNow() - 9000);
      lag.answered(100, EVERY);
      expect(lag.cause?.detail).to.equal('realtime-behind');
      const inFlight = Date.now() - 1;
      lag.observe(serverNow() - 9000);
      lag.answered(3500, EVERY, inFlight);
      expect(lag.cause?.detail, 'in flight at the late change, and slow').to.equal('delivery-slow');
      lag.answered(100, EVERY);
      expect(lag.cause).to.equal(null);

      delay = 100;
      lag.observe(serverNow() - 9000);
      expect(lag.cause?.detail).to.equal('arriving-late');
      lag.answered(8000, EVERY); // in flight as the late change was taken in, and explains it
      expect(lag.cause?.detail, 'told again by the answer').to.equal('delivery-slow');
      lag.answered(100, EVERY);
      expect(lag.cause).to.equal(null);

      delay = 3000; // slow answers, and nothing proves Realtime held the change: the connection's
      lag.observe(serverNow() - 12_000);
      expect(lag.cause?.detail, 'slow answers, no proof').to.equal('delivery-slow');
      lag.observe(serverNow() - 100);

      // A bound on the commit (broadcast mode) tells no lateness the answers could explain.
      delay = 7000;
      lag.observe(serverNow() - 9000, true);
      expect(lag.cause?.detail, 'a bound').to.equal('realtime-behind');
      lag.observe(serverNow() - 100);
      expect(causes.filter((c) => c === undefined).length, 'each end told').to.equal(7);

      // An answer slower than LATE_MS starts an episode without any change (review M4).
      lag.answered(6000, EVERY);
      expect(lag.cause?.detail, 'a slow answer alone').to.equal('delivery-slow');
      lag.answered(300, EVERY);
      expect(lag.cause).to.equal(null);

      // Proven: a heartbeat sent 8 s after the commit was answered before the change came (the
      // socket delivers in order): Realtime held it, however slow the answers (QA73).
      lag.link = { ...lag.link, answeredSentAt: Date.now() - 1000 };
      delay = 7000;
      lag.observe(serverNow() - 9000);
      expect(lag.cause?.detail, 'proven').to.equal('realtime-behind');
      const before = lag.until!;
      lag.answered(8000, EVERY);
      expect(lag.cause?.detail, 'no answer relabels it').to.equal('realtime-behind');
      expect(lag.until!, 'slow answers still hold a proven episode past the next one').to.be.greaterThan(before);
      lag.answered(100, EVERY);
      expect(lag.cause?.detail, 'nor ends it').to.equal('realtime-behind');
      lag.link = { ...lag.link, answeredSentAt: Date.now() - 8000 }; // sent 1 s after the commit: proves nothing
      lag.observe(serverNow() - 9000);
      expect(lag.cause?.detail, 'not proven').to.equal('delivery-slow');
      lag.observe(serverNow() - 100);
      expect(lag.cause).to.equal(null);

      // A proof ends with its episode: a later slow link's answers hold its own (review of a96f478).
      lag.link = { ...lag.link, answeredSentAt: Date.now() - 1000 };
      lag.observe(serverNow() - 9000);
      expect(lag.cause?.detail, 'proven again').to.equal('realtime-behind');
      lag.observe(serverNow() - 100);
      lag.answered(7000, EVERY);
      expect(lag.cause?.detail).to.equal('delivery-slow');
      const first = lag.until!;
      for (const until = performance.now() + 20; performance.now() < until; ); // some time passes
      lag.answered(7000, EVERY);
      expect(lag.until!, 'the next slow answer holds past the one after').to.be.greaterThan(first);
      lag.answered(100, EVERY);
      expect(lag.cause).to.equal(null);
    } finally {
      stop();
      lag.dispose();
    }
  });

  it("while the connection is named, a socket gone quiet asks for an answer, at most every LATE_HOLD_MS, and a quick one ends it (QA77)", async () => {
    const lag = new RealtimeLag();
    let probes = 0;
    let heard = Date.now() + 3_600_000; // frames still coming in
    const opened = Date.now() - 60_000;
    lag.link = { ...lag.link, probe: () => (probes++, true), get heardAt() { return heard; }, get openedAt() { return opened; } };
    try {
      lag.answered(6000, 12_500); // a slow answer: the connection is named
      expect(lag.cause?.detail).to.equal('delivery-slow');
      const waited = performance.now() + 1500;
      await waitUntil(() => performance.now() > waited, 'time', { timeout: 3000, interval: 100 });
      expect(probes, 'the queue still taking frames in: nothing asked').to.equal(0);
      heard = opened - 1; // nothing taken in on this socket yet: its queue is new, not drained
      const idle = performance.now() + 1500;
      await waitUntil(() => performance.now() > idle, 'time', { timeout: 3000, interval: 100 });
      expect(probes, 'a socket that took nothing in yet: nothing asked').to.equal(0);
      heard = Date.now() - 1000; // quiet: the queue was taken in (the load ended)
      await waitUntil(() => probes === 1, 'never asked once quiet', { timeout: 3000, interval: 50 });
      const again = performance.now() + 1500;
      await waitUntil(() => performance.now() > again, 'time', { timeout: 3000, interval: 100 });
      expect(probes, 'not again within LATE_HOLD_MS').to.equal(1);
      lag.answered(100, 12_500);
      expect(lag.cause, 'its quick answer ends it').to.equal(null);
    } finally {
      lag.dispose();
    }
  });

  it("in a new socket's first moments after a slow link's give-up, a quick answer ends nothing, but the one to the heartbeat asked once the socket carried changes and went quiet does (QA78: 8.5 s of \"slow\" after the load)", async () => {
    observeServerTime(Date.now(), Date.now()); // the clocks agree
    const lag = new RealtimeLag();
    let probes = 0;
    let asked = 0;
    let opened = Date.now() - 60_000;
    let heard = Date.now();
    lag.link = { ...lag.link, probe: () => (probes++, (asked = Date.now()), true), get heardAt() { return heard; }, get openedAt() { return opened; } };
    try {
      lag.answered(9000, 12_500, Date.now() - 9000, true); // a slow link's heartbeat given up on after 9 s
      expect(lag.cause?.detail).to.equal('delivery-slow');
      opened = Date.now(); // the next socket: for 9 s, its empty queue says nothing of the link
      heard = opened + 1; // its join replies, then nothing (Realtime may take seconds to start its changes)
      lag.answered(100, 12_500, opened + 1);
      expect(lag.cause?.detail, 'a quick answer on it').to.equal('delivery-slow');
      // Join replies and silence are no drained queue: nothing is asked before it carries a change.
      const start = performance.now();
      await waitUntil(() => performance.now() - start > 2600, 'time', { timeout: 4000, interval: 100 });
      const changeAt = Date.now();
      lag.observe(serverNow() - 100); // a change on time: it ends nothing here
      heard = changeAt;
      expect(lag.cause?.detail).to.equal('delivery-slow');
      await waitUntil(() => probes === 1, 'never asked once quiet', { timeout: 5000, interval: 50 });
      expect(asked, 'asked only after the socket carried a change').to.be.at.least(changeAt + 1000);
      lag.answered(100, 12_500, asked + 2000); // another heartbeat's quick answer
      expect(lag.cause?.detail, 'not the one asked for').to.equal('delivery-slow');
      lag.answered(100, 12_500, asked + 1);
      expect(lag.cause, 'its quick answer ends it, still within the 9 s').to.equal(null);
    } finally {
      lag.dispose();
    }
  });

  it("in a new socket's first moments after a give-up, silence once Realtime confirmed its subscriptions is a drained queue: a socket opened after the last write asks at once (QA80: 9–15 s of \"slow\" after the load)", async () => {
    const lag = new RealtimeLag();
    let probes = 0;
    let asked = 0;
    let opened = Date.now() - 60_000;
    let heard = Date.now();
    let subscribed = false;
    lag.link = { ...lag.link, probe: () => (probes++, (asked = Date.now()), true), get heardAt() { return heard; }, get openedAt() { return opened; } };
    lag.subscribed = () => subscribed;
    try {
      lag.answered(9000, 12_500, Date.now() - 9000, true); // a slow link's heartbeat given up on after 9 s
      expect(lag.cause?.detail).to.equal('delivery-slow');
      opened = Date.now(); // the next socket, opened after the last write
      heard = opened + 1; // its join replies; Realtime is still starting its change stream
      const start = performance.now();
      await waitUntil(() => performance.now() - start > 2600, 'time', { timeout: 4000, interval: 100 });
      expect(probes, 'joined, not yet confirmed: its silence is an empty queue').to.equal(0);
      const confirmedAt = Date.now();
      heard = confirmedAt; // "Subscribed to PostgreSQL": from now on a change committed comes on this socket
      subscribed = true;
      await waitUntil(() => probes === 1, 'never asked once confirmed and quiet', { timeout: 5000, interval: 50 });
      // Two seconds: Realtime's first read of changes for a new subscription may take a moment under load.
      expect(asked, 'asked once quiet for two seconds after the confirmation').to.be.at.least(confirmedAt + 2000);
      lag.answered(100, 12_500, asked + 1);
      expect(lag.cause, 'its quick answer ends it, within the 9 s').to.equal(null);
    } finally {
      lag.dispose();
    }
  });

  it("a late change not yet explained asks for an answer, and names the connection once the pending one is slow (QA74 3)", async () => {
    observeServerTime(Date.now(), Date.now());
    const lag = new RealtimeLag();
    let probes = 0;
    let delay = 200;
    lag.link = { ...lag.link, probe: () => (probes++, true), answerDelay: () => delay };
    try {
      lag.observe(serverNow() - 9000);
      expect(lag.cause?.detail).to.equal('arriving-late');
      expect(probes, 'asked at once').to.equal(1);
      delay = 2600; // the answer asked for is 2.6 s in flight: the connection is slow
      await waitUntil(() => lag.cause?.detail === 'delivery-slow', 'the connection never named', { timeout: 3000 });
      lag.answered(300, 12_500);
      expect(lag.cause, 'a quick answer ends it').to.equal(null);
      // A quick answer on a socket opened after the late change says nothing of the queue it
      // waited in (a new socket's starts empty: QA75 2); one on the same socket names Realtime.
      let socket = 1;
      lag.link = { ...lag.link, get openedAt() { return socket; } };
      delay = 200;
      lag.observe(serverNow() - 9000);
      socket = 2;
      const asked = probes;
      lag.answered(300, 12_500);
      expect(lag.cause?.detail, 'an answer on the next socket').to.equal('arriving-late');
      // … and nothing more is asked on it (review of 01ca32f, H1: a heartbeat every 500 ms).
      const later = performance.now() + 1200;
      await waitUntil(() => performance.now() > later, 'time', { timeout: 3000, interval: 100 });
      expect(probes - asked, 'heartbeats asked for on the next socket').to.be.at.most(1);
      lag.observe(serverNow() - 9000); // a late change on this socket
      lag.answered(300, 12_500);
      expect(lag.cause?.detail, 'an answer on the same socket').to.equal('realtime-behind');
      lag.observe(serverNow() - 100);
      // A bound (broadcast mode) is Realtime's at once: the answers cannot explain it.
      lag.observe(serverNow() - 9000, true);
      expect(lag.cause?.detail).to.equal('realtime-behind');
    } finally {
      lag.dispose();
    }
  });

  it("a later slow answer does not make an earlier Realtime lag the connection's (review M6)", () => {
    observeServerTime(Date.now(), Date.now());
    const lag = new RealtimeLag();
    const restore: Array<() => void> = [];
    try {
      lag.observe(serverNow() - 9000);
      lag.answered(100, 12_500); // a quick answer after it: Realtime's
      expect(lag.cause?.detail).to.equal('realtime-behind');
      restore.push(skewClock(20_000)); // 20 s later (on the wall clock the round trips are measured on)
      lag.answered(3000, 12_500); // sent 17 s after the late change: not in flight then
      expect(lag.cause?.detail).to.equal('realtime-behind');
      lag.answered(100, 12_500);
      expect(lag.cause?.detail, 'a quick answer ends no Realtime lag').to.equal('realtime-behind');
    } finally {
      for (const undo of restore) undo();
      lag.dispose();
    }
  });

  it("RealtimeLag leaves out a main-thread stall (a tick overdue), only while the page is visible (a hidden page's timers are throttled, no stall)", () => {
    const busy = (ms: number) => {
      const until = performance.now() + ms;
      while (performance.now() < until);
    };
    observeServerTime(Date.now(), Date.now()); // the clocks agree
    const hidden = new RealtimeLag();
    const lag = new RealtimeLag();
    const stops = [hidden.subscribe(() => {}), lag.subscribe(() => {})]; // live queries listen: the stall watch runs
    const visibility = Object.getOwnPropertyDescriptor(Document.prototype, 'visibilityState')!;
    try {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
      document.dispatchEvent(new Event('visibilitychange'));
      busy(2500); // the watch ticks every second: this task holds it 2.5 s
      hidden.observe(serverNow() - 6000); // committed 6 s ago
      expect(hidden.cause?.detail, 'hidden: late in full').to.equal('arriving-late');
      delete (document as unknown as Record<string, unknown>).visibilityState;
      document.dispatchEvent(new Event('visibilitychange'));
      busy(2500);
      lag.observe(serverNow() - 6000); // 1.5–2.5 s of it stalled
      expect(lag.cause, 'visible: held by the stall').to.equal(null);
    } finally {
      delete (document as unknown as Record<string, unknown>).visibilityState;
      expect(Object.getOwnPropertyDescriptor(Document.prototype, 'visibilityState')).to.deep.equal(visibility);
      document.dispatchEvent(new Event('visibilitychange'));
      for (const stop of stops) stop();
      hidden.dispose();
      lag.dispose();
    }
  });

  it('a bound on the commit (broadcast mode: the newer row read over REST) puts the client behind, and never ends it (QA61 F1)', () => {
    observeServerTime(Date.now(), Date.now()); // the clocks agree
    const lag = new RealtimeLag();
    try {
      lag.observe(serverNow() - 100, true); // committed no later than 0.1 s ago: says nothing
      expect(lag.cause).to.equal(null);
      lag.observe(serverNow() - 8000, true); // no later than 8 s ago: at least 8 s late
      expect(lag.cause?.detail).to.equal('realtime-behind');
      lag.observe(serverNow() - 100, true); // a bound that reads on time ends nothing
      expect(lag.cause?.detail).to.equal('realtime-behind');
      lag.observe(serverNow() - 100); // a commit time that is on time does
      expect(lag.cause).to.equal(null);
    } finally {
      lag.dispose();
    }
  });

  it('memory stays bounded over hours of samples, whichever way they trend', () => {
    const local = Date.now();
    const state = (globalThis as unknown as Record<symbol, { buckets: unknown[] }>)[Symbol.for('rt-monitor.server-clock')]!;
    // The bound loosens steadily (each new one looser than every older one, so none is dominated).
    for (let t = 3 * 60 * MIN; t >= 0; t -= 1000) observeServerTime(local - t + t / 100, local - t);
    expect(state.buckets.length).to.be.within(SKEW_WINDOW_MS / MIN - 1, SKEW_WINDOW_MS / MIN + 1);
    expect(clockSkew()).to.be.within(-SKEW_WINDOW_MS / 100, -SKEW_WINDOW_MS / 100 + 2000); // the oldest kept, 2 h old
    // A burst of tighter ones: one bucket is left, and the estimate is theirs.
    for (let t = 0; t < 10_000; t++) observeServerTime(local + 5 * MIN - 5, local + 2 * MIN);
    expect(state.buckets.length).to.equal(1);
    expect(clockSkew()).to.equal(-3 * MIN + 5);
  });

  it('a jump of the local wall clock back moves the estimate with it: serverNow() does not jump', () => {
    observeServerTime(Date.now() - 2 * MIN, Date.now()); // the browser is 2 min ahead
    expect(clockSkew()).to.be.within(2 * MIN, 2 * MIN + 50);
    const before = serverNow();
    const start = performance.now();
    // The server's time moved by the time that passed (a monotonic clock), not by the jump.
    const moved = () => Math.abs(serverNow() - before - (performance.now() - start));
    for (const jump of [-2 * MIN, -60 * MIN]) {
      const restore = skewClock(jump); // the OS corrects the clock, a user sets it back
      try {
        expect(clockSkew(), `jump ${jump}`).to.be.within(2 * MIN + jump - 50, 2 * MIN + jump + 50);
        expect(moved(), `jump ${jump}`).to.be.below(50);
      } finally {
        restore(); // forward again: held until a sample tells (below), the estimate as it was
      }
      observeServerTime(Date.now() - 2 * MIN - 5, Date.now()); // a sample: the wall clock was set ahead
      expect(moved(), `back from ${jump}`).to.be.below(50);
    }
  });

  it('a jump forward is held until the next sample tells a sleep (the samples stay) from the wall clock set ahead (they move) (QA54)', () => {
    observeServerTime(Date.now() - 2 * MIN - 20, Date.now()); // the browser is 2 min ahead
    const held = clockSkew()!;
    // A 45 s sleep: the monotonic clock stood still while the wall clock and the server's ran on,
    // which the page sees as its wall clock 45 s ahead of the monotonic one.
    let restore = skewClock(45_000);
    try {
      expect(clockSkew(), 'held: no sample yet').to.be.within(held, held + 10);
      // The first change after waking, 20 s late (Realtime behind): still the sleep, not skew.
      observeServerTime(Date.now() - 2 * MIN - 20_000, Date.now());
      expect(clockSkew(), 'after a sleep: the samples are still true').to.be.within(held - 10, held + 10);
      const lag = new RealtimeLag();
      lag.observe(Date.now() - clockSkew()! - 20_000);
      expect(lag.cause?.detail, 'a change 20 s late reads late').to.equal('arriving-late');
      lag.dispose();
    } finally {
      restore();
    }
    resetServerClock();
    observeServerTime(Date.now() - 2 * MIN - 20, Date.now());
    // The wall clock set 10 min ahead (the server's did not move): the next sample is looser by that much.
    restore = skewClock(10 * MIN);
    try {
      observeServerTime(Date.now() - 10 * MIN - 2 * MIN - 30, Date.now());
      expect(clockSkew(), 'after a step: the samples moved by it').to.be.within(12 * MIN + 20 - 5, 12 * MIN + 20 + 15);
    } finally {
      restore();
    }
  });

  it('one estimate per page: a second copy of the module shares it', async () => {
    observeServerTime(Date.now() - 3 * MIN, Date.now());
    const copy = (await import(/* @vite-ignore */ new URL('../../src/core/server-clock.ts?copy=2', import.meta.url).href)) as typeof import('../../src/core/server-clock.js');
    expect(copy.clockSkew).not.to.equal(clockSkew);
    expect(copy.clockSkew()).to.equal(clockSkew());
    copy.observeServerTime(Date.now() - 4 * MIN, Date.now());
    expect(clockSkew()).to.be.within(3 * MIN, 3 * MIN + 50);
    copy.observeServerTime(Date.now() + MIN, Date.now());
    expect(clockSkew()).to.be.within(-MIN, -MIN + 50);
  });

  it('formatAgo never reads a past event as future; formatting uses the corrected now by default', () => {
    const now = Date.now();
    expect(formatAgo('en', now + 3000, now)).to.equal('now');
    expect(formatAgo('en', now + 2 * MIN, now)).to.equal('now');
    expect(formatAgo('en', now - 5000, now)).to.equal('now');
    expect(formatAgo('en', now - 5000, now, 'just now')).to.equal('just now');
    expect(formatAgo('en', now - 25_000, now)).to.equal('20 seconds ago');
    // The browser is 2 min ahead: a row the server stamped just now reads "now", not "2 minutes ago".
    observeServerTime(Date.now() - 2 * MIN, Date.now());
    expect(formatAgo('en', Date.now() - 2 * MIN)).to.equal('now');
  });

  it('a date far ahead of a known server clock is bad data, shown as that date (not "just now")', () => {
    const future = Date.UTC(2030, 10, 30, 10, 0);
    // No server time seen: the page's clock may be the one that is off, so "now".
    expect(formatAgo('en', future, Date.now(), 'just now')).to.equal('just now');
    observeServerTime(Date.now(), Date.now());
    expect(formatAgo('en-US', future, serverNow(), 'just now')).to.equal(formatDateTime('en-US', future));
    expect(formatAgo('en-US', future, serverNow(), 'just now')).to.include('2030');
    // A few minutes ahead is still read as what is left of the offset.
    expect(formatAgo('en', serverNow() + 2 * MIN, serverNow(), 'just now')).to.equal('just now');
  });

  it('database text loses bidi embedding, override and isolate controls (a spoofed "\u202Egnp.exe")', () => {
    expect(clip('\u202Egnp.exe Invoice').text).to.equal('gnp.exe Invoice');
    expect(clip('a\u2066b\u2069c\u202Ad\u202C').text).to.equal('abcd');
    expect(clip('שלום Acme').text).to.equal('שלום Acme');
  });

  it('database text keeps at most 8 combining marks in a row: real scripts keep theirs, "Z" with 600 is one narrow character (QA60 F2)', () => {
    const marks = '\u0336\u0337\u0338\u0489';
    expect(clip(`Z${marks.repeat(150)} end`).text).to.equal(`Z${marks.repeat(2)} end`);
    for (const word of ['Tiếng Việt', 'हिन्दी', 'ཧཱུྃ', 'e\u0301\u0302\u0303', '👩🏽‍❤️‍💋‍👨🏿', '🏴󠁧󠁢󠁳󠁣󠁴󠁿']) expect(clip(word).text, word).to.equal(word);
  });

  it('formatAgo reads coarsely (just now, 10 s steps, then whole units) and nextAgoChange says when it changes', () => {
    const now = Date.now();
    const cases: Array<[number, string, number]> = [
      // age (ms), text, ms until the text changes
      [0, 'just now', 10_000],
      [9_999, 'just now', 1],
      [10_000, '10 seconds ago', 10_000],
      [19_500, '10 seconds ago', 500],
      [59_000, '50 seconds ago', 1_000],
      [60_000, '1 minute ago', 60_000],
      [119_000, '1 minute ago', 1_000],
      [3_599_000, '59 minutes ago', 1_000],
      [3_600_000, '1 hour ago', 3_600_000],
      [2 * 86_400_000 + 5, '2 days ago', 86_400_000 - 5],
    ];
    for (const [age, textAt, wait] of cases) {
      expect(formatAgo('en', now - age, now, 'just now'), `age ${age}`).to.equal(textAt);
      const next = nextAgoChange(now - age, now)!;
      expect(next - now, `age ${age}`).to.equal(wait);
      expect(formatAgo('en', now - age, next - 1, 'just now'), `age ${age}, just before the change`).to.equal(textAt);
      expect(formatAgo('en', now - age, next, 'just now'), `age ${age}, at the change`).not.to.equal(textAt);
    }
    // A time ahead of now reads just now until 10 s after now.
    expect(nextAgoChange(now + 5000, now)).to.equal(now + 10_000);
    expect(nextAgoChange('not a time', now)).to.equal(null);
    expect(formatAgo('de', now - 3000, now, 'gerade eben')).to.equal('gerade eben');
    expect(formatAgo('de', now - 31_000, now, 'gerade eben')).to.equal('vor 30 Sekunden');
  });
});
