/**
 * rt-monitor's client: one WebSocket, shared channels, live queries, connection health.
 *
 *   const client = createRtClient({ url, anonKey, accessToken: async () => session.access_token });
 *   const client = createRtClient({ client: supabase });   // reuse a host page's SupabaseClient
 *
 * Composed of single-purpose parts, each depending only on the ones below it:
 *
 *   RtClient ── listens to ──▶ ChannelRegistry (channels packed by table and column)
 *      │                          │ uses
 *      ├──▶ RestSource (snapshots, counts, writes; one retry policy)
 *      ├──▶ Link (the socket as a state machine + health checks; observes realtime-js through a tap)
 *      └──▶ Session (tokens, expiry, renewal)
 *
 * Built on a narrow Supabase interface (src/core/supabase-like.ts): when no host client is given
 * it composes `@supabase/realtime-js` and a PostgREST client (./rest.ts).
 */
import type { ChannelSpec, ChangeListener, ChannelsInfo, LiveSource, RtClientApi } from './client-types.js';
import type { ConnectionDetail, ConnectionStatus, RtError, SubscriptionInfo } from './types.js';
import { LiveHub, type WriteReadRequest } from './live-hub.js';
import { CHANNELS_PER_CONNECTION, ChannelRegistry } from './channel-registry.js';
import { isNotJwt, NOT_A_JWT, tokenUserId } from './jwt.js';
import { isRtError, messageOf, rtError } from './errors.js';
import { Session } from './session.js';
import { Link, linkStatus } from './link.js';
import { RestSource } from './rest-source.js';
import { ConnectionDetails } from './connection-details.js';
import { SchemaMap } from './schema-map.js';
import type { RealtimeClientLike } from './supabase-like.js';
import { transport, watchPage, type RtClientOptions } from './transport.js';
import { topicContext } from './broadcast-topics.js';

export type { SupabaseLike } from './supabase-like.js';
export { HEARTBEAT_LATE_MS } from './link.js';
export { HEARTBEAT_INTERVAL_MS, type RtClientOptions } from './transport.js';

/** While the socket cannot open, widgets read over REST at most this often (ms). */
const DOWN_READ_EVERY_MS = 30_000;

interface Parts {
  realtime: RealtimeClientLike;
  rest: RestSource;
  link: Link;
  registry: ChannelRegistry;
}

export class RtClient extends LiveHub implements RtClientApi {
  /** The realtime client in use (rt-monitor's own or the host's). Null when misconfigured. */
  readonly realtime: RealtimeClientLike | null = null;
  /** The configuration problem, if the client could not be built. */
  readonly configError: RtError | null = null;

  protected readonly source: LiveSource;
  readonly #session: Session;
  readonly #parts: Parts | null = null;
  readonly #ownsRealtime: boolean;
  readonly #details: ConnectionDetails;
  #orgCache = new Map<string, Promise<string | null | RtError>>();
  readonly #cleanups: Array<() => void> = [];
  #schema = new SchemaMap();
  /** When the widgets last read over REST because the socket could not open (#readWhileDown). */
  #downReadAt = 0;
  readonly #mode: RtClientOptions['realtimeMode'];

