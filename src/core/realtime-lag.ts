/**
 * Whether Realtime runs behind the database, for one client (every live query it carries): the
 * lateness of each delivered change is its delivery time minus its commit time, both on the
 * server's clock as estimated by ./server-clock.ts (never more than the true lateness). One change
 * later than {@link LATE_MS} puts the client "behind" (its queries go off Live, with the cause,
 * and read their rows over REST meanwhile: src/core/live-query.ts); one within half of it, or
 * {@link LATE_HOLD_MS} (at least twice the lateness) without a late one, ends it. Realtime's lag
 * is the server's, not one table's: a query whose table is quiet is as far behind as the others.
 * While behind, listeners are also called every {@link LATE_HOLD_MS} (the queries read their rows
 * again: "the data is read again meanwhile" holds for the whole hold, not only when a late change
 * comes). The hold is not shortened without a change on time: Realtime reports no position, so a
 * drained backlog cannot be told from a steady lag on a table that changes rarely.
 * The time since the commit that the page was frozen or its main thread stalled, or its socket
 * heard nothing from the server, is left out: the change waited for the page or its network.
 * Whose lateness it is, the heartbeat answers tell ({@link RealtimeLag.observe}): Realtime's when
 * proven (a heartbeat sent after the commit answered before the change came), else the
 * connection's while the answers are slow themselves (the page busy, the network or the server
 * slow: `network`, detail `delivery-slow`, ended by a quick answer), else not known yet (detail
 * `arriving-late`: the last answer is from before the change, when the queue may have been short)
 * until an answer taken in after the change tells: a quick one Realtime's, a slow one the
 * connection's (a heartbeat is asked for at once: ./link.ts `probe`).
 * Without a commit time (broadcast mode) only a change older than the row already read over REST
 * tells a bound (./live-query.ts `#heldSince`). Unknown without a clock estimate.
 * It also carries, per table, a change Realtime did not deliver at all ({@link undelivered}): one
 * query's evidence that a table's changes are not arriving holds for every query on that table.
 * Framework-free.
 */
import type { RtError } from './types.js';
import { rtError } from './errors.js';
import { clockSkew } from './server-clock.js';

/**
 * The page's last freeze (Page Lifecycle: a hidden tab Chrome froze, `freeze` … `resume`), as
 * [frozen at, resumed at] in local ms; `resumed at` is null while no `resume` came yet. A change
 * Realtime sent on time while the page was frozen is taken in when it runs again, its commit long
 * past: that is the page's sleep, not Realtime behind (QA57 F2: every widget "Stale: the realtime
 * server is behind the database" for a minute after a 90 s freeze, on current data).
 */
let freeze: [number, number | null] | null = null;
const watching = new WeakSet<Document>();

function watchFreeze(): void {
  const doc = (globalThis as { document?: Document }).document;
  if (!doc || watching.has(doc)) return;
  watching.add(doc);
  doc.addEventListener('freeze', () => (freeze = [Date.now(), null]));
  doc.addEventListener('resume', () => freeze && freeze[1] === null && (freeze[1] = Date.now()));
  doc.addEventListener('visibilitychange', () => tick(false));
}

/** How often the stall watch ticks (ms); a tick this much later than due is a stall. */
const TICK_MS = 1000;
/**
 * The page's last main-thread stall, as [stalled from, ran again at] in local ms: a host page's
 * `alert()` or a task of seconds holds the socket's messages as a freeze does, and no event tells
 * of it; a tick that runs {@link TICK_MS} or more after it was due does. Watched while a live query
 * listens to a RealtimeLag and the page is visible (a hidden page's timers are throttled by the
 * browser: their lateness is no stall).
 */
let stall: [number, number] | null = null;
/** When the stall watch last ran (`performance.now()`: a wall clock set forward is no stall); null while not watching or hidden. */
let lastTick: number | null = null;
let ticker: ReturnType<typeof setInterval> | undefined;
/** Listeners over every RealtimeLag of the page: the stall watch runs while there is one. */
let listening = 0;

/** Called when the page runs again after a stall ({@link onStall}). */
const stallListeners = new Set<() => void>();

