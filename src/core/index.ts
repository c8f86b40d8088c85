/** rt-monitor core: framework-free (usable from React, Vue, a worker or Node). */
export * from './types.js';
export type {
  RtClientApi, LiveQuery, FeedName, FeedParams, FeedData, ReadableTable, SnapshotQuery, SnapshotResult, RowChange, ChannelState,
  ChangeListener, ChannelSpec, LiveSource, ResolveContext, FeedRef, ParamsFor, DataFor,
} from './client-types.js';
export { defineFeed, type FeedDeclaration, type FeedDef, type FeedFilter, type RowOf, type ParamsOf, type DataOf } from './feeds/feed.js';
export type { SchemaOptions, MappableTable } from './schema-map.js';
export { normalizeKey } from './keys.js';
export * from './vocabulary.js';
export { createRtClient, RtClient, HEARTBEAT_INTERVAL_MS, type RtClientOptions } from './client.js';
export { parseRealtimeMode, DEFAULT_REALTIME_MODE, type RealtimeMode } from './broadcast-topics.js';
export type { SupabaseLike, RealtimeClientLike, RealtimeChannelLike, RestLike } from './supabase-like.js';
export { configure, getDefaultClient, setDefaultClient, onDefaultClientChange, setAccessToken, DEFAULT_CLIENT_EVENT } from './default-client.js';
export { getRealtimeService, RealtimeService, type RealtimeSubscription, type StatusCallback } from './realtime-service.js';
export { LiveQueryStore, initialState } from './live-query.js';
export { LiveHub } from './live-hub.js';
export { FEEDS, runningAgents, unreadCount } from './feeds/index.js';
export { parseTimestamp, versionOf } from './version.js';
export { decodeJwt, tokenExpiry, tokenUserId } from './jwt.js';
export { TokenUnavailableError, isTokenUnavailable } from './tokens.js';
export { rtError, isRtError } from './errors.js';
export { createFrameNotifier } from './frame.js';
export { serverNow, clockSkew, observeServerTime, observeDateHeader, resetServerClock, SKEW_WINDOW_MS, DRIFT_PER_MS } from './server-clock.js';
