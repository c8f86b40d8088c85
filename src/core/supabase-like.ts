/**
 * The narrow slice of Supabase that rt-monitor uses. Both a host page's full `SupabaseClient`
 * and rt-monitor's own composition of `@supabase/realtime-js` + its small PostgREST client
 * (./rest.ts) satisfy it, so the script-tag bundle never carries auth-js, storage-js or postgrest-js.
 */

/** What rt-monitor calls on a realtime channel. */
export interface RealtimeChannelLike {
  topic: string;
  state?: string;
  on(type: string, filter: Record<string, unknown>, callback: (payload: any) => void): unknown;
  subscribe(callback?: (status: string, err?: Error) => void, timeout?: number): unknown;
  unsubscribe(timeout?: number): Promise<unknown>;
}

/** What rt-monitor calls on a RealtimeClient (realtime-js 2.x). */
export interface RealtimeClientLike {
  channel(topic: string, params?: any): RealtimeChannelLike;
  removeChannel(channel: any): Promise<unknown>;
  getChannels(): RealtimeChannelLike[];
  connect(): void;
  disconnect(code?: number, reason?: string): Promise<unknown>;
  isConnected(): boolean;
  connectionState?(): string;
  setAuth(token?: string | null): Promise<void>;
  sendHeartbeat?(): unknown;
  /** How often a heartbeat is sent (ms; realtime-js `heartbeatIntervalMs`). */
  readonly heartbeatIntervalMs?: number;
  /** The heartbeat awaiting its answer (realtime-js `pendingHeartbeatRef`): sending another now makes realtime-js reconnect. */
  readonly pendingHeartbeatRef?: string | null;
  onHeartbeat?(callback: (status: string, latency?: number) => void): void;
  accessTokenValue?: string | null;
  /** The socket's address (realtime-js `endPoint`): to tell a Content-Security-Policy refusal. */
  endPoint?: string;
}

/**
 * A PostgREST query builder as far as rt-monitor uses it (thenable `{ data, error, status, count }`).
 * `select('*', { count: 'exact' }).limit(0)` must send `Prefer: count=exact` and
 * resolve `count` from the `Content-Range` total (the unread counts of the alert / notification feeds).
 */
export interface QueryLike extends PromiseLike<{ data: any; error: any; status?: number; count?: number | null }> {
  select(columns?: string, options?: { count?: 'exact'; head?: boolean }): QueryLike;
  eq(column: string, value: unknown): QueryLike;
  order(column: string, options?: { ascending?: boolean }): QueryLike;
  limit(count: number): QueryLike;
  in(column: string, values: readonly unknown[]): QueryLike;
}

/** `client.from(table)` of supabase-js or postgrest-js. */
export interface RestLike {
  from(relation: string): any;
  /** A database function (`POST /rest/v1/rpc/<fn>`); postgrest-js and a SupabaseClient have it. Optional. */
  rpc?(fn: string, args?: object): any;
  /** The REST base URL (postgrest-js `url`): to tell a Content-Security-Policy refusal. */
  url?: string;
  /** Epoch ms the server last asked to wait until (`Retry-After`), 0 when it did not (rt-monitor's own client only). */
  retryAt?(): number;
}

/**
 * A host's SupabaseClient, or anything shaped like one: `realtime` + `from()`, and optionally
 * `auth.getSession()` (used for the user's id and fresh tokens).
 */
export interface SupabaseLike extends RestLike {
  realtime: RealtimeClientLike;
  auth?: { getSession(): Promise<{ data: { session: { access_token?: string } | null } | null; error?: unknown }> };
}

/**
 * Internals of realtime-js 2.1xx observed when present (heartbeat/open/close hooks, retry timer),
 * always through ./realtime-tap.ts, which restores what it changed.
 */
export interface RealtimeInternals {
  socketAdapter?: {
    onOpen?(cb: () => void): unknown;
    onClose?(cb: (event?: unknown) => void): unknown;
    onError?(cb: (error?: unknown) => void): unknown;
    heartbeatCallback?: (status: string, latency?: number) => void;
    /** The Phoenix Socket (its `onOpen`/`onClose`/`onError` return refs that `off(refs)` removes). */
    getSocket?(): object;
  };
  reconnectTimer?: { timerCalc?: (tries: number) => number; tries?: number };
}