/**
 * `listener` is called when the page runs again after a main-thread stall (seen by the stall watch,
 * while it runs): whatever the socket carried meanwhile was not read yet. Returns its removal.
 */
export function onStall(listener: () => void): () => void {
  stallListeners.add(listener);
  return () => stallListeners.delete(listener);
}

/** The page runs now: a stall ends if the last tick was 2 ticks ago or more. `check`: false to restart the watch (visibility changed). */
function tick(check = true): void {
  const at = performance.now();
  if (check && lastTick !== null && at - lastTick >= 2 * TICK_MS) {
    const now = Date.now();
    stall = [now - (at - lastTick - TICK_MS), now];
    // As after a freeze: nothing counts as live until the server answers (QA71 F2: "Live" painted
    // over values 15 s old after a task of 15 s, then "Stale" for 2 s). In a microtask: before the
    // next frame, not in the middle of the change being taken in.
    queueMicrotask(() => {
      for (const listener of [...stallListeners]) listener();
    });
  }
  lastTick = ticker !== undefined && document.visibilityState === 'visible' ? at : null;
}

/** Running again before the stall watch's overdue tick: this task may be the first after a stall. */
function checkStall(): void {
  if (ticker !== undefined) tick();
}

function listen(delta: number): void {
  listening += delta;
  if (listening > 0 && ticker === undefined && (globalThis as { document?: Document }).document) {
    ticker = setInterval(() => tick(), TICK_MS);
    tick(false);
  } else if (listening <= 0 && ticker !== undefined) {
    ticker = void clearInterval(ticker);
    lastTick = null;
  }
}

/**
 * How much of the local time span [from, to] (ms) the page spent frozen or stalled, or its socket
 * heard nothing (`unheard`: the link's last `late` span, null `until` while it lasts), counted once
 * where they overlap.
 */
function awayWithin(from: number, to: number, unheard: [number, number | null] | null): number {
  // Running again before its `resume` was seen: it ran no later than now.
  if (freeze?.[1] === null) freeze = [freeze[0], to];
  // The stall watch already ran in this task (RealtimeLag.observe: checkStall).
  const spans = [freeze, stall, unheard]
    .map((span) => (span ? [Math.max(from, span[0]), Math.min(to, span[1] ?? to)] : [0, 0]))
    .sort((a, b) => a[0]! - b[0]!);
  let away = 0;
  let reached = from;
  for (const [start, end] of spans) {
    if (end! > reached) away += end! - Math.max(start!, reached);
    reached = Math.max(reached, end!);
  }
  return away;
}

/**
 * How much of the local time span [from, to] (ms) the page spent frozen or its main thread stalled:
 * a task of seconds holds a heartbeat answer as a freeze does, and is no slower connection (QA74 2).
 * ./link.ts measures its round trips less it (review of b4756c8, 3: one figure, not a raw one in
 * the link and an adjusted one here).
 */
export function pageAway(from: number, to = Date.now()): number {
  checkStall(); // this task may be the first after a stall
  return awayWithin(from, to, null);
}

/** The causes of a late episode (`RtError.detail`): Realtime behind, the connection slow, or not known yet. */
const BEHIND = 'realtime-behind';
const SLOW = 'delivery-slow';
const UNKNOWN = 'arriving-late';
type LateKind = typeof BEHIND | typeof SLOW | typeof UNKNOWN;

/** A change delivered more than this long after its commit (ms) means Realtime runs behind. */
export const LATE_MS = 5000;
/** Without a change on time, the last late one keeps the client behind this long (ms; at least twice its lateness). */
export const LATE_HOLD_MS = 10_000;

/**
 * What the lateness of a client reads of its link (./link.ts, whose members these are). Times are
 * epoch ms on the local clock.
 */
