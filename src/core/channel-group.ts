/**
 * One group of ./channel-registry.ts: the subscriptions that share channels (same table and
 * equality column, same exact filter, or same private topic), the channels that carry them
 * (./channel-carrier.ts), and the re-packing that fits the channels to the subscriptions, applying
 * the plans of ./channel-packing.ts. It also says what each of its subscriptions' state is.
 *
 * Re-packing (a new value that no live channel carries) is *make-before-break*: the new channel is
 * joined and confirmed ("Subscribed to PostgreSQL") while the old one keeps delivering; only then
 * do the old channel's subscriptions move over and the old channel close. A subscription that was
 * live stays live across a re-pack (no new epoch, no stale phase) and re-reads its snapshot quietly
 * (`ChannelState.reread`: changes in flight on the old channel may be lost with it); a new one is
 * not ready until its channel is, so the subscribe-before-snapshot guarantee holds. Packing waits {@link PACK_DELAY_MS}
 * so the widgets mounted in one frame cost one join.
 */
import type { ChangeListener, ChannelSpec, ChannelState } from './client-types.js';
import type { ConnectionStatus, MonitoredTable } from './types.js';
import type { RealtimeClientLike } from './supabase-like.js';
import type { CarrierHost, CarrierMember, CarrierScope, ChannelHooks } from './channel-types.js';
import { carrierOf, planPacking } from './channel-packing.js';
import { Carrier } from './channel-carrier.js';

/** How long a channel nobody uses stays joined (moving an element in the DOM must not churn joins). */
export const CHANNEL_LINGER_MS = 1000;
/** Subscriptions made within this window are packed into one re-pack (one join). */
export const PACK_DELAY_MS = 16;

/** One consumer's subscription (a live-query store). */
export interface Sub extends CarrierMember {
  chan: Chan | null;
  /** Bumped each time this subscription becomes ready after not being ready: "resync". */
  epoch: number;
  wasReady: boolean;
  /** Bumped when it moved to a replacement channel while ready: "re-read quietly" (ChannelState.reread). */
  reread: number;
}

/** One realtime channel of a group. */
type Chan = Carrier<Sub, ChannelGroup>;

/** What a group asks of its registry. */
export interface GroupEnv {
  readonly realtime: RealtimeClientLike;
  readonly hooks: ChannelHooks;
  disposed(): boolean;
  /** Whether `g` is still the registry's group for its key (not dropped). */
  current(g: ChannelGroup): boolean;
  /** `g` closed its channels after its last subscription left: forget it. */
  drop(g: ChannelGroup): void;
  /** Something changed that may affect the connection status or the subscription list. */
  changed(): void;
}

/** Subscriptions packed together, and the channels that carry them. */
export class ChannelGroup implements CarrierScope {
  /** The registry's key for the group (./channel-packing.ts, `groupingOf`). */
  readonly key: string;
  readonly table: MonitoredTable;
  readonly column: string | null;
  readonly filter: string | null;
  readonly topic: string | null;
  readonly subs = new Set<Sub>();
  readonly chans = new Set<Chan>();
  readonly #env: GroupEnv;
  readonly #host: CarrierHost<Chan>;
  #repack: ReturnType<typeof setTimeout> | undefined;
  #repackDue = 0;
  #linger: ReturnType<typeof setTimeout> | undefined;

