/**
 * The local Supabase-compatible backend: PGlite (or PostgreSQL) + Realtime (Phoenix WebSocket)
 * + PostgREST subset + GoTrue subset, on one HTTP port, as `supabase start` gives on 54321.
 *
 *   const backend = await startLocalBackend({ port: 0 });
 *   createClient(backend.url, backend.anonKey);
 *   await backend.stop();
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { openPglite, openPostgres, type Db } from './db.ts';
import { signJwt, verifyJwt } from './jwt.ts';
import { HttpError, sendJson, setCors, bearerToken } from './http-util.ts';
import { seed as seedDemo, DEMO_USERS, DEMO_PASSWORD } from './seed.ts';
import type { BackendContext, DevState } from './context.ts';
import { createRestHandler } from './rest/index.ts';
import { createAuthHandler } from './auth.ts';
import { createRealtime, type RealtimeServer } from './realtime/index.ts';
// [demo] simulator + /__demo controls (server/simulator.ts, server/demo-controls.ts)
import { Simulator, type SimulatorOptions } from './simulator.ts';
import { createDemoControls } from './demo-controls.ts';

const here = dirname(fileURLToPath(import.meta.url));
export const MIGRATIONS_DIR = join(here, '..', 'supabase', 'migrations');

/** The dev secret: fixed by default so keys stay the same across restarts, like `supabase start`. */
export const DEFAULT_JWT_SECRET = 'super-secret-jwt-token-with-at-least-32-characters-long';

export interface LocalBackendOptions {
  /** TCP port; 0 picks a free one. Default 54321. */
  port?: number;
  host?: string;
  /** PGlite data directory (persisted). Omit for in-memory. */
  dataDir?: string;
  /** Use real PostgreSQL instead of PGlite. Defaults to process.env.DATABASE_URL. */
  databaseUrl?: string;
  /** Enable the /__dev fault-injection endpoints. Default false. */
  devControls?: boolean;
  /** Seed demo orgs, users and rows. Default true. */
  seed?: boolean;
  /**
   * Apply supabase/migrations/ at start. Default true. false gives a bare "Supabase project"
   * (auth, roles, an empty supabase_realtime publication) to apply a schema to yourself, as the
   * own-project guide does (docs/own-project.md); implies no seed.
   */
  migrations?: boolean;
  jwtSecret?: string;
  /** Default lifetime of user access tokens in seconds. Default 3600. */
  tokenTtlSeconds?: number;
  /** Suppress the per-problem log lines. */
  quiet?: boolean;
  /** More SQL files applied after the migrations (e.g. supabase/examples/own_schema.sql for the tests). */
  extraSql?: string[];
  /** [demo] Run the data simulator from the start (true, or its options). Default false; `npm start` turns it on. */
  simulator?: boolean | SimulatorOptions;
}

export interface LocalBackend {
  url: string;
  port: number;
  anonKey: string;
  serviceRoleKey: string;
  jwtSecret: string;
  users: { email: string; password: string; id: string }[];
  db: Db;
  /** [demo] The data simulator (started when `options.simulator` is set, or from /__demo/simulator). */
  simulator: Simulator;
  /** The Realtime server (socket counts and counters, for tests and bench/). */
  realtime: RealtimeServer;
  stop(): Promise<void>;
}

async function applyMigrations(db: Db, migrations: boolean, extraSql: readonly string[] = []): Promise<void> {
  await db.exec(readFileSync(join(here, 'sql', 'bootstrap.sql'), 'utf8'));
  const files = migrations ? readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql')).sort() : [];
  for (const file of files) {
    const version = file.split('_')[0];
    const done = await db.query('select 1 from supabase_migrations.schema_migrations where version = $1', [version]);
    if (done.rows.length) continue;
    await db.exec(readFileSync(join(MIGRATIONS_DIR, file), 'utf8'));
    await db.query('insert into supabase_migrations.schema_migrations (version, name) values ($1, $2)', [version, file]);
  }
  for (const file of extraSql) {
    const text = readFileSync(file, 'utf8');
    try {
      await db.exec(text);
    } catch (err) {
      // Which file and line (QA86 L3: "bigint out of range" alone, with two --sql files to bisect).
      const at = Number((err as { position?: unknown }).position);
      const line = at > 0 ? `, line ${text.slice(0, at - 1).split('\n').length}` : '';
      throw new Error(`${file}${line}: ${(err as Error).message}`, { cause: err });
    }
  }
  await db.exec(readFileSync(join(here, 'sql', 'capture.sql'), 'utf8'));
  await db.query('select _rt_local.install_capture()');
}

