/**
 * Shared types of rt-monitor's core: row types of the monitored tables,
 * connection and live-query states, and typed errors.
 *
 * This module is framework-free (no Lit, no DOM) and is the contract between
 * core/, controllers/ and elements/.
 */

/** The original design's four connection statuses. */
import type { ConnectionStatus, GoalStatus, NotificationType, Priority, RunStatus } from './vocabulary.js';
export type { ConnectionStatus, GoalStatus, Priority, NotificationType } from './vocabulary.js';

/** Typed error categories reported in state; never thrown into the page. */
export type RtErrorCode =
  | 'not-configured' // no client / url / key anywhere
  | 'bad-config' // malformed url, wrong key, bad filter, unknown table
  | 'unauthorized' // the server refused the access token (invalid, or expired and being renewed)
  | 'session-expired' // the access token expired and nothing can renew it: a new token must be given
  | 'forbidden' // permission denied (SQLSTATE 42501, HTTP 403, RLS): not signed in, or no access
  | 'not-found' // the row does not exist or RLS hides it ("not found or no access")
  | 'network' // server unreachable
  | 'server'; // any other server-side failure

export interface RtError {
  code: RtErrorCode;
  message: string;
  /**
   * Server-provided code (SQLSTATE, PGRSTxxx, Realtime reason code) when there is one, or one of
   * rt-monitor's own causes that widgets have words for: `csp-blocked`, `busy` (HTTP 429, 408,
   * 425), `not-signed-in` (a `forbidden` refusal with no user token), `other-user` (a `forbidden`: a
   * user-owned list given another user's id), `token-failed` (an `unauthorized`:
   * the page's token callback threw or did not answer), `socket-closed` / `socket-dropped`
   * (a `network` error: the WebSocket was closed with a code, or with 1006: not opened, or dropped), `property-as-attribute`,
   * `load-failed` (a `not-configured`: the script-tag loader could not download its client part), `token-as-attribute` (the access token set as an attribute), `render-failed` (a `bad-config`: the element's drawing threw, e.g. a page script removed a browser feature it uses), `broadcast-topic` (a `bad-config`: an `org:` topic whose id is not a UUID, refused by the shipped `rt_can_read_topic`).
   */
  detail?: string;
  /**
   * Epoch ms before which the server asked not to be asked again (HTTP `Retry-After` on a 429 or
   * 503, as rt-monitor's own REST client sees it); retries wait until then. Absent when it did not say.
   */
  retryAt?: number;
}

/** Connection health of one client (one WebSocket), with detail for diagnostics. */
export interface ConnectionDetail {
  status: ConnectionStatus;
  /** Reconnect attempt number since the last healthy state (0 when healthy). */
  attempt: number;
  /** Epoch ms of the next reconnect attempt, if one is scheduled. */
  nextRetryAt: number | null;
  /** Last heartbeat round trip in ms. */
  latencyMs: number | null;
  /** Epoch ms of the last heartbeat reply. */
  lastHeartbeatAt: number | null;
  lastError: RtError | null;
  /** Epoch ms since which data may be stale (connection lost), or null when live. */
  staleSince: number | null;
  /** Epoch ms at which the current access token expires, if known. */
  tokenExpiresAt: number | null;
}

/**
 * State of one live query (snapshot + changes):
 * - `loading`: nothing to show yet (no snapshot; or no client yet, still waiting for one);
 * - `connecting`: the snapshot is shown, but this query's own subscription has not yet been
 *   joined and confirmed ("Subscribed to PostgreSQL"): the data is not live yet;
 * - `live`: subscription confirmed and the snapshot read after it: what is shown is the database;
 * - `stale`: was live, and the subscription dropped (or a resync is running): last known data;
 * - `error`: it failed (see `error`); data may still be shown if it had loaded before.
 */
export type LiveQueryPhase = 'loading' | 'connecting' | 'live' | 'stale' | 'error';

