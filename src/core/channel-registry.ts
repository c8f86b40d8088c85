/**
 * Shared channels: one realtime channel per distinct (table, filter), reference-counted and
 * released after a linger, whatever the number of widgets. Tracks each channel's readiness:
 * joined AND the server's `system` "Subscribed to PostgreSQL" message (realtime-js reports
 * SUBSCRIBED on the join reply, before changes actually flow). Recreates channels the server
 * closed (e.g. on token expiry) after refreshing the token.
 */
import type { ChangeListener, ChannelSpec, ChannelState, RowChange } from './client-types.js';
import type { ConnectionStatus, MonitoredTable, RtError, SubscriptionInfo } from './types.js';
import type { RealtimeChannelLike, RealtimeClientLike } from './supabase-like.js';
import { fromRealtimeReason, isTokenProblem, messageOf, rtError } from './errors.js';
import { observeServerTime } from './server-clock.js';

/** How long a channel nobody uses stays joined (moving an element in the DOM must not churn joins). */
export const CHANNEL_LINGER_MS = 1000;

export interface RegistryHooks {
  /** Something changed that may affect the connection status. */
  changed(): void;
  /** The server refused/expired our token: get a fresh one into the realtime client. Resolves to success. */
  refreshToken(reason: string): Promise<boolean>;
  /** Whether the socket is open right now. */
  socketOpen(): boolean;
  /** Resolves when the user's token is in the realtime client (so the first join carries it). */
  authReady(): Promise<unknown>;
  /** The session has expired (no fresh token could be obtained). */
  sessionExpired(): boolean;
  /** Whether asking again may give a fresh token (a callback); if not, expired channels park until `resume()`. */
  renewable(): boolean;
}

interface Entry {
  key: string;
  table: MonitoredTable;
  filter: string | null;
  names: Set<string>;
  listeners: Set<ChangeListener<any>>;
  refs: number;
  channel: RealtimeChannelLike | null;
  joined: boolean;
  pgReady: boolean;
  epoch: number;
  error: RtError | null;
  /** The Postgres subscription failed for good (bad filter / table not published). */
  configError: boolean;
  linger: ReturnType<typeof setTimeout> | undefined;
  reopen: ReturnType<typeof setTimeout> | undefined;
  reopenTries: number;
  /** Re-subscriptions attempted after a postgres_changes error (e.g. joined before the token was set). */
  configRetries: number;
  opening: boolean;
  /** Closed by the server and waiting for a new token (`resume()`), not rejoining with a dead one. */
  parked: boolean;
}

let topicSeq = 0;

export class ChannelRegistry {
  private readonly entries = new Map<string, Entry>();
  private readonly subscriptionListeners = new Set<(s: SubscriptionInfo[]) => void>();
  private disposed = false;

  constructor(
    private readonly realtime: RealtimeClientLike,
    private readonly hooks: RegistryHooks,
  ) {}

