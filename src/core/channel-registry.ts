/**
 * Channels by table, not by widget: the page's realtime subscriptions, grouped so that they share
 * channels (Supabase allows 100 per connection, `CHANNELS_PER_CONNECTION`), and what the client
 * reads of them: readiness, status, and the subscription and channel lists for diagnostics.
 *
 * The parts:
 * - ./channel-packing.ts: which subscriptions share a channel, and each channel's filter (pure);
 * - ./channel-group.ts: one group's subscriptions and channels, re-packed make-before-break;
 * - ./channel-carrier.ts: one realtime channel, from join to removal (readiness, re-open, park);
 * - ./channel-binding.ts: its binding in realtime-js, and the routing of what arrives on it;
 * - ./topic-subscription.ts: broadcast mode, one subscription over several private topics.
 */
import type { ChangeListener, ChannelSpec } from './client-types.js';
import type { ConnectionStatus, MonitoredTable, RtError, SubscriptionInfo } from './types.js';
import type { RealtimeClientLike } from './supabase-like.js';
import type { BroadcastSource, RealtimeMode, TopicContext } from './broadcast-topics.js';
import type { CarrierMember, ChannelHooks } from './channel-types.js';
import { groupingOf } from './channel-packing.js';
import { ChannelGroup, type GroupEnv, type Sub } from './channel-group.js';
import { subscribeOnTopics } from './topic-subscription.js';

/** Broadcast mode: one subscription, its topics' recheck, and its cause while it holds no topic. */
interface TopicSub {
  spec: ChannelSpec;
  listener: CarrierMember['listener'];
  recheck: (fresh: boolean) => void;
  refusal: RtError | null;
}

export { CHANNELS_PER_CONNECTION, IN_LIMIT } from './channel-packing.js';
export { CHANNEL_LINGER_MS, PACK_DELAY_MS } from './channel-group.js';

/** What the registry asks of the client: the channels' needs (./channel-types.ts) and a change signal. */
export interface RegistryHooks extends ChannelHooks {
  /** Something changed that may affect the connection status. */
  changed(): void;
}

/** How subscriptions reach the server: `postgres_changes` (default) or Broadcast from Database. */
export interface RegistryOptions {
  mode?: RealtimeMode;
  /** Broadcast mode: the user and their orgs, to name the topics (./broadcast-topics.ts). */
  topics?: TopicContext;
}

export class ChannelRegistry {
  readonly #groups = new Map<string, ChannelGroup>();
  readonly #subscriptionListeners = new Set<(s: SubscriptionInfo[]) => void>();
  /** Broadcast mode: each subscription's table and the check whether it still broadcasts. */
  /** Broadcast mode: each subscription, and its cause while it holds no topic (refused). */
  readonly #topicSubs = new Set<TopicSub>();
  readonly #env: GroupEnv;
  #disposed = false;
  #notifyQueued = false;
  readonly mode: RealtimeMode;

