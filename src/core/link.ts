/**
 * The realtime link (one WebSocket) as an explicit state machine, and its health checks.
 *
 * States ({@link LinkState}) change only through {@link LINK_TRANSITIONS}; events come from the
 * socket (open / close / error / scheduled retries, observed through ./realtime-tap.ts), from
 * heartbeats (an answer, or none for {@link HEARTBEAT_LATE_MS}), and from reconciling with the
 * socket's own `connectionState()`. The connection status a page sees is derived from the link
 * state and the channels' readiness by {@link linkStatus}.
 */
import type { ConnectionStatus, RtError } from './types.js';
import type { RealtimeClientLike } from './supabase-like.js';
import { closeUnanswered, dropSocket, errorChannels, pingRealtime, tapReadsFrames, tapRealtime, type PhoenixFrame, type SocketClose } from './realtime-tap.js';
import { messageOf, rtError } from './errors.js';
import { policyRefusal, watchPolicy } from './csp.js';
import { pageAway } from './realtime-lag.js';

export type LinkState =
  | 'idle' // no socket asked for yet
  | 'opening' // first connection attempt(s)
  | 'unreachable' // never opened: a socket error, or a second failed attempt
  | 'open'
  | 'late' // open, but a heartbeat is unanswered: nothing it carries counts as live
  | 'waiting' // closed after being open; a retry is scheduled
  | 'reconnecting' // a retry (or a manual reconnect) is under way
  | 'refused' // not open, and not retried: REST refuses the project's key or address (LinkEvents.refused)
  | 'closed'; // disposed

export type LinkEvent =
  | 'connecting'
  | 'open'
  | 'close'
  | 'error'
  | 'retry' // the first retry was scheduled
  | 'retry-again' // a second or later retry was scheduled
  | 'retry-due'
  | 'heartbeat-late'
  | 'heartbeat-ok'
  | 'refuse' // no socket is open and no retry can succeed: retries stop
  | 'dispose';

/** Every transition of the link; an event not listed for a state leaves it unchanged. */
export const LINK_TRANSITIONS: Readonly<Record<LinkState, Partial<Record<LinkEvent, LinkState>>>> = {
  idle: { connecting: 'opening', open: 'open', error: 'unreachable', retry: 'opening', 'retry-again': 'unreachable', refuse: 'refused', dispose: 'closed' },
  opening: { open: 'open', error: 'unreachable', 'retry-again': 'unreachable', refuse: 'refused', dispose: 'closed' },
  unreachable: { open: 'open', refuse: 'refused', dispose: 'closed' },
  open: { 'heartbeat-late': 'late', close: 'waiting', retry: 'waiting', 'retry-again': 'waiting', connecting: 'reconnecting', dispose: 'closed' },
  late: { 'heartbeat-ok': 'open', open: 'open', close: 'waiting', retry: 'waiting', 'retry-again': 'waiting', connecting: 'reconnecting', dispose: 'closed' },
  waiting: { 'retry-due': 'reconnecting', connecting: 'reconnecting', open: 'open', refuse: 'refused', dispose: 'closed' },
  reconnecting: { open: 'open', retry: 'waiting', 'retry-again': 'waiting', refuse: 'refused', dispose: 'closed' },
  refused: { connecting: 'reconnecting', open: 'open', dispose: 'closed' },
  closed: {},
};

export function nextLinkState(state: LinkState, event: LinkEvent): LinkState {
  return LINK_TRANSITIONS[state][event] ?? state;
}

/** What the channels add to the picture. */
export interface ChannelsSummary {
  /** Any subscription exists, or someone watches the connection (a socket is wanted). */
  any: boolean;
  /** Every channel is joined, confirmed and healthy. */
  ready: boolean;
  /** A channel failed for a reason a retry cannot fix (refused, too many channels, bad filter). */
  failed: boolean;
}

