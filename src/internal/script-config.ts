/**
 * How the script-tag bundle (src/cdn.ts) reads the page's configuration. One rule per way a page
 * delivers it (docs/distribution.md, "Script tag: how configuration is found"):
 *
 * - A classic `<script src>` (also `defer`, `async`, or appended later by a loader / tag manager):
 *   its own tag, `document.currentScript`.
 * - `type="module"` (or any load where `document.currentScript` is null): the loader's own tag (its
 *   src is the loader's `import.meta.url`); else the first `<script>` carrying `data-supabase-url`,
 *   `data-anon-key` or `data-access-token` whose src names rt-monitor; else the first carrying them.
 * - Two tags with different `data-*` configuration: the first one configured wins; the second
 *   is ignored with one console warning (call `RtMonitor.configure()` to switch on purpose).
 * - `RtMonitor.configure()` called before the bundle loaded: supported through a command queue,
 *   `(window.RtMonitor ||= { q: [] }).q.push(['configure', { url, anonKey }])`, replayed on load
 *   after the tag's `data-*` configuration (so page code wins over the tag).
 * - Token renewal: `data-access-token-url` or `data-access-token-callback` (see `tokenRenewal`);
 *   a `data-access-token` beside them is used first, until it is within 30 s of its expiry.
 */
import type { RtClientOptions } from '../core/client.js';
import { isNotJwt } from '../core/jwt.js';
import { msLeft, TokenUnavailableError } from '../core/tokens.js';
import { parseRealtimeMode } from '../core/broadcast-topics.js';
import { policyReason, watchPolicy } from '../core/csp.js';
import { readNumber, REVALIDATE_MS } from './number-attributes.js';

/** `data-revalidate-ms`: read as the provider's `revalidate-ms` (src/internal/number-attributes.ts). */
const DATA_REVALIDATE_MS = { ...REVALIDATE_MS, attribute: 'data-revalidate-ms' };

const DATA_SELECTOR =
  'script[data-supabase-url], script[data-anon-key], script[data-access-token], script[data-access-token-url], script[data-access-token-callback]';

/** The `data-*` configuration of one script tag, or null when it carries none. */
export function optionsOfScript(script: HTMLScriptElement | null | undefined): RtClientOptions | null {
  const data = script?.dataset;
  if (!data) return null;
  const url = data.supabaseUrl?.trim() || undefined;
  const anonKey = data.anonKey?.trim() || undefined;
  const fixed = data.accessToken?.trim() || undefined;
  const renew = tokenRenewal(data.accessTokenUrl?.trim(), data.accessTokenCallback?.trim(), script?.src);
  if (!url && !anonKey && !fixed && !renew) return null;
  // Your schema (JSON): `data-tables='{"streams":"work_items"}'`, `data-columns='{"notifications":{"read":"is_read"}}'`;
  // data-realtime-mode="broadcast": Broadcast from Database on private topics (default postgres_changes).
  const schema = {
    ...jsonAttribute(data.tables, 'tables'),
    ...jsonAttribute(data.columns, 'columns'),
    ...(data.realtimeMode === undefined ? {} : { realtimeMode: parseRealtimeMode(data.realtimeMode) }),
    // data-revalidate-ms="30000": how often held rows are read again by key (0: never).
    ...(data.revalidateMs === undefined ? {} : { revalidateMs: readNumber('script', DATA_REVALIDATE_MS, data.revalidateMs) }),
  };
  if (!renew) return { url, anonKey, accessToken: fixed, ...schema };
  return { url, anonKey, accessToken: renewing(fixed, renew), ...schema };
}

/** How long the page's renewal source (`data-access-token-url` / `-callback`) may take (ms). */
const RENEW_TIMEOUT_MS = 8000;

/**
 * The token option of a script tag with a renewal source: the fixed `data-access-token` is
 * handed over first (while valid) and used without a request while it has more than 30 s left;
 * then the source is asked at each call (the client calls when its token nears expiry and every
 * few seconds to notice a sign-out). A source that cannot be reached — a network error, an HTTP
 * status other than 401 / 403, a body that is not valid JSON, no answer within
 * {@link RENEW_TIMEOUT_MS}, a callback name that is not a function — throws
 * {@link TokenUnavailableError}: the client's token source keeps the last valid token meanwhile
 * and asks again with back-off (src/core/tokens.ts), as for any token callback. An answer without
 * a token, a 401 / 403 or a callback that throws is a sign-out.
 */
function renewing(fixed: string | undefined, renew: () => Promise<string | null>): () => Promise<string | null> {
  let first = fixed;
  let handedOver = false;
  return async () => {
    const early = handedOver ? 30_000 : 0;
    handedOver = true;
    if (first && msLeft(first) > early) return first;
    first = undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      return await Promise.race([
        renew(),
        new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new TokenUnavailableError(`no answer within ${RENEW_TIMEOUT_MS / 1000} s`)), RENEW_TIMEOUT_MS))),
      ]);
    } finally {
      clearTimeout(timer);
    }
  };
}

/**
 * A JSON attribute as an option: the parsed value, or (when it is not valid JSON) the text itself,
 * which the client refuses with a message naming the option (never silently ignored).
 */
export function jsonAttribute(text: string | undefined | null, name: 'tables' | 'columns'): Partial<Record<'tables' | 'columns', any>> {
  if (text == null || !text.trim()) return {};
  try {
    return { [name]: JSON.parse(text) };
  } catch {
    return { [name]: `not valid JSON: ${text}` };
  }
}

