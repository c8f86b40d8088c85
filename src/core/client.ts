/**
 * rt-monitor's client: one WebSocket, shared channels, live queries, connection health.
 *
 *   const client = createRtClient({ url, anonKey, accessToken: async () => session.access_token });
 *   const client = createRtClient({ client: supabase });   // reuse a host page's SupabaseClient
 *
 * Built on a narrow Supabase interface (src/core/supabase-like.ts): when no host client is given
 * it composes `@supabase/realtime-js` and a small PostgREST client (./rest.ts) only (no auth-js/storage-js).
 */
import { RealtimeClient } from '@supabase/realtime-js';
import { createRest } from './rest.js';
import type { ChannelSpec, ChangeListener, ChannelsInfo, CountResult, LiveSource, RtClientApi, SnapshotQuery, SnapshotResult } from './client-types.js';
import type { ConnectionDetail, ConnectionStatus, MonitoredTable, RtError, SubscriptionInfo } from './types.js';
import { LiveHub, type WriteReadRequest } from './live-hub.js';
import { CHANNELS_PER_CONNECTION, ChannelRegistry } from './channel-registry.js';
import { TokenSource, type AccessTokenOption } from './tokens.js';
import { tokenExpiry, tokenUserId } from './jwt.js';
import { fromRestError, isTokenProblem, messageOf, rtError } from './errors.js';
import type { RealtimeClientLike, RealtimeInternals, RestLike, SupabaseLike } from './supabase-like.js';
import { registerConnectionHandlersOnce } from './socket-hygiene.js';

export type { SupabaseLike } from './supabase-like.js';

export interface RtClientOptions {
  /** Project URL, e.g. `https://xyz.supabase.co` (or the local backend's `http://127.0.0.1:54321`). */
  url?: string;
  /** The anon (publishable) key. */
  anonKey?: string;
  /** The user's access token, or an async function returning a fresh one. */
  accessToken?: AccessTokenOption;
  /** A host page's own SupabaseClient to reuse (its socket and its session). */
  client?: SupabaseLike;
  /** Heartbeat interval of rt-monitor's own socket; a dead socket is noticed within twice this. Default 12 500 ms. */
  heartbeatIntervalMs?: number;
  /** Realtime serializer version ('1.0.0' or '2.0.0', the default). */
  vsn?: string;
}

