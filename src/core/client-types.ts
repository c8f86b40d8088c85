/**
 * The contract between rt-monitor's core and everything above it (controllers, elements,
 * the RealtimeService facade, framework adapters): {@link RtClientApi}. The real client
 * (`createRtClient`, src/core/client.ts) implements it over Supabase; the in-memory client of
 * the element tests (test/helpers/memory-client.ts) implements it over plain maps.
 *
 * Framework-free: no Lit, no DOM.
 */
import type { DataOf, FeedDef, ParamsOf } from './feeds/feed.js';
import { FEEDS } from './feeds/index.js';
import type {
  ConnectionDetail,
  ConnectionStatus,
  LiveQueryState,
  MonitoredTable,
  RtError,
  SubscriptionInfo,
} from './types.js';

// ---- Feeds: what a live query can watch ---------------------------------------------------

/** The built-in feeds (src/core/feeds): their names, parameters and data are derived from the declarations. */
type BuiltInFeeds = typeof import('./feeds/index.js').FEEDS;

/** Parameters of each feed. Omitted user / org ids default to the token's `sub` / the user's org. */
export type FeedParams = { [F in keyof BuiltInFeeds]: ParamsOf<BuiltInFeeds[F]> };

/** What each feed's live query holds in `state.data`. */
export type FeedData = { [F in keyof BuiltInFeeds]: DataOf<BuiltInFeeds[F]> };

export type FeedName = keyof FeedParams;

/** A built-in feed by name, or a feed declared with `defineFeed()` (your own table). */
export type FeedRef = FeedName | FeedDef;
export type ParamsFor<F extends FeedRef> = F extends FeedName ? FeedParams[F] : ParamsOf<F>;
export type DataFor<F extends FeedRef> = F extends FeedName ? FeedData[F] : DataOf<F>;

/** The feed a reference names (undefined for an unknown name). */
export function feedOf(feed: FeedRef): FeedDef | undefined {
  return typeof feed === 'string' ? (FEEDS as Record<string, FeedDef>)[feed] : feed;
}

/** The channels of one client (`getChannels()`): how subscriptions map onto channels. */
export interface ChannelsInfo {
  /** Supabase's channels-per-connection limit (100). */
  limit: number;
  channels: Array<{
    topic: string;
    table: MonitoredTable;
    /** e.g. `id=in.(a,b,c)`, `user_id=eq.<id>`, or null for the whole table. */
    filter: string | null;
    status: ConnectionStatus;
    /** Subscriptions (live-query stores) it carries. */
    subscriptions: number;
    /** A private Broadcast-from-Database topic (`realtimeMode: 'broadcast'`). */
    private?: boolean;
  }>;
}

/** Tables whose rows carry a `read` flag the user may set. */
export type ReadableTable = 'signal_alerts' | 'notifications';

/**
 * A live query handle. Cheap to create; the work starts with the first `subscribe` and
 * stops (after a short linger) with the last unsubscribe. Handles for the same feed and
 * parameters share one store, one snapshot request and one channel.
 */
export interface LiveQuery<T> {
  /** Identity of the underlying store (feed + parameters). */
  readonly key: string;
  /**
   * The latest delivered state (a new object whenever something changed), with `inserted`
   * undefined: those rows were told to the subscribers of that frame, not to one reading it later.
   * For a frame that named inserted rows this is a copy, not the object the listeners got: read
   * `inserted` from the listener's argument only.
   */
  getState(): LiveQueryState<T>;
  /**
   * Receive states, at most once per animation frame (or per timer tick in a hidden tab).
   * Not called synchronously; read `getState()` right after subscribing.
   */
  subscribe(listener: (state: LiveQueryState<T>) => void): () => void;
  /** Re-read the snapshot now (the state goes `stale` until it arrives). */
  refresh(): void;
}