/** The connection status shown for a link state and the channels it carries. */
export function linkStatus(state: LinkState, channels: ChannelsSummary): ConnectionStatus {
  switch (state) {
    case 'closed':
    case 'waiting':
      return 'disconnected';
    case 'idle':
      // Broadcast mode: a subscription refused its topics by the configuration holds no channel,
      // so no socket is asked for; its cause is still the connection's (QA37 N5).
      return channels.failed ? 'error' : channels.any ? 'connecting' : 'disconnected';
    case 'opening':
    case 'reconnecting':
      return 'connecting';
    case 'unreachable':
    case 'refused':
      return 'error';
    case 'open':
      return channels.ready ? 'connected' : channels.failed ? 'error' : 'connecting';
    // Unconfirmed: never "connected", also with no channel to make it so (QA32: a page whose widgets
    // all waited for a sign-in kept "Connected" while offline).
    case 'late':
      return channels.failed ? 'error' : 'connecting';
  }
}

/** A heartbeat unanswered this long makes every channel "not live" until an answer arrives. */
export const HEARTBEAT_LATE_MS = 4000;
/** A late-heartbeat timer firing this much after its time means the main thread was blocked. */
const LATE_TIMER_SLACK_MS = 1000;
/**
 * A socket still connecting after this long is held by something on the way (a proxy that takes
 * the upgrade request and never answers): it is closed and counted as a failed attempt.
 */
export const OPEN_TIMEOUT_MS = 10_000;
/** Watchdog: probe a socket silent for this long; give up on any heartbeat unanswered for PROBE_TIMEOUT_MS + 500. */
const PROBE_IDLE_MS = 15_000;
const PROBE_TIMEOUT_MS = 8000;
const WATCHDOG_TICK_MS = 2500;

export interface LinkEvents {
  /** The link's state or figures changed. */
  changed(): void;
  /** The socket opened or closed: channels re-evaluate. */
  socketChanged(): void;
  /** The link became late or answered again: channels stop / start counting as live. */
  healthChanged(): void;
  /** Whether anything needs the link (subscriptions or connection watchers): the watchdog idles otherwise. */
  needed(): boolean;
  /** Each watchdog tick (the session checks a fixed token's expiry). */
  tick(): void;
  /** The socket failed to open again (a second failed attempt in a row, or an open that timed out). */
  down?(): void;
  /**
   * The server answered a heartbeat sent at `sentAt` (epoch ms, local clock) `roundTrip` ms later,
   * less the time the page was frozen or stalled meanwhile (not one sent while offline); or,
   * `unanswered`, the heartbeat was given up on after `roundTrip` ms. realtime-js sends its next
   * `every` ms later; {@link Link.probe} may ask sooner (./realtime-lag.ts `RealtimeLag.answered`).
   */
  answered?(roundTrip: number, every: number, sentAt: number, unanswered: boolean): void;
  /**
   * A cause no new socket can get past, or null: the project's API key or address as REST last
   * judged them (RestSource.projectError: a rejected key, a URL where nothing answers as Supabase).
   * While one stands and no socket is open, the link makes no retries (state `refused`) until
   * {@link Link.judged} hears it gone. Not given for a host page's socket: its retries are the host's.
   */
  refused?(): RtError | null;
}

/**
 * A heartbeat awaiting its answer: when it was sent (epoch ms, local clock), and whether its wait
 * measures an outage (sent while the browser was offline, or pending when it said so).
 */
interface Pending {
  sentAt: number;
  unmeasured: boolean;
}