export const HEARTBEAT_INTERVAL_MS = 12_500;
/** A heartbeat unanswered this long makes every channel "not live" until an answer arrives. */
export const HEARTBEAT_LATE_MS = 4000;
const RECONNECT_DELAYS = [1000, 2000, 5000, 10_000];
/** Watchdog: probe a socket silent for this long; give up on a probe unanswered for PROBE_TIMEOUT_MS. */
const PROBE_IDLE_MS = 15_000;
const PROBE_TIMEOUT_MS = 8000;
const WATCHDOG_TICK_MS = 2500;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class RtClient extends LiveHub implements RtClientApi {
  /** The realtime client in use (rt-monitor's own or the host's). Null when misconfigured. */
  readonly realtime: RealtimeClientLike | null = null;
  /** The configuration problem, if the client could not be built. */
  readonly configError: RtError | null = null;

  protected readonly source: LiveSource;
  private readonly rest: RestLike | null = null;
  private readonly registry: ChannelRegistry | null = null;
  private readonly tokens: TokenSource;
  private readonly ownsRealtime: boolean;
  private readonly connectionListeners = new Set<(d: ConnectionDetail) => void>();
  private detail: ConnectionDetail;
  private everOpened = false;
  private attempt = 0;
  private nextRetryAt: number | null = null;
  private latencyMs: number | null = null;
  private lastHeartbeatAt: number | null = null;
  private lastActivityAt = Date.now();
  private probeSentAt: number | null = null;
  /** A heartbeat went unanswered for HEARTBEAT_LATE_MS (see onHeartbeat). */
  private linkLate = false;
  private lateTimer: ReturnType<typeof setTimeout> | undefined;
  private socketError: RtError | null = null;
  private tokenError: RtError | null = null;
  private staleSince: number | null = null;
  private retryTick: ReturnType<typeof setTimeout> | undefined;
  private watchdog: ReturnType<typeof setInterval> | undefined;
  private refreshing: Promise<boolean> | null = null;
  private orgCache = new Map<string, Promise<string | null>>();
  private auth: Promise<unknown> | null = null;
  private readonly cleanups: Array<() => void> = [];
  private readonly sessionListeners = new Set<(error: RtError) => void>();
  private readonly userListeners = new Set<(userId: string | null) => void>();
  /** `rt-session-expired` was announced for the current expiry (once until a new token arrives). */
  private expiryAnnounced = false;

  constructor(options: RtClientOptions = {}) {
    super();
    const host = options.client;
    this.ownsRealtime = !host;
    this.tokens = new TokenSource(options.accessToken, host);
    this.tokens.onUserChange = (user) => {
      for (const cb of [...this.userListeners]) cb(user);
    };
    this.detail = {
      status: 'disconnected', attempt: 0, nextRetryAt: null, latencyMs: null, lastHeartbeatAt: null,
      lastError: null, staleSince: null, tokenExpiresAt: this.tokens.expiresAt,
    };
    this.source = {
      subscribe: <R>(spec: ChannelSpec, listener: ChangeListener<R>) => this.subscribeChannel(spec, listener),
      select: <R>(query: SnapshotQuery) => this.select<R>(query),
      count: (table, eq) => this.count(table, eq),
    };

    try {
      if (host) {
        if (!host.realtime || typeof host.from !== 'function') throw new Error('`client` must be a SupabaseClient (with `realtime` and `from()`).');
        this.realtime = host.realtime;
        this.rest = host;
      } else {
        const { url, anonKey } = options;
        if (!url && !anonKey) {
          throw Object.assign(new Error('rt-monitor is not configured: give <rt-provider> supabase-url and anon-key, or call RtMonitor.configure({ url, anonKey }).'), { code: 'not-configured' });
        }
        if (!url) throw new Error('No Supabase URL given (supabase-url / url).');
        if (!anonKey) throw new Error('No anon key given (anon-key / anonKey).');
        let base: URL;
        try {
          base = new URL(url);
        } catch {
          throw new Error(`"${url}" is not a valid URL.`);
        }
        if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new Error(`"${url}" must be an http(s) URL.`);
        const root = base.href.replace(/\/+$/, '');
        const wsRoot = root.replace(/^http/, 'ws');
        const tokens = this.tokens;
        const hasUserToken = options.accessToken !== undefined && options.accessToken !== null && options.accessToken !== '';
        this.realtime = new RealtimeClient(`${wsRoot}/realtime/v1`, {
          params: { apikey: anonKey },
          worker: false, // no blob worker: CSP-strict hosts
          heartbeatIntervalMs: options.heartbeatIntervalMs ?? HEARTBEAT_INTERVAL_MS,
          heartbeatCallback: (status, latency) => this.onHeartbeat(status, latency),
          reconnectAfterMs: (tries: number) => this.onRetryScheduled(tries, RECONNECT_DELAYS[tries - 1] ?? 10_000),
          ...(hasUserToken ? { accessToken: () => tokens.get() } : {}),
          ...(options.vsn ? { vsn: options.vsn } : {}),
          disconnectOnEmptyChannelsAfterMs: 5 * 60_000,
        }) as unknown as RealtimeClientLike;
        registerConnectionHandlersOnce(this.realtime); // realtime-js adds 3 socket callbacks per connect() (socket-hygiene.ts)
        this.rest = createRest({ url: `${root}/rest/v1`, anonKey, token: () => tokens.get() });
      }
    } catch (err) {
      const code = (err as { code?: string }).code === 'not-configured' ? 'not-configured' : 'bad-config';
      this.configError = rtError(code, messageOf(err));
      this.detail = { ...this.detail, status: 'error', lastError: this.configError };
      return;
    }

    this.registry = new ChannelRegistry(this.realtime!, {
      changed: () => this.recompute(),
      refreshToken: (reason) => this.refreshToken(reason),
      socketOpen: () => this.socketOpen(),
      linkHealthy: () => !this.linkLate,
      authReady: () => this.authReady(),
      sessionExpired: () => this.tokenError?.code === 'session-expired',
      renewable: () => this.tokens.refreshable,
    });
    this.installHooks(host);
  }

  // ---- RtClientApi ----------------------------------------------------------------------

  getConnection(): ConnectionDetail {
    return { ...this.detail };
  }

  onConnection(callback: (detail: ConnectionDetail) => void): () => void {
    this.connectionListeners.add(callback);
    // Someone watches the connection: make sure there is one to watch.
    if (this.realtime && !this.disposed && !this.socketOpen() && this.realtime.connectionState?.() !== 'connecting') {
      try {
        this.realtime.connect();
      } catch {
        /* reported through the status */
      }
    }
    this.startWatchdog();
    this.recompute();
    return () => this.connectionListeners.delete(callback);
  }

  getActiveSubscriptions(): SubscriptionInfo[] {
    return this.registry?.list() ?? [];
  }

  onSubscriptionsChange(callback: (subscriptions: SubscriptionInfo[]) => void): () => void {
    return this.registry?.onSubscriptionsChange(callback) ?? (() => {});
  }

  /** Status of the channel carrying an original-design name, e.g. `stream:<id>:progress`. */
  getChannelStatus(name: string): ConnectionStatus | null {
    return this.registry?.statusByName(name) ?? null;
  }

  /**
   * The realtime channels carrying the subscriptions (packed by table and column: see
   * src/core/channel-registry.ts), and Supabase's per-connection limit they count against.
   */
  getChannels(): ChannelsInfo {
    return { limit: CHANNELS_PER_CONNECTION, channels: this.registry?.channels() ?? [] };
  }

  /** Number of channels rt-monitor holds (diagnostics and tests). */
  get channelCount(): number {
    return this.registry?.size ?? 0;
  }

  async getUserId(): Promise<string | null> {
    if (this.configError) return null;
    return tokenUserId(await this.tokens.get());
  }

  async getOrgId(): Promise<string | null> {
    const user = await this.getUserId();
    if (!user || !this.rest) return null;
    let cached = this.orgCache.get(user);
    if (!cached) {
      cached = (async () => {
        try {
          const res = await this.rest!.from('org_members').select('org_id').eq('user_id', user).order('created_at', { ascending: true }).limit(1);
          return (res.data?.[0]?.org_id as string | undefined) ?? null;
        } catch {
          return null;
        }
      })();
      this.orgCache.set(user, cached);
      void cached.then((org) => {
        if (org === null) this.orgCache.delete(user); // try again next time
      });
    }
    return cached;
  }

  reconnect(): void {
    void this.reconnectNow();
  }

  /**
   * Hand over a new access token now (after `rt-session-expired`, or whenever the host has a
   * newer one). Parked channels rejoin with it and every query that is not live re-reads its
   * snapshot: the widgets recover without a reload. A token of another user needs a new client
   * (the provider and `RtMonitor.setAccessToken()` take care of that).
   */
  setAccessToken(token: string | null): void {
    if (this.disposed || this.configError) return;
    this.tokens.set(token);
    this.tokenError = null;
    this.expiryAnnounced = false;
    void (async () => {
      try {
        if (this.realtime && token) await this.realtime.setAuth(token);
      } catch {
        /* a refused token shows up on the channels */
      }
      this.registry?.resume();
      for (const store of this.liveStores()) if (store.state.phase !== 'live') store.refresh();
      this.recompute();
    })();
    this.recompute();
  }

  /**
   * Called once each time the session expires with no way to renew it (a fixed token past its
   * `exp`, or a token callback that gave no fresh token). Answer with {@link setAccessToken}.
   */
  onSessionExpired(callback: (error: RtError) => void): () => void {
    this.sessionListeners.add(callback);
    return () => this.sessionListeners.delete(callback);
  }

  /** Called when the token source starts returning another user's token (or none). */
  onUserChange(callback: (userId: string | null) => void): () => void {
    this.userListeners.add(callback);
    return () => this.userListeners.delete(callback);
  }

  /** Ask the token source for a fresh token now and hand it to the realtime channels. */
  refreshAuth(): Promise<boolean> {
    return this.refreshToken('refresh requested');
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.stopAllStores();
    this.registry?.dispose();
    clearTimeout(this.retryTick);
    clearTimeout(this.lateTimer);
    clearInterval(this.watchdog);
    for (const c of this.cleanups.splice(0)) c();
    if (this.ownsRealtime && this.realtime) void this.realtime.disconnect().catch(() => {});
    this.recompute();
    this.connectionListeners.clear();
  }

  // ---- transport ------------------------------------------------------------------------

  private subscribeChannel<R>(spec: ChannelSpec, listener: ChangeListener<R>): () => void {
    const problem = this.configError ?? this.validate(spec.filter ? [spec.filter.split('=eq.') as [string, string]] : []);
    if (problem || !this.registry) {
      listener.onState({ status: 'error', ready: false, epoch: 0, error: problem });
      return () => {};
    }
    this.startWatchdog();
    return this.registry.subscribe(spec, listener);
  }

  private validate(eq: ReadonlyArray<readonly [string, string]>): RtError | null {
    for (const [column, value] of eq) {
      if (!UUID.test(value)) return rtError('bad-config', `"${value}" is not a valid id for ${column} (expected a UUID).`);
    }
    return null;
  }

  private async select<R>(query: SnapshotQuery): Promise<SnapshotResult<R>> {
    const problem = this.configError ?? this.validate(query.eq);
    if (problem || !this.rest) return { rows: null, error: problem ?? rtError('not-configured', 'No client.') };
    const run = async () => {
      let q = this.rest!.from(query.table).select('*');
      for (const [column, value] of query.eq) q = q.eq(column, value);
      if (query.order) q = q.order(query.order.column, { ascending: query.order.ascending });
      if (query.single) q = q.limit(1);
      else if (query.limit !== undefined) q = q.limit(query.limit);
      return (await q) as { data: R[] | null; error: any; status?: number };
    };
    try {
      let res = await run();
      if (res.error && (res.status === 401 || res.status === 403) && this.tokens.refreshable) {
        await this.tokens.get(true); // expired session: one retry with a fresh token
        res = await run();
      }
      if (res.error) return { rows: null, error: await this.restError(res.error, res.status) };
      return { rows: Array.isArray(res.data) ? res.data : res.data ? [res.data as unknown as R] : [], error: null };
    } catch (err) {
      return { rows: null, error: rtError('network', `Cannot reach the server: ${messageOf(err)}`) };
    }
  }

  /** `HEAD /rest/v1/<table>?<eq…>` with `Prefer: count=exact` (through the narrow REST interface). */
  private async count(table: MonitoredTable, eq: ReadonlyArray<readonly [string, string]>): Promise<CountResult> {
    const problem = this.configError ?? this.validate(eq.filter(([column]) => column === 'id' || column.endsWith('_id')));
    if (problem || !this.rest) return { count: null, error: problem ?? rtError('not-configured', 'No client.') };
    const run = async () => {
      let q = this.rest!.from(table).select('*', { count: 'exact', head: true });
      for (const [column, value] of eq) q = q.eq(column, value);
      return (await q) as { count?: number | null; error: any; status?: number };
    };
    try {
      let res = await run();
      if (res.error && (res.status === 401 || res.status === 403) && this.tokens.refreshable) {
        await this.tokens.get(true);
        res = await run();
      }
      if (res.error) return { count: null, error: await this.restError(res.error, res.status) };
      if (typeof res.count !== 'number') return { count: null, error: rtError('server', 'The server sent no count (Content-Range).') };
      return { count: res.count, error: null };
    } catch (err) {
      return { count: null, error: rtError('network', `Cannot reach the server: ${messageOf(err)}`) };
    }
  }

  protected async writeRead(request: WriteReadRequest): Promise<RtError | null> {
    if (this.configError || !this.rest) return this.configError ?? rtError('not-configured', 'No client.');
    const problem = this.validate(request.id ? [['id', request.id]] : [['user_id', request.userId ?? '']]);
    if (problem) return problem;
    try {
      let q = this.rest.from(request.table).update({ read: true });
      if (request.id) q = q.eq('id', request.id);
      else q = q.eq('user_id', request.userId).eq('read', false);
      const res = (await q) as { error: any; status?: number };
      return res.error ? await this.restError(res.error, res.status) : null;
    } catch (err) {
      return rtError('network', `Cannot reach the server: ${messageOf(err)}`);
    }
  }

  /** A PostgREST error as an RtError; a refused token that nothing can renew expires the session. */
  private async restError(error: unknown, status: number | undefined): Promise<RtError> {
    const token = await this.tokens.get();
    const e = fromRestError(error as never, status, !token);
    if (e.code === 'unauthorized' && (!this.tokens.refreshable || this.tokens.expired)) {
      return this.expire(e.message);
    }
    // Refused as anonymous although this client had a signed-in user: the session ended.
    if (!token && this.tokens.hadUserToken && (e.code === 'forbidden' || e.code === 'bad-config')) {
      return this.expire('no access token could be obtained any more');
    }
    return e;
  }

  /**
   * The session has expired and cannot be renewed by asking again: say so (status `error`,
   * `lastError.code === 'session-expired'`), stop rejoining with the dead token, and tell the host
   * once (`onSessionExpired`) so it can hand over a new one.
   */
  private expire(reason: string): RtError {
    const error = rtError(
      'session-expired',
      this.tokens.refreshable
        ? `The session has expired and the token callback gave no fresh token (${reason}).`
        : `The session has expired (${reason}). Give a new access token: answer the rt-session-expired event, set accessToken, or call setAccessToken().`,
    );
    this.tokenError = error;
    if (!this.expiryAnnounced) {
      this.expiryAnnounced = true;
      queueMicrotask(() => {
        for (const cb of [...this.sessionListeners]) {
          try {
            cb(error);
          } catch (err) {
            console.error('[rt-monitor] rt-session-expired listener failed:', err);
          }
        }
      });
    }
    this.recompute();
    return error;
  }

  // ---- connection state machine -------------------------------------------------------

  private socketOpen(): boolean {
    try {
      return !!this.realtime?.isConnected();
    } catch {
      return false;
    }
  }

  private installHooks(host: SupabaseLike | undefined): void {
    const rt = this.realtime as RealtimeClientLike & RealtimeInternals;
    const adapter = rt.socketAdapter;
    adapter?.onOpen?.(() => {
      this.everOpened = true;
      this.attempt = 0;
      this.nextRetryAt = null;
      this.socketError = null;
      this.lastActivityAt = Date.now();
      this.probeSentAt = null;
      clearTimeout(this.lateTimer);
      this.lateTimer = undefined;
      this.linkLate = false; // a new socket: its own heartbeats decide
      this.registry?.socketChanged();
    });
    adapter?.onClose?.(() => {
      this.probeSentAt = null;
      clearTimeout(this.lateTimer);
      this.lateTimer = undefined;
      this.linkLate = false;
      this.registry?.socketChanged();
    });
    adapter?.onError?.(() => {
      if (!this.everOpened) this.socketError = rtError('network', 'Cannot reach the realtime server.');
      this.registry?.socketChanged();
    });
    if (host) {
      // A host client: chain our heartbeat observer after its own, and observe its retry timer.
      if (adapter && 'heartbeatCallback' in adapter) {
        const previous = adapter.heartbeatCallback;
        adapter.heartbeatCallback = (status, latency) => {
          previous?.(status, latency);
          this.onHeartbeat(status, latency);
        };
      } else {
        rt.onHeartbeat?.((status, latency) => this.onHeartbeat(status, latency));
      }
      const timer = rt.reconnectTimer;
      if (timer && typeof timer.timerCalc === 'function') {
        const calc = timer.timerCalc.bind(timer);
        timer.timerCalc = (tries: number) => this.onRetryScheduled(tries, calc(tries));
      }
    }
    if (typeof window !== 'undefined' && typeof document !== 'undefined') {
      const onOnline = () => this.onOnline();
      const onVisibility = () => this.onVisibility();
      window.addEventListener('online', onOnline);
      // On `document`: runs before phoenix's own window listener, so a stale token can be
      // refreshed before any rejoin.
      document.addEventListener('visibilitychange', onVisibility);
      this.cleanups.push(() => {
        window.removeEventListener('online', onOnline);
        document.removeEventListener('visibilitychange', onVisibility);
      });
    }
  }

  private onHeartbeat(status: string, latency?: number): void {
    const now = Date.now();
    if (status === 'sent') {
      this.probeSentAt ??= now; // (the watchdog's own probes set it before sending)
      if (this.lateTimer === undefined) {
        // Unanswered for HEARTBEAT_LATE_MS: the link may be dead (a frozen server, a proxy that
        // swallows frames). Until an answer comes, nothing it carries is called live.
        this.lateTimer = setTimeout(() => {
          this.lateTimer = undefined;
          if (this.probeSentAt !== null && !this.disposed) this.setLinkLate(true);
        }, HEARTBEAT_LATE_MS);
      }
    } else {
      clearTimeout(this.lateTimer);
      this.lateTimer = undefined;
      this.probeSentAt = null;
      if (status === 'ok') {
        this.latencyMs = typeof latency === 'number' ? latency : this.latencyMs;
        this.lastHeartbeatAt = now;
        this.lastActivityAt = now;
        this.setLinkLate(false);
      } else if (status === 'timeout') {
        this.socketError = rtError('network', 'The realtime server stopped answering (heartbeat timeout); reconnecting.');
      }
    }
    this.recompute();
  }

  /** A heartbeat is overdue (true) or answered again (false): channels stop / start counting as live. */
  private setLinkLate(late: boolean): void {
    if (this.linkLate === late) return;
    this.linkLate = late;
    this.registry?.healthChanged();
    this.recompute();
  }

  private onRetryScheduled(tries: number, delayMs: number): number {
    this.attempt = tries;
    this.nextRetryAt = Date.now() + delayMs;
    clearTimeout(this.retryTick);
    this.retryTick = setTimeout(() => {
      this.nextRetryAt = null;
      this.recompute();
    }, delayMs + 30);
    queueMicrotask(() => this.recompute());
    return delayMs;
  }

  private recompute(): void {
    const status = this.computeStatus();
    const now = Date.now();
    if (status === 'connected') {
      this.staleSince = null;
      this.attempt = 0;
      this.nextRetryAt = null;
      this.socketError = null;
      this.tokenError = null;
    } else if (this.detail.status === 'connected' && this.staleSince === null) {
      this.staleSince = now;
    }
    const lastError =
      this.configError ?? this.tokenError ?? this.registry?.anyConfigError() ?? (status === 'connected' ? null : this.socketError ?? this.firstChannelError());
    const next: ConnectionDetail = {
      status,
      attempt: this.attempt,
      nextRetryAt: this.nextRetryAt,
      latencyMs: this.latencyMs,
      lastHeartbeatAt: this.lastHeartbeatAt,
      lastError,
      staleSince: this.staleSince,
      tokenExpiresAt: this.tokens.expiresAt,
    };
    const prev = this.detail;
    this.detail = next;
    if (JSON.stringify(prev) === JSON.stringify(next)) return;
    for (const cb of [...this.connectionListeners]) {
      try {
        cb({ ...next });
      } catch (err) {
        console.error('[rt-monitor] connection listener failed:', err);
      }
    }
  }

  private firstChannelError(): RtError | null {
    for (const s of this.registry?.list() ?? []) if (s.lastError) return s.lastError;
    return null;
  }

  private computeStatus(): ConnectionStatus {
    if (this.configError) return 'error';
    if (this.disposed || !this.realtime || !this.registry) return 'disconnected';
    if (this.tokenError && (this.tokenError.code === 'session-expired' || (this.tokenError.code === 'unauthorized' && !this.tokens.refreshable))) return 'error';
    const state = this.realtime.connectionState?.() ?? (this.socketOpen() ? 'open' : 'closed');
    const failingFromStart = !this.everOpened && (this.attempt >= 2 || !!this.socketError);
    if (state === 'open') {
      if (this.registry.allReady()) return 'connected';
      return this.registry.anyConfigError() ? 'error' : 'connecting';
    }
    if (failingFromStart) return 'error';
    if (state === 'connecting') return 'connecting';
    if (this.everOpened || this.attempt > 0) return this.nextRetryAt === null && this.attempt > 0 ? 'connecting' : 'disconnected';
    return this.registry.size > 0 ? 'connecting' : 'disconnected';
  }

  private startWatchdog(): void {
    if (this.watchdog !== undefined || this.disposed || !this.realtime) return;
    this.watchdog = setInterval(() => this.checkAlive(), WATCHDOG_TICK_MS);
  }

  /** Dead-socket detection that does not rely on the socket's own (possibly long) heartbeat. */
  private checkAlive(): void {
    if (this.disposed || !this.realtime) return;
    if (!this.registry?.size && !this.connectionListeners.size) return;
    if (this.tokens.expired && this.tokenError?.code !== 'session-expired') this.expire('the access token is past its expiry time');
    const now = Date.now();
    if (this.socketOpen()) {
      if (this.probeSentAt !== null && now - this.probeSentAt > PROBE_TIMEOUT_MS + 500) {
        // Unanswered: sending again while one is pending makes realtime-js close and reconnect.
        this.probeSentAt = null;
        void this.realtime.sendHeartbeat?.();
      } else if (this.probeSentAt === null && now - this.lastActivityAt > PROBE_IDLE_MS) {
        this.probeSentAt = now;
        void this.realtime.sendHeartbeat?.();
      }
    }
    this.recompute();
  }

  private onOnline(): void {
    if (this.disposed || !this.realtime) return;
    if (this.socketOpen()) this.probe();
    else void this.reconnectNow();
  }

  private onVisibility(): void {
    if (this.disposed || !this.realtime || document.visibilityState !== 'visible') return;
    const exp = this.tokens.expiresAt;
    const stale = this.tokens.refreshable && exp !== null && exp - Date.now() < 60_000;
    if (stale) {
      // Never rejoin with a stale token after the tab wakes: stop the socket's own immediate
      // reconnect (this listener runs before it), refresh, then reconnect.
      void (async () => {
        if (!this.socketOpen()) await this.realtime!.disconnect().catch(() => {});
        await this.refreshToken('tab became visible with an expiring token');
        if (!this.socketOpen()) this.realtime!.connect();
      })();
      return;
    }
    if (this.socketOpen()) this.probe();
    else if (this.registry?.size) void this.reconnectNow();
  }

  private probe(): void {
    if (this.probeSentAt !== null) return;
    this.probeSentAt = Date.now();
    void this.realtime?.sendHeartbeat?.();
  }

  private async reconnectNow(): Promise<void> {
    if (this.disposed || !this.realtime) return;
    try {
      await this.realtime.disconnect();
    } catch {
      /* already closed */
    }
    if (this.disposed) return;
    this.attempt = Math.max(this.attempt, 1);
    this.nextRetryAt = null;
    try {
      this.realtime.connect();
    } catch (err) {
      this.socketError = rtError('network', messageOf(err));
    }
    this.recompute();
  }

  /** The user's token handed to realtime before the first join (once; later ones flow by themselves). */
  private authReady(): Promise<unknown> {
    this.auth ??= (async () => {
      try {
        const token = await this.tokens.get();
        if (token && this.realtime && this.realtime.accessTokenValue !== token) await this.realtime.setAuth(token);
      } catch {
        /* joins then run with the API key; a refused token is handled on the channel */
      }
    })();
    return this.auth;
  }

  /** Get a fresh token into the realtime client (channels are re-authorised or rejoin with it). */
  private refreshToken(reason: string): Promise<boolean> {
    if (this.refreshing) return this.refreshing;
    this.refreshing = (async () => {
      try {
        if (!this.tokens.refreshable) {
          if (isTokenProblem(reason) || this.tokens.expired) this.expire(reason);
          else this.tokenError = rtError('unauthorized', `The access token was refused (${reason}) and cannot be refreshed: pass accessToken as a function.`);
          return false;
        }
        const token = await this.tokens.get(true);
        const exp = tokenExpiry(token);
        if (!token || (exp !== null && exp <= Date.now())) {
          this.expire(token ? 'the token callback returned an expired token' : 'the token callback returned no token');
          return false;
        }
        await this.realtime?.setAuth(token);
        const wasExpired = this.tokenError?.code === 'session-expired';
        this.tokenError = null;
        this.expiryAnnounced = false;
        if (wasExpired) {
          // Renewed after an expiry: rejoin what waited, and re-read what is not live.
          this.registry?.resume();
          for (const store of this.liveStores()) if (store.state.phase !== 'live') store.refresh();
        }
        return true;
      } catch (err) {
        this.tokenError = rtError('unauthorized', `Token refresh failed: ${messageOf(err)}`);
        return false;
      } finally {
        this.refreshing = null;
        this.recompute();
      }
    })();
    return this.refreshing;
  }
}

/** Create a client. Never throws: a misconfiguration shows up as `getConnection().lastError` and in every live query. */
export function createRtClient(options: RtClientOptions = {}): RtClient {
  return new RtClient(options);
}