export async function startLocalBackend(options: LocalBackendOptions = {}): Promise<LocalBackend> {
  const host = options.host ?? '127.0.0.1';
  const jwtSecret = options.jwtSecret ?? DEFAULT_JWT_SECRET;
  const databaseUrl = options.databaseUrl ?? process.env.DATABASE_URL;
  const log = options.quiet ? () => {} : (line: string) => console.error(`[rt-backend] ${line}`);

  const db = databaseUrl ? await openPostgres(databaseUrl) : await openPglite(options.dataDir);
  try {
    await applyMigrations(db, options.migrations !== false, options.extraSql);
    if (options.seed !== false && options.migrations !== false) await seedDemo(db);
  } catch (err) {
    await db.close().catch(() => {});
    throw err;
  }

  // Keys as Supabase issues them: long-lived JWTs with role claims. A fixed issue time keeps
  // them identical across restarts (same secret ⇒ same keys), like `supabase start`.
  const issuedAt = 1_764_000_000; // 2025-11-24
  const twentyYears = 20 * 365 * 24 * 3600;
  const anonKey = await signJwt(jwtSecret, { iss: 'supabase-demo', role: 'anon' }, twentyYears, issuedAt);
  const serviceRoleKey = await signJwt(jwtSecret, { iss: 'supabase-demo', role: 'service_role' }, twentyYears, issuedAt);
  const dev: DevState = { enabled: !!options.devControls, tokenTtlSeconds: options.tokenTtlSeconds ?? 3600, realtimePausedUntil: 0, realtimeHeldUntil: 0, realtimeLagMs: 0, restBusyUntil: 0, restRetryAfterSeconds: 0 };
  const ctx: BackendContext = { db, jwtSecret, anonKey, serviceRoleKey, dev, log };

  const rest = createRestHandler(ctx);
  const auth = createAuthHandler(ctx);
  const realtime = createRealtime(ctx);
  await realtime.start();
  // [demo] the simulator exists always (so /__demo/simulator can start it); the controls need dev controls on.
  const simulatorOptions = typeof options.simulator === 'object' ? options.simulator : {};
  const simulator = new Simulator(db, { log, ...simulatorOptions });
  let publicUrl = '';
  const demo = createDemoControls({ ctx, realtime, simulator, url: () => publicUrl });

  async function handleDev(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (!dev.enabled) throw new HttpError(404, { message: 'dev controls are disabled (start with --dev-controls)' });
    if (req.method !== 'POST') throw new HttpError(405, { message: 'use POST' });
    const token = bearerToken(req);
    const verified = await verifyJwt(jwtSecret, token);
    if (!verified.ok || verified.claims.role !== 'service_role') throw new HttpError(401, { message: 'dev controls need the service_role key' });
    switch (url.pathname) {
      case '/__dev/drop-connections': {
        const dropped = realtime.dropAll();
        return sendJson(res, 200, { dropped });
      }
      case '/__dev/pause-realtime': {
        const ms = Number(url.searchParams.get('ms') ?? '15000');
        if (!Number.isFinite(ms) || ms < 0 || ms > 600_000) throw new HttpError(400, { message: 'ms must be between 0 and 600000' });
        dev.realtimePausedUntil = Date.now() + ms;
        const dropped = realtime.dropAll();
        return sendJson(res, 200, { dropped, pausedUntil: new Date(dev.realtimePausedUntil).toISOString() });
      }
      case '/__dev/hold-realtime': {
        const ms = Number(url.searchParams.get('ms') ?? '15000');
        if (!Number.isFinite(ms) || ms < 0 || ms > 600_000) throw new HttpError(400, { message: 'ms must be between 0 and 600000' });
        dev.realtimeHeldUntil = Date.now() + ms;
        const dropped = ms > 0 ? realtime.dropAll() : 0;
        return sendJson(res, 200, { dropped, heldUntil: new Date(dev.realtimeHeldUntil).toISOString() });
      }
      case '/__dev/forget-channels': {
        const forgotten = realtime.forgetChannels();
        return sendJson(res, 200, { forgotten });
      }
      case '/__dev/rest-busy': {
        // REST answers 503 (PostgREST unable to reach the database) for `ms` (0 lifts it), with
        // `Retry-After: retry-after` seconds (default 0); unlike the demo's fault, sockets stay open.
        const ms = Number(url.searchParams.get('ms') ?? '0');
        const retryAfter = Number(url.searchParams.get('retry-after') ?? '0');
        if (!Number.isFinite(ms) || ms < 0 || ms > 600_000) throw new HttpError(400, { message: 'ms must be between 0 and 600000' });
        if (!Number.isInteger(retryAfter) || retryAfter < 0 || retryAfter > 120) throw new HttpError(400, { message: 'retry-after must be an integer between 0 and 120' });
        dev.restBusyUntil = ms > 0 ? Date.now() + ms : 0;
        dev.restRetryAfterSeconds = retryAfter;
        return sendJson(res, 200, { busyUntil: ms > 0 ? new Date(dev.restBusyUntil).toISOString() : null });
      }
      case '/__dev/expire-tokens': {
        // As the demo's expire-token fault does at once: channels joined with a user's token are
        // shut down with "Token has expired", the tokens themselves still valid.
        return sendJson(res, 200, { expired: realtime.expireTokens() });
      }
      case '/__dev/lag-realtime': {
        const ms = Number(url.searchParams.get('ms') ?? '0');
        if (!Number.isFinite(ms) || ms < 0 || ms > 600_000) throw new HttpError(400, { message: 'ms must be between 0 and 600000' });
        dev.realtimeLagMs = ms;
        return sendJson(res, 200, { lagMs: ms });
      }
      case '/__dev/token-ttl': {
        const seconds = Number(url.searchParams.get('seconds'));
        if (!Number.isInteger(seconds) || seconds < 1 || seconds > 30 * 24 * 3600) throw new HttpError(400, { message: 'seconds must be a positive integer' });
        dev.tokenTtlSeconds = seconds;
        return sendJson(res, 200, { tokenTtlSeconds: seconds });
      }
      default:
        throw new HttpError(404, { message: `unknown dev control ${url.pathname}` });
    }
  }

  const server = createServer((req, res) => {
    setCors(req, res);
    if (req.method === 'OPTIONS') {
      res.writeHead(204).end();
      return;
    }
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      sendJson(res, 400, { message: 'bad request url' });
      return;
    }
    const route = async () => {
      if (url.pathname.startsWith('/rest/v1/')) {
        // The demo's "REST busy" fault: PostgREST's answer while it cannot reach the database.
        if (dev.restBusyUntil > Date.now()) {
          return sendJson(res, 503, { code: 'PGRST001', message: 'Could not connect with the database (the demo\'s "REST busy" fault)', details: null, hint: null }, { 'Retry-After': String(dev.restRetryAfterSeconds) });
        }
        return rest(req, res, url);
      }
      if (url.pathname.startsWith('/auth/v1/')) return auth(req, res, url);
      if (url.pathname.startsWith('/__dev/')) return handleDev(req, res, url);
      if (url.pathname.startsWith('/__demo/')) return demo.handle(req, res, url); // [demo]
      if (url.pathname === '/' || url.pathname === '/health') return sendJson(res, 200, { name: 'rt-monitor local backend', status: 'ok' });
      throw new HttpError(404, { message: `no route for ${url.pathname}` });
    };
    route().catch((err: unknown) => {
      if (err instanceof HttpError) {
        if (!res.headersSent) sendJson(res, err.status, err.body);
        else res.end();
        return;
      }
      log(`${req.method} ${url.pathname}: ${(err as Error)?.message ?? String(err)}`);
      if (!res.headersSent) sendJson(res, 500, { code: 'PGRST000', message: 'Internal server error', details: null, hint: null });
      else res.end();
    });
  });
  server.on('upgrade', (req, socket, head) => {
    let pathname = '';
    try {
      pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    } catch {
      /* fallthrough */
    }
    const held = dev.realtimeHeldUntil - Date.now();
    if (held > 0) {
      // [dev] a proxy that takes the upgrade request and never answers it
      const timer = setTimeout(() => socket.destroy(), held);
      socket.once('close', () => clearTimeout(timer));
      return;
    }
    if (pathname === '/realtime/v1/websocket' || pathname === '/realtime/v1/websocket/') realtime.handleUpgrade(req, socket, head);
    else socket.destroy();
  });
  server.on('clientError', (_err, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 54321, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host}:${port}`;
  publicUrl = url; // [demo]
  if (options.simulator) simulator.start(); // [demo]

  let stopped = false;
  return {
    url,
    port,
    anonKey,
    serviceRoleKey,
    jwtSecret,
    users: DEMO_USERS.map((u) => ({ email: u.email, password: DEMO_PASSWORD, id: u.id })),
    db,
    simulator,
    realtime: realtime.server,
    async stop() {
      if (stopped) return;
      stopped = true;
      demo.close(); // [demo]
      await simulator.close(); // [demo]
      await realtime.stop();
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await db.close();
    },
  };
}