/**
 * How a script-tag page renews its token, from `data-access-token-url` (GET with the page's
 * cookies; the reply is JSON `{ "access_token": "…" }` (also `token` / `accessToken`) or the bare
 * token as text) or `data-access-token-callback` (the name of a global function, looked up at each
 * call so it may be defined after this script, returning the token or a promise of it).
 */
function tokenRenewal(url: string | undefined, callback: string | undefined, base: string | undefined): (() => Promise<string | null>) | null {
  if (callback) {
    const lookup = () => callback.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], globalThis);
    let warned = false;
    return async () => {
      let fn = lookup();
      if (typeof fn !== 'function' && typeof document !== 'undefined' && document.readyState !== 'complete') {
        // Defined by a script later in the page: wait for the page to finish loading first.
        await new Promise<void>((resolve) => window.addEventListener('load', () => resolve(), { once: true }));
        fn = lookup();
      }
      if (typeof fn !== 'function') {
        const message = `data-access-token-callback names "${callback}", but window.${callback} is not a function.`;
        if (!warned) console.error(`rt-monitor: ${message}`);
        warned = true;
        throw new TokenUnavailableError(message);
      }
      return ((await (fn as () => unknown)()) as string | null | undefined) ?? null;
    };
  }
  if (url) {
    const href = new URL(url, base || document.baseURI).href;
    return async () => {
      let res: Response;
      let text: string;
      watchPolicy(); // a refusal is reported once, as it happens
      try {
        res = await fetch(href, {
          credentials: 'include',
          headers: { accept: 'application/json, text/plain' },
          // Not from the HTTP cache, and cancelled at the time limit: a request left hanging holds
          // one of the browser's six connections to the page's own server, and an identical GET
          // waits behind it (the cache lock), stalling the page's requests and the next renewals.
          cache: 'no-store',
          signal: AbortSignal.timeout?.(RENEW_TIMEOUT_MS),
        });
        text = (await res.text()).trim();
      } catch (err) {
        // Refused by the page's own policy (a `connect-src` without 'self', QA58 F4): say so.
        const policy = await policyReason(href, 'data-access-token-url');
        throw new TokenUnavailableError(policy ?? `data-access-token-url could not be reached (${err instanceof Error ? err.message : String(err)})`);
      }
      // 401 / 403: the server's session has ended (signed out); any other error: it is unavailable.
      if (res.status === 401 || res.status === 403) return null;
      if (!res.ok) throw new TokenUnavailableError(`data-access-token-url answered HTTP ${res.status}`);
      let token: unknown = text.replace(/^"|"$/g, '');
      if (text.startsWith('{')) {
        try {
          const body = JSON.parse(text) as Record<string, unknown>;
          token = body.access_token ?? body.token ?? body.accessToken;
        } catch {
          throw new TokenUnavailableError('data-access-token-url answered with a body that is not valid JSON');
        }
      }
      if (typeof token !== 'string' || !token) return null;
      // A sign-in page (a redirect followed to it) or any other text is no token: say what came.
      // (JSON whose token is no JWT is named as such, QA83 F6: it read "text".)
      if (isNotJwt(token)) throw new Error(`data-access-token-url answered with ${text.startsWith('<') ? 'a web page (a sign-in page?)' : text.startsWith('{') ? 'JSON whose token is not a JWT (three dot-separated parts)' : 'text'} instead of an access token`);
      return token;
    };
  }
  return null;
}


/**
 * The script tag whose configuration applies: the running classic script; else (a module, no
 * `document.currentScript`) the tag whose resolved src is `own` (the module's URL); else the first
 * tag with data-* whose src names rt-monitor (`…/rt-monitor.js`), not another vendor's tag with
 * data-supabase-url before ours (QA22 F7); else the first tag with data-*.
 */
export function configScript(current: HTMLScriptElement | null, doc: Document | undefined, own?: string): HTMLScriptElement | null {
  if (current) return current;
  const scripts = [...(doc?.scripts ?? [])];
  const tagged = scripts.filter((s) => s.matches(DATA_SELECTOR));
  return scripts.find((s) => s.src === own) ?? tagged.find((s) => /rt-monitor[^/]*$/.test(s.src)) ?? tagged[0] ?? null;
}

/** Identity of a configuration (a second identical tag is a no-op). */
export const optionsKey = (o: RtClientOptions): string =>
  JSON.stringify([o.url ?? '', o.anonKey ?? '', typeof o.accessToken === 'string' ? o.accessToken : typeof o.accessToken, o.tables ?? null, o.columns ?? null, o.realtimeMode ?? '', o.revalidateMs ?? null]);

/**
 * A pre-load command: `['configure', options]` (or any other method name of `window.RtMonitor`),
 * or `[callback]`: called with `window.RtMonitor` once it is there.
 */
export type QueuedCommand = [method: string | ((api: never) => unknown), ...args: unknown[]];

/** The command queue of a stub `window.RtMonitor = { q: [...] }` set before the bundle loaded. */
export function queuedCommands(stub: unknown): QueuedCommand[] | null {
  const q = (stub as { q?: unknown } | null | undefined)?.q;
  return Array.isArray(q) ? (q.filter((c) => Array.isArray(c) && (typeof c[0] === 'string' || typeof c[0] === 'function')) as QueuedCommand[]) : null;
}