  constructor(scope: CarrierScope & { key: string }, env: GroupEnv) {
    this.key = scope.key;
    this.table = scope.table;
    this.column = scope.column;
    this.filter = scope.filter;
    this.topic = scope.topic;
    this.#env = env;
    this.#host = {
      realtime: env.realtime,
      hooks: env.hooks,
      disposed: () => env.disposed(),
      changed: (c) => this.#chanChanged(c),
      confirmed: (c) => {
        if (c.ready) this.#takeOver(c);
        this.#chanChanged(c);
      },
      // A change it could not send whole: the channel is up and delivering, so a quiet re-read
      // (Live kept), not a new epoch (stale: "reconnecting" over a socket that is up, QA21 F6).
      resync: (c) => {
        for (const s of [...c.members]) {
          s.reread++;
          s.listener.onState(this.stateOf(s));
        }
      },
    };
  }

  /** Adds a subscription: on the live channel carrying its value, or on the next re-pack. */
  add(spec: ChannelSpec, listener: ChangeListener<any>, value: string | null): Sub {
    clearTimeout(this.#linger);
    this.#linger = undefined;
    const sub: Sub = { spec, listener, value, chan: null, epoch: 0, wasReady: false, reread: 0 };
    this.subs.add(sub);
    const carrier = carrierOf(this.chans, sub.value);
    if (carrier) this.#attach(sub, carrier);
    else this.#scheduleRepack();
    return sub;
  }

  /** Removes a subscription; channels nobody needs any more close after {@link CHANNEL_LINGER_MS}. */
  remove(sub: Sub): void {
    this.subs.delete(sub);
    sub.chan?.members.delete(sub);
    sub.chan = null;
    if (this.subs.size === 0) {
      clearTimeout(this.#linger);
      this.#linger = setTimeout(() => this.#closeIfUnused(), CHANNEL_LINGER_MS);
    } else {
      // Channels none of whose values are wanted any more close after the linger.
      this.#scheduleRepack(CHANNEL_LINGER_MS);
    }
  }

  /** Socket opened/closed: tell every subscription. */
  socketChanged(open: boolean): void {
    for (const c of [...this.chans]) c.socketChanged(open);
    for (const s of this.subs) this.#tell(s);
  }

  /** The link's health changed: tell every subscription. */
  healthChanged(): void {
    // A replacement confirmed while the link was late takes over now.
    for (const c of [...this.chans]) if (c.replaces.size && c.ready) this.#takeOver(c);
    for (const s of this.subs) this.#tell(s);
  }

  /** A new token arrived: reopen parked channels now (and retry refused ones). */
  resume(): void {
    for (const c of this.chans) c.resume();
  }

  /** Its channels missed changes: each joins again (Carrier.rejoin). */
  rejoin(): void {
    for (const c of this.chans) c.rejoin();
  }

  dispose(): void {
    clearTimeout(this.#repack);
    clearTimeout(this.#linger);
    for (const c of this.chans) this.#close(c);
  }

  // ---- packing --------------------------------------------------------------------------

  #scheduleRepack(delay = PACK_DELAY_MS): void {
    if (this.#env.disposed()) return;
    const due = performance.now() + delay;
    if (this.#repack !== undefined && this.#repackDue <= due) return; // an earlier re-pack is already due
    clearTimeout(this.#repack);
    this.#repackDue = due;
    this.#repack = setTimeout(() => {
      this.#repack = undefined;
      this.#repackNow();
    }, delay);
  }

  /** Make the group's channels carry exactly the values wanted (make-before-break). */
  #repackNow(): void {
    if (this.#env.disposed() || !this.#env.current(this)) return;
    if (this.column === null) {
      // One channel for the exact filter.
      const live = [...this.chans].filter((c) => !c.closed && !c.retiring);
      if (this.subs.size && !live.length) {
        const c = this.#newChan(null);
        for (const s of this.subs) this.#attach(s, c);
        c.open();
      }
      if (!this.subs.size) for (const c of live) this.#close(c);
      this.#env.changed();
      return;
    }
    const wanted = [...this.subs].flatMap((s) => (s.value === null ? [] : [s.value]));
    const plan = planPacking(wanted, this.chans);
    for (const c of plan.close) this.#close(c);
    for (const { values, replaces } of plan.open) {
      const c = this.#newChan(new Set(values));
      if (replaces) {
        c.replaces.add(replaces);
        replaces.retiring = c;
      }
      // New values attach at once (not ready until this channel is); values carried by the
      // replaced channel stay there until this one is ready.
      for (const s of this.subs) if (s.value !== null && values.includes(s.value) && (!s.chan || s.chan.closed)) this.#attach(s, c);
      c.open();
    }
    this.#env.changed();
  }

  #newChan(values: Set<string> | null): Chan {
    const c: Chan = new Carrier(this, values, this.#host);
    this.chans.add(c);
    return c;
  }

  #attach(s: Sub, c: Chan): void {
    s.chan?.members.delete(s);
    s.chan = c;
    c.members.add(s);
    this.#tell(s);
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
      if (old.members.size) this.#scheduleRepack();
      this.#close(old);
    }
    c.replaces.clear();
  }

  #closeIfUnused(): void {
    if (this.subs.size > 0 || !this.#env.current(this)) return;
    clearTimeout(this.#repack);
    for (const c of this.chans) this.#close(c);
    this.#env.drop(this);
  }

  #close(c: Chan): void {
    if (c.closed) return;
    this.chans.delete(c);
    c.close();
  }

  // ---- state of a subscription ----------------------------------------------------------

  /** Its channel is ready (joined, confirmed, link healthy). */
  ready(s: Sub): boolean {
    return !!s.chan && s.chan.ready;
  }

  statusOf(s: Sub): ConnectionStatus {
    const hooks = this.#env.hooks;
    if (!s.chan) return hooks.socketOpen() || !s.wasReady ? 'connecting' : 'disconnected';
    if (this.ready(s)) return 'connected';
    if (!hooks.socketOpen()) return s.wasReady ? 'disconnected' : 'connecting';
    return s.chan.status;
  }

  stateOf(s: Sub): ChannelState {
    const ready = this.ready(s);
    const error = s.chan?.error ?? (ready ? null : (this.#env.hooks.socketFailing?.() ?? null));
    return { status: this.statusOf(s), ready, epoch: s.epoch, error, reread: s.reread };
  }

  /** Tells a subscription its state (a new epoch when it becomes ready). */
  #tell(s: Sub): void {
    const ready = this.ready(s);
    if (ready && !s.wasReady) s.epoch++;
    s.wasReady = ready;
    s.listener.onState(this.stateOf(s));
  }

  /** A channel's state changed: its members hear their new state, the registry that it changed. */
  #chanChanged(c: Chan): void {
    for (const s of [...c.members]) this.#tell(s);
    this.#env.changed();
  }
}
