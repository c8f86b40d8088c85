/**
 * REST for a client rt-monitor builds itself from `{ url, anonKey, accessToken }`: Supabase's own
 * `@supabase/postgrest-js` (the same PostgREST client supabase-js uses), given the anon key as
 * `apikey` and, per request, the user's current access token (the anon key when there is none),
 * as supabase-js does. A host page's SupabaseClient is used as it is instead (client.ts).
 *
 *   rest.from('signal_alerts').select('*').eq('user_id', id).order('created_at', { ascending: false }).limit(50)
 *   rest.from('signal_alerts').select('*', { count: 'exact' }).eq('user_id', id).eq('read', 'false').limit(0)
 *   rest.from('signal_alerts').update({ read: true }).eq('id', id)
 *
 * Replies are postgrest-js's: `{ data, error, count, status, statusText }`, never thrown; `error` is
 * the server's `{ code, message, details, hint }` (or `{ message }` for a body that is not JSON), a
 * failed fetch is `{ message: 'TypeError: …', code: '' }` with status 0. postgrest-js's own retries
 * are off, here and for each request of a host's client (./rest-source.ts): rt-monitor retries on
 * its own schedule and names each failure meanwhile; a 429's or 503's `Retry-After` is kept for it
 * (`retryAt`). Every reply's `Date` header feeds the server clock (server-clock.ts).
 */
import { PostgrestClient } from '@supabase/postgrest-js';
import { observeDateHeader, serverNow } from './server-clock.js';
import { withPlainJson } from './plain-json.js';
import type { QueryLike, RestLike } from './supabase-like.js';

/** The reply of one request (postgrest-js's response shape, the fields rt-monitor reads). */
export interface RestReply {
  data: any;
  error: { message: string; code?: string; details?: string | null; hint?: string | null } | null;
  count: number | null;
  /** HTTP status; 0 when the request never got an answer. */
  status: number;
}

export interface RestOptions {
  /** `https://xyz.supabase.co/rest/v1` */
  url: string;
  anonKey: string;
  /** The user's current access token (the anon key is sent when there is none). */
  token: () => Promise<string | null | undefined>;
}

/** A `from()` and `rpc()` view of a PostgREST client for `${projectUrl}/rest/v1`. */
export function createRest(options: RestOptions): RestLike {
  // supabase-js's fetchWithAuth, for rt-monitor's own client: the token is read per request.
  let retryAt = 0;
  const fetchWithToken: typeof fetch = async (input, init) => {
    const headers = new Headers(init?.headers);
    headers.set('Authorization', `Bearer ${(await options.token()) || options.anonKey}`);
    const res = await fetch(input, { ...init, headers });
    observeDateHeader(res.headers.get('date'));
    if (res.status === 429 || res.status === 503) {
      // An HTTP date is on the server's clock: measured against this reply's own `Date`.
      retryAt = Math.max(retryAt, retryAfter(res.headers.get('retry-after'), Date.now(), Date.parse(res.headers.get('date') ?? '') || serverNow()));
    }
    return exactIntegers(res);
  };
  const client = new PostgrestClient(options.url, { headers: { apikey: options.anonKey }, fetch: fetchWithToken, retry: false });
  return { from: (relation: string) => client.from(relation) as unknown as QueryLike, rpc: (fn: string, args?: object) => client.rpc(fn, args), url: options.url, retryAt: () => retryAt };
}

/**
 * A reply whose integers beyond 2^53 keep every digit, as decimal text: PostgREST writes `bigint`
 * columns as JSON numbers, and `JSON.parse` would read 9007199254740993 as …992 (two keys, one row).
 * So does any number of more than 15 significant digits a double cannot hold (a `numeric` such as
 * 12345678901234567890.13, read as 12345678901234567000). Needs `JSON.parse` source text access (Chromium 114, Firefox 135); without it, or through a
 * host's client, such keys stay rounded and a snapshot holding one is refused (rest-source.ts).
 */
async function exactIntegers(res: Response): Promise<Response> {
  if (!res.ok || res.status === 204 || res.status === 205) return res; // errors, and replies that may not have a body
  // The body is read once here and handed on as text (postgrest-js reads it again from memory).
  let body = await res.text();
  if (/\d{16}/.test(body)) {
    const exact = (_key: string, value: unknown, context?: { source?: string }) => {
      const text = context?.source ?? '';
      const digits = text.replace(/e.*/i, '').replace(/\D/g, '').replace(/^0+|0+$/g, '').length;
      return typeof value === 'number' && ((!Number.isSafeInteger(value) && /^-?\d+$/.test(text)) || (digits > 15 && String(value) !== text)) ? text : value;
    };
    try {
      body = withPlainJson(() => JSON.stringify(JSON.parse(body, exact as never)));
    } catch {
      // not JSON: postgrest-js says so
    }
  }
  return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
}

/**
 * HTTP `Retry-After` (seconds, or an HTTP date on the server's clock, `server` = the server's time
 * now) as local epoch ms, at most 10 minutes ahead; 0 when absent or unreadable.
 */
export function retryAfter(value: string | null, now = Date.now(), server = now): number {
  if (!value) return 0;
  const at = now + (/^\s*\d+\s*$/.test(value) ? Number(value) * 1000 : Date.parse(value) - server);
  return Number.isFinite(at) && at > now ? Math.min(at, now + 600_000) : 0;
}
