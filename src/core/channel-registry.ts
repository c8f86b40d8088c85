/**
 * Channels by table, not by widget. Supabase allows 100 channels per connection (and limits joins
 * per second), so subscriptions are *packed*:
 *
 * - subscriptions with an equality filter on the same (table, column) — `id=eq.<a>`, `id=eq.<b>`,
 *   … — share channels subscribed with one `in` filter (`id=in.(a,b,…)`, at most
 *   {@link IN_LIMIT} values, Supabase's limit for `in`): 200 stream cards = 2 channels for
 *   `streams`, not 200;
 * - a subscription without a filter (or with a filter that cannot be packed) has a channel of its
 *   own, shared by every subscription with the same (table, filter);
 * - changes are routed on the client to the subscriptions whose value the row carries (before or
 *   after the change); a DELETE that carries only the primary key goes to every subscription of
 *   the channel (stores ignore rows they do not hold).
 *
 * Re-packing (a new value that no live channel carries) is *make-before-break*: the new channel is
 * joined and confirmed ("Subscribed to PostgreSQL") while the old one keeps delivering; only then
 * do the old channel's subscriptions move over and the old channel close. A subscription that was
 * live stays live across a re-pack (no new epoch, no stale phase) and re-reads its snapshot quietly
 * (`ChannelState.reread`: changes in flight on the old channel may be lost with it); a new one is
 * not ready until its channel is, so the subscribe-before-snapshot guarantee holds. Packing waits {@link PACK_DELAY_MS}
 * so the widgets mounted in one frame cost one join.
 *
 * Readiness of a channel: joined AND the server's `system` "Subscribed to PostgreSQL" message
 * (realtime-js reports SUBSCRIBED on the join reply, before changes flow). Channels the server
 * closed (token expiry, restart) are re-opened, after refreshing the token; with an expired
 * session that cannot be renewed they are *parked* until `resume()`.
 *
 * Broadcast mode (`realtimeMode: 'broadcast'`, see ./broadcast-topics.ts): a subscription joins
 * the private topics that carry its table (`org:<id>`, `user:<id>`); one channel per topic, shared
 * by every subscription on it, changes routed by table and filter. A private channel is ready at
 * its join reply (Realtime authorizes, then subscribes, then replies); a subscription on several
 * topics is ready when all of them are, and starts a new epoch (a resync) each time it becomes so.
 */
import type { ChangeListener, ChannelSpec, ChannelState, RowChange } from './client-types.js';
import type { ConnectionStatus, MonitoredTable, RtError, SubscriptionInfo } from './types.js';
import type { RealtimeChannelLike, RealtimeClientLike } from './supabase-like.js';
import { fromRealtimeReason, isTokenProblem, messageOf, rtError } from './errors.js';
import { observeServerTime } from './server-clock.js';
import { changeMatches, changeOfMessage, topicsFor, type RealtimeMode, type TopicContext } from './broadcast-topics.js';

/** How long a channel nobody uses stays joined (moving an element in the DOM must not churn joins). */
export const CHANNEL_LINGER_MS = 1000;
/** Supabase's limit on the values of one `in` filter. */
export const IN_LIMIT = 100;
/** Supabase's limit on channels per connection (diagnostics show how close a page is). */
export const CHANNELS_PER_CONNECTION = 100;
/** Subscriptions made within this window are packed into one re-pack (one join). */
export const PACK_DELAY_MS = 16;

export interface RegistryHooks {
  /** Something changed that may affect the connection status. */
  changed(): void;
  /** The server refused/expired our token: get a fresh one into the realtime client. Resolves to success. */
  refreshToken(reason: string): Promise<boolean>;
  /** Whether the socket is open right now. */
  socketOpen(): boolean;
  /** Whether the link answers (no heartbeat overdue): a joined channel counts as live only then. */
  linkHealthy(): boolean;
  /** Resolves when the user's token is in the realtime client (so the first join carries it). */
  authReady(): Promise<unknown>;
  /** The session has expired (no fresh token could be obtained). */
  sessionExpired(): boolean;
  /** Whether asking again may give a fresh token (a callback); if not, expired channels park until `resume()`. */
  renewable(): boolean;
}

/** How subscriptions reach the server: `postgres_changes` (default) or Broadcast from Database. */
export interface RegistryOptions {
  mode?: RealtimeMode;
  /** Broadcast mode: the user and their orgs, to name the topics (./broadcast-topics.ts). */
  topics?: TopicContext;
}

