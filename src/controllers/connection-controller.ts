/**
 * Connection health for a host: the client's one WebSocket (status, latency, error, retry
 * detail) and its shared channels. HeartbeatController is the original
 * `useConnectionHeartbeat(interval)`: it re-renders the host every `intervalMs` so "last
 * heartbeat 3 s ago" stays true, and says whether the link is alive.
 */
import type { ChannelsInfo, RtClientApi } from '../core/client-types.js';
import type { ConnectionDetail, ConnectionStatus, RtError, SubscriptionInfo } from '../core/types.js';
import { createFrameNotifier, type FrameNotifier } from '../core/frame.js';
import { ClientController, NOT_CONFIGURED, type RtHost } from './client-controller.js';

const NO_CLIENT: ConnectionDetail = {
  status: 'error', attempt: 0, nextRetryAt: null, latencyMs: null, lastHeartbeatAt: null, lastError: NOT_CONFIGURED, staleSince: null, tokenExpiresAt: null,
};

export class ConnectionController extends ClientController {
  detail: ConnectionDetail = { ...NO_CLIENT, status: 'connecting', lastError: null };
  subscriptions: SubscriptionInfo[] = [];
  /** Realtime channels in use and the per-connection limit (`client.getChannels()`), when known. */
  get channels(): ChannelsInfo | null {
    return this.client?.getChannels?.() ?? null;
  }
  #offs: Array<() => void> = [];
  readonly #notifier: FrameNotifier;

  constructor(host: RtHost) {
    super(host);
    this.#notifier = createFrameNotifier(() => this.host.requestUpdate());
  }

  get status(): ConnectionStatus {
    return this.detail.status;
  }
  get isConnected(): boolean {
    return this.detail.status === 'connected';
  }
  /** Last heartbeat round trip in ms. */
  get latency(): number | null {
    return this.detail.latencyMs;
  }
  get error(): RtError | null {
    return this.detail.lastError;
  }

  /** Drop and re-open the connection now. */
  reconnect(): void {
    this.client?.reconnect();
  }

  override hostDisconnected(): void {
    super.hostDisconnected();
    this.#stop();
  }

  protected clientChanged(client: RtClientApi | undefined): void {
    this.#stop();
    if (!this.connected) return;
    if (!client) {
      this.detail = this.waitingForClient ? { ...NO_CLIENT, status: 'connecting', lastError: null } : { ...NO_CLIENT, lastError: this.notConfigured };
      this.subscriptions = [];
      this.host.requestUpdate();
      return;
    }
    this.detail = client.getConnection();
    this.subscriptions = client.getActiveSubscriptions();
    this.#offs.push(
      client.onConnection((d) => {
        this.detail = d;
        // A subscription the socket does not carry says what the socket says (core: socketStatus).
        this.subscriptions = client.getActiveSubscriptions();
        this.#notifier.schedule();
      }),
      client.onSubscriptionsChange((s) => {
        this.subscriptions = s;
        this.#notifier.schedule();
      }),
    );
    this.host.requestUpdate();
  }

  #stop(): void {
    for (const off of this.#offs.splice(0)) off();
    this.#notifier.cancel();
  }
}

export class HeartbeatController extends ConnectionController {
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    host: RtHost,
    readonly intervalMs = 30_000,
  ) {
    super(host);
  }

  /** When the last heartbeat reply arrived. */
  get lastHeartbeat(): Date | null {
    return this.detail.lastHeartbeatAt === null ? null : new Date(this.detail.lastHeartbeatAt);
  }

  /** Connected, and a heartbeat answered recently (within two intervals, at least 30 s). */
  get isAlive(): boolean {
    if (this.detail.status !== 'connected') return false;
    const last = this.detail.lastHeartbeatAt;
    return last === null || Date.now() - last < Math.max(2 * this.intervalMs, 30_000);
  }

  override hostConnected(): void {
    super.hostConnected();
    clearInterval(this.#timer);
    this.#timer = setInterval(() => this.host.requestUpdate(), Math.max(250, this.intervalMs));
  }

  override hostDisconnected(): void {
    super.hostDisconnected();
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
