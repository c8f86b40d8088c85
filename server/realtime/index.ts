/**
 * Realtime for the local backend: Phoenix channels at /realtime/v1/websocket (vsn 1.0.0 and
 * 2.0.0), heartbeat, postgres_changes with filters and per-subscriber RLS, access_token, token
 * expiry, system messages, broadcast and a simple presence. See docs/backend-realtime.md.
 *
 * `RT_REALTIME_IDLE_TIMEOUT_MS` overrides the 60 s idle timeout (tests).
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { BackendContext } from '../context.ts';
import { RealtimeServer, type RealtimeOptions } from './server.ts';

export { RealtimeServer, type BroadcastStats } from './server.ts';

export interface Realtime {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Closes every realtime socket now; returns how many. */
  dropAll(): number;
  /** Shuts down every channel joined with a user's token as an expired one (the demo's fault); returns how many. */
  expireTokens(): number;
  /** Forgets every channel without a frame to its client (the dev control forget-channels); returns how many. */
  forgetChannels(): number;
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** The server object, for tests and benchmarks (socket counts, pushes). */
  readonly server: RealtimeServer;
}

export function createRealtime(ctx: BackendContext, options: RealtimeOptions = {}): Realtime {
  const envIdle = Number(process.env.RT_REALTIME_IDLE_TIMEOUT_MS);
  const server = new RealtimeServer(ctx, {
    ...(Number.isFinite(envIdle) && envIdle > 0 ? { idleTimeoutMs: envIdle } : {}),
    ...options,
  });
  return {
    server,
    start: () => server.start(),
    stop: () => server.stop(),
    dropAll: () => server.dropAll(),
    expireTokens: () => server.expireTokens(),
    forgetChannels: () => server.forgetChannels(),
    handleUpgrade: (req, socket, head) => server.handleUpgrade(req, socket, head),
  };
}
