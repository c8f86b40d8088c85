/**
 * `/__demo/*`: the demo page's control panel, served by the local backend.
 *
 * Enabled only with dev controls on (`--dev-controls`, `npm start`, tests), and then only for
 * requests from this machine: the peer address must be loopback, the Host header must name a
 * loopback host (no DNS rebinding) and a browser Origin, when sent, must be a loopback origin
 * (no cross-site requests from other pages the developer has open). Within those limits no key is
 * needed, so the demo page never holds the service_role key: it asks the backend, which writes
 * through its own database connection (see server/simulator.ts).
 *
 *   GET  /__demo/config                        url, anon key, demo users (never the service key)
 *   GET  /__demo/state                         simulator running / paused, token TTL, realtime pause
 *   POST /__demo/simulator?running=true|false  resume / pause the simulator
 *   POST /__demo/stream/start                  {orgId?, name?}
 *   POST /__demo/stream/advance                {streamId?, orgId?}
 *   POST /__demo/stream/fail                   {streamId?, orgId?}
 *   POST /__demo/scan/start                    {userId, name?}
 *   POST /__demo/agent/launch                  {streamId, agentId?}
 *   POST /__demo/alert                         {userId, priority, businessName?, signalType?}
 *   POST /__demo/notification                  {userId, type, title?, body?, link?}
 *   POST /__demo/burst?count=1000              {streamId?}
 *   POST /__demo/fault/drop-connections
 *   POST /__demo/fault/pause-realtime?ms=15000
 *   POST /__demo/fault/lag-realtime?ms=8000&for=30000
 *   POST /__demo/fault/rest-busy?for=20000&retry-after=10
 *   POST /__demo/fault/expire-token?seconds=10
 *
 * Every input is validated (uuid format, enum values, lengths, ranges): a bad one is a 400 with a
 * message naming the field. A missing row is a 404, a row in the wrong state a 409.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BackendContext } from './context.ts';
import { HttpError, readJson, sendJson } from './http-util.ts';
import {
  AGENT_IDS,
  NOTIFICATION_TYPES,
  PRIORITIES,
  SIGNAL_TYPES,
  Simulator,
  SimulatorError,
  type NotificationType,
  type Priority,
  type SignalType,
} from './simulator.ts';

/** What the controls need from the realtime service. `expireTokens` is used when the realtime module offers it. */
export interface DemoRealtime {
  dropAll(): number;
  expireTokens?: () => number | Promise<number>;
}

export interface DemoControlsDeps {
  ctx: BackendContext;
  realtime: DemoRealtime;
  simulator: Simulator;
  /** The backend's public URL (known once it listens). */
  url: () => string;
}

/** Lifetime of the one short-lived token the expire-token fault hands out, and its limits. */
export const EXPIRE_TOKEN_DEFAULT_SECONDS = 10;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

const ROUTES: Record<string, 'GET' | 'POST'> = {
  '/__demo/config': 'GET',
  '/__demo/state': 'GET',
  '/__demo/simulator': 'POST',
  '/__demo/stream/start': 'POST',
  '/__demo/stream/advance': 'POST',
  '/__demo/stream/fail': 'POST',
  '/__demo/scan/start': 'POST',
  '/__demo/agent/launch': 'POST',
  '/__demo/alert': 'POST',
  '/__demo/notification': 'POST',
  '/__demo/burst': 'POST',
  '/__demo/fault/drop-connections': 'POST',
  '/__demo/fault/pause-realtime': 'POST',
  '/__demo/fault/lag-realtime': 'POST',
  '/__demo/fault/rest-busy': 'POST',
  '/__demo/fault/expire-token': 'POST',
};

const bad = (message: string) => new HttpError(400, { error: 'bad_request', message });

