/** What every part of the local backend shares: the database, the secret, the keys, dev state. */
import type { Db } from './db.ts';

export interface DevState {
  /** Whether the /__dev endpoints are enabled (`--dev-controls`). */
  enabled: boolean;
  /** Lifetime in seconds of user access tokens issued from now on. */
  tokenTtlSeconds: number;
  /** Epoch ms until which the realtime service refuses sockets (0 = not paused). */
  realtimePausedUntil: number;
  /**
   * Epoch ms until which WebSocket upgrade requests are held unanswered, as a proxy that never
   * passes them on (0 = not held); each held request is dropped when the hold ends.
   */
  realtimeHeldUntil: number;
  /**
   * Realtime lag (ms): postgres_changes and broadcast messages go out no sooner than this long
   * after their commit, in order, as on a busy Realtime server that runs behind the database
   * (0 = as soon as they are read).
   */
  realtimeLagMs: number;
  /**
   * Epoch ms until which every REST request is answered 503 with `Retry-After`
   * ({@link restRetryAfterSeconds}), as PostgREST does while it cannot reach the database (0 = not).
   */
  restBusyUntil: number;
  restRetryAfterSeconds: number;
}

export interface BackendContext {
  db: Db;
  jwtSecret: string;
  anonKey: string;
  serviceRoleKey: string;
  dev: DevState;
  /** One line per problem; never a stack dump. */
  log(line: string): void;
}