export interface LagLink {
  /** The last `late` span: [since, until | null] (null: still late), or null. */
  readonly lateSpan: [number, number | null] | null;
  /**
   * How long the server's answers take to be taken in now (ms: the pending heartbeat's age, or the
   * last round trip, or the wait the last socket was closed in). A change waits in the same queue
   * as a heartbeat answer (QA71 F3, F4).
   */
  answerDelay(): number;
  /** When the heartbeat last answered was sent, or null. */
  readonly answeredSentAt: number | null;
  /** Asks the server for a heartbeat answer now, unless one is pending; returns whether one was sent. */
  probe(): boolean;
  /** When the socket now open was opened. */
  readonly openedAt: number;
  /** When the socket last took in a frame. */
  readonly heardAt: number;
}

export class RealtimeLag {
  constructor() {
    watchFreeze();
  }

  /** Why the client's queries are not live (`server`, detail `realtime-behind`; `network`, detail `delivery-slow`: the connection is slow, the page busy or the network or server slow; `server`, detail `arriving-late`: not known yet which), or null. */
  cause: RtError | null = null;
  /**
   * Tables a query found Realtime not delivering to (src/core/live-query.ts, item 10), to that
   * query's cause: the other queries on the table take it too, until a change to it is delivered.
   */
  readonly undelivered = new Map<string, RtError>();
  /**
   * Tables whose undelivered cause was last cleared by a quiet round after a rejoin, not by a
   * delivered change: no evidence that Realtime delivers to them. A change found undelivered there
   * again is {@link persistent}.
   */
  readonly unconfirmed = new Set<string>();
  /**
   * Undelivered causes that only a change delivered to the table ends (QA30 1: with writes sparser
   * than revalidation rounds, a stalled table alternated between "Stale" and "Live").
   */
  readonly persistent = new WeakSet<RtError>();
  /**
   * Undelivered causes whose finder went away (QA30 4): the table's other queries keep them, and
   * any of them may clear them (a round after a join that owes nothing, unless {@link persistent}).
   */
  readonly orphaned = new WeakSet<RtError>();
  readonly #listeners = new Set<() => void>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** While behind: calls the listeners every LATE_HOLD_MS. */
  #ticker: ReturnType<typeof setInterval> | undefined;

  /** The client's link, as far as lateness reads it ({@link LagLink}); set by the client. */
  link: LagLink = { lateSpan: null, answerDelay: () => 0, answeredSentAt: null, probe: () => false, openedAt: 0, heardAt: 0 };
  /** While the connection is named (`delivery-slow`): looks for its queue drained ({@link #drained}). */
  #draining: ReturnType<typeof setInterval> | undefined;
  /** The heartbeat last asked for because the queue went quiet: when (local ms), on which socket (its `openedAt`), and whether its answer is still to come. */
  #asked = { at: 0, socket: -1, pending: false };
  /** When a change was last taken in (local ms). */
  #changeAt = 0;
  /** The last look for a drained queue: the socket's last frame time then, and when it ran (`performance.now()` ms). */
  #look = { heard: 0, at: 0 };
  /**
   * Whether Realtime has confirmed every subscription of the client on the socket now open (joined,
   * and for `postgres_changes` its `system` "Subscribed to PostgreSQL" message: ./channel-registry.ts
   * `allReady`: broadcast channels at their join reply, channels refused as `forbidden` left out);
   * set by the client. Realtime reads the changes for them from its next poll of the database.
   */
  subscribed: () => boolean = () => false;
  #disposed = false;
  /** While the cause is being checked (`arriving-late`): the next look at the pending answer's age. */
  #checking: ReturnType<typeof setTimeout> | undefined;
  /** The last late change: the time it took (ms) less the page's or socket's time away, when it was taken in (Date.now()), whether its commit time was a bound, and whether Realtime is proven to have held it. */
  #last = { late: 0, at: 0, bound: false, proven: false, socket: 0 };
  /** When the current episode ends without news (`performance.now()` ms): a hold only moves it later. */
  #until = 0;

  /** While behind: when the episode ends without news (`performance.now()` ms); null while not behind. */
  get until(): number | null {
    return this.cause ? this.#until : null;
  }