function isLoopbackAddress(addr: string | undefined): boolean {
  if (!addr) return false;
  if (addr === '::1') return true;
  const v4 = addr.startsWith('::ffff:') ? addr.slice(7) : addr;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

function hostnameOf(hostHeader: string): string {
  if (hostHeader.startsWith('[')) return hostHeader.slice(0, hostHeader.indexOf(']') + 1);
  return hostHeader.split(':')[0] ?? '';
}

/** Loopback peer, loopback Host, and (if a browser sent one) a loopback Origin. */
function assertLocal(req: IncomingMessage): void {
  if (!isLoopbackAddress(req.socket.remoteAddress)) throw new HttpError(403, { error: 'forbidden', message: 'demo controls answer only requests from this machine' });
  const host = hostnameOf(String(req.headers.host ?? '')).toLowerCase();
  if (!LOOPBACK_HOSTS.has(host)) throw new HttpError(403, { error: 'forbidden', message: 'demo controls answer only on a loopback host name' });
  const origin = req.headers.origin;
  if (origin !== undefined) {
    let ok = false;
    try {
      const u = new URL(origin);
      ok = (u.protocol === 'http:' || u.protocol === 'https:') && LOOPBACK_HOSTS.has(u.hostname.toLowerCase());
    } catch {
      ok = false;
    }
    if (!ok) throw new HttpError(403, { error: 'forbidden', message: `demo controls do not answer pages from ${origin}` });
  }
}

// ------------------------------------------------------------------ input validation

type Body = Record<string, unknown>;

async function readBodyObject(req: IncomingMessage, allowed: readonly string[]): Promise<Body> {
  let value: unknown;
  try {
    value = await readJson(req);
  } catch (err) {
    if (err instanceof HttpError && err.status === 400) throw bad('the body must be JSON');
    throw err;
  }
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw bad('the body must be a JSON object');
  const body = value as Body;
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) throw bad(`unknown field "${key}"${allowed.length ? ` (expected ${allowed.join(', ')})` : ' (this control takes no body)'}`);
  }
  return body;
}

function uuidField(body: Body, key: string, required: true): string;
function uuidField(body: Body, key: string, required: false): string | undefined;
function uuidField(body: Body, key: string, required: boolean): string | undefined {
  const v = body[key];
  if (v === undefined || v === null) {
    if (required) throw bad(`${key} is required`);
    return undefined;
  }
  if (typeof v !== 'string' || !UUID.test(v)) throw bad(`${key} must be a uuid`);
  return v.toLowerCase();
}

function enumField<T extends string>(body: Body, key: string, values: readonly T[], required: true): T;
function enumField<T extends string>(body: Body, key: string, values: readonly T[], required: false): T | undefined;
function enumField<T extends string>(body: Body, key: string, values: readonly T[], required: boolean): T | undefined {
  const v = body[key];
  if (v === undefined || v === null) {
    if (required) throw bad(`${key} is required (one of ${values.join(', ')})`);
    return undefined;
  }
  if (typeof v !== 'string' || !values.includes(v as T)) throw bad(`${key} must be one of ${values.join(', ')}`);
  return v as T;
}

function textField(body: Body, key: string, maxLength: number): string | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw bad(`${key} must be a string`);
  const t = v.trim();
  if (!t) throw bad(`${key} must not be empty`);
  if (t.length > maxLength) throw bad(`${key} must be at most ${maxLength} characters`);
  return t;
}

function intParam(url: URL, key: string, def: number, min: number, max: number): number {
  const raw = url.searchParams.get(key);
  if (raw === null) return def;
  if (!/^\d+$/.test(raw)) throw bad(`${key} must be a whole number from ${min} to ${max}`);
  const n = Number(raw);
  if (n < min || n > max) throw bad(`${key} must be a whole number from ${min} to ${max}`);
  return n;
}

function boolParam(url: URL, key: string): boolean {
  const raw = url.searchParams.get(key);
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw bad(`${key} must be true or false`);
}

// ------------------------------------------------------------------ the handler

