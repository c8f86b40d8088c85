/**
 * What a client is built on: its options, the realtime and REST clients made from them (or taken
 * from a host SupabaseClient), and the page signals that make it check its link at once.
 */
import { RealtimeClient } from '@supabase/realtime-js';
import { createRest } from './rest.js';
import { decodeJwt, isNotJwt, NOT_A_JWT, refuseKey } from './jwt.js';
import { serverNow } from './server-clock.js';
import { onStall } from './realtime-lag.js';
import { registerConnectionHandlersOnce, withWindowListeners } from './socket-hygiene.js';
import { withPlainJson } from './plain-json.js';
import type { AccessTokenOption } from './tokens.js';
import type { RealtimeClientLike, RestLike, SupabaseLike } from './supabase-like.js';
import type { Session } from './session.js';
import type { Link } from './link.js';
import type { SchemaOptions } from './schema-map.js';
import type { RealtimeMode } from './broadcast-topics.js';

export interface RtClientOptions {
  /** Project URL, e.g. `https://xyz.supabase.co` (or the local backend's `http://127.0.0.1:54321`). */
  url?: string;
  /** The anon (publishable) key. */
  anonKey?: string;
  /** The user's access token, or an async function returning a fresh one. */
  accessToken?: AccessTokenOption;
  /** A host page's own SupabaseClient to reuse (its socket and its session). */
  client?: SupabaseLike;
  /** Heartbeat interval of rt-monitor's own socket; a dead socket is noticed within twice this. Default 12 500 ms. */
  heartbeatIntervalMs?: number;
  /** Realtime serializer version ('1.0.0' or '2.0.0', the default). */
  vsn?: string;
  /**
   * Your own table names for the monitored tables (and `org_members`), e.g. `{ streams: 'work_items' }`.
   * Unmapped tables keep rt-monitor's names. See src/core/schema-map.ts.
   */
  tables?: SchemaOptions['tables'];
  /** Your own column names where they differ, per standard table, e.g. `{ notifications: { read: 'is_read' } }`. */
  columns?: SchemaOptions['columns'];
  /**
   * `postgres_changes` (default) or `broadcast`: Broadcast from Database on private topics
   * (needs supabase/migrations/*_rt_monitor_broadcast.sql; see src/core/broadcast-topics.ts).
   */
  realtimeMode?: RealtimeMode;
  /**
   * How often (ms) the rows live widgets hold are read again by key, one request per table
   * (a row that left the user's view under RLS goes; Realtime does not report it). 0 turns it off.
   * Default `LiveHub.revalidateMs` (60 000).
   */
  revalidateMs?: number;
}

export const HEARTBEAT_INTERVAL_MS = 12_500;
/** Delays (ms) before reconnection attempts 1, 2, 3, 4+ of rt-monitor's own socket. */
const RECONNECT_DELAYS = [1000, 2000, 5000, 10_000];

