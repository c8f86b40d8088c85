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
 * The parts are built and wired in ./client-parts.ts; the client holds them, derives its status
 * from them, and serves the live queries (./live-hub.ts).
 *
 * Built on a narrow Supabase interface (src/core/supabase-like.ts): when no host client is given
 * it composes `@supabase/realtime-js` and a PostgREST client (./rest.ts).
 */
import type { ChannelSpec, ChangeListener, ChannelsInfo, LiveSource, RowChange, RtClientApi } from './client-types.js';
import type { StoreRow } from './row-window.js';
import { TopicAudit } from './topic-audit.js';
import type { ConnectionDetail, ConnectionStatus, RtError, SubscriptionInfo } from './types.js';
import { LiveHub, type WriteReadRequest } from './live-hub.js';
import { CHANNELS_PER_CONNECTION } from './channel-registry.js';
import { isNotJwt, NOT_A_JWT, tokenUserId } from './jwt.js';
import { isRtError, rtError } from './errors.js';
import { Session } from './session.js';
import { refusedHandOver } from './tokens.js';
import { ConnectionDetails } from './connection-details.js';
import type { RealtimeClientLike } from './supabase-like.js';
import type { RtClientOptions } from './transport.js';
import { buildParts, liveSource, topicKey, partsError, partsStatus, subscribeMapped, type ClientParts } from './client-parts.js';

export type { SupabaseLike } from './supabase-like.js';
export { HEARTBEAT_LATE_MS } from './link.js';
export { HEARTBEAT_INTERVAL_MS, type RtClientOptions } from './transport.js';

export class RtClient extends LiveHub implements RtClientApi {
  /** The realtime client in use (rt-monitor's own or the host's). Null when misconfigured. */
  readonly realtime: RealtimeClientLike | null = null;
  /** The configuration problem, if the client could not be built. */
  readonly configError: RtError | null = null;

