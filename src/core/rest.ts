/**
 * rt-monitor's own PostgREST client: exactly the slice of `@supabase/postgrest-js` that the core
 * uses (see `QueryLike` in supabase-like.ts), in a few hundred bytes instead of ~4 KB brotli.
 * A host page's SupabaseClient is used as it is; this is only the default when rt-monitor builds
 * its own client from `{ url, anonKey, accessToken }`.
 *
 *   rest.from('signal_alerts').select('*').eq('user_id', id).order('created_at', { ascending: false }).limit(50)
 *   rest.from('signal_alerts').select('*', { count: 'exact', head: true }).eq('user_id', id).eq('read', 'false')
 *   rest.from('signal_alerts').update({ read: true }).eq('id', id)
 *
 * Replies follow postgrest-js: `{ data, error, count, status }`, never thrown; `error` is the
 * server's `{ code, message, details, hint }` (or `{ message }` for a non-JSON or empty body, e.g.
 * a refused HEAD), a failed fetch is `{ message: 'TypeError: …', code: '' }` with status 0. GET and HEAD are retried like
 * postgrest-js does (up to 3 times, 1 s / 2 s / 4 s, on a failed fetch or a 503 / 520).
 */
import { observeDateHeader } from './server-clock.js';
import type { QueryLike, RestLike } from './supabase-like.js';

export interface RestReply {
  data: any;
  error: { message: string; code?: string; details?: string | null; hint?: string | null } | null;
  count: number | null;
  status: number;
}

export interface RestOptions {
  /** `https://xyz.supabase.co/rest/v1` */
  url: string;
  anonKey: string;
  /** The user's current access token (the anon key is sent when there is none). */
  token: () => Promise<string | null | undefined>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

class Query implements QueryLike {
  private method = 'GET';
  private body: string | undefined;
  private prefer: string | undefined;
  private readonly url: URL;

  constructor(
    base: string,
    private readonly options: RestOptions,
  ) {
    this.url = new URL(base);
  }

  private param(key: string, value: string, append = false): this {
    this.url.searchParams[append ? 'append' : 'set'](key, value);
    return this;
  }

  select(columns = '*', options?: { count?: 'exact' | 'planned' | 'estimated'; head?: boolean }): this {
    if (options?.head) this.method = 'HEAD';
    if (options?.count) this.prefer = `count=${options.count}`;
    return this.param('select', columns.replace(/\s/g, ''));
  }

  update(values: Record<string, unknown>): this {
    this.method = 'PATCH';
    this.body = JSON.stringify(values);
    return this;
  }

  eq(column: string, value: unknown): this {
    return this.param(column, `eq.${value}`, true);
  }

  order(column: string, { ascending = true }: { ascending?: boolean } = {}): this {
    const previous = this.url.searchParams.get('order');
    return this.param('order', `${previous ? `${previous},` : ''}${column}.${ascending ? 'asc' : 'desc'}`);
  }

  limit(count: number): this {
    return this.param('limit', String(count));
  }

  then<A = RestReply, B = never>(onfulfilled?: ((value: RestReply) => A | PromiseLike<A>) | null, onrejected?: ((reason: any) => B | PromiseLike<B>) | null): Promise<A | B> {
    return this.run().then(onfulfilled, onrejected);
  }

  private async run(): Promise<RestReply> {
    const { method, body, prefer, options } = this;
    const headers: Record<string, string> = {
      apikey: options.anonKey,
      Authorization: `Bearer ${(await options.token()) || options.anonKey}`,
    };
    if (prefer) headers.Prefer = prefer;
    if (body) headers['Content-Type'] = 'application/json';
    for (let attempt = 0; ; attempt++) {
      const retry = method !== 'PATCH' && attempt < 3; // GET and HEAD only, like postgrest-js
      try {
        const res = await fetch(this.url.href, { method, headers, body });
        observeDateHeader(res.headers.get('date'));
        if (!retry || (res.status !== 503 && res.status !== 520)) return await reply(res, method, prefer);
      } catch (err) {
        if (!retry) {
          const e = err as { name?: string; message?: string } | null;
          return { data: null, error: { message: `${e?.name ?? 'FetchError'}: ${e?.message}`, details: '', hint: '', code: '' }, count: null, status: 0 };
        }
      }
      await sleep(1000 * 2 ** attempt);
    }
  }
}

async function reply(res: Response, method: string, prefer: string | undefined): Promise<RestReply> {
  let data: any = null;
  let error: RestReply['error'] = null;
  let count: number | null = null;
  const text = method === 'HEAD' && res.ok ? '' : await res.text();
  if (text) {
    try {
      if (res.ok) data = JSON.parse(text);
      else error = JSON.parse(text);
    } catch {
      error = { message: text };
    }
  } else if (!res.ok) {
    error = { message: res.statusText };
  }
  const range = res.headers.get('content-range')?.split('/');
  if (res.ok && prefer && range && range.length > 1) count = parseInt(range[1]!, 10);
  return { data, error, count, status: res.status };
}

/** A `from()`-only PostgREST client for `${projectUrl}/rest/v1`. */
export function createRest(options: RestOptions): RestLike {
  return {
    from: (relation: string) => new Query(`${options.url}/${relation}`, options),
  };
}
