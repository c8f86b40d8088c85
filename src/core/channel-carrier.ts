/**
 * One realtime channel of a group (./channel-group.ts), from join to removal: it opens (once the
 * token is in place, on a freed topic), binds `postgres_changes` (or, in broadcast mode,
 * `broadcast` on a private topic) through ./channel-binding.ts, follows the `system` and status
 * callbacks, hands changes to its members, re-opens what the server closed, parks when the session
 * cannot be renewed, and removes its channel when closed. Which subscriptions it carries
 * (`members`) and what it replaces are its group's business.
 *
 * Readiness of a channel: joined AND the server's `system` "Subscribed to PostgreSQL" message
 * (realtime-js reports SUBSCRIBED on the join reply, before changes flow). A private broadcast
 * channel is ready at its join reply (Realtime authorizes, then subscribes, then replies).
 * Channels the server closed (token expiry, restart) are re-opened, after refreshing the token;
 * with a session whose token is dead (expired, or rejected) and cannot be renewed they are *parked*
 * until `resume()`.
 */
import type { ConnectionStatus, RtError } from './types.js';
import type { RealtimeChannelLike } from './supabase-like.js';
import type { CarrierHost, CarrierMember, CarrierScope } from './channel-types.js';
import { fromRealtimeReason, isTokenProblem, messageOf, rtError } from './errors.js';
import { observeServerTime } from './server-clock.js';
import { topicRefusal } from './broadcast-topics.js';
import { packedFilter } from './channel-packing.js';
import { bindChannel, changeOfPayload, deliverChange, deliverMessage, freeTopic, removeChannel, type ChannelEvents } from './channel-binding.js';

let topicSeq = 0;

/** One realtime channel carrying subscriptions (`M`) of one group (`S`). */
export class Carrier<M extends CarrierMember, S extends CarrierScope = CarrierScope> {
  /** The subscriptions it carries (kept by its group). */
  readonly members = new Set<M>();
  /** Replaced by a re-pack: hands its members over once the replacement is ready, then closes. */
  retiring: Carrier<M, S> | null = null;
  /** Channels this one replaces (their members move here when this one is ready). */
  readonly replaces = new Set<Carrier<M, S>>();

  readonly #host: CarrierHost<Carrier<M, S>>;
  #topic = '';
  #channel: RealtimeChannelLike | null = null;
  #joined = false;
  /** The socket it joined on (ChannelHooks.socketOpenedAt). */
  #joinedOn = 0;
  #pgReady = false;
  #error: RtError | null = null;
  /** The Postgres subscription failed for good (bad filter / table not published). */
  #configError = false;
  #configRetries = 0;
  #reopen: ReturnType<typeof setTimeout> | undefined;
  #reopenTries = 0;
  /** Rejoins for missed changes since the last change delivered, and when the next may be. */
  #rejoins = 0;
  #rejoinAfter = 0;
  #opening = false;
  /** Waiting for a new token (session expired, not renewable). */
  #parked = false;
  /** The access token in hand when this channel last joined (ChannelHooks.token). */
  #sentWith: string | null | undefined;
  #closed = false;
  readonly #events: ChannelEvents = {
    payload: (channel, payload) => this.#onPayload(channel, payload),
    message: (channel, message) => {
      if (this.#channel === channel) deliverMessage(this.members, message);
    },
    system: (channel, payload) => this.#onSystem(channel, payload),
    status: (channel, status, err) => this.#onStatus(channel, status, err),
  };

  /**
   * @param group what it subscribes to (its group)
   * @param values values of its `in` filter (packed groups), else null
   */
  constructor(readonly group: S, readonly values: ReadonlySet<string> | null, host: CarrierHost<Carrier<M, S>>) {
    this.#host = host;
  }

  /** The realtime topic ('' until first opened). */
  get topic(): string {
    return this.#topic;
  }

  /** Its filter: `col=eq.<v>` / `col=in.(…)` for a packed channel, the exact filter (or null) otherwise. */
  get filter(): string | null {
    return this.values && this.group.column ? packedFilter(this.group.column, this.values) : this.group.filter;
  }

  /**
   * Why the channel is not ready, or null. Parked, it is the session's cause now (a rejected token,
   * then an expired one handed over), and none once the session has recovered: the channel resumes
   * with the new token (QA37 N4: the first cause named again on the way back).
   */
  get error(): RtError | null {
    return this.#parked ? this.#host.hooks.sessionFailed() : this.#error;
  }

