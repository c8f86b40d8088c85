/** Turning whatever went wrong into a typed {@link RtError}; nothing here throws. */
import type { RtError, RtErrorCode } from './types.js';

export function rtError(code: RtErrorCode, message: string, detail?: string): RtError {
  return detail === undefined ? { code, message } : { code, message, detail };
}

export function isRtError(value: unknown): value is RtError {
  return (
    !!value &&
    typeof value === 'object' &&
    typeof (value as RtError).code === 'string' &&
    typeof (value as RtError).message === 'string' &&
    ['not-configured', 'bad-config', 'unauthorized', 'session-expired', 'forbidden', 'not-found', 'network', 'server'].includes((value as RtError).code)
  );
}

interface PostgrestLikeError {
  message?: string;
  code?: string;
  details?: string | null;
  hint?: string | null;
}

/**
 * Maps a PostgREST reply (`{ error, status }` as postgrest-js returns it) to an RtError.
 * `anonymous` tells whether the request ran with the API key only (then a 401 means the key
 * itself is wrong: a configuration error, not an expired session).
 */
export function fromRestError(error: PostgrestLikeError | null | undefined, status: number | undefined, anonymous: boolean): RtError {
  const st = status ?? 0;
  const message = readableBody(error?.message || 'Request failed', st);
  const code = error?.code || undefined;
  // postgrest-js turns a failed fetch into { message: 'TypeError: Failed to fetch', code: '' } with status 0.
  if (st === 0 || /Failed to fetch|NetworkError|fetch failed|ECONNREFUSED|Load failed|aborted/i.test(message) && st < 400) {
    return rtError('network', `Cannot reach the server: ${message}`, code);
  }
  // Permission denied (SQLSTATE 42501; PostgREST answers 401 to `anon`, 403 to others) or
  // anonymous access disabled (PGRST302): the key is fine, the caller may not read this.
  if (code === '42501' || code === 'PGRST302' || st === 403) {
    return anonymous
      ? rtError('forbidden', `Not signed in: this data needs a signed-in user with access (${message}).`, 'not-signed-in')
      : rtError('forbidden', `No access: the signed-in user may not read or change this (${message}).`, code);
  }
  // The API gateway refused the project key itself (whatever the user's token).
  if (st === 401 && /^(Invalid|No) API key/i.test(message)) return rtError('bad-config', `The API key was rejected: ${message}`, code);
  if (st === 401 || code === 'PGRST301' || code === 'PGRST303') {
    // 401 without a user token is the API key itself; with one, the token was refused.
    if (anonymous) return rtError('bad-config', `The API key was rejected: ${message}`, code);
    if (code === 'PGRST303' || /expired/i.test(message)) return rtError('unauthorized', `The access token has expired: ${message}`, code);
    return rtError('unauthorized', `The access token was refused: ${message}`, code);
  }
  // PostgREST names every 404 of its own (PGRST205, 42P01…): one without a code is no PostgREST at
  // all, a path the server does not route (QA24: a project URL with a path, "…/project/abc").
  if (st === 404 && !code) return rtError('bad-config', `Nothing answers as Supabase's REST API at this address (${message}): check the Supabase URL, the project's own, with no path after it.`, 'wrong-url');
  if (st === 404 || code === '42P01' || code === 'PGRST205' || code === 'PGRST204' || code === '42703') {
    // rt-monitor reads and orders by `id` itself: a table without one is told what it lacks (QA61 F7).
    // …and a list's default order, `created_at`, that it never wrote (QA86 L4).
    const noId =
      code !== '42703' ? '' : /column (\S+\.)?"?id"? does not exist/.test(message) ? ': rt-monitor needs a primary key column named id' : /column (\S+\.)?"?created_at"? does not exist/.test(message) ? ' (a list is ordered by created_at unless its feed gives an order)' : '';
    return rtError('bad-config', `Unknown table or column: ${message}${noId}`, code);
  }
  if (code === '22P02') return rtError('bad-config', `Invalid id: ${message}`, code);
  // Too many requests, a request timeout, too early: the server is busy, not misconfigured.
  if (st === 429 || st === 408 || st === 425) return rtError('server', `The server is busy (${st}); retrying: ${message}`, 'busy');
  if (st >= 400 && st < 500) return rtError('bad-config', message, code);
  // A web page where the API should be (detail `html`): the project's address is in doubt too.
  return rtError('server', `Server error${st ? ` (${st})` : ''}: ${message}`, code ?? (message.startsWith('an HTML page') ? 'html' : undefined));
}

/**
 * A reply body that postgrest-js passed on as the error's message, as a cause a person can read:
 * a web page (a proxy's "502 Bad Gateway", a login page, a wrong URL) by its title, a successful
 * reply that is not JSON (cut short) as such rather than its rows, long text cut at 300 characters.
 */
function readableBody(message: string, status: number): string {
  if (/^\s*<(!doctype|html|head|body|\?xml)|<\/(html|body|title|h1)>/i.test(message)) {
    const title = (/<title[^>]*>([^<]*)</i.exec(message) ?? /<h1[^>]*>([^<]*)</i.exec(message))?.[1]?.trim().slice(0, 80);
    return `an HTML page${title ? ` ("${title}")` : ''} instead of data (a proxy, a login page or a wrong URL)`;
  }
  if (status >= 200 && status < 300 && /^\s*[[{]/.test(message)) return 'a reply that is not valid JSON (cut short?)';
  return message.length > 300 ? `${message.slice(0, 300)}…` : message;
}

/**
 * A read that failed with this error is not tried again on a timer: the session expired, or its
 * token was rejected (src/core/session.ts `refused`), and nothing renews it, so every try would be
 * refused. A new token re-reads what is not live (the Session `renewed` event: src/core/client.ts).
 */
export function waitsForToken(error: RtError | null | undefined): boolean {
  return error?.code === 'session-expired' || error?.detail === 'token-rejected';
}

/**
 * Realtime join/system failure reasons ("InvalidJWTToken: Token has expired 3 seconds ago",
 * "JwtSignatureError: Failed to validate JWT signature", and a `system` error's bare "Failed to
 * validate JWT signature" for a token handed over with `access_token`).
 */
export function isTokenProblem(reason: string | undefined | null): boolean {
  return !!reason && /InvalidJWTToken|MalformedJWT|JWT ?signature|not a valid JWT|`role` and `exp`|expired/i.test(reason);
}

export function fromRealtimeReason(reason: string): RtError {
  const detail = reason.split(':')[0];
  if (isTokenProblem(reason)) return rtError('unauthorized', `Realtime refused the access token: ${reason}`, detail);
  if (/filter|column|invalid input syntax|Unable to subscribe|No subscription params/i.test(reason)) {
    return rtError('bad-config', `Realtime could not subscribe: ${reason}`, detail);
  }
  if (/ChannelRateLimitReached|Too many channels/i.test(reason)) {
    return rtError('server', 'Realtime refused this channel: too many channels on one connection (the limit is 100).', detail);
  }
  if (/permission|42501|forbidden/i.test(reason)) return rtError('forbidden', `No access: ${reason}`, detail);
  if (/Unauthorized/i.test(reason)) return rtError('unauthorized', reason, detail);
  return rtError('server', `Realtime error: ${reason}`, detail);
}

export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (err && typeof err === 'object' && 'message' in err) return String((err as { message: unknown }).message);
  if (err && typeof err === 'object' && 'reason' in err) return String((err as { reason: unknown }).reason);
  return String(err);
}