/** One consumer's subscription (a live-query store). */
interface Sub {
  spec: ChannelSpec;
  listener: ChangeListener<any>;
  group: Group;
  /** The packed value (`<a>` of `col=eq.<a>`), or null for a channel of its own. */
  value: string | null;
  chan: Chan | null;
  /** Bumped each time this subscription becomes ready after not being ready: "resync". */
  epoch: number;
  wasReady: boolean;
  /** Bumped when it moved to a replacement channel while ready: "re-read quietly" (ChannelState.reread). */
  reread: number;
}

/** Subscriptions packed together: same table and same equality column (or same exact filter). */
interface Group {
  key: string;
  table: MonitoredTable;
  /** Equality column whose values are packed into `in` filters; null: one channel for `filter`. */
  column: string | null;
  /** The exact filter of an unpacked group (null: the whole table). */
  filter: string | null;
  /** Broadcast mode: the private topic (`org:<id>`, `user:<id>`) this group's one channel joins. */
  topic: string | null;
  subs: Set<Sub>;
  chans: Set<Chan>;
  repack: ReturnType<typeof setTimeout> | undefined;
  repackDue: number;
  linger: ReturnType<typeof setTimeout> | undefined;
}

/** One realtime channel. */
interface Chan {
  group: Group;
  topic: string;
  /** Values of its `in` filter (packed groups), else null. */
  values: Set<string> | null;
  filter: string | null;
  channel: RealtimeChannelLike | null;
  members: Set<Sub>;
  joined: boolean;
  pgReady: boolean;
  error: RtError | null;
  /** The Postgres subscription failed for good (bad filter / table not published). */
  configError: boolean;
  configRetries: number;
  reopen: ReturnType<typeof setTimeout> | undefined;
  reopenTries: number;
  opening: boolean;
  /** Waiting for a new token (session expired, not renewable). */
  parked: boolean;
  /** Replaced by a re-pack: hands its members over once the replacement is ready, then closes. */
  retiring: Chan | null;
  /** Channels this one replaces (their members move here when this one is ready). */
  replaces: Set<Chan>;
  closed: boolean;
}

let topicSeq = 0;

/** A channel's error while the session is expired (no fresh token): what every widget shows. */
const expiredError = (detail?: string): RtError => rtError('session-expired', 'The session has expired: waiting for a new access token.', detail);