  /** The subscription failed for a reason a retry cannot fix (bad filter, table not published). */
  get configError(): boolean {
    return this.#configError;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Joined, confirmed, and the socket open and answering: changes flow. */
  get ready(): boolean {
    return !this.#closed && this.#joined && this.#pgReady && this.#onSocket() && this.#host.hooks.socketOpen() && this.#host.hooks.linkHealthy();
  }

  get status(): ConnectionStatus {
    if (this.ready) return 'connected';
    if (this.#configError || (this.#parked && this.#host.hooks.sessionFailed())) return 'error';
    if (!this.#host.hooks.socketOpen()) return this.#joined || this.#reopenTries > 0 ? 'disconnected' : 'connecting';
    // The socket is up but the server refused this channel (e.g. "Too many channels"): say so.
    if (this.#error) return 'error';
    return 'connecting';
  }

  /**
   * The socket closed: the channel is no longer joined (realtime-js rejoins it when it opens). Or
   * another socket is open while it reads as joined on an earlier one: that one's close was never
   * heard (Phoenix's teardown drops a close not confirmed within about 1.5 s, as on a slow link),
   * so the channel was never errored and realtime-js will not rejoin it: it joins again now.
   */
  socketChanged(open: boolean): void {
    // Joined, as rt-monitor or realtime-js reads it, on an earlier socket.
    const stale = open && (this.#joined || this.#channel?.state === 'joined') && !this.#onSocket();
    if (!open || stale) this.#joined = this.#pgReady = false;
    if (stale && this.#channel) {
      this.#reopenSoon(this.#channel, 0);
      this.#host.changed(this);
    }
  }

  /** Whether its join was made on the socket open now. */
  #onSocket(): boolean {
    return this.#joinedOn === (this.#host.hooks.socketOpenedAt?.() ?? 0);
  }

  /** A new token arrived: reopen now if parked or without a channel (and retry a refused one). */
  resume(): void {
    if ((!this.#parked && this.#channel) || this.#closed) return;
    // Parked, its cause was the session's, and the session has a new token now: its members hear
    // that the cause is gone (QA37 N4: the first refusal shown again on the way back).
    const parked = this.#parked;
    if (parked) this.#error = null;
    this.#parked = false;
    this.#reopenTries = 0;
    clearTimeout(this.#reopen);
    if (!this.#channel) this.open();
    if (parked) this.#host.changed(this);
  }

  /**
   * Changes went missing on this ready channel (a re-read found one Realtime never delivered,
   * src/core/live-query.ts): leave and join again, as a new subscription. A table taken out of the
   * publication is refused then, with its cause; a lost server-side subscription is made again.
   */
  rejoin(): void {
    // Not again within 5 s, 30 s, then 60 s of the last one until a change comes (a stalled replication: QA23).
    if (!this.ready || performance.now() < this.#rejoinAfter) return;
    this.#rejoinAfter = performance.now() + [5000, 30_000, 60_000][Math.min(this.#rejoins++, 2)]!;
    console.warn(`[rt-monitor] a change to "${this.group.table}" never came over Realtime: rejoining ${this.#topic}.`);
    this.#reopenSoon(this.#channel!, 0);
    this.#host.changed(this);
  }

  /** Joins (once the token is in place); a no-op while opening, once open, or when closed. */
  open(): void {
    if (this.#host.disposed() || this.#opening || this.#closed) return;
    this.#opening = true;
    // Join only once the token is in place: a join without it runs as `anon`.
    const topic = this.group.topic;
    void this.#host.hooks
      .authReady()
      .catch(() => {})
      .then(() => (topic ? freeTopic(this.#host.realtime, topic) : undefined))
      .then(() => {
        this.#opening = false;
        if (this.#host.disposed() || this.#closed || this.#channel) return;
        this.#openNow();
      });
  }

  /** For good: cancels any re-open and removes the realtime channel. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#reopen);
    const channel = this.#channel;
    this.#channel = null;
    this.#joined = false;
    this.#pgReady = false;
    if (channel) void removeChannel(this.#host.realtime, channel);
  }

  #openNow(): void {
    const g = this.group;
    const filter = this.filter;
    // Broadcast mode: the private topic every feed of this group shares.
    this.#topic = g.topic || `rt-monitor:${g.table}:${g.column ? `${g.column}:${this.values?.size ?? 0}` : (filter ?? '*')}:${++topicSeq}`;
    try {
      // realtime-js opens the socket on subscribe; a socket that cannot be made (Firefox throws for
      // a page's policy) is the link's failure, not this channel's: retried, no channel left behind.
      this.#host.realtime.connect();
    } catch (err) {
      this.#host.hooks.socketFailed?.(err);
      return this.#scheduleReopen();
    }
    this.#sentWith = this.#host.hooks.token?.();
    try {
      this.#channel = bindChannel(this.#host.realtime, this.#topic, g.topic ? null : { table: g.table, filter }, this.#events);
    } catch (err) {
      this.#error = rtError('bad-config', `Could not open a realtime channel: ${messageOf(err)}`);
      this.#configError = true;
      this.#host.changed(this);
    }
  }

  #onPayload(channel: RealtimeChannelLike, payload: any): void {
    if (this.#channel !== channel || !payload) return;
    observeServerTime(payload.commit_timestamp);
    const change = changeOfPayload(payload);
    this.#rejoins = 0;
    // An unusable row ("Error 401" / "Error 413"): read again over REST instead.
    if (change === 'unusable') this.#host.resync(this);
    else if (change) deliverChange(this.members, this.group.column, change);
  }

  #onSystem(channel: RealtimeChannelLike, payload: any): void {
    if (this.#channel !== channel || !payload) return;
    const message = String(payload.message ?? '');
    if (payload.extension === 'postgres_changes') {
      if (payload.status === 'ok') {
        if (!this.#pgReady) {
          this.#pgReady = true;
          this.#configError = false;
          this.#error = null;
          this.#reopenTries = this.#configRetries = 0;
          this.#host.confirmed(this);
        }
      } else {
        this.#pgReady = false;
        const refusal = fromRealtimeReason(message || 'postgres_changes subscription failed');
        this.#error = this.#host.hooks.explain?.(this.group.table, refusal) ?? refusal;
        // The first refusal is re-opened at once, before it is called an error: the subscription may
        // have been checked against a token that was being replaced. A lasting one (a table not
        // published, a column gone) is shown and still re-opened, slower and slower (up to every
        // 30 s): the database may be put right, and the widget must come back then (QA21 F4).
        this.#configError = this.#error.code === 'bad-config' && this.#configRetries > 0;
        this.#reopenSoon(channel, [500, 2000, 5000, 10_000, 30_000][Math.min(this.#configRetries++, 4)]);
        this.#host.changed(this);
      }
      return;
    }
    if (payload.status === 'error') {
      // Channel-fatal (token expired, permissions lost…): phx_close follows; remember why. A token
      // refused here (one handed over at run time) is the session's to judge first, as on a join.
      if (isTokenProblem(message) && !this.#host.hooks.sessionFailed()) void this.#host.hooks.refreshToken(message);
      this.#error = this.#reasonError(message);
      this.#pgReady = false;
      this.#joined = false;
      this.#host.changed(this);
    }
  }

  #onStatus(channel: RealtimeChannelLike, status: string, err?: Error): void {
    if (this.#channel !== channel) return;
    switch (status) {
      case 'SUBSCRIBED':
        this.#joined = true;
        this.#joinedOn = this.#host.hooks.socketOpenedAt?.() ?? 0;
        // A private broadcast channel is authorized and subscribed when the join is answered.
        if (this.group.topic && !this.#pgReady) {
          this.#pgReady = true;
          this.#configError = false;
          this.#error = null;
          this.#reopenTries = 0;
        }
        // Ready when the system message arrives (it may already have).
        if (this.#pgReady) {
          this.#host.confirmed(this);
          return;
        }
        break;
      case 'CHANNEL_ERROR':
      case 'TIMED_OUT': {
        this.#joined = false;
        this.#pgReady = false;
        const reason = err ? messageOf(err) : status === 'TIMED_OUT' ? 'join timed out' : 'channel error';
        // The socket's own failures (realtime-js: "socket closed: 1006", "channel error: transport
        // failure", "… connection lost"; a join that timed out on a socket that never opened) are
        // the connection's error (Link), not this channel's.
        const socket = !this.#host.hooks.socketOpen() || /socket closed|heartbeat timeout|transport failure|connection lost/i.test(reason);
        // Refused for a token since replaced (the join's answer came after the page handed over a
        // new one, as under load): no cause of this channel's, and no reason to ask for a token or
        // to park (that failed the renewed session: "Not live (JwtSignatureError)" for good).
        // realtime-js rejoins with the token in hand (setAuth updated the join).
        if (this.#renewedSinceJoin() && isTokenProblem(reason)) {
          this.#sentWith = this.#host.hooks.token?.();
          break;
        }
        if (isTokenProblem(reason)) {
          // The session judges the refusal first (a fixed token fails it at once), so the channel
          // shows the session's cause, not a wording of its own before it (QA35 L1). realtime-js
          // retries the join with a new token; with none to be had, park instead.
          const refreshing = this.#host.hooks.sessionFailed() ? null : this.#host.hooks.refreshToken(reason);
          if (!socket) this.#error = this.#reasonError(reason);
          if (!this.#parkIfDead(channel)) void (refreshing ?? this.#host.hooks.refreshToken(reason)).then(() => this.#parkIfDead(channel));
        } else if (!socket) {
          this.#error = this.#reasonError(reason);
          // A topic its setup refuses to every user (topicRefusal) is a configuration error, as a
          // table left out of the publication is: said as the connection's cause too.
          if (this.group.topic) this.#configError = this.#error.code === 'bad-config';
        }
        break;
      }
      case 'CLOSED':
        // We did not ask for this: the server closed the channel (token expired, permission
        // lost, server restart). realtime-js will not rejoin it; open a new one.
        this.#joined = false;
        this.#pgReady = false;
        this.#channel = null;
        this.#scheduleReopen();
        break;
    }
    this.#host.changed(this);
  }

  /**
   * A realtime failure reason as an RtError; a refused token while the session has failed is the
   * session's cause (expired, or rejected: never called expired when its `exp` says otherwise).
   */
  #reasonError(reason: string): RtError {
    const error = this.group.topic ? topicRefusal(this.group.topic, fromRealtimeReason(reason)) : fromRealtimeReason(reason);
    return (error.code === 'unauthorized' && this.#host.hooks.sessionFailed()) || error;
  }

  /**
   * The session's token is dead (expired, or rejected) and the token source cannot renew it (a
   * fixed token): realtime-js would rejoin with it every few seconds. Park the channel until
   * `resume()` (a new token). Returns whether it parked.
   */
  #parkIfDead(channel: RealtimeChannelLike): boolean {
    const hooks = this.#host.hooks;
    const dead = hooks.sessionFailed();
    // A source that answered with the very token refused is no renewal either (QA37: a rejoin and
    // an ask every second); it is asked again at the user check, and its next token resumes this.
    if (this.#channel !== channel || this.#closed || !dead || (hooks.renewable() && dead.code !== 'unauthorized')) return false;
    this.#parked = true;
    this.#channel = null;
    this.#joined = false;
    this.#pgReady = false;
    this.#error = dead;
    clearTimeout(this.#reopen);
    void removeChannel(this.#host.realtime, channel);
    this.#host.changed(this);
    return true;
  }

  /** Whether the token in hand is not the one this channel last joined with. */
  #renewedSinceJoin(): boolean {
    return this.#sentWith !== this.#host.hooks.token?.();
  }

  #reopenSoon(channel: RealtimeChannelLike, delay: number): void {
    this.#channel = null;
    this.#joined = false;
    this.#pgReady = false;
    void removeChannel(this.#host.realtime, channel);
    clearTimeout(this.#reopen);
    this.#reopen = setTimeout(() => {
      if (!this.#host.disposed() && !this.#closed && !this.#channel) this.open();
    }, delay);
  }

  #scheduleReopen(): void {
    if (this.#host.disposed() || this.#closed) return;
    clearTimeout(this.#reopen);
    const delay = [100, 1000, 2000, 5000, 10_000][Math.min(this.#reopenTries, 4)];
    this.#reopenTries++;
    this.#reopen = setTimeout(async () => {
      if (this.#host.disposed() || this.#closed || this.#channel) return;
      // A refusal of the token in hand (not of one since replaced: the channel opens with the new one).
      if (this.#error && !this.#renewedSinceJoin() && (isTokenProblem(this.#error.detail ?? this.#error.message) || this.#error.code === 'session-expired')) {
        const ok = await this.#host.hooks.refreshToken(this.#error.message);
        if (!ok) {
          // The session's cause (expired, or rejected) where it has one; else the refusal stands.
          const dead = this.#host.hooks.sessionFailed();
          this.#error = dead ?? this.#error;
          this.#parked = !!dead && !this.#host.hooks.renewable();
          this.#host.changed(this);
          if (this.#parked) return; // rejoining with the dead token would only be refused again
        }
      }
      if (this.#host.disposed() || this.#closed || this.#channel) return;
      this.open();
    }, delay);
  }
}
