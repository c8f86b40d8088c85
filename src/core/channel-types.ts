/**
 * The shapes the channel parts share: what a channel asks of the client (./client.ts gives them
 * to ./channel-registry.ts), what it is subscribed to, whom it delivers to, and what it tells its
 * group (./channel-carrier.ts, ./channel-group.ts).
 */
import type { ChangeListener, ChannelSpec } from './client-types.js';
import type { ConnectionStatus, MonitoredTable, RtError } from './types.js';
import type { RealtimeClientLike } from './supabase-like.js';

/** What a channel asks of the client (the link and the session); ./channel-registry.ts's `RegistryHooks` adds `changed`. */
export interface ChannelHooks {
  /** The server refused/expired our token: get a fresh one into the realtime client. Resolves to success. */
  refreshToken(reason: string): Promise<boolean>;
  /**
   * The access token in hand (what a join sent now carries), to tell a refusal of a token since
   * replaced from one of this token. Optional: without it every refusal is taken as of this token.
   */
  token?(): string | null;
  /** Whether the socket is open right now. */
  socketOpen(): boolean;
  /**
   * Which socket is open: when it was opened (epoch ms, local clock; ./link.ts `openedAt`). A join
   * counts only on the socket it was made on. Optional: without it every socket is the same.
   */
  socketOpenedAt?(): number;
  /**
   * The status of the socket itself while it is not open (Link: `linkStatus` without channels):
   * `connecting` while one opens, `disconnected` between attempts, `error` once it keeps failing.
   * What the registry reports for a subscription the socket does not carry, so that it says what
   * the connection says (QA56). Optional: without it, the channel's own status.
   */
  socketStatus?(): ConnectionStatus;
  /** Why the socket keeps failing to open (Link.failing), or null: a channel not ready says so. */
  socketFailing?(): RtError | null;
  /** The socket could not be made (realtime-js's `connect()` threw). */
  socketFailed?(err: unknown): void;
  /** Whether the link answers (no heartbeat overdue): a joined channel counts as live only then. */
  linkHealthy(): boolean;
  /** Resolves when the user's token is in the realtime client (so the first join carries it). */
  authReady(): Promise<unknown>;
  /** Why the session's token is dead (expired with no fresh one, or rejected and not renewable: ./session.ts `failed`), or null. */
  sessionFailed(): RtError | null;
  /** Whether asking again may give a fresh token (a callback); if not, channels of a failed session park until `resume()`. */
  renewable(): boolean;
  /**
   * A refusal of a channel on `table` (its name on the server) in the words of its cause, when the
   * schema map explains it (./schema-map.ts `explain`: a filter column your table lacks). Optional.
   */
  explain?(table: string, error: RtError): RtError;
}

/** What a channel is subscribed to: a table (with a packed column or an exact filter), or a private topic. */
export interface CarrierScope {
  readonly table: MonitoredTable;
  /** Equality column whose values are packed into `in` filters; null: one channel for `filter`. */
  readonly column: string | null;
  /** The exact filter of an unpacked group (null: the whole table). */
  readonly filter: string | null;
  /** Broadcast mode: the private topic (`org:<id>`, `user:<id>`) the channel joins. */
  readonly topic: string | null;
}

/** A group (./channel-group.ts), as its channels see it. */
export interface CarrierHost<C> {
  readonly realtime: RealtimeClientLike;
  readonly hooks: ChannelHooks;
  disposed(): boolean;
  /** The channel's status or error changed: tell its members and the registry. */
  changed(c: C): void;
  /** The server confirmed the subscription (it may still not be ready: the link may be late). */
  confirmed(c: C): void;
  /** A change arrived unusable ("Error 401", "Error 413"): every member re-reads its snapshot quietly (`ChannelState.reread`). */
  resync(c: C): void;
}

/** A subscription a channel delivers changes to. */
export interface CarrierMember {
  readonly spec: ChannelSpec;
  readonly listener: ChangeListener<any>;
  /** The packed value (`<a>` of `col=eq.<a>`), or null for a channel of its own. */
  readonly value: string | null;
}