  constructor(options: RtClientOptions = {}) {
    super();
    // Keys by hand: spaces around them go (the socket's URL and a join would carry them: no socket,
    // "JwtSignatureError"), and the anon key itself as the token (a signed-out page's
    // `session?.access_token ?? anonKey`) is no user token.
    const anonKey = options.anonKey?.trim();
    const given = typeof options.accessToken === 'string' ? options.accessToken.trim() : options.accessToken;
    options = { ...options, anonKey, accessToken: typeof given === 'string' ? (given && given !== anonKey ? given : null) : given };
    this.#ownsRealtime = !options.client;
    this.#mode = options.realtimeMode;
    const every = options.revalidateMs;
    if (every !== undefined) {
      if (typeof every === 'number' && every >= 0 && Number.isFinite(every)) this.revalidateEvery = every;
      else console.warn(`rt-monitor: revalidateMs must be a number of ms ≥ 0 (0 turns it off); got ${String(every)}, using ${LiveHub.revalidateMs}.`);
    }
    this.#session = new Session(options.accessToken, options.client, {
      changed: () => this.#recompute(),
      renewed: () => {
        this.#parts?.registry.resume();
        for (const store of this.liveStores()) if (store.state.phase !== 'live') store.refresh();
      },
    });
    this.#details = new ConnectionDetails(this.#session.tokens.expiresAt);
    this.source = {
      subscribe: <R>(spec: ChannelSpec, listener: ChangeListener<R>) => this.#subscribeChannel(spec, listener),
      select: (query) => (this.#parts ? this.#parts.rest.select(query) : Promise.resolve({ rows: null, error: this.configError! })),
      count: (table, eq) => (this.#parts ? this.#parts.rest.count(table, eq) : Promise.resolve({ count: null, error: this.configError! })),
      problemChanged: () => this.#parts?.registry.touch(),
      retryAt: () => this.#parts?.rest.retryAt() ?? 0,
      rejoin: (table) => this.#parts?.registry.rejoin(this.#schema.table(table)),
      recheckSources: () => this.#parts?.registry.recheckSources(),
      // Broadcast mode: a row without a topic id reaches no topic (never live, docs/core.md); its
      // column is named on the server, the row's keys are the standard names (QA30).
      sends: (table, row) => {
        const column = this.#parts?.registry.topicColumn(this.#schema.table(table));
        return !column || Object.keys(row).every((k) => this.#schema.column(table, k) !== column || row[k] != null);
      },
    };
    let built: ReturnType<typeof transport>;
    try {
      built = transport(options, this.#session);
    } catch (err) {
      const code = (err as { code?: string }).code === 'not-configured' ? 'not-configured' : 'bad-config';
      this.configError = rtError(code, messageOf(err));
      this.#details.misconfigured(this.configError);
      return;
    }
    if (built.release) this.#cleanups.push(built.release);
    let schema: SchemaMap;
    try {
      schema = new SchemaMap({ tables: options.tables, columns: options.columns });
    } catch (err) {
      this.configError = rtError('bad-config', messageOf(err));
      this.#details.misconfigured(this.configError);
      return;
    }
    this.#schema = schema;
    const { realtime } = built;
    this.realtime = realtime;
    this.#session.attach(realtime);
    const session = this.#session;
    const rest = new RestSource(built.rest, session, schema, () => this.#recompute());
    let registry: ChannelRegistry | undefined;
    const link = new Link(realtime, {
      changed: () => this.#recompute(),
      socketChanged: () => registry?.socketChanged(),
      healthChanged: () => registry?.healthChanged(),
      needed: () => !!registry?.size || this.#details.listened,
      tick: () => session.checkExpiry(),
      down: () => this.#readWhileDown(),
    });
    registry = new ChannelRegistry(realtime, {
      changed: () => this.#recompute(),
      refreshToken: (reason) => session.refresh(reason),
      socketOpen: () => link.open,
      socketFailing: () => link.failing,
      socketFailed: (err) => link.failed(err),
      linkHealthy: () => link.healthy,
      authReady: () => session.ready(),
      sessionFailed: () => session.failed,
      renewable: () => session.tokens.refreshable,
    }, { mode: options.realtimeMode, topics: topicContext((user) => rest.orgsOf(user), () => this.getUserId(), (id) => rest.streamOrg(id), () => rest.broadcastSources()) });
    this.#parts = { realtime, rest, link, registry };
    this.#cleanups.push(watchPage(link, session, () => !this.disposed && !!registry?.size));
  }

  // ---- RtClientApi ----------------------------------------------------------------------

  getConnection(): ConnectionDetail {
    return this.#details.current;
  }

  onConnection(callback: (detail: ConnectionDetail) => void): () => void {
    const off = this.#details.listen(callback);
    // Someone watches the connection: make sure there is one to watch.
    if (this.#parts && !this.disposed) {
      this.#parts.link.ensure();
      this.#parts.link.startWatchdog();
    }
    this.#recompute();
    return off;
  }

  getActiveSubscriptions(): SubscriptionInfo[] {
    return this.#parts?.registry.list() ?? [];
  }

  onSubscriptionsChange(callback: (subscriptions: SubscriptionInfo[]) => void): () => void {
    return this.#parts?.registry.onSubscriptionsChange(callback) ?? (() => {});
  }

  /** Status of the channel carrying an original-design name, e.g. `stream:<id>:progress`. */
  getChannelStatus(name: string): ConnectionStatus | null {
    return this.#parts?.registry.statusByName(name) ?? null;
  }

  /**
   * The realtime channels carrying the subscriptions (packed by table and column: see
   * src/core/channel-registry.ts), and Supabase's per-connection limit they count against.
   */
  getChannels(): ChannelsInfo {
    return { limit: CHANNELS_PER_CONNECTION, channels: this.#parts?.registry.channels() ?? [] };
  }

  /** Number of channels rt-monitor holds (diagnostics). */
  get channelCount(): number {
    return this.#parts?.registry.size ?? 0;
  }

  async getUserId(): Promise<string | null> {
    if (this.configError) return null;
    return tokenUserId(await this.#session.tokens.get());
  }

  /**
   * Why the access token names no user although one was given: it is no JWT at all (`bad-config`),
   * or the token source failed (`unauthorized`, detail `token-failed`); null otherwise.
   */
  async tokenProblem(): Promise<RtError | null> {
    // A client that could not be built says why (a fixed token that is no JWT stops it there).
    if (this.configError) return this.configError;
    const token = await this.#session.tokens.get();
    // …or it could not be obtained (the token callback threw or did not answer).
    return isNotJwt(token) ? rtError('bad-config', NOT_A_JWT) : token ? null : this.#session.tokens.failure;
  }

  async getOrgId(): Promise<string | null> {
    const org = await this.defaultOrg();
    return isRtError(org) ? null : org;
  }

  /** The signed-in user's first org, null when none (or not signed in), or why it could not be read. */
  async defaultOrg(): Promise<string | null | RtError> {
    const user = await this.getUserId();
    if (!user || !this.#parts) return null;
    let cached = this.#orgCache.get(user);
    if (!cached) {
      cached = this.#parts.rest.firstOrg(user);
      this.#orgCache.set(user, cached);
      void cached.then((org) => {
        if (typeof org !== 'string') this.#orgCache.delete(user); // none yet, or failed: ask again next time
      });
    }
    return cached;
  }

  async rowVisible(table: string, id: string): Promise<boolean | null> {
    return this.#parts ? this.#parts.rest.rowVisible(table, id) : null;
  }

  reconnect(): void {
    void this.#parts?.link.reconnect();
  }

  /**
   * Broadcast mode: private topics are authorized when a channel joins, not per message, so a user
   * who lost access (a membership removed) would go on receiving the topic's changes. Rejoin every
   * channel (a new socket): the server decides again.
   */
  protected override rowsLeftView(): void {
    if (this.#mode !== 'broadcast') return;
    this.reconnect();
  }

  /**
   * Hand over a new access token now (after `rt-session-expired`, or whenever the host has a
   * newer one). Parked channels rejoin with it and every query that is not live re-reads its
   * snapshot: the widgets recover without a reload. A token of another user needs a new client
   * (the provider and `RtMonitor.setAccessToken()` take care of that).
   */
  setAccessToken(token: string | null): void {
    if (this.disposed || this.configError) return;
    this.#session.set(token);
  }

  /**
   * Called once each time the session expires with no way to renew it (a fixed token past its
   * `exp`, or a token callback that gave no fresh token). Answer with {@link setAccessToken}.
   */
  onSessionExpired(callback: (error: RtError) => void): () => void {
    return this.#session.onExpired(callback);
  }

  /** Called when the token source starts returning another user's token (or none). */
  onUserChange(callback: (userId: string | null) => void): () => void {
    return this.#session.onUserChange(callback);
  }

  /**
   * Ask the token source for a fresh token now and hand it to the realtime channels. A load still
   * in flight (a callback that hangs, since replaced by the host) is not waited for. Resolves
   * whether a token was handed over: false, changing nothing, for a fixed token (nothing to ask;
   * `setAccessToken` gives a new one).
   */
  refreshAuth(): Promise<boolean> {
    if (!this.#session.tokens.refreshable) return Promise.resolve(false);
    void this.#session.tokens.reload();
    return this.#session.refresh('refresh requested');
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.realtimeLag.dispose();
    this.stopAllStores();
    this.#parts?.registry.dispose();
    this.#parts?.link.dispose();
    for (const c of this.#cleanups.splice(0)) c();
    if (this.#ownsRealtime && this.realtime) void this.realtime.disconnect().catch(() => {});
    this.#recompute();
    this.#details.dispose();
  }

  // ---- internals ------------------------------------------------------------------------

  #subscribeChannel<R>(spec: ChannelSpec, listener: ChangeListener<R>): () => void {
    const eq = parseEqFilter(spec.filter);
    const problem = this.configError ?? this.#parts?.rest.check(spec.table, eq ? [eq] : []) ?? null;
    if (problem || !this.#parts) {
      listener.onState({ status: 'error', ready: false, epoch: 0, error: problem });
      return () => {};
    }
    this.#parts.link.startWatchdog();
    const schema = this.#schema;
    if (schema.identity) return this.#parts.registry.subscribe(spec, listener);
    // Your schema: subscribe under your names, hand rows back under the standard ones.
    const table = spec.table;
    const own: ChannelSpec = { ...spec, table: schema.table(table) as typeof table, filter: eq ? `${schema.column(table, eq[0])}=eq.${eq[1]}` : spec.filter };
    return this.#parts.registry.subscribe<R>(own, {
      onState: (s) => listener.onState(s),
      onChange: (c) => listener.onChange({ type: c.type, new: c.new && schema.row(table, c.new), old: c.old && schema.row(table, c.old) }),
    });
  }

  protected async writeRead(request: WriteReadRequest): Promise<RtError | null> {
    if (!this.#parts) return this.configError ?? rtError('not-configured', 'No client.');
    return this.#parts.rest.markRead(request);
  }

  #computeStatus(): ConnectionStatus {
    if (this.configError) return 'error';
    if (this.disposed || !this.#parts) return 'disconnected';
    if (this.#session.failed) return 'error';
    const { link, registry } = this.#parts;
    link.sync();
    return linkStatus(link.state, { any: registry.size > 0, ready: registry.allReady(), failed: !!registry.anyConfigError() });
  }

  /**
   * The socket failed to open again: every widget reads its snapshot over REST meanwhile, at most
   * every {@link DOWN_READ_EVERY_MS}: fresh rows (not live) while WebSockets are blocked, or the
   * cause REST gives (a rotated JWT secret: "the API key was rejected") where the socket gives none.
   */
  #readWhileDown(): void {
    const now = Date.now();
    if (now - this.#downReadAt < DOWN_READ_EVERY_MS) return;
    this.#downReadAt = now;
    for (const store of this.liveStores()) store.readWhileDown();
  }

  #recompute(): void {
    const status = this.#computeStatus();
    const link = this.#parts?.link;
    if (status === 'connected') {
      if (link) {
        link.attempt = 0;
        link.nextRetryAt = null;
        link.error = null;
      }
      this.#session.clearError();
    }
    const registry = this.#parts?.registry;
    const lastError =
      this.configError ??
      this.#session.error ??
      registry?.anyConfigError() ??
      // The socket may well be connected, but no widget that needs the token can be live (QA33:
      // "Connected · Last error: None" beside widgets that all said why they were not).
      this.#session.tokens.failure ??
      (status === 'connected' ? null : (this.#parts?.rest.projectError ?? link?.error ?? this.#firstChannelError()));
    this.#details.update({
      status,
      attempt: link?.attempt ?? 0,
      nextRetryAt: link?.nextRetryAt ?? null,
      latencyMs: link?.latencyMs ?? null,
      lastHeartbeatAt: link?.lastHeartbeatAt ?? null,
      lastError,
      tokenExpiresAt: this.#session.tokens.expiresAt,
    });
  }

  /** A channel's error (never a live query's own problem, which `SubscriptionInfo.lastError` also lists). */
  #firstChannelError(): RtError | null {
    return this.#parts?.registry.channelError() ?? null;
  }
}

/** Create a client. Never throws: a misconfiguration shows up as `getConnection().lastError` and in every live query. */
export function createRtClient(options: RtClientOptions = {}): RtClient {
  return new RtClient(options);
}

/** `col=eq.value` → [col, value]; null for no filter or another operator. */
function parseEqFilter(filter: string | null): [string, string] | null {
  const i = filter ? filter.indexOf('=eq.') : -1;
  return i > 0 ? [filter!.slice(0, i), filter!.slice(i + 4)] : null;
}