  subscribe<R>(spec: ChannelSpec, listener: ChangeListener<R>): () => void {
    const key = `${spec.table}|${spec.filter ?? ''}`;
    let entry = this.entries.get(key);
    if (!entry) {
      entry = {
        key, table: spec.table, filter: spec.filter, names: new Set(), listeners: new Set(), refs: 0, channel: null,
        joined: false, pgReady: false, epoch: 0, error: null, configError: false, linger: undefined, reopen: undefined,
        reopenTries: 0, configRetries: 0, opening: false, parked: false,
      };
      this.entries.set(key, entry);
      this.open(entry);
    }
    clearTimeout(entry.linger);
    entry.linger = undefined;
    entry.refs++;
    entry.names.add(spec.name);
    entry.listeners.add(listener);
    listener.onState(this.stateOf(entry));
    this.changed();
    const e = entry;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      e.listeners.delete(listener);
      e.refs--;
      if (e.refs <= 0) {
        clearTimeout(e.linger);
        e.linger = setTimeout(() => this.close(e), CHANNEL_LINGER_MS);
      }
      this.changed();
    };
  }

  /** Number of channels rt-monitor holds open (joined or joining). */
  get size(): number {
    return this.entries.size;
  }

  allReady(): boolean {
    for (const e of this.entries.values()) if (!this.ready(e)) return false;
    return true;
  }

  anyConfigError(): RtError | null {
    for (const e of this.entries.values()) if (e.configError) return e.error;
    return null;
  }

  list(): SubscriptionInfo[] {
    return [...this.entries.values()].map((e) => ({
      name: [...e.names][0] ?? `${e.table}:${e.filter ?? '*'}`,
      table: e.table,
      filter: e.filter,
      status: this.statusOf(e),
      refCount: e.refs,
      lastError: e.error,
    }));
  }

  /** Status of the channel carrying an original-design name such as `stream:<id>:progress`. */
  statusByName(name: string): ConnectionStatus | null {
    for (const e of this.entries.values()) if (e.names.has(name)) return this.statusOf(e);
    return null;
  }

  onSubscriptionsChange(cb: (s: SubscriptionInfo[]) => void): () => void {
    this.subscriptionListeners.add(cb);
    return () => this.subscriptionListeners.delete(cb);
  }

  /** Socket opened/closed: tell every listener (status and readiness may have changed). */
  socketChanged(): void {
    for (const e of this.entries.values()) {
      if (!this.hooks.socketOpen()) {
        e.joined = false;
        e.pgReady = false;
      }
      this.broadcastState(e);
    }
    this.changed();
  }

  /** A new token arrived: reopen parked channels now (and retry refused ones). */
  resume(): void {
    for (const e of this.entries.values()) {
      if (!e.parked && e.channel) continue;
      e.parked = false;
      e.reopenTries = 0;
      clearTimeout(e.reopen);
      if (!e.channel) this.open(e);
    }
    this.changed();
  }

  dispose(): void {
    this.disposed = true;
    for (const e of this.entries.values()) {
      clearTimeout(e.linger);
      clearTimeout(e.reopen);
      if (e.channel) void this.remove(e, e.channel);
    }
    this.entries.clear();
    this.subscriptionListeners.clear();
  }

  // ---- internals ------------------------------------------------------------------------

  private ready(e: Entry): boolean {
    return e.joined && e.pgReady && this.hooks.socketOpen();
  }

  private statusOf(e: Entry): ConnectionStatus {
    if (this.ready(e)) return 'connected';
    if (e.configError || e.parked) return 'error';
    if (!this.hooks.socketOpen()) return e.epoch > 0 ? 'disconnected' : 'connecting';
    // The socket is up but the server refused this channel (e.g. "Too many channels"): say so,
    // rather than "connecting" forever. realtime-js keeps retrying; a later join clears the error.
    if (e.error) return 'error';
    return 'connecting';
  }

  private stateOf(e: Entry): ChannelState {
    return { status: this.statusOf(e), ready: this.ready(e), epoch: e.epoch, error: e.error };
  }

  private broadcastState(e: Entry): void {
    const state = this.stateOf(e);
    for (const l of [...e.listeners]) l.onState(state);
  }

  private changed(): void {
    this.hooks.changed();
    if (!this.subscriptionListeners.size) return;
    const list = this.list();
    for (const cb of [...this.subscriptionListeners]) cb(list);
  }

  private open(e: Entry): void {
    if (this.disposed || e.opening) return;
    e.opening = true;
    // Join only once the token is in place: a join without it runs as `anon`.
    void this.hooks
      .authReady()
      .catch(() => {})
      .then(() => {
        e.opening = false;
        if (this.disposed || this.entries.get(e.key) !== e || e.channel) return;
        this.openNow(e);
      });
  }

  private openNow(e: Entry): void {
    const topic = `rt-monitor:${e.table}:${e.filter ?? '*'}:${++topicSeq}`;
    let channel: RealtimeChannelLike;
    try {
      channel = this.realtime.channel(topic, { config: { broadcast: { ack: false, self: false }, presence: { key: '', enabled: false }, private: false } });
      channel.on('postgres_changes', { event: '*', schema: 'public', table: e.table, ...(e.filter ? { filter: e.filter } : {}) }, (payload) =>
        this.onPayload(e, channel, payload),
      );
      channel.on('system', {}, (payload) => this.onSystem(e, channel, payload));
      channel.subscribe((status, err) => this.onStatus(e, channel, status, err));
    } catch (err) {
      e.error = rtError('bad-config', `Could not open a realtime channel: ${messageOf(err)}`);
      e.configError = true;
      this.broadcastState(e);
      this.changed();
      return;
    }
    e.channel = channel;
  }

  private onPayload(e: Entry, channel: RealtimeChannelLike, payload: any): void {
    if (e.channel !== channel || !payload) return;
    if (Array.isArray(payload.errors) && payload.errors.length) {
      // "Error 401: Unauthorized" / "Error 413: Payload Too Large": the row is not usable; resync instead.
      e.epoch++;
      this.broadcastState(e);
      return;
    }
    observeServerTime(payload.commit_timestamp);
    const type = String(payload.eventType ?? payload.type ?? '').toUpperCase();
    if (type !== 'INSERT' && type !== 'UPDATE' && type !== 'DELETE') return;
    const change: RowChange<any> = {
      type,
      new: type === 'DELETE' ? null : (payload.new ?? payload.record ?? null),
      old: type === 'INSERT' ? null : (payload.old ?? payload.old_record ?? null),
    };
    for (const l of [...e.listeners]) l.onChange(change);
  }

  private onSystem(e: Entry, channel: RealtimeChannelLike, payload: any): void {
    if (e.channel !== channel || !payload) return;
    const message = String(payload.message ?? '');
    if (payload.extension === 'postgres_changes') {
      if (payload.status === 'ok') {
        if (!e.pgReady) {
          e.pgReady = true;
          e.configError = false;
          e.error = null;
          e.reopenTries = 0;
          if (e.joined) e.epoch++;
          this.broadcastState(e);
          this.changed();
        }
      } else {
        e.pgReady = false;
        e.error = fromRealtimeReason(message || 'postgres_changes subscription failed');
        e.configError = e.error.code === 'bad-config';
        if (e.configRetries < 1) {
          // Once: the subscription may have been checked against a token that was being
          // replaced (or a role not yet allowed). Re-open the channel before calling it an error.
          e.configRetries++;
          e.configError = false;
          this.replace(e, channel, 500);
        }
        this.broadcastState(e);
        this.changed();
      }
      return;
    }
    if (payload.status === 'error') {
      // Channel-fatal (token expired, permissions lost…): phx_close follows; remember why.
      e.error = fromRealtimeReason(message);
      e.pgReady = false;
      e.joined = false;
      this.broadcastState(e);
      this.changed();
    }
  }

  private onStatus(e: Entry, channel: RealtimeChannelLike, status: string, err?: Error): void {
    if (e.channel !== channel) return;
    switch (status) {
      case 'SUBSCRIBED':
        e.joined = true;
        // Ready when the system message arrives (it may already have: then count the epoch now).
        if (e.pgReady) e.epoch++;
        break;
      case 'CHANNEL_ERROR':
      case 'TIMED_OUT': {
        e.joined = false;
        e.pgReady = false;
        const reason = err ? messageOf(err) : status === 'TIMED_OUT' ? 'join timed out' : 'channel error';
        if (!/socket closed|heartbeat timeout/i.test(reason)) e.error = fromRealtimeReason(reason);
        if (isTokenProblem(reason)) void this.hooks.refreshToken(reason); // realtime-js retries the join with the new token
        break;
      }
      case 'CLOSED':
        // We did not ask for this: the server closed the channel (token expired, permission
        // lost, server restart). realtime-js will not rejoin it; open a new one.
        e.joined = false;
        e.pgReady = false;
        e.channel = null;
        this.scheduleReopen(e);
        break;
    }
    this.broadcastState(e);
    this.changed();
  }

  private replace(e: Entry, channel: RealtimeChannelLike, delay: number): void {
    e.channel = null;
    e.joined = false;
    e.pgReady = false;
    void this.remove(e, channel);
    clearTimeout(e.reopen);
    e.reopen = setTimeout(() => {
      if (!this.disposed && this.entries.get(e.key) === e && !e.channel) this.open(e);
    }, delay);
  }

  private scheduleReopen(e: Entry): void {
    if (this.disposed || this.entries.get(e.key) !== e) return;
    clearTimeout(e.reopen);
    const delay = [100, 1000, 2000, 5000, 10_000][Math.min(e.reopenTries, 4)];
    e.reopenTries++;
    e.reopen = setTimeout(async () => {
      if (this.disposed || this.entries.get(e.key) !== e || e.channel) return;
      if (e.error && (isTokenProblem(e.error.detail ?? e.error.message) || e.error.code === 'session-expired')) {
        const ok = await this.hooks.refreshToken(e.error.message);
        if (!ok) {
          e.error = this.hooks.sessionExpired()
            ? rtError('session-expired', 'The session has expired: waiting for a new access token.', e.error.detail)
            : rtError('unauthorized', 'The access token expired and no fresh one could be obtained.', e.error.detail);
          if (this.hooks.sessionExpired() && !this.hooks.renewable()) e.parked = true;
          this.broadcastState(e);
          this.changed();
          if (e.parked) return; // rejoining with the dead token would only be refused again
        }
      }
      if (this.disposed || this.entries.get(e.key) !== e || e.channel) return;
      this.open(e);
    }, delay);
  }

  private close(e: Entry): void {
    if (e.refs > 0 || this.entries.get(e.key) !== e) return;
    this.entries.delete(e.key);
    clearTimeout(e.reopen);
    const channel = e.channel;
    e.channel = null;
    if (channel) void this.remove(e, channel);
    this.changed();
  }

  private async remove(_e: Entry, channel: RealtimeChannelLike): Promise<void> {
    try {
      await this.realtime.removeChannel(channel);
    } catch {
      /* the socket may be gone; the channel is dropped either way */
    }
  }
}