/** Everything widgets, controllers and the RealtimeService need from a client. */
export interface RtClientApi {
  /** Connection health of the client's one WebSocket. */
  getConnection(): ConnectionDetail;
  /** Called on every change of the connection detail; returns an unsubscribe function. */
  onConnection(callback: (detail: ConnectionDetail) => void): () => void;
  /** One entry per shared channel (distinct table + filter). */
  getActiveSubscriptions(): SubscriptionInfo[];
  onSubscriptionsChange(callback: (subscriptions: SubscriptionInfo[]) => void): () => void;
  /** The realtime channels carrying the subscriptions, and the per-connection limit. (Optional.) */
  getChannels?(): ChannelsInfo;
  /** The signed-in user's id (the access token's `sub`), or null when anonymous. */
  getUserId(): Promise<string | null>;
  /** The signed-in user's org (via `org_members`), or null. */
  getOrgId(): Promise<string | null>;
  /** A live query over one feed. */
  liveQuery<F extends FeedRef>(feed: F, params: ParamsFor<F>): LiveQuery<DataFor<F>>;
  /**
   * Marks one row read. Optimistic: every live query showing the row updates at once and
   * rolls back if the server refuses. Resolves to null, or the error (never rejects).
   */
  markAsRead(table: ReadableTable, id: string): Promise<RtError | null>;
  /** Marks all of a user's unread rows read (default: the signed-in user). Optimistic. */
  markAllAsRead(table: ReadableTable, userId?: string | null): Promise<RtError | null>;
  /** Drop and re-open the connection now (e.g. a "retry" button). */
  reconnect(): void;
  /**
   * Hand over a new access token of the same user now; parked channels rejoin and queries that
   * are not live re-read. (Optional for custom clients.)
   */
  setAccessToken?(token: string | null): void;
  /**
   * Called once per expiry when the session has expired and cannot be renewed by the client
   * itself; answer with `setAccessToken()`. Returns an unsubscribe function. (Optional.)
   */
  onSessionExpired?(callback: (error: RtError) => void): () => void;
  /** Called when the token source starts returning another user's token (or none). (Optional.) */
  onUserChange?(callback: (userId: string | null) => void): () => void;
  /** Close everything; the client cannot be used afterwards. */
  dispose(): void;
}

// ---- What a live-query store needs from a transport (real or in-memory) --------------------

/** A declarative snapshot query: equality filters, one order, a bound. */
export interface SnapshotQuery {
  table: MonitoredTable;
  /** Equality filters; the first one is also the realtime filter (`col=eq.value`). */
  eq: Array<[column: string, value: string]>;
  order?: { column: string; ascending: boolean };
  limit?: number;
  /** At most one row expected (a single-row feed). */
  single?: boolean;
  /** Only these primary keys (`id=in.(…)`; revalidation of held rows, src/core/live-hub.ts). */
  ids?: readonly string[];
  /**
   * Also count, over the whole table (not only the `limit` rows held), the rows matching `eq`
   * plus these equalities (e.g. `[['read', 'false']]` for an unread count).
   */
  countWhere?: Array<[column: string, value: string]>;
  /**
   * Rows held beyond `limit` (a list): work under way (`status` running, …) stays in the window
   * however many newer rows there are. Read with a second request (`column=in.(values)`, at most
   * `limit` rows), and never trimmed while in these states.
   */
  pinned?: { column: string; values: readonly string[] };
  /**
   * Only rows whose `order.column` is this value or after (`gte`, so that rows tied with it are
   * read too; a list's catch-up read beside a re-read: the rows inserted while its channel was down
   * or behind, src/core/snapshot-landing.ts).
   */
  since?: string;
}

export type CountResult = { count: number; error: null } | { count: null; error: RtError };

export type SnapshotResult<R> = { rows: R[]; error: null } | { rows: null; error: RtError };

/** One change as the store folds it in. DELETE carries at least the primary key in `old`. */
export interface RowChange<R> {
  type: 'INSERT' | 'UPDATE' | 'DELETE';
  new: R | null;
  old: Partial<R> | null;
  /**
   * When the change was committed, on the server's clock (epoch ms, from the postgres_changes
   * `commit_timestamp`); absent when the message carries none (broadcast mode, fakes).
   */
  committedAt?: number;
  /**
   * Broadcast mode: when the database sent the change (its trigger, on the server's clock, epoch
   * ms; the message's `sent_at`), just before its commit. Absent from older triggers and fakes.
   */
  sentAt?: number;
}