const EQ = /^([A-Za-z_][A-Za-z0-9_]*)=eq\.(.+)$/;
/** Values that cannot go into an `in (…)` list unquoted stay on a channel of their own. */
const PACKABLE = /^[^,()"\\\s]+$/;

export class ChannelRegistry {
  readonly #groups = new Map<string, Group>();
  readonly #subscriptionListeners = new Set<(s: SubscriptionInfo[]) => void>();
  #disposed = false;
  #notifyQueued = false;
  readonly mode: RealtimeMode;

  constructor(
    private readonly realtime: RealtimeClientLike,
    private readonly hooks: RegistryHooks,
    private readonly options: RegistryOptions = {},
  ) {
    this.mode = options.mode ?? 'postgres_changes';
  }

  subscribe<R>(spec: ChannelSpec, listener: ChangeListener<R>): () => void {
    if (this.mode === 'broadcast') return this.#subscribeBroadcast(spec, listener);
    return this.#subscribeGroup(spec, listener, null);
  }

  /**
   * Broadcast mode: resolve the topics, subscribe on each (one shared channel per topic) and
   * report one combined state: ready when every topic's channel is; a new epoch each time it
   * becomes ready again; the first error otherwise.
   */
  #subscribeBroadcast<R>(spec: ChannelSpec, listener: ChangeListener<R>): () => void {
    let released = false;
    let epoch = 0;
    let wasReady = false;
    const parts = new Map<string, { state: ChannelState; release: () => void }>();
    const combine = (): ChannelState => {
      const states = [...parts.values()].map((p) => p.state);
      const ready = states.every((st) => st.ready);
      if (ready && !wasReady) epoch++;
      wasReady = ready;
      const error = states.find((st) => st.error)?.error ?? null;
      // Not ready: the worst status of its topics (a topic that is connected does not make it so).
      const worst: ConnectionStatus[] = ['error', 'disconnected', 'connecting'];
      const status: ConnectionStatus = ready ? 'connected' : (worst.find((r) => states.some((st) => st.status === r)) ?? 'connecting');
      return { status, ready, epoch, error };
    };
    listener.onState({ status: 'connecting', ready: false, epoch, error: null });
    const ctx = this.options.topics;
    void (async () => {
      const topics = ctx ? await topicsFor(spec, ctx).catch((err) => rtError('server', `Could not name the realtime topics: ${messageOf(err)}`)) : rtError('bad-config', 'Broadcast mode needs a topic context.');
      if (released || this.#disposed) return;
      if (!Array.isArray(topics)) {
        listener.onState({ status: 'error', ready: false, epoch, error: topics });
        return;
      }
      for (const topic of topics) {
        const part = { state: { status: 'connecting', ready: false, epoch: 0, error: null } as ChannelState, release: () => {} };
        parts.set(topic, part);
        part.release = this.#subscribeGroup(spec, {
          onChange: (change) => listener.onChange(change as RowChange<R>),
          onState: (state) => {
            part.state = state;
            if (!released) listener.onState(combine());
          },
        }, topic);
      }
      // No topic at all (a user in no org): nothing can arrive, and RLS would show nothing either.
      listener.onState(combine());
    })();
    return () => {
      if (released) return;
      released = true;
      for (const p of parts.values()) p.release();
      parts.clear();
    };
  }

  #subscribeGroup<R>(spec: ChannelSpec, listener: ChangeListener<R>, topic: string | null): () => void {
    const m = !topic && spec.filter ? EQ.exec(spec.filter) : null;
    const packable = !!m && PACKABLE.test(m[2]);
    const key = topic ? `topic|${topic}` : packable ? `${spec.table}|${m![1]}|in` : `${spec.table}|${spec.filter ?? ''}`;
    let group = this.#groups.get(key);
    if (!group) {
      group = {
        key, table: spec.table, column: packable ? m![1] : null, filter: packable || topic ? null : spec.filter, topic,
        subs: new Set(), chans: new Set(), repack: undefined, repackDue: 0, linger: undefined,
      };
      this.#groups.set(key, group);
    }
    clearTimeout(group.linger);
    group.linger = undefined;
    const sub: Sub = { spec, listener, group, value: packable ? m![2] : null, chan: null, epoch: 0, wasReady: false, reread: 0 };
    group.subs.add(sub);
    const carrier = this.#carrierFor(group, sub.value);
    if (carrier) this.#attach(sub, carrier);
    else this.#scheduleRepack(group);
    listener.onState(this.#stateOf(sub));
    this.#changed();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      group!.subs.delete(sub);
      sub.chan?.members.delete(sub);
      sub.chan = null;
      if (group!.subs.size === 0) {
        clearTimeout(group!.linger);
        group!.linger = setTimeout(() => this.#closeGroupIfUnused(group!), CHANNEL_LINGER_MS);
      } else {
        // Channels none of whose values are wanted any more close after the linger.
        this.#scheduleRepack(group!, CHANNEL_LINGER_MS);
      }
      this.#changed();
    };
  }

  /** Number of channels rt-monitor holds open (joined or joining). */
  get size(): number {
    let n = 0;
    for (const g of this.#groups.values()) for (const c of g.chans) if (!c.closed) n++;
    return n;
  }

  allReady(): boolean {
    for (const g of this.#groups.values()) for (const s of g.subs) if (!this.#ready(s)) return false;
    return true;
  }

  anyConfigError(): RtError | null {
    for (const g of this.#groups.values()) for (const c of g.chans) if (c.configError) return c.error;
    return null;
  }

  /** One entry per subscription (feed + parameters), with the channel that carries it. */
  list(): SubscriptionInfo[] {
    const out: SubscriptionInfo[] = [];
    for (const g of this.#groups.values()) {
      const byFilter = new Map<string, Sub[]>();
      for (const s of g.subs) {
        const k = `${s.spec.filter ?? ''}|${s.spec.name}`;
        const list = byFilter.get(k);
        if (list) list.push(s);
        else byFilter.set(k, [s]);
      }
      for (const subs of byFilter.values()) {
        const s = subs[0];
        const chan = s.chan;
        out.push({
          name: s.spec.name,
          table: g.table,
          filter: s.spec.filter,
          status: this.#statusOf(s),
          refCount: subs.length,
          lastError: chan?.error ?? null,
          channel: chan ? chan.topic : null,
          // Broadcast mode: the private topic carrying it (`org:<id>`, `user:<id>`).
          channelFilter: chan ? (g.topic ?? this.#filterOf(chan)) : null,
        });
      }
    }
    return out;
  }

  /**
   * The channels themselves: topic, table, filter, status and how many subscriptions each carries.
   * In broadcast mode `private` is true and `table` is the table of the topic's first subscription
   * (a topic carries several tables).
   */
  channels(): Array<{ topic: string; table: MonitoredTable; filter: string | null; status: ConnectionStatus; subscriptions: number; private?: boolean }> {
    const out = [];
    for (const g of this.#groups.values()) {
      for (const c of g.chans) {
        if (c.closed) continue;
        out.push({
          topic: c.topic, table: g.table, filter: this.#filterOf(c), status: this.#chanStatus(c), subscriptions: c.members.size,
          ...(g.topic ? { private: true } : {}),
        });
      }
    }
    return out;
  }

  /** Status of the subscription carrying an original-design name such as `stream:<id>:progress`. */
  statusByName(name: string): ConnectionStatus | null {
    for (const g of this.#groups.values()) for (const s of g.subs) if (s.spec.name === name) return this.#statusOf(s);
    return null;
  }

  onSubscriptionsChange(cb: (s: SubscriptionInfo[]) => void): () => void {
    this.#subscriptionListeners.add(cb);
    return () => this.#subscriptionListeners.delete(cb);
  }

  /** Socket opened/closed: tell every listener (status and readiness may have changed). */
  socketChanged(): void {
    const open = this.hooks.socketOpen();
    for (const g of this.#groups.values()) {
      for (const c of g.chans) {
        if (!open) {
          c.joined = false;
          c.pgReady = false;
        }
      }
      for (const s of g.subs) this.#broadcast(s);
    }
    this.#changed();
  }

  /**
   * The link stopped answering heartbeats, or answers again: every subscription's readiness follows
   * (an answer after a gap counts as a new epoch: stores re-read what they may have missed).
   */
  healthChanged(): void {
    for (const g of this.#groups.values()) {
      // A replacement confirmed while the link was late takes over now.
      for (const c of [...g.chans]) if (c.replaces.size && this.#chanReady(c)) this.#takeOver(c);
      for (const s of g.subs) this.#broadcast(s);
    }
    this.#changed();
  }

  /** A new token arrived: reopen parked channels now (and retry refused ones). */
  resume(): void {
    for (const g of this.#groups.values()) {
      for (const c of g.chans) {
        if (!c.parked && c.channel) continue;
        if (c.closed) continue;
        c.parked = false;
        c.reopenTries = 0;
        clearTimeout(c.reopen);
        if (!c.channel) this.#open(c);
      }
    }
    this.#changed();
  }

  dispose(): void {
    this.#disposed = true;
    for (const g of this.#groups.values()) {
      clearTimeout(g.repack);
      clearTimeout(g.linger);
      for (const c of g.chans) this.#close(c);
    }
    this.#groups.clear();
    this.#subscriptionListeners.clear();
  }

  // ---- packing --------------------------------------------------------------------------

  /** A live (not retiring) channel of the group that carries `value`. */
  #carrierFor(g: Group, value: string | null): Chan | null {
    let best: Chan | null = null;
    for (const c of g.chans) {
      if (c.closed || c.retiring) continue;
      if (value === null ? c.values === null : c.values?.has(value)) {
        // Prefer a channel that replaces others (the newest packing) over one being replaced.
        if (!best || c.replaces.size > 0) best = c;
      }
    }
    return best;
  }

  #scheduleRepack(g: Group, delay = PACK_DELAY_MS): void {
    if (this.#disposed) return;
    const due = Date.now() + delay;
    if (g.repack !== undefined && g.repackDue <= due) return; // an earlier re-pack is already due
    clearTimeout(g.repack);
    g.repackDue = due;
    g.repack = setTimeout(() => {
      g.repack = undefined;
      this.#repack(g);
    }, delay);
  }

  /** Make the group's channels carry exactly the values wanted (make-before-break). */
  #repack(g: Group): void {
    if (this.#disposed || this.#groups.get(g.key) !== g) return;
    if (g.column === null) {
      // One channel for the exact filter.
      const live = [...g.chans].filter((c) => !c.closed && !c.retiring);
      if (g.subs.size && !live.length) {
        const c = this.#newChan(g, null);
        for (const s of g.subs) this.#attach(s, c);
        this.#open(c);
      }
      if (!g.subs.size) for (const c of live) this.#close(c);
      this.#changed();
      return;
    }
    const wanted = new Set<string>();
    for (const s of g.subs) if (s.value !== null) wanted.add(s.value);
    const live = [...g.chans].filter((c) => !c.closed && !c.retiring);
    const covered = new Set<string>();
    for (const c of live) for (const v of c.values ?? []) if (wanted.has(v)) covered.add(v);
    const uncovered = [...wanted].filter((v) => !covered.has(v));

    // Channels none of whose values are wanted: close (their members are gone).
    for (const c of live) {
      if (![...(c.values ?? [])].some((v) => wanted.has(v)) && !this.#hasPendingReplacement(c)) this.#close(c);
    }
    if (!uncovered.length) {
      this.#changed();
      return;
    }
    // Fold new values into the emptiest channel that has room (replacing it), else new channels.
    const candidates = live
      .filter((c) => !c.closed)
      .map((c) => ({ c, keep: [...(c.values ?? [])].filter((v) => wanted.has(v)) }))
      .sort((a, b) => a.keep.length - b.keep.length);
    const plans: Array<{ values: string[]; replaces: Chan | null }> = [];
    let rest = uncovered;
    const first = candidates[0];
    if (first && first.keep.length + rest.length <= IN_LIMIT) {
      plans.push({ values: [...first.keep, ...rest], replaces: first.c });
      rest = [];
    }
    for (let i = 0; i < rest.length; i += IN_LIMIT) plans.push({ values: rest.slice(i, i + IN_LIMIT), replaces: null });

    for (const plan of plans) {
      const c = this.#newChan(g, new Set(plan.values));
      if (plan.replaces) {
        c.replaces.add(plan.replaces);
        plan.replaces.retiring = c;
      }
      // New values attach at once (not ready until this channel is); values carried by the
      // replaced channel stay there until this one is ready.
      for (const s of g.subs) if (s.value !== null && plan.values.includes(s.value) && (!s.chan || s.chan.closed)) this.#attach(s, c);
      this.#open(c);
    }
    this.#changed();
  }

  #hasPendingReplacement(c: Chan): boolean {
    return !!c.retiring && !c.retiring.closed;
  }

  #newChan(g: Group, values: Set<string> | null): Chan {
    const c: Chan = {
      group: g, topic: '', values, filter: g.filter, channel: null, members: new Set(), joined: false, pgReady: false,
      error: null, configError: false, configRetries: 0, reopen: undefined, reopenTries: 0, opening: false, parked: false,
      retiring: null, replaces: new Set(), closed: false,
    };
    g.chans.add(c);
    return c;
  }

  #filterOf(c: Chan): string | null {
    if (c.values && c.group.column) {
      const vals = [...c.values];
      return vals.length === 1 ? `${c.group.column}=eq.${vals[0]}` : `${c.group.column}=in.(${vals.join(',')})`;
    }
    return c.filter;
  }

  #attach(s: Sub, c: Chan): void {
    s.chan?.members.delete(s);
    s.chan = c;
    c.members.add(s);
    this.#broadcast(s);
  }

  /**
   * A replacement is ready: its predecessors' members move over (staying ready), then they close.
   * A moved member that was ready re-reads its snapshot (quietly, it stays live): the server
   * matches a batch of changes against the subscriptions it has when the batch is read, so a
   * change read just before this channel was subscribed goes to the old channel only, and its push
   * may arrive after this channel's confirmation, when the old channel is already left. The
   * re-read, made after the confirmation, holds every change committed before it; later ones come
   * here.
   */
  #takeOver(c: Chan): void {
    for (const old of c.replaces) {
      for (const s of [...old.members]) {
        if (s.value === null || !c.values?.has(s.value)) continue;
        if (s.wasReady) s.reread++;
        this.#attach(s, c);
      }
      // Members whose value is no longer wanted are gone; anything left would be orphaned: re-pack.
      if (old.members.size) this.#scheduleRepack(c.group);
      this.#close(old);
    }
    c.replaces.clear();
  }

  #closeGroupIfUnused(g: Group): void {
    if (g.subs.size > 0 || this.#groups.get(g.key) !== g) return;
    clearTimeout(g.repack);
    for (const c of g.chans) this.#close(c);
    this.#groups.delete(g.key);
    this.#changed();
  }

  #close(c: Chan): void {
    if (c.closed) return;
    c.closed = true;
    clearTimeout(c.reopen);
    c.group.chans.delete(c);
    const channel = c.channel;
    c.channel = null;
    c.joined = false;
    c.pgReady = false;
    if (channel) void this.#remove(channel);
  }

  // ---- state ------------------------------------------------------------------------------

  #chanReady(c: Chan | null): boolean {
    return !!c && !c.closed && c.joined && c.pgReady && this.hooks.socketOpen() && this.hooks.linkHealthy();
  }

  #ready(s: Sub): boolean {
    return this.#chanReady(s.chan);
  }

  #chanStatus(c: Chan): ConnectionStatus {
    if (this.#chanReady(c)) return 'connected';
    if (c.configError || c.parked) return 'error';
    if (!this.hooks.socketOpen()) return c.joined || c.reopenTries > 0 ? 'disconnected' : 'connecting';
    // The socket is up but the server refused this channel (e.g. "Too many channels"): say so.
    if (c.error) return 'error';
    return 'connecting';
  }

  #statusOf(s: Sub): ConnectionStatus {
    if (!s.chan) return this.hooks.socketOpen() || !s.wasReady ? 'connecting' : 'disconnected';
    if (this.#ready(s)) return 'connected';
    if (!this.hooks.socketOpen()) return s.wasReady ? 'disconnected' : 'connecting';
    return this.#chanStatus(s.chan);
  }

  #stateOf(s: Sub): ChannelState {
    return { status: this.#statusOf(s), ready: this.#ready(s), epoch: s.epoch, error: s.chan?.error ?? null, reread: s.reread };
  }

  #broadcast(s: Sub): void {
    const ready = this.#ready(s);
    if (ready && !s.wasReady) s.epoch++;
    s.wasReady = ready;
    s.listener.onState(this.#stateOf(s));
  }

  #broadcastChan(c: Chan): void {
    for (const s of [...c.members]) this.#broadcast(s);
  }

  #changed(): void {
    this.hooks.changed();
    if (!this.#subscriptionListeners.size || this.#notifyQueued) return;
    // Many subscriptions change in one burst (a re-pack): tell diagnostics once.
    this.#notifyQueued = true;
    queueMicrotask(() => {
      this.#notifyQueued = false;
      const list = this.list();
      for (const cb of [...this.#subscriptionListeners]) cb(list);
    });
  }

  // ---- the realtime channel ---------------------------------------------------------------

  #open(c: Chan): void {
    if (this.#disposed || c.opening || c.closed) return;
    c.opening = true;
    // Join only once the token is in place: a join without it runs as `anon`.
    void this.hooks
      .authReady()
      .catch(() => {})
      .then(() => (c.group.topic ? this.#freeTopic(c.group.topic) : undefined))
      .then(() => {
        c.opening = false;
        if (this.#disposed || c.closed || c.channel) return;
        this.#openNow(c);
      });
  }

  /**
   * realtime-js keeps one channel per topic (`channel()` returns the existing one): before a
   * private topic is joined again, the previous channel on it must be gone.
   */
  async #freeTopic(topic: string): Promise<void> {
    const full = `realtime:${topic}`;
    for (let i = 0; i < 2; i++) {
      const existing = this.realtime.getChannels().find((ch) => ch.topic === full);
      if (!existing) return;
      await this.#remove(existing);
    }
  }

  #openNow(c: Chan): void {
    const g = c.group;
    if (g.topic) {
      // Broadcast mode: the private topic every feed of this group shares.
      c.topic = g.topic;
      this.#join(c, true, (channel) => channel.on('broadcast', { event: '*' }, (message) => this.#onBroadcast(c, channel, message)));
      return;
    }
    const filter = this.#filterOf(c);
    c.topic = `rt-monitor:${g.table}:${g.column ? `${g.column}:${c.values?.size ?? 0}` : (filter ?? '*')}:${++topicSeq}`;
    this.#join(c, false, (channel) =>
      channel.on('postgres_changes', { event: '*', schema: 'public', table: g.table, ...(filter ? { filter } : {}) }, (payload) => this.#onPayload(c, channel, payload)),
    );
  }

  /** Opens `c.topic` with the data binding `bind` adds, plus system and status handling. */
  #join(c: Chan, isPrivate: boolean, bind: (channel: RealtimeChannelLike) => void): void {
    let channel: RealtimeChannelLike;
    try {
      channel = this.realtime.channel(c.topic, { config: { broadcast: { ack: false, self: false }, presence: { key: '', enabled: false }, private: isPrivate } });
      bind(channel);
      channel.on('system', {}, (payload) => this.#onSystem(c, channel, payload));
      channel.subscribe((status, err) => this.#onStatus(c, channel, status, err));
    } catch (err) {
      c.error = rtError('bad-config', `Could not open a realtime channel: ${messageOf(err)}`);
      c.configError = true;
      this.#broadcastChan(c);
      this.#changed();
      return;
    }
    c.channel = channel;
  }

  #onPayload(c: Chan, channel: RealtimeChannelLike, payload: any): void {
    if (c.channel !== channel || !payload) return;
    observeServerTime(payload.commit_timestamp);
    if (Array.isArray(payload.errors) && payload.errors.length) {
      // "Error 401: Unauthorized" / "Error 413: Payload Too Large": the row is not usable; resync instead.
      for (const s of [...c.members]) {
        s.epoch++;
        s.listener.onState(this.#stateOf(s));
      }
      return;
    }
    const type = String(payload.eventType ?? payload.type ?? '').toUpperCase();
    if (type !== 'INSERT' && type !== 'UPDATE' && type !== 'DELETE') return;
    const change: RowChange<any> = {
      type,
      new: type === 'DELETE' ? null : (payload.new ?? payload.record ?? null),
      old: type === 'INSERT' ? null : (payload.old ?? payload.old_record ?? null),
    };
    const column = c.group.column;
    if (!column) {
      for (const s of [...c.members]) s.listener.onChange(change);
      return;
    }
    // Route by the packed column's value before and after the change.
    const values = new Set<string>();
    const known = (row: any) => row && row[column] !== undefined && row[column] !== null;
    if (known(change.new)) values.add(String(change.new[column]));
    if (known(change.old)) values.add(String((change.old as Record<string, unknown>)[column]));
    const unknown = values.size === 0; // e.g. a DELETE carrying only the primary key
    for (const s of [...c.members]) if (unknown || (s.value !== null && values.has(s.value))) s.listener.onChange(change);
    // During a re-pack both channels may carry a value; the store's version guard makes the
    // second copy of a change a no-op.
  }

  /** Broadcast mode: a realtime.broadcast_changes message, routed to the subscriptions it concerns. */
  #onBroadcast(c: Chan, channel: RealtimeChannelLike, message: any): void {
    if (c.channel !== channel) return;
    const parsed = changeOfMessage(message);
    if (!parsed) return;
    for (const s of [...c.members]) if (changeMatches(s.spec, parsed.table, parsed.change)) s.listener.onChange(parsed.change);
  }

  #onSystem(c: Chan, channel: RealtimeChannelLike, payload: any): void {
    if (c.channel !== channel || !payload) return;
    const message = String(payload.message ?? '');
    if (payload.extension === 'postgres_changes') {
      if (payload.status === 'ok') {
        if (!c.pgReady) {
          c.pgReady = true;
          c.configError = false;
          c.error = null;
          c.reopenTries = 0;
          this.#becameReady(c);
        }
      } else {
        c.pgReady = false;
        c.error = fromRealtimeReason(message || 'postgres_changes subscription failed');
        c.configError = c.error.code === 'bad-config';
        if (c.configRetries < 1) {
          // Once: the subscription may have been checked against a token that was being
          // replaced (or a role not yet allowed). Re-open the channel before calling it an error.
          c.configRetries++;
          c.configError = false;
          this.#reopenSoon(c, channel, 500);
        }
        this.#broadcastChan(c);
        this.#changed();
      }
      return;
    }
    if (payload.status === 'error') {
      // Channel-fatal (token expired, permissions lost…): phx_close follows; remember why.
      c.error = this.#reasonError(message);
      c.pgReady = false;
      c.joined = false;
      this.#broadcastChan(c);
      this.#changed();
    }
  }

  #becameReady(c: Chan): void {
    if (!this.#chanReady(c)) {
      this.#broadcastChan(c);
      this.#changed();
      return;
    }
    this.#takeOver(c);
    this.#broadcastChan(c);
    this.#changed();
  }

  #onStatus(c: Chan, channel: RealtimeChannelLike, status: string, err?: Error): void {
    if (c.channel !== channel) return;
    switch (status) {
      case 'SUBSCRIBED':
        c.joined = true;
        // A private broadcast channel is authorized and subscribed when the join is answered.
        if (c.group.topic && !c.pgReady) {
          c.pgReady = true;
          c.error = null;
          c.reopenTries = 0;
        }
        // Ready when the system message arrives (it may already have).
        if (c.pgReady) {
          this.#becameReady(c);
          return;
        }
        break;
      case 'CHANNEL_ERROR':
      case 'TIMED_OUT': {
        c.joined = false;
        c.pgReady = false;
        const reason = err ? messageOf(err) : status === 'TIMED_OUT' ? 'join timed out' : 'channel error';
        if (!/socket closed|heartbeat timeout/i.test(reason)) c.error = this.#reasonError(reason);
        if (isTokenProblem(reason)) {
          // realtime-js retries the join with the new token; with none to be had, park instead.
          if (!this.#parkIfDead(c, channel)) void this.hooks.refreshToken(reason).then(() => this.#parkIfDead(c, channel));
        }
        break;
      }
      case 'CLOSED':
        // We did not ask for this: the server closed the channel (token expired, permission
        // lost, server restart). realtime-js will not rejoin it; open a new one.
        c.joined = false;
        c.pgReady = false;
        c.channel = null;
        this.#scheduleReopen(c);
        break;
    }
    this.#broadcastChan(c);
    this.#changed();
  }

  /** A realtime failure reason as an RtError; a refused token while the session is expired says so. */
  #reasonError(reason: string): RtError {
    const error = fromRealtimeReason(reason);
    return error.code === 'unauthorized' && this.hooks.sessionExpired() ? expiredError(error.detail) : error;
  }

  /**
   * The session has expired and the token source cannot renew it (a fixed token): realtime-js
   * would rejoin with the dead token every few seconds. Park the channel until `resume()` (a new
   * token). Returns whether it parked.
   */
  #parkIfDead(c: Chan, channel: RealtimeChannelLike): boolean {
    if (c.channel !== channel || c.closed || !this.hooks.sessionExpired() || this.hooks.renewable()) return false;
    c.parked = true;
    c.channel = null;
    c.joined = false;
    c.pgReady = false;
    c.error = expiredError(c.error?.detail ?? c.error?.message);
    clearTimeout(c.reopen);
    void this.#remove(channel);
    this.#broadcastChan(c);
    this.#changed();
    return true;
  }

  #reopenSoon(c: Chan, channel: RealtimeChannelLike, delay: number): void {
    c.channel = null;
    c.joined = false;
    c.pgReady = false;
    void this.#remove(channel);
    clearTimeout(c.reopen);
    c.reopen = setTimeout(() => {
      if (!this.#disposed && !c.closed && !c.channel) this.#open(c);
    }, delay);
  }

  #scheduleReopen(c: Chan): void {
    if (this.#disposed || c.closed) return;
    clearTimeout(c.reopen);
    const delay = [100, 1000, 2000, 5000, 10_000][Math.min(c.reopenTries, 4)];
    c.reopenTries++;
    c.reopen = setTimeout(async () => {
      if (this.#disposed || c.closed || c.channel) return;
      if (c.error && (isTokenProblem(c.error.detail ?? c.error.message) || c.error.code === 'session-expired')) {
        const ok = await this.hooks.refreshToken(c.error.message);
        if (!ok) {
          const expired = this.hooks.sessionExpired();
          c.error = expired
            ? expiredError(c.error.detail)
            : rtError('unauthorized', 'The access token expired and no fresh one could be obtained.', c.error.detail);
          if (expired && !this.hooks.renewable()) c.parked = true;
          this.#broadcastChan(c);
          this.#changed();
          if (c.parked) return; // rejoining with the dead token would only be refused again
        }
      }
      if (this.#disposed || c.closed || c.channel) return;
      this.#open(c);
    }, delay);
  }

  async #remove(channel: RealtimeChannelLike): Promise<void> {
    try {
      await this.realtime.removeChannel(channel);
    } catch {
      /* the socket may be gone; the channel is dropped either way */
    }
  }
}
