/**
 * Browser-side helpers for tests against the real local backend that web-test-runner starts
 * once per run (test/support/backend-plugin.mjs). One backend serves the whole run: create
 * your own rows (fresh ids) in every test.
 *
 *   const info = await backendInfo();
 *   const token = await signIn('alice@example.com');
 *   const [stream] = await insertRows('streams', [{ org_id: ACME, name: 't' }]);
 *   await updateRows('streams', { id: stream.id }, { goal_status: 'completed' });
 *   await dropConnections();
 */
import type { MonitoredTable, TableRows } from '../../src/core/types.js';
import { createRtClient, type RtClient, type RtClientOptions } from '../../src/core/client.js';
import { defineFeed } from '../../src/core/feeds/feed.js';

export interface BackendInfo {
  url: string;
  anonKey: string;
  serviceRoleKey: string;
  jwtSecret: string;
}

export const DEMO_PASSWORD = 'rt-monitor-demo';
export const ALICE = '11111111-1111-4111-8111-111111111111';
export const BOB = '22222222-2222-4222-8222-222222222222';
export const CAROL = '33333333-3333-4333-8333-333333333333';
export const ACME = '00000000-0000-4000-a000-00000000ac01';
export const GLOBEX = '00000000-0000-4000-a000-0000000061e0';
export const USERS = { alice: 'alice@example.com', bob: 'bob@example.com', carol: 'carol@example.com' } as const;

let cached: Promise<BackendInfo> | undefined;

/** Connection facts of the run's backend. */
export function backendInfo(): Promise<BackendInfo> {
  cached ??= fetch('/__backend.json').then(async (r) => {
    if (!r.ok) throw new Error(`/__backend.json: ${r.status}`);
    return (await r.json()) as BackendInfo;
  });
  return cached;
}

async function serviceFetch(path: string, init: RequestInit & { prefer?: string } = {}): Promise<Response> {
  const info = await backendInfo();
  const headers = new Headers(init.headers);
  headers.set('apikey', info.serviceRoleKey);
  headers.set('Authorization', `Bearer ${info.serviceRoleKey}`);
  if (init.body) headers.set('Content-Type', 'application/json');
  if (init.prefer) headers.set('Prefer', init.prefer);
  return fetch(`${info.url}${path}`, { ...init, headers });
}

function eqParams(match: Record<string, string | number | boolean>): string {
  return Object.entries(match)
    .map(([k, v]) => `${encodeURIComponent(k)}=eq.${encodeURIComponent(String(v))}`)
    .join('&');
}

async function rowsOf<T>(res: Response, what: string): Promise<T[]> {
  if (!res.ok) throw new Error(`${what}: ${res.status} ${await res.text()}`);
  const text = await res.text();
  return text ? (JSON.parse(text) as T[]) : [];
}

/** Insert rows as service_role (bypasses RLS); returns them as stored. */
export async function insertRows<T extends MonitoredTable>(table: T, rows: Partial<TableRows[T]>[]): Promise<TableRows[T][]> {
  const res = await serviceFetch(`/rest/v1/${table}?select=*`, { method: 'POST', body: JSON.stringify(rows), prefer: 'return=representation' });
  return rowsOf<TableRows[T]>(res, `insert ${table}`);
}

/** Update rows matching all `match` equalities as service_role; returns them. */
export async function updateRows<T extends MonitoredTable>(
  table: T,
  match: Record<string, string | number | boolean>,
  patch: Partial<TableRows[T]>,
): Promise<TableRows[T][]> {
  const res = await serviceFetch(`/rest/v1/${table}?${eqParams(match)}&select=*`, { method: 'PATCH', body: JSON.stringify(patch), prefer: 'return=representation' });
  return rowsOf<TableRows[T]>(res, `update ${table}`);
}

/** Delete rows matching all `match` equalities as service_role. */
export async function deleteRows(table: MonitoredTable, match: Record<string, string | number | boolean>): Promise<void> {
  const res = await serviceFetch(`/rest/v1/${table}?${eqParams(match)}`, { method: 'DELETE' });
  if (!res.ok) throw new Error(`delete ${table}: ${res.status} ${await res.text()}`);
}