  constructor(
    realtime: RealtimeClientLike,
    private readonly hooks: RegistryHooks,
    private readonly options: RegistryOptions = {},
  ) {
    this.mode = options.mode ?? 'postgres_changes';
    this.#env = {
      realtime,
      hooks,
      disposed: () => this.#disposed,
      current: (g) => this.#groups.get(g.key) === g,
      drop: (g) => {
        this.#groups.delete(g.key);
        this.#changed();
      },
      changed: () => this.#changed(),
    };
  }

  subscribe<R>(spec: ChannelSpec, listener: ChangeListener<R>): () => void {
    if (this.mode === 'broadcast') {
      const entry: TopicSub = { spec, listener, recheck: () => {}, refusal: null };
      this.#topicSubs.add(entry);
      const refused = (error: RtError | null) => {
        if (error === entry.refusal) return;
        entry.refusal = error;
        this.#changed();
      };
      const { release, recheck } = subscribeOnTopics(spec, listener, this.options.topics, (topic, part) => this.#subscribeGroup(spec, part, topic), () => this.#disposed, refused);
      entry.recheck = recheck;
      return () => {
        if (!this.#topicSubs.delete(entry)) return;
        release();
        if (entry.refusal) this.#changed();
      };
    }
    return this.#subscribeGroup(spec, listener, null);
  }

  #subscribeGroup<R>(spec: ChannelSpec, listener: ChangeListener<R>, topic: string | null): () => void {
    const { key, column, filter, value } = groupingOf(spec, topic);
    let group = this.#groups.get(key);
    if (!group) {
      group = new ChannelGroup({ key, table: spec.table, column, filter, topic }, this.#env);
      this.#groups.set(key, group);
    }
    const g = group;
    const sub = g.add(spec, listener, value);
    listener.onState(g.stateOf(sub));
    this.#changed();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      g.remove(sub);
      this.#changed();
    };
  }

  /** Number of channels rt-monitor holds open (joined or joining). */
  get size(): number {
    let n = 0;
    for (const g of this.#groups.values()) for (const c of g.chans) if (!c.closed) n++;
    return n;
  }

  /**
   * Every subscription is joined and live, or refused its topic (`forbidden`: a Broadcast topic the
   * user may not read). That refusal is the widget's "no access", as Row Level Security hiding rows
   * is in postgres_changes mode; the connection is not waiting on it (QA28 M5, QA29 L1).
   */
  allReady(): boolean {
    for (const g of this.#groups.values()) for (const s of g.subs) if (!g.ready(s) && !(s.chan?.error?.code === 'forbidden' && s.chan.status === 'error')) return false;
    for (const t of this.#topicSubs) if (t.refusal) return false;
    return true;
  }

  /**
   * A channel refused by its configuration, or (Broadcast mode) a subscription refused its topics as
   * misconfigured; named by a subscriber's own misconfiguration when it has one, which says more
   * (REST's "Could not find the table" beside Realtime's "check Realtime is enabled", or beside "no
   * enabled trigger": QA70 F5, F6), so the connection names the cause the widget names.
   */
  anyConfigError(): RtError | null {
    // Only a subscriber of the refused table: another table's wrong column is not why this one is refused.
    const own = (table: string, members: Iterable<Pick<CarrierMember, 'spec' | 'listener'>>, error: RtError | null) => {
      for (const { spec, listener } of members) {
        const problem = spec.table === table ? listener.problem?.() : null;
        if (problem?.code === 'bad-config') return problem;
      }
      return error;
    };
    for (const g of this.#groups.values()) for (const c of g.chans) if (c.configError) return own(g.table, c.members, c.error);
    for (const t of this.#topicSubs) if (t.refusal?.code === 'bad-config') return own(t.spec.table, [t], t.refusal);
    return null;
  }

  /** The first channel carrying a subscription that has an error (the connection's, not a query's own). */
  channelError(): RtError | null {
    for (const g of this.#groups.values()) for (const s of g.subs) if (s.chan?.error) return s.chan.error;
    for (const t of this.#topicSubs) if (t.refusal) return t.refusal;
    return null;
  }

  /** One entry per subscription (feed + parameters), with the channel that carries it. */
  list(): SubscriptionInfo[] {
    const out: SubscriptionInfo[] = [];
    for (const g of this.#groups.values()) {
      const byFilter = new Map<string, Sub[]>();
      for (const s of g.subs) {
        // A Broadcast topic's group carries several tables: each subscription names its own (QA70 F8).
        const k = `${s.spec.table}|${s.spec.filter ?? ''}|${s.spec.name}`;
        const list = byFilter.get(k);
        if (list) list.push(s);
        else byFilter.set(k, [s]);
      }
      for (const subs of byFilter.values()) {
        const s = subs[0];
        const chan = s.chan;
        out.push({
          name: s.spec.name,
          table: s.spec.table,
          filter: s.spec.filter,
          status: this.#reported(g.statusOf(s)),
          refCount: subs.length,
          lastError: chan?.error ?? subs.map((x) => x.listener.problem?.()).find(Boolean) ?? null,
          channel: chan ? chan.topic : null,
          // Broadcast mode: the private topic carrying it (`org:<id>`, `user:<id>`).
          channelFilter: chan ? (g.topic ?? chan.filter) : null,
        });
      }
    }
    // Broadcast mode: refused its topics, so on no channel (QA37 N5: left out, the list read "No
    // active subscriptions" beside widgets saying why they are not live).
    const refused = new Map<string, SubscriptionInfo>();
    for (const { spec, refusal } of this.#topicSubs) {
      if (!refusal) continue;
      const k = `${spec.table}|${spec.filter ?? ''}|${spec.name}`;
      const seen = refused.get(k);
      if (seen) seen.refCount++;
      else refused.set(k, { name: spec.name, table: spec.table, filter: spec.filter, status: 'error', refCount: 1, lastError: refusal, channel: null, channelFilter: null });
    }
    return [...out, ...refused.values()];
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
          topic: c.topic, table: g.table, filter: c.filter, status: c.status, subscriptions: c.members.size,
          ...(g.topic ? { private: true } : {}),
        });
      }
    }
    return out;
  }

  /** Status of the subscription carrying an original-design name such as `stream:<id>:progress`. */
  statusByName(name: string): ConnectionStatus | null {
    for (const g of this.#groups.values()) for (const s of g.subs) if (s.spec.name === name) return this.#reported(g.statusOf(s));
    return null;
  }

  /**
   * A subscription's status as reported (`list()`, `statusByName()`): while the socket is not open,
   * the socket's own (`socketStatus`), so that it says what the connection says (QA56: every item
   * "Connecting" beside "Connection error" for a rejected key or an unreachable server). A
   * subscription's own error stays.
   */
  #reported(status: ConnectionStatus): ConnectionStatus {
    if (status === 'error' || this.hooks.socketOpen()) return status;
    return this.hooks.socketStatus?.() ?? status;
  }

  onSubscriptionsChange(cb: (s: SubscriptionInfo[]) => void): () => void {
    this.#subscriptionListeners.add(cb);
    return () => this.#subscriptionListeners.delete(cb);
  }

  /** Socket opened/closed: tell every listener (status and readiness may have changed). */
  socketChanged(): void {
    const open = this.hooks.socketOpen();
    for (const g of this.#groups.values()) g.socketChanged(open);
    this.#changed();
  }

  /**
   * The link stopped answering heartbeats, or answers again: every subscription's readiness follows
   * (an answer after a gap counts as a new epoch: stores re-read what they may have missed).
   */
  healthChanged(): void {
    for (const g of this.#groups.values()) g.healthChanged();
    this.#changed();
  }

  /** A new token arrived: reopen parked channels now (and retry refused ones). */
  resume(): void {
    for (const g of this.#groups.values()) g.resume();
    this.#changed();
  }

  /** Changes to `table` (its name on the server) went missing: its channels join again. */
  rejoin(table: string): void {
    // Broadcast mode: a topic's group carries several tables (named after its first subscriber's).
    for (const g of this.#groups.values()) if ([...g.subs].some((s) => s.spec.table === table)) g.rejoin();
    // … and whether the table still broadcasts at all (its trigger dropped: the true cause).
    this.recheckSources(table);
  }

  /**
   * Broadcast mode: the column holding the topic id of `table` (its name on the server), as last
   * read from `rt_broadcast_sources`; null otherwise. A row where it is null is sent to no topic.
   */
  topicColumn(table: string): string | null {
    return this.source(table)?.column || null;
  }

  /** Broadcast mode: how `table` (its name on the server) broadcasts, as last read from `rt_broadcast_sources`; undefined otherwise. */
  source(table: string): BroadcastSource | undefined {
    return this.mode === 'broadcast' ? this.options.topics?.knownSources?.()?.get(table) : undefined;
  }

  /**
   * Broadcast mode: whether the tables of the subscriptions (on `table`, else all) still broadcast,
   * read once now (`rt_broadcast_sources`); each one on a table that no longer does is refused with
   * that cause. Also every revalidation round: an insert or delete nothing broadcasts is never seen
   * by re-reading held rows (QA30).
   */
  recheckSources(table?: string): void {
    let fresh = true;
    for (const t of this.#topicSubs) {
      if (table !== undefined && t.spec.table !== table) continue;
      t.recheck(fresh);
      fresh = false;
    }
  }

  dispose(): void {
    this.#disposed = true;
    for (const g of this.#groups.values()) g.dispose();
    this.#groups.clear();
    this.#subscriptionListeners.clear();
    this.#topicSubs.clear();
  }

  /** Something shown in `list()` changed outside the channels (a listener's problem): tell its listeners. */
  touch(): void {
    this.#changed();
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
}