export interface LiveQueryState<T> {
  phase: LiveQueryPhase;
  /** Rows for list queries; one row (or null when not found) for single-row queries. */
  data: T;
  error: RtError | null;
  /** Status of the channel carrying this query. */
  status: ConnectionStatus;
  /** Epoch ms of the last applied snapshot or change. */
  updatedAt: number | null;
  /**
   * Feeds with a count (signal-alerts, notifications): the user's unread rows in the database,
   * not only those held (the list is bounded). Read with the snapshot, adjusted live.
   */
  unreadCount?: number;
  /**
   * A list that may not hold every row of its query: `'rows'`, at its `limit` (every row in a
   * `pinned` state is held, so those are counted exactly); `'pinned'`, even the rows in a pinned
   * state reached `PINNED_LIMIT` at the last read. A count of held rows is then a lower bound.
   * Absent: `data` is every row.
   */
  more?: 'rows' | 'pinned';
  /**
   * List queries: the rows inserted over Realtime since the state delivered before this one, in
   * commit order, including those the bounded list did not keep (a burst of 30 new alerts into a
   * list of 10): each new row once, for events and announcements. A list ordered newest first
   * that is off Live after being Live adds, with a read, the rows newer than the newest it showed
   * live (inserted while Realtime could not say so), oldest first. At most 1000 (the latest:
   * `INSERTED_LIMIT`). Absent when none; undefined in `LiveQuery.getState()` (they were news to the
   * subscribers that state was delivered to: read them from the listener's argument). A row may
   * come again in a later state (delivered late by Realtime after a read found it): tell each id
   * once.
   */
  inserted?: readonly unknown[];
  /**
   * List queries ordered newest first, after they were Live (or started from how far another
   * list of their subject had seen): a read with its catch-up read beside it was asked and has not
   * landed yet (in flight, or failed and retried: REST still down while the socket is back).
   * `inserted` is held until it lands, so that what Realtime inserts meanwhile and what the read
   * finds come in one state, oldest first. Absent otherwise.
   */
  catchingUp?: true;
  /**
   * Which rows the state is about: the resolved table, filters (`eq`) and order column, not the `limit`
   * (an opaque string; undefined until the parameters are resolved). Two states of one client with
   * the same subject hold comparable rows (LiveQueryController.generation).
   */
  subject?: string;
}

// ---- Row types (supabase/migrations) -------------------------------------

export type ScanStatus = RunStatus;
export type ExecutionStatus = RunStatus;

export interface StreamProgressValue {
  percentage: number;
  completed: number;
  total: number;
}

export interface Stream {
  id: string;
  org_id: string;
  name: string;
  goal_status: GoalStatus;
  current_progress: StreamProgressValue;
  created_at: string;
  updated_at: string;
}

export interface AcquisitionScan {
  id: string;
  user_id: string;
  org_id: string | null;
  name: string;
  status: ScanStatus;
  progress_percentage: number;
  current_step: string | null;
  targets_identified: number;
  targets_analyzed: number;
  started_at: string | null;
  completed_at: string | null;
  error: string | null;
  created_at: string;
  updated_at: string;
}

export interface AgentExecution {
  id: string;
  stream_id: string;
  agent_id: string;
  status: ExecutionStatus;
  started_at: string | null;
  completed_at: string | null;
  output: unknown;
  error: string | null;
  created_at: string;
  updated_at: string;
}

export interface SignalAlert {
  id: string;
  user_id: string;
  org_id: string | null;
  business_name: string;
  signal_type: string;
  priority: Priority;
  details: unknown;
  read: boolean;
  created_at: string;
  updated_at: string;
}

export interface Notification {
  id: string;
  user_id: string;
  title: string;
  body: string | null;
  type: NotificationType;
  link: string | null;
  read: boolean;
  created_at: string;
  updated_at: string;
}

export interface TableRows {
  streams: Stream;
  acquisition_scans: AcquisitionScan;
  agent_executions: AgentExecution;
  signal_alerts: SignalAlert;
  notifications: Notification;
}
export type MonitoredTable = keyof TableRows;

/** One active subscription as shown by diagnostics and `getActiveSubscriptions()`. */
export interface SubscriptionInfo {
  /** Original-design style name, e.g. `stream:<id>:progress`, `signals:<userId>`. */
  name: string;
  table: MonitoredTable;
  filter: string | null;
  status: ConnectionStatus;
  /** Number of consumers (live-query stores) sharing this subscription. */
  refCount: number;
  /**
   * The channel's error, else the first consumer's own problem (a snapshot read that failed, a row
   * not found): null when both are fine.
   */
  lastError: RtError | null;
  /**
   * Topic of the realtime channel carrying it (null while none does yet). Subscriptions on the same
   * table and column share channels (`id=in.(…)`): channels grow with tables, not widgets.
   */
  channel?: string | null;
  /** The filter that channel is subscribed with, e.g. `id=in.(a,b,c)`; in broadcast mode its private topic (`org:<id>`). */
  channelFilter?: string | null;
}