/** Read rows as service_role. */
export async function selectRows<T extends MonitoredTable>(table: T, match: Record<string, string | number | boolean>): Promise<TableRows[T][]> {
  const res = await serviceFetch(`/rest/v1/${table}?select=*&${eqParams(match)}`);
  return rowsOf<TableRows[T]>(res, `select ${table}`);
}

export interface Session {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  user: { id: string; email?: string };
}

/** Password sign-in of a demo user; returns the session (access_token is the JWT). */
export async function signInSession(email: string, password = DEMO_PASSWORD): Promise<Session> {
  const info = await backendInfo();
  const res = await fetch(`${info.url}/auth/v1/token?grant_type=password`, {
    method: 'POST',
    headers: { apikey: info.anonKey, 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password, gotrue_meta_security: {} }),
  });
  if (!res.ok) throw new Error(`sign-in ${email}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Session;
}

/** Password sign-in of a demo user; returns the access token. */
export async function signIn(email: string, password = DEMO_PASSWORD): Promise<string> {
  return (await signInSession(email, password)).access_token;
}

async function dev(path: string): Promise<unknown> {
  const res = await serviceFetch(path, { method: 'POST' });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** Dev control: close every realtime socket now (clients reconnect). */
export const dropConnections = () => dev('/__dev/drop-connections');

/**
 * SQL run by the test run's backend as the database owner (test/support/backend-plugin.mjs): DDL,
 * or writes that must not fire triggers (`set local session_replication_role = replica`).
 */
export async function runSql(sql: string): Promise<void> {
  const { executeServerCommand } = await import('@web/test-runner-commands');
  if ((await executeServerCommand('rt-sql', { sql })) !== true) throw new Error('rt-sql: the backend plugin did not run it');
}
/** Dev control: drop sockets and refuse new ones for `ms`. */
export const pauseRealtime = (ms: number) => dev(`/__dev/pause-realtime?ms=${ms}`);
/** Dev control: drop sockets and hold new WebSocket upgrade requests unanswered for `ms` (0 lifts it). */
export const holdRealtime = (ms: number) => dev(`/__dev/hold-realtime?ms=${ms}`);
/** Dev control: deliver realtime changes `ms` after they were committed, in order (0 lifts it). */
export const lagRealtime = (ms: number) => dev(`/__dev/lag-realtime?ms=${ms}`);
/** Dev control: the Realtime server forgets every channel without a frame (sockets stay open, heartbeats answered). */
export const forgetChannels = () => dev('/__dev/forget-channels');
/** Dev control: Realtime shuts every channel joined with a user's token ("Token has expired 0 seconds ago", `phx_close`), the tokens still valid. */
export const expireTokens = () => dev('/__dev/expire-tokens') as Promise<{ expired: number }>;
/** Dev control: REST answers 503 for `ms` (0 lifts it), `Retry-After` `retryAfter` s; sockets stay open. */
export const restBusy = (ms: number, retryAfter = 0) => dev(`/__dev/rest-busy?ms=${ms}&retry-after=${retryAfter}`);
/** Dev control: lifetime of user tokens issued from now on (restore to 3600 afterwards!). */
export const setTokenTtl = (seconds: number) => dev(`/__dev/token-ttl?seconds=${seconds}`);

/** A fresh UUID (unique rows per test: one backend serves the whole run). */
export function newId(): string {
  return crypto.randomUUID();
}

/** Insert a fresh stream (default in Acme) and return it. */
export async function newStream(patch: Partial<TableRows['streams']> = {}): Promise<TableRows['streams']> {
  const [row] = await insertRows('streams', [{ id: newId(), org_id: ACME, name: `test ${Date.now()}`, ...patch }]);
  return row;
}

/**
 * Poll until `fn` returns a truthy value (or throw after `timeoutMs`, a generous upper bound, never
 * the thing a test asserts). Measured with `performance.now()`, so a test may fake `Date.now()`.
 */
export async function waitFor<T>(fn: () => T | undefined | null | false, timeoutMs = 10_000, label: string | (() => string) = 'condition'): Promise<T> {
  const started = performance.now();
  for (;;) {
    const v = fn();
    if (v) return v as T;
    // A function label is read at the timeout: what was shown then, not when the wait began.
    if (performance.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof label === 'function' ? label() : label}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Resolves in the animation frame after the one requested now: every store / element update
 * scheduled before the call (the page's one frame scheduler) has been delivered by then.
 */
export const nextFrame = () => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r())));

function b64url(data: string | Uint8Array): string {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * A user access token signed with the backend's dev secret (as its Auth would issue), for
 * `sub` = `userId`, valid for `seconds` from now (negative: already expired). With `secret`,
 * signed with that one instead: a token of another project (its signature is invalid here).
 */
export async function mintToken(userId: string, seconds: number, secret?: string, issuedNow = false): Promise<string> {
  const jwtSecret = secret ?? (await backendInfo()).jwtSecret;
  const now = Math.floor(Date.now() / 1000);
  const exp = now + seconds;
  // Issued an hour before it expires (a session token near its end), or now (`issuedNow`: a token that lives `seconds`).
  const claims = { sub: userId, role: 'authenticated', aud: 'authenticated', iat: issuedNow ? now : Math.min(now - 5, exp - 3600), exp };
  const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = b64url(JSON.stringify(claims));
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(jwtSecret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const sig = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`${header}.${payload}`)));
  return `${header}.${payload}.${b64url(sig)}`;
}

/** PATCH rows matching a raw PostgREST query string (e.g. `name=like.bench*`) as service_role. */
export async function patchWhere<T extends MonitoredTable>(table: T, query: string, patch: Partial<TableRows[T]>): Promise<TableRows[T][]> {
  const res = await serviceFetch(`/rest/v1/${table}?${query}&select=*`, { method: 'PATCH', body: JSON.stringify(patch), prefer: 'return=representation' });
  return rowsOf<TableRows[T]>(res, `patch ${table}`);
}

/** Insert rows into any table as service_role (e.g. `orgs`, `org_members`). */
export async function insertInto(table: string, rows: Record<string, unknown>[]): Promise<Record<string, unknown>[]> {
  const res = await serviceFetch(`/rest/v1/${table}?select=*`, { method: 'POST', body: JSON.stringify(rows), prefer: 'return=representation' });
  return rowsOf<Record<string, unknown>>(res, `insert ${table}`);
}

/** An rt-monitor client for a demo user on the run's backend, with `options` on top (the caller disposes it). */
export async function clientFor(email: string, options: RtClientOptions = {}): Promise<RtClient> {
  const info = await backendInfo();
  return createRtClient({ url: info.url, anonKey: info.anonKey, accessToken: await signIn(email), ...options });
}

/** A row of a throwaway probe table ({@link probeTable}). */
export interface Probe {
  id: string;
  team: string;
  title: string;
  created_at: string;
  updated_at: string;
}

/**
 * Creates a throwaway table `public.<prefix>_<8 hex>` of {@link Probe} rows that every signed-in
 * user may read, in the `supabase_realtime` publication unless `published` is false, and returns
 * its name. `key: 'text'` makes its primary key text (rows then need an `id`). The caller drops it (`runSql('drop table if exists public.<name>')`).
 */
export async function probeTable(prefix: string, published = true, key: 'uuid' | 'text' = 'uuid'): Promise<string> {
  const table = `${prefix}_${newId().slice(0, 8)}`;
  await runSql(`
    create table public.${table} (id ${key === 'uuid' ? 'uuid primary key default gen_random_uuid()' : 'text primary key'}, team text not null, title text,
      created_at timestamptz not null default now(), updated_at timestamptz not null default now());
    alter table public.${table} enable row level security;
    create policy read_all on public.${table} for select to authenticated using (true);
    grant select on public.${table} to authenticated;
    ${published ? `alter publication supabase_realtime add table public.${table};` : ''}`);
  return table;
}

/** A list feed over a {@link probeTable}, by its `team` column. */
export const probeFeed = <R extends Probe = Probe>(table: string) =>
  defineFeed<R, { team?: string }>({ name: `probe-${table}`, table, kind: 'list', filters: [{ column: 'team', param: 'team', what: 'team' }] });