export class Link {
  state: LinkState = 'idle';
  attempt = 0;
  nextRetryAt: number | null = null;
  latencyMs: number | null = null;
  lastHeartbeatAt: number | null = null;
  /** Why the socket is down (cannot reach, heartbeat timeout), or null. */
  error: RtError | null = null;
  #lastActivityAt = Date.now();
  /** Phoenix's own pending heartbeat, or null. */
  #beat: Pending | null = null;
  /** The link's own pending heartbeat ({@link probe}) and its ref, or null. */
  #ping: (Pending & { ref: string }) | null = null;
  /** This socket was given up on (the watchdog): nothing more is asked of it. */
  #dying = false;
  /** The tap reads the socket's frames (`#heardAt`, the pings' replies). */
  readonly #frames: boolean;
  /** When the watchdog first saw the socket connecting (null: not connecting). */
  #connectingSince: number | null = null;
  /** The socket failed to open again since it last opened (see `failing`). */
  #down = false;
  #lateTimer: ReturnType<typeof setTimeout> | undefined;
  #retryTick: ReturnType<typeof setTimeout> | undefined;
  #watchdog: ReturnType<typeof setInterval> | undefined;
  readonly #untap: () => void;
  readonly #unwatch: () => void;

  constructor(
    readonly realtime: RealtimeClientLike,
    private readonly events: LinkEvents,
  ) {
    // A refusal reported after the socket failed (Firefox throws in the constructor, then reports).
    this.#unwatch = watchPolicy(() => this.error && !this.open && this.failed());
    this.#untap = tapRealtime(realtime, {
      open: () => this.#onOpen(),
      close: (event) => this.#onClose(event),
      error: () => this.failed(),
      heartbeat: (status, latency) => this.#onHeartbeat(status, latency),
      message: (frame) => this.#onFrame(frame),
      retry: (tries, delay) => this.#onRetryScheduled(tries, delay),
    });
    this.#frames = tapReadsFrames(realtime);
    // A host page's socket already open (its own channels, a user switch): Phoenix tells no open.
    if (this.open) {
      this.openedAt = Date.now();
      this.#socketUp = true;
    }
  }

  /**
   * The socket failed to open: an error event, or `thrown` by realtime-js's `connect()` (a
   * WebSocket constructor that throws, as Firefox's does for a page's policy). Neither a page's
   * policy nor a throw gets a retry from realtime-js: the widgets name the cause at once (`failing`).
   */
  failed(thrown?: unknown): void {
    const csp = policyRefusal(this.realtime.endPoint);
    if (csp || thrown || this.state === 'idle' || this.state === 'opening') {
      this.error = csp ?? rtError('network', `Cannot reach the realtime server.${thrown ? ` (${messageOf(thrown)})` : ''}`, 'socket-dropped');
    }
    this.fire('error');
    if (csp || thrown) this.#wentDown();
    this.events.socketChanged();
  }

  /**
   * Why the socket keeps failing to open (`error`), once it failed again (the `down` condition:
   * a second failed attempt in a row, or an open that timed out) and until it opens; else null.
   * Each query that is not live shows it as its cause (ChannelState.error).
   */
  get failing(): RtError | null {
    // Offline, the socket unanswered: that is the cause too (QA88b M4: "Stale" with no reason given).
    return (this.#down && !this.open) || (this.#offline && this.state === 'late') ? this.error : null;
  }

  /** The browser said it went offline, and the server has not answered since ({@link offline}). */
  #offline = false;

  get open(): boolean {
    try {
      return !!this.realtime.isConnected();
    } catch {
      return false;
    }
  }

  /**
   * How long the server's answers take to be taken in now (ms): the pending heartbeat's age, or
   * else the last measured round trip (or the wait the last socket was closed in, until this one
   * answers); 0 before any. What the socket carries waits in the same queue (a busy page, a slow
   * network): ./realtime-lag.ts tells that from Realtime behind.
   */
  answerDelay(): number {
    const pending = this.#oldest;
    return Math.max(pending ? this.#since(pending.sentAt) : 0, this.#roundTrip);
  }

  /** The oldest heartbeat still unanswered on this socket (Phoenix's or the link's own), or null. */
  get #oldest(): Pending | null {
    const [beat, ping] = [this.#beat, this.#ping];
    return !beat || (ping && ping.sentAt < beat.sentAt) ? ping : beat;
  }

  /**
   * The last measured round trip (ms; 0: none yet), or how long the last socket waited for the
   * answer it was closed without; less the time the page was frozen or stalled meanwhile (#since).
   */
  #roundTrip = 0;

  /**
   * ms from `from` (local clock) to now, less the time the page was frozen or its main thread
   * stalled meanwhile: a task of seconds holds an answer as a freeze does, and is no slower
   * connection (QA74 2; review of b4756c8, 3: the link's figures had been the raw ones).
   */
  #since(from: number, now = Date.now()): number {
    return now - from - pageAway(from, now);
  }

  /** ms between two heartbeats (realtime-js's `heartbeatIntervalMs`). */
  get #every(): number {
    return this.realtime.heartbeatIntervalMs ?? 25_000;
  }

  /** When the socket last opened (epoch ms, local clock; 0: never): which socket an answer came on. */
  openedAt = 0;

  /**
   * When the heartbeat last answered was sent (epoch ms, local clock), or null: whatever the socket
   * takes in after that answer left the server after it (a socket delivers in order, and a later
   * socket opened after it). A change committed well before it and taken in after was held by
   * Realtime, not by the page or the network (./realtime-lag.ts).
   */
  answeredSentAt: number | null = null;

  /** When the socket last took in a frame (local ms; 0: none yet). */
  #heardAt = 0;

  /** When the socket last took in a frame (epoch ms, local clock; 0: none yet): a queue that went quiet was drained. */
  get heardAt(): number {
    return this.#heardAt;
  }

  /**
   * A heartbeat sent at `sentAt` is given up on (a timeout): on a slow link, it waited at least
   * this long, as a round trip. A link that took in nothing meanwhile is dead (a frozen server, a
   * proxy that swallows frames), not slow: its error says so, and the next socket carries nothing
   * (QA75 1: after a freeze, or on a slow link, the next socket's first answer is quick).
   */
  #waitedFor(pending: Pending | null): void {
    // (With a realtime-js whose socket cannot be tapped for frames, every give-up counts as slow.)
    if (!pending || pending.unmeasured || (this.#frames && this.#heardAt <= pending.sentAt)) return;
    const { sentAt } = pending;
    const waited = this.#since(sentAt);
    this.#roundTrip = Math.max(this.#roundTrip, waited);
    this.#gaveUp = true;
    // Told as an answer at least this slow (review of b4756c8, 2: on a link too slow ever to
    // answer, each new socket read "Live" from its join reply until its first heartbeat went late).
    this.events.answered?.(waited, this.#every, sentAt, true);
  }

  /** A heartbeat was given up on since the socket last closed (not the link's state: `sync()` may have moved it on before the close event; QA74 1). */
  #gaveUp = false;
  /** A socket opened and its close not yet handled (#onClose). */
  #socketUp = false;
  /** The socket is the host page's: set by {@link dispose}. */
  #hostSocket = false;

  /** No heartbeat is overdue. */
  get healthy(): boolean {
    return this.state !== 'late';
  }

  /**
   * The link's last `late` span, [since, until | null] in local ms (null: still late): the socket
   * heard nothing from the server (a heartbeat unanswered since it was sent, the browser offline
   * since it said so). What it carried meanwhile arrives when the span ends, its commit long past:
   * that is the connection's wait, not Realtime behind (./realtime-lag.ts; QA60 F1).
   */
  lateSpan: [number, number | null] | null = null;

  fire(event: LinkEvent): void {
    const next = nextLinkState(this.state, event);
    if (next === this.state) return;
    const wasLate = this.state === 'late';
    this.state = next;
    if (wasLate !== (next === 'late')) {
      if (wasLate) this.lateSpan![1] = Date.now();
      else this.lateSpan = [this.#oldest?.sentAt ?? Date.now(), null]; // unanswered since it was sent
      this.events.healthChanged();
    }
    this.events.changed();
  }

  /** Reconcile with the socket's own state (events can be missed across socket replacements). */
  sync(): void {
    const s = this.realtime.connectionState?.() ?? (this.open ? 'open' : 'closed');
    if (s === 'open' && this.state !== 'open' && this.state !== 'late') {
      this.#socketUp = true;
      this.fire('open');
    }
    else if (s === 'connecting' && (this.state === 'idle' || this.state === 'waiting')) this.fire('connecting');
    else if ((s === 'closed' || s === 'closing') && (this.state === 'open' || this.state === 'late')) this.fire('close');
  }

  /**
   * Someone watches the connection: shown as connecting until a socket is open. The socket itself
   * is asked for ({@link ensure}) once the client may start (`TokenSource.started()`: a client from
   * the markup without a token waits for the page's load-time scripts; one retired meanwhile opens
   * none, as a socket closed before it was established is a warning on the host page's console).
   */
  wanted = false;

  /** Connect if nothing is open or opening (and the project is not refused: `refused`, {@link judged}). */
  ensure(): void {
    if (this.state === 'closed' || this.state === 'refused' || this.open || this.realtime.connectionState?.() === 'connecting') return;
    try {
      this.realtime.connect();
    } catch (err) {
      this.failed(err);
    }
  }

  /** Drop the socket and open a new one now. */
  async reconnect(): Promise<void> {
    if (this.state === 'closed') return;
    try {
      await dropSocket(this.realtime);
    } catch {
      /* already closed */
    }
    if ((this.state as LinkState) === 'closed') {
      // Disposed meanwhile: a host page's socket is not left dropped (its own channels joined again, as after a heard close).
      if (this.#hostSocket) {
        errorChannels(this.realtime);
        this.realtime.connect();
      }
      return;
    }
    if (this.#socketUp && !this.open) this.#closeUnheard();
    this.attempt = Math.max(this.attempt, 1);
    this.nextRetryAt = null;
    this.fire('connecting');
    try {
      this.realtime.connect();
    } catch (err) {
      this.failed(err);
    }
    this.events.changed();
  }

  /**
   * Open a socket now, unless one is opening already: phoenix's own `pageshow` listener reconnects
   * a page restored from the back/forward cache before rt-monitor's runs, and its retry timer may
   * have just started one. That socket is kept (closing it would make the browser log "WebSocket is
   * closed before the connection is established" on the host page and open a second one); only the
   * link's state says a connection is under way.
   */
  reopen(): void {
    // Back online, visible, restored: the project is refused still (REST's next answer tells, {@link judged}).
    if (this.state === 'closed' || this.state === 'refused') return;
    if (this.realtime.connectionState?.() !== 'connecting') {
      void this.reconnect();
      return;
    }
    this.attempt = Math.max(this.attempt, 1);
    this.nextRetryAt = null;
    this.fire('connecting');
    this.events.changed();
  }

  /**
   * The browser says it went offline: nothing the socket carries counts as live from now on (the
   * link is `late`), without waiting for a heartbeat to go unanswered. An answer — a heartbeat on
   * its schedule, or the probe sent when the browser is back online — makes it `open` again.
   */
  offline(): void {
    this.#unmeasured = true;
    for (const pending of [this.#beat, this.#ping]) if (pending) pending.unmeasured = true;
    if (this.state !== 'open') return;
    this.error = rtError('network', 'The browser is offline.', 'offline');
    this.#offline = true;
    this.fire('heartbeat-late');
  }

  /**
   * The page was away (restored from the back/forward cache, resumed after being frozen): whatever
   * the socket carried meanwhile was not read. Nothing counts as live until the server answers.
   */
  suspect(): void {
    if (this.state !== 'open') return;
    this.fire('heartbeat-late');
    this.probe();
  }

  /**
   * Ask for a heartbeat answer now (back online, tab visible again, after a freeze or a stall, the
   * watchdog's idle check, a late change not yet explained: ./realtime-lag.ts): a heartbeat under
   * the link's own ref (./realtime-tap.ts `pingRealtime`), which cannot collide with realtime-js's
   * own (review of 01ca32f, M2), in worker mode too. Not sent when a heartbeat is pending on this
   * link already (its answer, or the give-up on it, tells the same), when no socket is open, or
   * with a realtime-js whose Phoenix socket is not at hand (its own heartbeats then answer).
   * Returns whether one was sent.
   */
  probe(): boolean {
    if (this.state === 'closed' || this.#dying || this.#oldest) return false;
    const ref = pingRealtime(this.realtime);
    if (ref === null) return false;
    this.#ping = { ref, ...this.#sent() };
    return true;
  }

  /** A heartbeat (Phoenix's or the link's own) is sent now: what it waits for. */
  #sent(): Pending {
    if (globalThis.navigator?.onLine === false) this.#unmeasured = true;
    // Unanswered for HEARTBEAT_LATE_MS: the link may be dead (a frozen server, a proxy that
    // swallows frames). Until an answer comes, nothing it carries is called live.
    if (this.#lateTimer === undefined) this.#armLate(HEARTBEAT_LATE_MS, true);
    return { sentAt: Date.now(), unmeasured: this.#unmeasured };
  }

  #onFrame(frame: PhoenixFrame): void {
    const now = (this.#heardAt = Date.now());
    const ping = this.#ping;
    if (!ping || frame?.ref !== ping.ref) return; // (refs are unique on the socket: a frame with its ref is its reply)
    this.#ping = null;
    this.#answer(frame.payload?.status === 'ok', ping, now - ping.sentAt);
    this.events.changed();
  }

  startWatchdog(): void {
    if (this.#watchdog !== undefined || this.state === 'closed') return;
    this.#watchdog = setInterval(() => this.#checkAlive(), WATCHDOG_TICK_MS);
  }

  /**
   * Stop watching the socket. `hostSocket`: the socket is the host page's (a client made with
   * `client`): a {@link reconnect} under way opens it again rather than leave it dropped.
   */
  dispose(hostSocket = false): void {
    this.#hostSocket = hostSocket;
    this.fire('dispose');
    this.#untap();
    this.#unwatch();
    clearTimeout(this.#retryTick);
    clearTimeout(this.#lateTimer);
    clearInterval(this.#watchdog);
  }

  #onOpen(): void {
    if (this.#socketUp) this.#closeUnheard(); // the last socket's
    this.#down = this.#offline = false;
    this.#gaveUp = false; // a close event Phoenix's teardown let go by carries nothing further
    this.attempt = 0;
    this.nextRetryAt = null;
    this.error = null;
    this.openedAt = this.#lastActivityAt = Date.now();
    this.#socketUp = true;
    this.#clearLate();
    this.fire('open');
    this.events.socketChanged();
  }

  #onClose(event?: SocketClose): void {
    // An earlier socket's close heard while the next is open (Phoenix's `pageshow` reconnect may
    // open one before the last one's teardown ends): the open one's state stands.
    if (event && this.open) return this.events.socketChanged();
    // Closed with a heartbeat unanswered (Phoenix's timeout, the watchdog's give-up: the wait
    // is kept, #waitedFor), not offline: the next socket is carried by the same page and network
    // until it answers (QA72 F1: an overloaded page's every socket was closed before its first
    // answer, and its changes were blamed on Realtime). Else an old socket's round trip says
    // nothing of the next.
    if (!this.#gaveUp || this.#unmeasured) this.#roundTrip = 0;
    this.#gaveUp = this.#socketUp = false;
    this.#clearLate();
    // Closed by the server or something between (a proxy refusing WebSockets: 1008 "blocked"; a
    // dropped connection: 1006): the code and reason are the cause. 1000 and 1005 are normal closes
    // (rt-monitor's own reconnect, Phoenix's heartbeat timeout, which says so itself).
    const code = event?.code;
    // A 1006 (no close frame) says nothing more than an error already named (an open timed out).
    const known = code === 1006 && this.error !== null;
    if (typeof code === 'number' && code !== 1000 && code !== 1005 && !known && this.state !== 'closed') {
      const reason = typeof event?.reason === 'string' && event.reason ? `: ${event.reason.slice(0, 200)}` : '';
      // 1006: no close frame (never opened, or dropped); any other code was sent by someone.
      const detail = code === 1006 ? 'socket-dropped' : 'socket-closed';
      this.error = rtError('network', `The realtime connection was closed (WebSocket close code ${code}${reason}); reconnecting.`, detail);
    }
    this.fire('close');
    this.events.socketChanged();
  }

  /**
   * The socket's close was never heard (Phoenix's teardown drops a close not confirmed within about
   * 1.5 s): handled as if it had been, its channels errored as Phoenix would (each rejoins on the
   * next socket) and their readiness gone (else the widgets read "Live" over no socket): within a
   * watchdog tick while no socket is open, at once after rt-monitor's reconnect, or when the next
   * socket opens. Channels joining on a newer socket are left alone (./realtime-tap.ts `errorChannels`).
   */
  #closeUnheard(): void {
    errorChannels(this.realtime);
    this.#onClose();
  }

  #clearLate(): void {
    this.#beat = this.#ping = null;
    this.#dying = false;
    clearTimeout(this.#lateTimer);
    this.#lateTimer = undefined;
  }

  /**
   * The heartbeat answered next went out before the browser's last `offline`, or while it was
   * offline: its round trip measured the outage, not the server (QA34: "Latency 7,446 ms").
   */
  #unmeasured = false;

  #onHeartbeat(status: string, latency?: number): void {
    if (status === 'sent') {
      this.#beat = this.#sent();
    } else if (status === 'ok' || status === 'error') {
      const beat = this.#beat ?? { sentAt: typeof latency === 'number' ? Date.now() - latency : null, unmeasured: this.#unmeasured };
      this.#beat = null;
      this.#answer(status === 'ok', beat, latency);
    } else if (status === 'timeout') {
      this.#gaveUpOnPending();
    } else {
      this.#clearLate(); // 'disconnected': nothing was sent
    }
    this.events.changed();
  }

  /**
   * A heartbeat (sent at `sentAt`, local ms; null: not known) was answered, `ok` or with an error
   * status, `latency` ms later (undefined: not measured). Any reply says the socket is alive.
   */
  #answer(ok: boolean, { sentAt, unmeasured }: { sentAt: number | null; unmeasured: boolean }, latency: number | undefined): void {
    const now = Date.now();
    clearTimeout(this.#lateTimer);
    this.#lateTimer = undefined;
    // One still pending (sent after this one) keeps its own deadline: the link stays late while it is overdue.
    const rest = this.#oldest;
    const overdue = rest ? HEARTBEAT_LATE_MS - (now - rest.sentAt) : 1;
    if (rest) this.#armLate(Math.max(0, overdue), true);
    if (!ok) return;
    const measured = typeof latency === 'number' && !unmeasured;
    // An unmeasured answer (sent offline) leaves no figure: not even one carried from a socket before.
    this.#roundTrip = measured ? this.#since(now - (this.latencyMs = latency), now) : 0;
    this.#gaveUp = this.#offline = false;
    this.answeredSentAt = sentAt;
    this.#unmeasured = false;
    this.lastHeartbeatAt = this.#lastActivityAt = now;
    if (overdue > 0) this.fire('heartbeat-ok');
    if (measured) this.events.answered?.(this.#roundTrip, this.#every, now - latency, false);
  }

  /** The oldest pending heartbeat is given up on (Phoenix's timeout, the watchdog's): the socket is closed for it. */
  #gaveUpOnPending(): void {
    this.#waitedFor(this.#oldest);
    this.#beat = this.#ping = null;
    this.error = rtError('network', 'The realtime server stopped answering (heartbeat timeout); reconnecting.');
  }

  /**
   * Declare the link late if no answer came within `ms`. A timer that fires much later than asked
   * means the page's main thread was blocked (a busy machine, a long task): the answer may be
   * waiting in the socket's queue, so give it one more period before calling the link late.
   */
  #armLate(ms: number, mayExtend: boolean): void {
    const due = Date.now() + ms;
    this.#lateTimer = setTimeout(() => {
      this.#lateTimer = undefined;
      if (!this.#oldest) return;
      if (mayExtend && Date.now() - due > LATE_TIMER_SLACK_MS) this.#armLate(HEARTBEAT_LATE_MS, false);
      else this.fire('heartbeat-late');
    }, ms);
  }

  #onRetryScheduled(tries: number, delayMs: number): void {
    this.attempt = tries;
    // Phoenix sets its timer once this returns: stopped right after (QA83 F7: "Retrying in 10 s",
    // attempt 14, beside "The API key was rejected").
    if (this.events.refused?.()) return void queueMicrotask(() => this.#refuse());
    this.nextRetryAt = Date.now() + delayMs;
    clearTimeout(this.#retryTick);
    this.#retryTick = setTimeout(() => {
      this.nextRetryAt = null;
      this.fire('retry-due');
      this.events.changed();
    }, delayMs + 30);
    this.fire(tries >= 2 ? 'retry-again' : 'retry');
    if (tries >= 2) this.#wentDown();
    queueMicrotask(() => this.events.changed());
  }

  /**
   * REST's judgement of the project's key and address changed (RestSource.projectError): a socket
   * that is not open stops retrying while they are refused; one that stopped opens again once they
   * are not (a request was answered: the key works again).
   */
  judged(): void {
    if (this.state === 'closed') return;
    if (this.state === 'refused') {
      if (!this.events.refused?.()) void this.reconnect();
    } else if (this.state !== 'idle' && !this.open && this.events.refused?.()) {
      this.#refuse();
    }
  }

  /** No retries while {@link LinkEvents.refused} stands (state `refused`): the socket is closed cleanly, its retry timer stopped. */
  #refuse(): void {
    if (this.state === 'closed' || this.open || !this.events.refused?.()) return;
    this.nextRetryAt = null;
    this.fire('refuse');
    this.realtime.disconnect().catch(() => {});
    this.events.changed();
  }

  /** The socket did not open within OPEN_TIMEOUT_MS: a failed attempt; a new socket now. */
  #openTimedOut(): void {
    this.#connectingSince = null;
    this.attempt++;
    this.error = rtError(
      'network',
      `The realtime connection did not open within ${OPEN_TIMEOUT_MS / 1000} s (something on the way holds it: a proxy or firewall); retrying.`,
      'socket-dropped',
    );
    this.fire('error');
    this.#wentDown();
    void this.reconnect();
  }

  /** The socket failed to open again: widgets read over REST and name the cause (`failing`). */
  #wentDown(): void {
    const was = this.#down;
    this.#down = true;
    this.events.down?.();
    if (!was) this.events.socketChanged();
  }

  /** Dead-socket detection that does not rely on the socket's own (possibly long) heartbeat. */
  #checkAlive(): void {
    if (this.state === 'closed' || !this.events.needed()) return;
    this.events.tick();
    // A close never heard (#closeUnheard: a slow link; the watchdog's give-up; a host page's own disconnect()).
    const socket = this.realtime.connectionState?.();
    if (this.#socketUp && (socket === 'closed' || socket === 'connecting')) this.#closeUnheard();
    const now = Date.now();
    if (this.realtime.connectionState?.() !== 'connecting') this.#connectingSince = null;
    else if (now - (this.#connectingSince ??= now) > OPEN_TIMEOUT_MS) this.#openTimedOut();
    if (this.open) {
      const pending = this.#oldest;
      if (pending && now - pending.sentAt > PROBE_TIMEOUT_MS + 500) {
        // Unanswered: the socket is dead or too slow to carry anything live; a new one now (its
        // teardown may take a while: nothing more is asked of this one).
        this.#gaveUpOnPending();
        this.#dying = true;
        closeUnanswered(this.realtime);
      } else if (!pending && now - this.#lastActivityAt > PROBE_IDLE_MS) {
        this.probe();
      }
    }
    this.events.changed();
  }
}
