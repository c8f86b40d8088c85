/**
 * The connection's detail as a client reports it (`RtClient.getConnection()`), and the listeners
 * told when it changes (`onConnection`): told once per change of its status, figures or error,
 * never for an equal detail. `staleSince` is when the connection last stopped being `connected`
 * (ms, local clock; null while connected or before it ever was). Framework-free.
 */
import type { ConnectionDetail, RtError } from './types.js';

export class ConnectionDetails {
  #detail: ConnectionDetail;
  /** The last told detail's identity ({@link detailKey}). */
  #key = '';
  readonly #listeners = new Set<(detail: ConnectionDetail) => void>();

  constructor(tokenExpiresAt: number | null) {
    this.#detail = {
      status: 'disconnected', attempt: 0, nextRetryAt: null, latencyMs: null, lastHeartbeatAt: null,
      lastError: null, staleSince: null, tokenExpiresAt,
    };
  }

  /** A copy of the detail now. */
  get current(): ConnectionDetail {
    return { ...this.#detail };
  }

  /** Whether anyone listens (then the client keeps a connection to watch). */
  get listened(): boolean {
    return this.#listeners.size > 0;
  }

  /** `listener` hears every change from now on. Returns the unsubscribe. */
  listen(listener: (detail: ConnectionDetail) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The client could not be built (`error`): its status is `error` for good, told to nobody yet. */
  misconfigured(error: RtError): void {
    this.#detail = { ...this.#detail, status: 'error', lastError: error };
  }

  /** The detail now (without `staleSince`, which this keeps): listeners hear it when it changed. */
  update(next: Omit<ConnectionDetail, 'staleSince'>): void {
    const was = this.#detail;
    const staleSince = next.status === 'connected' ? null : was.status === 'connected' && was.staleSince === null ? Date.now() : was.staleSince;
    const detail = (this.#detail = { ...next, staleSince });
    const key = detailKey(detail);
    if (key === this.#key) return;
    this.#key = key;
    for (const listener of [...this.#listeners]) {
      try {
        listener({ ...detail });
      } catch (err) {
        console.error('[rt-monitor] connection listener failed:', err);
      }
    }
  }

  dispose(): void {
    this.#listeners.clear();
  }
}

/** The fields of a ConnectionDetail that listeners hear about when they change. */
function detailKey(d: ConnectionDetail): string {
  const e = d.lastError;
  return `${d.status}|${d.attempt}|${d.nextRetryAt}|${d.latencyMs}|${d.lastHeartbeatAt}|${d.staleSince}|${d.tokenExpiresAt}|${e ? `${e.code}:${e.message}` : ''}`;
}