  /**
   * A change committed at `committedAt` (server clock, epoch ms) was delivered now. `atMost`: the
   * commit was no later than that (a bound, not the time: broadcast mode), so a delivery that
   * reads on time ends nothing.
   * Whose lateness: Realtime's when proven, a heartbeat sent more than LATE_MS / 2 after the commit
   * having been answered before the change came (the socket delivers in order: Realtime sent the
   * change after that answer, so it held it); else the connection's (`delivery-slow`) while the
   * answers themselves are slow (LATE_MS / 2 or more: the page busy, the network or the server
   * slow; QA71 F3, F4, QA73); else, unless an answer taken in after an earlier late change of
   * the episode named Realtime, not known yet (`arriving-late`: QA74 3, Realtime was blamed for
   * 5–8 s at the onset of a slow link's lateness, on an answer from before the queue built up).
   * A bound (broadcast mode) is Realtime's: it tells no lateness the answers could explain.
   */
  observe(committedAt: number | undefined, atMost = false): void {
    this.#changeAt = Date.now();
    // A change taken in after a stall (any mode, with or without a clock estimate) is not Live.
    checkStall();
    const skew = committedAt === undefined ? null : clockSkew();
    if (skew === null) return;
    const now = Date.now();
    const took = now - skew - committedAt!;
    // Late by the time it took, less the time since its commit that the page was frozen or stalled
    // or its socket heard nothing from the server (the browser offline, a heartbeat unanswered).
    const late = took - awayWithin(committedAt! + skew, now, this.link.lateSpan);
    if (late > LATE_MS) {
      this.#hold(Math.max(LATE_HOLD_MS, 2 * late));
      const sent = this.link.answeredSentAt;
      const proven = sent !== null && sent - (committedAt! + skew) > LATE_MS / 2;
      const delay = this.link.answerDelay();
      this.#last = { late, at: now, bound: atMost, proven, socket: this.link.openedAt };
      // Every late change is told (the queries re-read, throttled); the cause follows the evidence.
      // In a new socket's first moments after a slow link's give-up, its quick answers say nothing (#fresh).
      const kind = proven || atMost ? BEHIND : delay >= LATE_MS / 2 || this.#fresh(now) ? SLOW : this.cause?.detail === BEHIND ? BEHIND : UNKNOWN;
      this.#set(this.#causeOf(kind, delay), true);
      if (kind === UNKNOWN) this.#check();
    } else if (took < LATE_MS / 2 && this.cause && !atMost && !this.#fresh(now)) {
      // On time in full, waits included: a change that waited out a slow socket is no sign of
      // catching up (QA71 F4: "Live" between late changes over a link 6.5 s slow).
      this.#end();
    }
  }

  /**
   * A slow link's heartbeat was last given up on at `at` after waiting `wait` ms (local clock): a
   * socket opened after it starts with an empty queue, so for as long as that wait what it takes in
   * on time, or answers quickly, says nothing of the link (QA75 1, QA76: "Live" for seconds after
   * each reconnect, mid-load, then "Stale" again).
   */
  #lastGiveUp = { at: 0, wait: 0 };