  protected readonly source: LiveSource;
  readonly #session: Session;
  /** Whether the session had failed when it last changed (its recovery clears the queries' refusals). */
  #sessionFailed = false;
  readonly #parts: ClientParts | null = null;
  readonly #ownsRealtime: boolean;
  readonly #details: ConnectionDetails;
  #orgCache = new Map<string, Promise<string | null | RtError>>();
  readonly #cleanups: Array<() => void> = [];
  readonly #mode: RtClientOptions['realtimeMode'];
  /** Broadcast mode: whether a table's topic is wider than its read policy; null otherwise. */
  readonly #audit: TopicAudit | null = null;
  /** Broadcast mode: tables (names on the server) refused on this page, with the cause (TopicAudit). */
  readonly #refused = new Map<string, RtError>();

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
      changed: () => {
        // A new cause (a token refused, then an expired one handed over; expired while the server
        // could not be reached): the queries say the same as the connection. Out of a failure (a
        // new token): a query's refusal of the old one is no cause any more (QA37 N4).
        const failed = !!this.#session?.failed;
        const recovered = this.#sessionFailed && !failed;
        this.#sessionFailed = failed;
        if (this.#session) for (const store of this.liveStores()) store.causeChanged(recovered);
        this.#recompute();
      },
      renewed: () => {
        this.#parts?.registry.resume();
        for (const store of this.liveStores()) if (store.state.phase !== 'live') store.refresh();
      },
    });
    this.#details = new ConnectionDetails(this.#session.tokens.expiresAt);
    this.source = liveSource(() => this.#parts, () => this.configError!, (spec, listener) => this.#subscribeChannel(spec, listener), () => this.#session.failed);
    const parts = buildParts(options, this.#session, {
      changed: () => this.#recompute(),
      down: () => {
        this.readWhileDown();
        this.#parts?.rest.checkProject();
      },
      listened: () => this.#details.listened,
      userId: () => this.getUserId(),
      disposed: () => this.disposed,
      readAgain: (all) => {
        // Not one whose read is in flight (the read that ended the outage may be its own, its rows not in yet).
        const refused = this.disposed ? [] : this.liveStores().filter((store) => this.#readFailed(store) && !store.reading);
        for (const store of all ? refused : refused.slice(0, 1)) store.refresh();
        return refused.length > 0;
      },
      refusal: (table) => this.#refused.get(table),
      answered: (...answer) => this.realtimeLag.answered(...answer),
    });
    if (isRtError(parts)) {
      this.configError = parts;
      this.#details.misconfigured(parts);
      return;
    }
    this.#parts = parts;
    this.realtime = parts.realtime;
    this.realtimeLag.link = parts.link;
    this.realtimeLag.subscribed = () => parts.registry.allReady();
    this.#cleanups.push(parts.release);
    if (this.#mode !== 'broadcast') return;
    const { registry, schema, rest } = parts;
    const audit = (this.#audit = new TopicAudit({
      topicOf: (table, row) => {
        const key = topicKey(parts, table, row);
        return key && row[key] != null ? `${registry.source(schema.table(table))!.topic}:${String(row[key])}` : null;
      },
      canRead: (topic) => rest.canReadTopic(topic),
      behind: () => !!this.realtimeLag.cause,
      refuse: (table, error) => {
        this.#refused.set(schema.table(table), error);
        registry.recheckSources(schema.table(table));
      },
      reconnect: () => this.reconnect(),
    }));
    this.#cleanups.push(() => audit.dispose());
  }

  // ---- RtClientApi ----------------------------------------------------------------------

  getConnection(): ConnectionDetail {
    return this.#details.current;
  }

  onConnection(callback: (detail: ConnectionDetail) => void): () => void {
    const off = this.#details.listen(callback);
    // Someone watches the connection: make sure there is one to watch.
    if (this.#parts && !this.disposed) {
      const { link } = this.#parts;
      link.wanted = true;
      void this.#session.tokens.started().then((go) => go && link.ensure());
      link.startWatchdog();
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
    const user = table === 'orgs' ? await this.getUserId() : null;
    return this.#parts ? this.#parts.rest.rowVisible(table, id, user) : null;
  }

  reconnect(): void {
    void this.#parts?.link.reconnect();
  }

  /**
   * Broadcast mode: private topics are authorized when a channel joins, not per message, so a user
   * who lost access (a membership removed) would go on receiving the topic's changes; and a topic
   * wider than its table's read policy sends rows RLS hides. {@link TopicAudit} tells which: every
   * channel joins again (a new socket: the server decides again), or the table is refused.
   */
  protected override rowsLeftView(gone: ReadonlyMap<string, readonly StoreRow[]>): void {
    this.#audit?.left(gone);
  }

  protected override delivered(table: string, change: RowChange<StoreRow>): void {
    this.#audit?.delivered(table, change);
  }

  /**
   * Hand over a new access token now (after `rt-session-expired`, or whenever the host has a
   * newer one). Parked channels rejoin with it and every query that is not live re-reads its
   * snapshot: the widgets recover without a reload. A token of another user needs a new client
   * (the provider and `RtMonitor.setAccessToken()` take care of that). A token that is no JWT is
   * refused while the current one works: the console says so, nothing changes.
   */
  setAccessToken(token: string | null): void {
    if (this.disposed || this.configError || (!this.#session.failed && refusedHandOver(token, this.#session.tokens.current))) return;
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

  /**
   * Replaced by another client (its owner's new token or user): from now on nothing it still
   * holds back for the page's load-time scripts (./page-parsed.ts) is sent; `dispose()` follows
   * once its consumers moved.
   * @internal
   */
  retire(): void {
    this.#session.tokens.close();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.realtimeLag.dispose();
    this.stopAllStores();
    this.#parts?.registry.dispose();
    this.#parts?.link.dispose(!this.#ownsRealtime);
    for (const c of this.#cleanups.splice(0)) c();
    if (this.#ownsRealtime && this.realtime) void this.realtime.disconnect().catch(() => {});
    this.#recompute();
    this.#details.dispose();
    this.#session.dispose();
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
    return subscribeMapped(this.#parts, spec, listener, eq);
  }

  protected async writeRead(request: WriteReadRequest): Promise<RtError | null> {
    if (!this.#parts) return this.configError ?? rtError('not-configured', 'No client.');
    return this.#parts.rest.markRead(request);
  }

  #computeStatus(): ConnectionStatus {
    if (this.configError) return 'error';
    if (this.disposed || !this.#parts) return 'disconnected';
    return this.#session.failed ? 'error' : partsStatus(this.#parts);
  }

  /**
   * A query not live for no cause of its own: its rows are still being read (the first read, the
   * one after a reconnect). Until they are in, the connection is not "Connected" (QA88b M2: green
   * beside every widget reading "Stale" for a slow read; QA88a F1: beside lists of 2 alerts of 43).
   */
  #catchingUp(): boolean {
    return this.liveStores().some(({ state: { phase, error } }) => phase !== 'live' && phase !== 'error' && !error);
  }

  protected override phasesChanged(): void {
    this.#recompute();
  }

  /** A query not live for a read a REST outage refused (RestSource.outage). */
  #readFailed(store: { readError: RtError | null }): boolean {
    return !!this.#parts?.rest.byOutage(store.readError);
  }

  #recompute(): void {
    const joined = this.#computeStatus();
    const link = this.#parts?.link;
    if (joined === 'connected') {
      if (link) {
        link.attempt = 0;
        link.nextRetryAt = null;
        link.error = null;
      }
      this.#session.clearError();
    }
    const lastError = this.configError ?? (this.#parts && partsError(this.#parts, this.#session, joined, () => this.liveStores().find((store) => this.#readFailed(store))?.readError ?? null));
    const status = joined === 'connected' && !lastError && this.#catchingUp() ? 'connecting' : joined;
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