/** State of the (shared) channel carrying a live query. */
export interface ChannelState {
  status: ConnectionStatus;
  /** Joined and the server confirmed the Postgres subscription ("Subscribed to PostgreSQL"). */
  ready: boolean;
  /** Incremented each time the channel becomes ready; a new epoch means "resync". */
  epoch: number;
  error: RtError | null;
  /**
   * Incremented when changes may have been missed while the subscription stayed ready: a re-pack
   * handed it to its replacement channel, and changes the server matched against the old channel
   * before the new one was subscribed can still arrive on the old one, after it was left; or a
   * change arrived that Realtime could not send whole ("Error 413", "Error 401"). A new value
   * means "re-read the snapshot" without going stale. Absent: 0.
   */
  reread?: number;
}

export interface ChangeListener<R> {
  onChange(change: RowChange<R>): void;
  onState(state: ChannelState): void;
  /**
   * The listener's own trouble (a live query's failed snapshot read, a row not found), listed with
   * its subscription (`SubscriptionInfo.lastError`) when the channel itself has none.
   */
  problem?(): RtError | null;
}

export interface ChannelSpec {
  table: MonitoredTable;
  /** Realtime filter, e.g. `id=eq.5a00…`, or null for the whole table. */
  filter: string | null;
  /** Original-design style name for diagnostics, e.g. `stream:<id>:progress`. */
  name: string;
}

/** The transport a live-query store runs on. Never throws, never rejects. */
export interface LiveSource {
  /** Listen to changes of (table, filter). Sharing and ref-counting are the source's job. */
  subscribe<R>(spec: ChannelSpec, listener: ChangeListener<R>): () => void;
  /** Read a snapshot. */
  select<R>(query: SnapshotQuery): Promise<SnapshotResult<R>>;
  /**
   * Count the rows of `table` matching every equality (`HEAD … Prefer: count=exact`). Optional:
   * without it a store's count covers only the rows it holds.
   */
  count?(table: MonitoredTable, eq: ReadonlyArray<readonly [string, string]>): Promise<CountResult>;
  /** A listener's `problem()` changed: the subscription list is told again. */
  problemChanged?(): void;
  /** Epoch ms before which the server asked not to be read from again (`Retry-After`), 0 when not. */
  retryAt?(): number;
  /** A re-read found a change of `table` Realtime never delivered: its channels join again. Optional. */
  rejoin?(table: MonitoredTable): void;
  /** Broadcast mode: read again which tables broadcast (each revalidation round). Optional. */
  recheckSources?(): void;
  /** Whether Realtime sends a change that gives `row` of `table` (false: never, e.g. no topic id in Broadcast mode). Optional. */
  sends?(table: MonitoredTable, row: Record<string, unknown>): boolean;
  /**
   * Why the session cannot go on with its token now (expired, or refused), or null. A query that is
   * not live shows this cause in place of a token, network or server error of its own (the cause
   * of now, as the connection names it); a cause of the query's own (a wrong column, no access)
   * stays. Optional.
   */
  sessionFailed?(): RtError | null;
}

/** What a feed may ask while resolving its parameters. */
export interface ResolveContext {
  getUserId(): Promise<string | null>;
  getOrgId(): Promise<string | null>;
  /**
   * Whether the signed-in user can read the row `id` of `table` (rt-monitor's standard name, mapped
   * by the `tables` option): a parent a feed points at (a stream, an org). Null when it could not be
   * told (the read failed). Optional: without it no parent is checked.
   */
  rowVisible?(table: string, id: string): Promise<boolean | null>;
  /** Why the access token names no user although one was given (it is no JWT at all), or null. Optional. */
  tokenProblem?(): Promise<RtError | null>;
  /**
   * The signed-in user's org, null when they have none, or why it could not be read (an expired
   * session, the network). Optional: `getOrgId()` otherwise, whose null cannot tell these apart.
   */
  defaultOrg?(): Promise<string | null | RtError>;
}

/** The most rows one delivered state names as `LiveQueryState.inserted` (the latest). */
export const INSERTED_LIMIT = 1000;

/**
 * A query's state before anything is known: loading, no rows (`[]` for a list, null for a single
 * row). Here, not in live-query.ts, so that an element's first paint does not need the store.
 */
export function initialState<T>(kind: 'single' | 'list'): LiveQueryState<T> {
  return { phase: 'loading', data: (kind === 'list' ? [] : null) as T, error: null, status: 'connecting', updatedAt: null };
}
