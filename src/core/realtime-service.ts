/**
 * The original design's RealtimeService, kept for people migrating:
 *
 *   const service = getRealtimeService();
 *   const sub = service.subscribeToStreamProgress(streamId, (stream) => …, (status) => …);
 *   sub.unsubscribe();
 *
 * It runs on the page's default client (RtMonitor.configure) or a client you pass, so it shares
 * the one WebSocket and the channels with the widgets. Callbacks receive the CURRENT value —
 * the row for single-row feeds, the ordered list for the others — starting with the snapshot and
 * again (at most once per frame) whenever it changes (compared by value: a resync that reads the
 * same row again does not call it again). `onStatus(status, error)` is called when either changes:
 * `'error'` with the widgets' own cause (a refused key, a row not found or not yours, a refused
 * token) whenever they would read "not live" for it.
 */
import { dequal } from 'dequal/lite';
import type { DataFor, FeedName, ParamsFor, RtClientApi } from './client-types.js';
import type { AcquisitionScan, AgentExecution, ConnectionStatus, Notification, RtError, SignalAlert, Stream, SubscriptionInfo } from './types.js';
import { getDefaultClient, onDefaultClientChange } from './default-client-slot.js';

export interface RealtimeSubscription {
  /** Original-design name, e.g. `stream:<id>:progress`. */
  readonly name: string;
  unsubscribe(): void;
}

/**
 * `status`: the channel's (`'connecting'`, `'connected'`, `'disconnected'`), or `'error'` when the
 * subscription cannot be live for a cause of its own (`error`: an {@link RtError}, e.g. `not-found`,
 * `forbidden`, `bad-config`, `unauthorized`; it clears when the cause does). `error` may also be
 * set beside another status: the cause of being off Live (`network`, `server`), or null.
 */
export type StatusCallback = (status: ConnectionStatus, error?: RtError | null) => void;

const NOT_CONFIGURED: RtError = { code: 'not-configured', message: 'rt-monitor is not configured: call RtMonitor.configure({ url, anonKey }) first.' };

export class RealtimeService {
  readonly #subs = new Set<RealtimeSubscription>();

  /** `client`: a specific client; omitted, the page's default client (even one configured later). */
  constructor(private readonly fixedClient?: RtClientApi) {}

  get client(): RtClientApi | undefined {
    return this.fixedClient ?? getDefaultClient();
  }

  subscribeToStreamProgress(streamId: string, callback: (stream: Stream) => void, onStatus?: StatusCallback): RealtimeSubscription {
    return this.#watch('stream', { streamId }, `stream:${streamId}:progress`, (d) => d && callback(d), onStatus);
  }

  subscribeToAllStreams(orgId: string | null | undefined, callback: (streams: Stream[]) => void, onStatus?: StatusCallback): RealtimeSubscription {
    return this.#watch('org-streams', { orgId: orgId ?? null }, `streams:${orgId ?? 'me'}`, callback, onStatus);
  }

  subscribeToScanProgress(scanId: string, callback: (scan: AcquisitionScan) => void, onStatus?: StatusCallback): RealtimeSubscription {
    return this.#watch('scan', { scanId }, `scan:${scanId}:progress`, (d) => d && callback(d), onStatus);
  }

  subscribeToSignalAlerts(userId: string | null | undefined, callback: (alerts: SignalAlert[]) => void, onStatus?: StatusCallback): RealtimeSubscription {
    return this.#watch('signal-alerts', { userId: userId ?? null }, `signals:${userId ?? 'me'}`, callback, onStatus);
  }

  subscribeToAgentExecutions(streamId: string, callback: (executions: AgentExecution[]) => void, onStatus?: StatusCallback): RealtimeSubscription {
    return this.#watch('agent-executions', { streamId }, `agents:${streamId}`, callback, onStatus);
  }

  subscribeToNotifications(userId: string | null | undefined, callback: (notifications: Notification[]) => void, onStatus?: StatusCallback): RealtimeSubscription {
    return this.#watch('notifications', { userId: userId ?? null }, `notifications:${userId ?? 'me'}`, callback, onStatus);
  }

  /** Unsubscribe everything subscribed through this service. */
  unsubscribeAll(): void {
    for (const s of [...this.#subs]) s.unsubscribe();
  }

  /** The client's shared channels (one per distinct table + filter). */
  getActiveSubscriptions(): SubscriptionInfo[] {
    return this.client?.getActiveSubscriptions() ?? [];
  }

  /** Status of a channel by original-design name, e.g. `stream:abc:progress`; 'disconnected' when none. */
  getChannelStatus(name: string): ConnectionStatus {
    return this.getActiveSubscriptions().find((s) => s.name === name)?.status ?? 'disconnected';
  }

  #watch<F extends FeedName>(
    feed: F,
    params: ParamsFor<F>,
    name: string,
    callback: (data: DataFor<F>) => void,
    onStatus?: StatusCallback,
  ): RealtimeSubscription {
    let off: (() => void) | undefined;
    let offDefault: (() => void) | undefined;
    let lastStatus: string | undefined;
    let lastData: DataFor<F> | undefined;
    let delivered = false;
    let closed = false;
    const start = (client: RtClientApi | undefined) => {
      off?.();
      off = undefined;
      if (!client) {
        lastStatus = 'error\u0000not-configured';
        onStatus?.('error', NOT_CONFIGURED);
        return;
      }
      const query = client.liveQuery(feed, params);
      off = query.subscribe((state) => {
        // What the widgets show: a query in error (not found, not yours, a refused key) is an
        // 'error', whatever the channel's own status (QA70 F1, F2: 'connected' or 'connecting' for good).
        // A first read that failed on the network (retried) is not such a cause.
        const error = state.error ?? null;
        const status: ConnectionStatus = state.phase === 'error' && !/^(network|server)$/.test(error?.code ?? '') ? 'error' : state.status;
        const said = `${status}\u0000${error?.code}\u0000${error?.message}`;
        if (said !== lastStatus) {
          lastStatus = said;
          safe(() => onStatus?.(status, error));
        }
        // By value: each frame builds a new list, and a resync reads the same row again (QA70 F10).
        if ((state.phase === 'live' || state.phase === 'stale' || state.phase === 'connecting') && !(delivered && dequal(state.data, lastData))) {
          delivered = true;
          lastData = state.data;
          safe(() => callback(state.data));
        }
      });
    };
    start(this.client);
    if (!this.fixedClient) {
      offDefault = onDefaultClientChange((c) => {
        if (!closed) start(c);
      });
    }
    const sub: RealtimeSubscription = {
      name,
      unsubscribe: () => {
        if (closed) return;
        closed = true;
        off?.();
        offDefault?.();
        this.#subs.delete(sub);
      },
    };
    this.#subs.add(sub);
    return sub;
  }
}

function safe(fn: () => void): void {
  try {
    fn();
  } catch (err) {
    console.error('[rt-monitor] RealtimeService callback failed:', err);
  }
}

const SERVICES = new WeakMap<RtClientApi, RealtimeService>();
const DEFAULT_SERVICE = Symbol.for('rt-monitor.realtime-service');

/** The page's RealtimeService (on the default client), or the one of a given client. */
export function getRealtimeService(client?: RtClientApi): RealtimeService {
  if (client) {
    let s = SERVICES.get(client);
    if (!s) SERVICES.set(client, (s = new RealtimeService(client)));
    return s;
  }
  const g = globalThis as unknown as Record<symbol, RealtimeService | undefined>;
  return (g[DEFAULT_SERVICE] ??= new RealtimeService());
}