export function createDemoControls({ ctx, realtime, simulator, url }: DemoControlsDeps) {
  const { dev } = ctx;
  let restoreTimer: ReturnType<typeof setTimeout> | null = null;
  let ttlBeforeExpire: number | null = null;
  let lagTimer: ReturnType<typeof setTimeout> | null = null;
  let lagUntil = 0;
  let restoreAt = 0;

  async function config() {
    const r = await ctx.db.query<{ id: string; email: string; name: string | null; org_id: string; org_name: string; role: string }>(
      `select u.id::text as id, u.email, u.raw_user_meta_data->>'name' as name, m.org_id::text as org_id, o.name as org_name, m.role
         from auth.users u join public.org_members m on m.user_id = u.id join public.orgs o on o.id = m.org_id
        order by o.created_at, o.name, u.email`,
    );
    return {
      url: url(),
      anonKey: ctx.anonKey,
      // The seeded users' shared password: public, printed by the CLI, for the demo's user switcher.
      password: 'rt-monitor-demo',
      users: r.rows.map((u) => ({ id: u.id, email: u.email, name: u.name ?? u.email.split('@')[0], orgId: u.org_id, orgName: u.org_name, role: u.role })),
    };
  }

  function state() {
    const now = Date.now();
    return {
      simulator: { started: simulator.started, paused: simulator.paused, running: simulator.running, tickMs: simulator.tickMs, ticks: simulator.tickCount },
      tokenTtlSeconds: dev.tokenTtlSeconds,
      tokenTtlRestoresAt: restoreTimer && ttlBeforeExpire !== null ? new Date(restoreAt).toISOString() : null,
      realtimePausedUntil: dev.realtimePausedUntil > now ? new Date(dev.realtimePausedUntil).toISOString() : null,
      realtimeLagMs: dev.realtimeLagMs,
      realtimeLagUntil: lagTimer ? new Date(lagUntil).toISOString() : null,
      restBusyUntil: dev.restBusyUntil > now ? new Date(dev.restBusyUntil).toISOString() : null,
      realtimeCanExpireTokens: typeof realtime.expireTokens === 'function',
    };
  }

  async function handle(req: IncomingMessage, res: ServerResponse, u: URL): Promise<void> {
    if (!dev.enabled) throw new HttpError(404, { error: 'not_found', message: 'demo controls are disabled (start with --dev-controls)' });
    assertLocal(req);
    const path = u.pathname.replace(/\/+$/, '');
    const method = ROUTES[path];
    if (!method) throw new HttpError(404, { error: 'not_found', message: `no demo control ${path}` });
    if (req.method !== method && !(method === 'GET' && req.method === 'HEAD')) {
      throw new HttpError(405, { error: 'method_not_allowed', message: `use ${method} for ${path}` });
    }
    switch (path) {
      case '/__demo/config':
        return sendJson(res, 200, await config());
      case '/__demo/state':
        return sendJson(res, 200, state());
      case '/__demo/simulator': {
        await readBodyObject(req, []);
        const running = boolParam(u, 'running');
        if (running) {
          simulator.paused = false;
          simulator.start();
        } else simulator.paused = true;
        return sendJson(res, 200, state());
      }
      case '/__demo/stream/start': {
        const b = await readBodyObject(req, ['orgId', 'name']);
        return sendJson(res, 201, { stream: await simulator.startStream({ orgId: uuidField(b, 'orgId', false), name: textField(b, 'name', 120) }) });
      }
      case '/__demo/stream/advance': {
        const b = await readBodyObject(req, ['streamId', 'orgId']);
        return sendJson(res, 200, { stream: await simulator.advanceStream({ streamId: uuidField(b, 'streamId', false), orgId: uuidField(b, 'orgId', false) }) });
      }
      case '/__demo/stream/fail': {
        const b = await readBodyObject(req, ['streamId', 'orgId']);
        return sendJson(res, 200, { stream: await simulator.failStream({ streamId: uuidField(b, 'streamId', false), orgId: uuidField(b, 'orgId', false) }) });
      }
      case '/__demo/scan/start': {
        const b = await readBodyObject(req, ['userId', 'name']);
        return sendJson(res, 201, { scan: await simulator.startScan({ userId: uuidField(b, 'userId', true), name: textField(b, 'name', 120) }) });
      }
      case '/__demo/agent/launch': {
        const b = await readBodyObject(req, ['streamId', 'agentId']);
        const streamId = uuidField(b, 'streamId', true);
        const agentId = textField(b, 'agentId', 60);
        if (agentId !== undefined && !/^[a-z0-9][a-z0-9-]*$/.test(agentId)) throw bad(`agentId must be lowercase letters, digits and dashes (e.g. ${AGENT_IDS[0]})`);
        return sendJson(res, 201, { agent: await simulator.launchAgent({ streamId, agentId }) });
      }
      case '/__demo/alert': {
        const b = await readBodyObject(req, ['userId', 'priority', 'businessName', 'signalType']);
        const alert = await simulator.emitAlert({
          userId: uuidField(b, 'userId', true),
          priority: enumField<Priority>(b, 'priority', PRIORITIES, true),
          businessName: textField(b, 'businessName', 200),
          signalType: enumField<SignalType>(b, 'signalType', SIGNAL_TYPES, false),
        });
        return sendJson(res, 201, { alert });
      }
      case '/__demo/notification': {
        const b = await readBodyObject(req, ['userId', 'type', 'title', 'body', 'link']);
        const link = textField(b, 'link', 500);
        if (link !== undefined && !/^(\/|https?:\/\/)/.test(link)) throw bad('link must start with / or http(s)://');
        const notification = await simulator.sendNotification({
          userId: uuidField(b, 'userId', true),
          type: enumField<NotificationType>(b, 'type', NOTIFICATION_TYPES, true),
          title: textField(b, 'title', 200),
          body: textField(b, 'body', 1000),
          link,
        });
        return sendJson(res, 201, { notification });
      }
      case '/__demo/burst': {
        const b = await readBodyObject(req, ['streamId']);
        const count = intParam(u, 'count', 1000, 1, 10_000);
        return sendJson(res, 200, await simulator.burst({ streamId: uuidField(b, 'streamId', false), count }));
      }
      case '/__demo/fault/drop-connections': {
        await readBodyObject(req, []);
        return sendJson(res, 200, { dropped: realtime.dropAll() });
      }
      case '/__demo/fault/pause-realtime': {
        await readBodyObject(req, []);
        const ms = intParam(u, 'ms', 15_000, 0, 120_000);
        dev.realtimePausedUntil = Date.now() + ms;
        const dropped = realtime.dropAll();
        return sendJson(res, 200, { dropped, pausedUntil: new Date(dev.realtimePausedUntil).toISOString() });
      }
      case '/__demo/fault/lag-realtime': {
        // Realtime running behind the database (a backlog): every change goes out `ms` after its
        // commit, for `for` ms; then on time again (what waits goes out at once).
        await readBodyObject(req, []);
        const ms = intParam(u, 'ms', 8000, 0, 60_000);
        const forMs = intParam(u, 'for', 30_000, 1000, 300_000);
        dev.realtimeLagMs = ms;
        if (lagTimer) clearTimeout(lagTimer);
        lagUntil = Date.now() + forMs;
        lagTimer = setTimeout(() => {
          dev.realtimeLagMs = 0;
          lagTimer = null;
        }, forMs);
        lagTimer.unref?.();
        return sendJson(res, 200, { lagMs: ms, until: new Date(lagUntil).toISOString() });
      }
      case '/__demo/fault/rest-busy': {
        // PostgREST unable to reach the database: every REST request is answered 503 with
        // `Retry-After` for `for` ms, and the sockets are dropped, so that every widget reads
        // again (after it reconnects) and must say why it cannot.
        await readBodyObject(req, []);
        const forMs = intParam(u, 'for', 20_000, 1000, 120_000);
        dev.restRetryAfterSeconds = intParam(u, 'retry-after', 10, 0, 120);
        dev.restBusyUntil = Date.now() + forMs;
        const dropped = realtime.dropAll();
        return sendJson(res, 200, { dropped, until: new Date(dev.restBusyUntil).toISOString(), retryAfterSeconds: dev.restRetryAfterSeconds });
      }
      case '/__demo/fault/expire-token': {
        // "Expire the token now" as a real client meets it: its access token runs out while its
        // channels are joined, the server sends the system error "Token has expired …" and
        // phx_close, and the client must refresh and resubscribe on its own.
        //  1. Tokens issued during the next few seconds live only `seconds`; the page refreshes its
        //     session right after this call and so holds one short-lived token.
        //  2. Halfway through, the previous lifetime is restored, so the refresh that follows the
        //     expiry yields a normal token again (no endless expiry loop).
        //  3. If the realtime module offers `expireTokens()`, channels joined with user tokens are
        //     told now that their token expired.
        await readBodyObject(req, []);
        const seconds = intParam(u, 'seconds', EXPIRE_TOKEN_DEFAULT_SECONDS, 2, 120);
        if (ttlBeforeExpire === null) ttlBeforeExpire = dev.tokenTtlSeconds;
        const restoreTo = ttlBeforeExpire;
        dev.tokenTtlSeconds = seconds;
        if (restoreTimer) clearTimeout(restoreTimer);
        const restoreMs = Math.max(1000, Math.floor((seconds * 1000) / 2));
        restoreAt = Date.now() + restoreMs;
        restoreTimer = setTimeout(() => {
          if (dev.tokenTtlSeconds === seconds) dev.tokenTtlSeconds = restoreTo;
          ttlBeforeExpire = null;
          restoreTimer = null;
        }, restoreMs);
        restoreTimer.unref?.();
        const expired = typeof realtime.expireTokens === 'function' ? await realtime.expireTokens() : null;
        return sendJson(res, 200, {
          tokenTtlSeconds: seconds,
          restoresTo: restoreTo,
          restoresAt: new Date(restoreAt).toISOString(),
          channelsExpired: expired,
          next: 'refresh the session now (supabase.auth.refreshSession()) to receive the short-lived token',
        });
      }
      default:
        throw new HttpError(404, { error: 'not_found', message: `no demo control ${path}` });
    }
  }

  return {
    /** Handles one `/__demo/*` request; maps simulator errors to 404 / 409. */
    async handle(req: IncomingMessage, res: ServerResponse, u: URL): Promise<void> {
      try {
        await handle(req, res, u);
      } catch (err) {
        if (err instanceof SimulatorError) throw new HttpError(err.status, { error: err.status === 404 ? 'not_found' : 'conflict', message: err.message });
        throw err;
      }
    },
    /** Cancels the pending token-lifetime restore (backend shutting down). */
    close(): void {
      if (restoreTimer) clearTimeout(restoreTimer);
      restoreTimer = null;
    },
  };
}