  /** Whether `at` (local ms) falls in a new socket's first moments after a slow link's give-up (#lastGiveUp), while the connection is named. */
  #fresh(at: number): boolean {
    const opened = this.link.openedAt;
    return this.cause?.detail === SLOW && opened >= this.#lastGiveUp.at && at - opened < this.#lastGiveUp.wait;
  }

  /**
   * The server answered a heartbeat sent at `sentAt` (epoch ms, local clock) `roundTrip` ms later,
   * less the time the page was frozen or stalled meanwhile (./link.ts, measured answers only); or,
   * `unanswered`, it was given up on after `roundTrip` ms (it took at least that long: review of
   * b4756c8, 2). realtime-js sends its next `every` ms later (./link.ts `probe` may ask sooner).
   * - Slower than {@link LATE_MS}: whatever the socket carries waits as long, so nothing is live
   *   until the next answer, changes or not (QA71 F4: "Live" over a link 6.5 s slow between
   *   changes; on a link too slow ever to answer, each new socket read "Live" until its first
   *   heartbeat went late); the cause is the connection's (`delivery-slow`) unless Realtime is
   *   proven behind.
   * - A `realtime-behind` episode not proven becomes `delivery-slow` when this heartbeat was in
   *   flight as its last late change was taken in and is slow itself (LATE_MS / 2 or more).
   * - A quick answer (under LATE_MS / 2) ends a `delivery-slow` episode: what waited in the queue
   *   was taken in (QA71 F3: "Stale" for 25–60 s after a busy page caught up); not one sent in a
   *   new socket's first moments after a slow link's give-up (#fresh: its queue starts empty). Realtime's own lag
   *   has no such answer (it reports no position): its hold stands.
   * - An `arriving-late` episode (taken in after its late change) is the connection's if this
   *   answer is slow (LATE_MS / 2 or more), else Realtime's if it came on the socket that took the
   *   change in: the connection answers quickly now.
   */
  answered(roundTrip: number, every: number, sentAt = Date.now() - roundTrip, unanswered = false): void {
    const slow = this.cause?.detail === SLOW;
    if (unanswered) this.#lastGiveUp = { at: Date.now(), wait: roundTrip };
    const asked = this.#asked;
    // The answer to the heartbeat asked for once the socket went quiet (#drained): it was sent then (the
    // link's `sentAt` may read a millisecond or two later), on this socket.
    const quietAnswer = asked.pending && asked.socket === this.link.openedAt && sentAt >= asked.at && sentAt - asked.at <= 20;
    if (quietAnswer) asked.pending = false;
    if (slow && roundTrip < LATE_MS / 2 && !unanswered && (!this.#fresh(sentAt) || quietAnswer)) {
      this.#end();
      return;
    }
    const proven = !!this.cause && this.#last.proven;
    const unknown = this.cause?.detail === UNKNOWN;
    if (roundTrip > LATE_MS) {
      this.#hold(every + 2 * roundTrip + 1000); // past the next answer, whoever is named
      if (!proven) this.#set(this.#causeOf(SLOW, roundTrip));
    } else if (this.cause && !slow && !proven && !this.#last.bound && roundTrip >= LATE_MS / 2 && (unknown || sentAt <= this.#last.at)) {
      this.#set(this.#causeOf(SLOW, roundTrip));
    } else if (unknown && !unanswered && roundTrip < LATE_MS / 2 && this.link.openedAt === this.#last.socket) {
      // On the socket that took the change in: a new socket's queue starts empty, and its quick
      // answer says nothing of the one the change waited in (QA75 2).
      this.#set(this.#causeOf(BEHIND));
    }
  }

  /** The episode ends now (its hold with it). */
  #end(): void {
    clearTimeout(this.#timer);
    this.#set(null);
  }

  /** Behind for `ms` more, or longer if already held longer. */
  #hold(ms: number): void {
    const until = performance.now() + ms;
    if (this.cause && until <= this.#until) return;
    this.#until = until;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#set(null), ms);
  }

  /**
   * While the cause is being checked: asks for an answer, and names the connection
   * once the pending one is LATE_MS / 2 old (a quick answer names Realtime: answered()).
   */
  #check(): void {
    // Only an answer on the socket that took the change in tells (answered()); after a reconnect,
    // the hold or the next change decides (review of 01ca32f, H1: a heartbeat every 500 ms).
    if (this.#disposed || this.link.openedAt !== this.#last.socket) return;
    this.link.probe();
    clearTimeout(this.#checking);
    this.#checking = setTimeout(() => {
      if (this.cause?.detail !== UNKNOWN) return;
      const delay = this.link.answerDelay();
      if (delay >= LATE_MS / 2) this.#set(this.#causeOf(SLOW, delay));
      else this.#check();
    }, 500);
  }

  /** The episode's cause of `kind` (the cause kept if of that kind): the connection's while answers take `delay` ms, Realtime's, or not known yet. */
  #causeOf(kind: LateKind, delay = 0): RtError {
    if (this.cause?.detail === kind) return this.cause;
    const late = `Realtime delivered a change ${Math.round(this.#last.late / 1000)} s after its commit`;
    return kind === SLOW
      ? rtError('network', `Heartbeat answers take ${Math.round(delay / 1000)} s: the connection to the realtime server is slow.`, kind)
      : rtError('server', kind === BEHIND ? `${late}: live updates run behind the database.` : `${late}; checking whether Realtime or the connection held it.`, kind);
  }

  /** Realtime did not deliver a change to `table` (`cause`; the first one stays), or did deliver one (null). */
  markUndelivered(table: string, cause: RtError | null): void {
    if (cause ? this.undelivered.has(table) : !this.undelivered.delete(table)) return;
    if (cause) this.undelivered.set(table, cause);
    for (const listener of [...this.#listeners]) listener();
  }

  /** Realtime delivered a change to `table`: it delivers there (ends its undelivered cause). */
  delivered(table: string): void {
    this.unconfirmed.delete(table);
    this.markUndelivered(table, null);
  }

  /** `listener` is called when the cause or {@link undelivered} changes, on every late change, and every {@link LATE_HOLD_MS} while behind. Returns the unsubscribe. */
  subscribe(listener: () => void): () => void {
    if (!this.#listeners.has(listener)) listen(1);
    this.#listeners.add(listener);
    return () => {
      if (this.#listeners.delete(listener)) listen(-1);
    };
  }

  dispose(): void {
    this.#disposed = true;
    clearTimeout(this.#timer);
    clearInterval(this.#draining);
    clearTimeout(this.#checking);
    clearInterval(this.#ticker);
    listen(-this.#listeners.size);
    this.#listeners.clear();
    this.undelivered.clear();
    this.unconfirmed.clear();
  }

  /**
   * While the connection is named: a socket quiet for a second has taken in its queue (the load
   * ended), so a heartbeat is asked for (at most every LATE_HOLD_MS) and its quick answer
   * ends the episode at once (QA77: "the connection is slow" 11–13 s after the widgets caught up,
   * until realtime-js's own next heartbeat), in a new socket's first moments after a give-up too
   * (QA78: 8.5 s, as long as the last socket had waited). Quiet: nothing taken in for a second, seen
   * by two looks a second apart that ran on time (a busy page's silence is no drained queue), on a
   * socket that took something in (a new one's queue is new, not drained: review of 01ca32f, M1)
   * and, in its first moments after a give-up, carried a change (review of ceefde6, H1) or had its
   * subscriptions confirmed by Realtime and been quiet for two seconds (QA80: reconnected after the
   * load ended). Only the
   * answer to the heartbeat asked for then ends the episode (answered()); at most every
   * LATE_HOLD_MS per socket.
   */
  #drained(): void {
    const now = Date.now();
    const heard = this.link.heardAt;
    const socket = this.link.openedAt;
    const look = { heard, at: performance.now() };
    // In a new socket's first moments after a give-up, only once it has carried changes or Realtime
    // confirmed its subscriptions: its join replies and then silence, while Realtime is still
    // starting its change stream, are an empty queue (the load may go on), not a drained one; two
    // seconds' silence once confirmed is (QA80: a socket opened after the last write waited out the
    // whole give-up), Realtime's first read of changes for it taking a moment under load.
    const fresh = this.#fresh(now) && this.#changeAt <= socket;
    const quiet = heard === this.#look.heard && look.at - this.#look.at < 1500 && now - heard >= (fresh ? 2000 : 1000) && heard > socket && (!fresh || this.subscribed());
    this.#look = look;
    const asked = this.#asked;
    if (quiet && (asked.socket !== socket || now - asked.at >= LATE_HOLD_MS) && this.link.probe()) this.#asked = { at: now, socket, pending: true };
  }

  #set(cause: RtError | null, always = false): void {
    if (cause === this.cause && !always) return;
    this.cause = cause;
    if (cause?.detail !== SLOW) this.#draining = void clearInterval(this.#draining);
    else if (!this.#disposed) this.#draining ??= setInterval(() => this.#drained(), 1000);
    // An episode's proof ends with it (review: a proof outliving its episode kept a later slow
    // link's answers from holding the next one).
    if (!cause) {
      this.#ticker = void clearInterval(this.#ticker);
      this.#last.proven = false;
    } else this.#ticker ??= setInterval(() => this.#set(this.cause, true), LATE_HOLD_MS);
    for (const listener of [...this.#listeners]) listener();
  }
}
