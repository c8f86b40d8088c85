/** What every part of the local backend shares: the database, the secret, the keys, dev state. */
import type { Db } from './db.ts';

export interface DevState {
  /** Whether the /__dev endpoints are enabled (`--dev-controls`). */
  enabled: boolean;
  /** Lifetime in seconds of user access tokens issued from now on. */
  tokenTtlSeconds: number;
  /** Epoch ms until which the realtime service refuses sockets (0 = not paused). */
  realtimePausedUntil: number;
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