/** Validates the options and builds the realtime client and the REST client over them. */
export function transport(options: RtClientOptions, session: Session): { realtime: RealtimeClientLike; rest: RestLike; release?: () => void } {
  // Every await of a plain object (supabase-js's replies) would wait for that `then` forever.
  if (typeof ({} as { then?: unknown }).then === 'function') throw new Error('The page has set Object.prototype.then: every promise resolved with a plain object (each reply) then waits for it forever. Remove it.');
  const host = options.client;
  if (host) {
    if (!host.realtime || typeof host.from !== 'function') throw new Error('`client` must be a SupabaseClient (with `realtime` and `from()`).');
    refuseKey((host.realtime as { apiKey?: unknown }).apiKey, "The SupabaseClient's key");
    return { realtime: host.realtime, rest: host };
  }
  const { url, anonKey } = options;
  if (!url && !anonKey) {
    throw Object.assign(new Error('rt-monitor is not configured: give <rt-provider> supabase-url and anon-key, or call RtMonitor.configure({ url, anonKey }).'), { code: 'not-configured' });
  }
  if (!url) throw new Error('No Supabase URL given (supabase-url / url).');
  if (!anonKey) throw new Error('No anon key given (anon-key / anonKey).');
  refuseKey(anonKey, 'The anon key');
  let base: URL;
  try {
    base = new URL(url);
  } catch {
    throw new Error(`"${url}" is not a valid URL.`);
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new Error(`"${url}" must be an http(s) URL.`);
  // The REST (or Realtime, Auth) address pasted where the project's address goes.
  const api = /\/(rest|realtime|auth)\/v1\/?$/.exec(base.pathname);
  if (api) throw new Error(`"${url}" is the ${api[1]} API's address: give the project's URL (${base.origin}${base.pathname.slice(0, api.index)}), without /${api[1]}/v1.`);
  const token = refuseKey(options.accessToken);
  if (typeof token === 'string' && isNotJwt(token)) {
    throw new Error(NOT_A_JWT);
  }
  // A user's token given as the anon key (sent as the API key), the anon key as the user's token:
  // the server answers "no access" or "not signed in", neither the cause.
  const mixedUp = [
    decodeJwt(anonKey)?.role === 'authenticated' && 'the anon key is a user\'s access token (role "authenticated")',
    typeof token === 'string' && decodeJwt(token)?.role === 'anon' && 'the access token is the anon key (role "anon")',
  ].filter(Boolean);
  if (mixedUp.length) {
    throw new Error(`The anon key and the access token look swapped: ${mixedUp.join(', and ')}. Give the project's anon (publishable) key as the anon key, and a signed-in user's access token (or none) as the access token.`);
  }
  const root = base.href.replace(/\/+$/, '');
  const { tokens } = session;
  const hasUserToken = options.accessToken !== undefined && options.accessToken !== null && options.accessToken !== '';
  const [realtime, release] = withWindowListeners(() => new RealtimeClient(`${root.replace(/^http/, 'ws')}/realtime/v1`, {
    params: { apikey: anonKey },
    worker: false, // no blob worker: CSP-strict hosts
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? HEARTBEAT_INTERVAL_MS,
    reconnectAfterMs: (tries: number) => RECONNECT_DELAYS[tries - 1] ?? 10_000,
    ...(hasUserToken ? { accessToken: () => tokens.get() } : {}),
    ...(options.vsn ? { vsn: options.vsn } : {}),
    disconnectOnEmptyChannelsAfterMs: 5 * 60_000,
    // realtime-js's own encoders (V1: the message as JSON; V2: its serializer), out of reach of
    // a page's Array.prototype.toJSON (./plain-json.ts).
    encode: (message, callback) =>
      withPlainJson(() => (options.vsn === '1.0.0' ? callback(JSON.stringify(message)) : realtime.serializer.encode(message, callback))),
  }));
  const realtimeLike = realtime as unknown as RealtimeClientLike;
  // realtime-js registers its socket callbacks again on every connect(): once is enough (see ./socket-hygiene.ts).
  registerConnectionHandlersOnce(realtimeLike);
  return { realtime: realtimeLike, rest: createRest({ url: `${root}/rest/v1`, anonKey, token: () => tokens.get() }), release };
}

/**
 * Back online / tab visible again: check the link at once instead of waiting for a heartbeat
 * (and never rejoin with a stale token after the tab wakes). Returns the function that stops.
 */
export function watchPage(link: Link, session: Session, carrying: () => boolean): () => void {
  if (typeof window === 'undefined' || typeof document === 'undefined') return () => {};
  const onOnline = () => {
    if (link.state === 'closed') return;
    if (link.open) link.probe();
    else link.reopen();
  };
  // Tab visible again. Two listeners around phoenix's own (on `window`, added when its Socket was
  // built), which reconnects at once a socket that did not close cleanly:
  // - on `document`, before it: an expiring token is refreshed first (the socket is closed cleanly,
  //   so phoenix leaves it, and opened again with the new token);
  // - on `window`, after it: a socket that works is asked for a heartbeat; one that phoenix left
  //   closed is opened. One phoenix has just started is kept: opening one first made phoenix close
  //   it before it was established (a console error on the host page, and a second socket).
  let refreshing = false;
  const onVisibility = () => {
    if (link.state === 'closed' || document.visibilityState !== 'visible') return;
    const { tokens } = session;
    const exp = tokens.expiresAt;
    if (!(tokens.refreshable && exp !== null && exp - serverNow() < 60_000)) return;
    refreshing = true;
    void (async () => {
      try {
        if (!link.open) await link.realtime.disconnect().catch(() => {});
        await session.refresh('tab became visible with an expiring token');
        if (!link.open) link.realtime.connect();
      } finally {
        refreshing = false;
      }
    })();
  };
  const afterVisibility = () => {
    if (link.state === 'closed' || document.visibilityState !== 'visible' || refreshing) return;
    if (link.open) link.probe();
    else if (carrying()) link.reopen();
  };
  const onOffline = () => link.offline();
  // Back from the back/forward cache (`pageshow`, persisted) or resumed after a freeze (`resume`):
  // off Live before the first frame paints, until the server answers (or the socket reconnects).
  // A socket that is down is opened on `pageshow` only, after phoenix's own listener (which
  // reopens the socket it closed on `pagehide`): `resume` comes before `visibilitychange`, whose
  // phoenix listener closes a socket that is still connecting (see afterVisibility).
  const onReturn = (e: Event) => {
    if (link.state === 'closed' || (e as PageTransitionEvent).persisted === false) return;
    if (link.open) link.suspect();
    else if (e.type === 'pageshow' && carrying()) link.reopen();
  };
  // The page's main thread stalled (a host page's `alert()`, a task of seconds): no event tells
  // of it, the stall watch does (src/core/realtime-lag.ts); as after a freeze.
  const offStall = onStall(() => link.open && link.suspect());
  window.addEventListener('online', onOnline);
  window.addEventListener('offline', onOffline);
  window.addEventListener('pageshow', onReturn);
  document.addEventListener('resume', onReturn);
  document.addEventListener('visibilitychange', onVisibility);
  window.addEventListener('visibilitychange', afterVisibility);
  return () => {
    offStall();
    window.removeEventListener('online', onOnline);
    window.removeEventListener('offline', onOffline);
    window.removeEventListener('pageshow', onReturn);
    document.removeEventListener('resume', onReturn);
    document.removeEventListener('visibilitychange', onVisibility);
    window.removeEventListener('visibilitychange', afterVisibility);
  };
}
