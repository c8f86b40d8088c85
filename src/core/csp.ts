/**
 * Connections the page's Content-Security-Policy refused. A request that `connect-src` (or
 * `default-src`) blocks fails exactly like an unreachable server ("Failed to fetch", a socket that
 * closes at once), so the cause is told from the page's own report: the `securitypolicyviolation`
 * event, which the browser fires on the document for each refused request. Browser only; without
 * a document nothing is ever reported blocked.
 */
import type { RtError } from './types.js';
import { rtError } from './errors.js';

/**
 * Every address a policy refused on this page, as origin (scheme, host, port) and path: a refusal
 * is the policy's answer to that address for the document's life, and to no other. The host alone
 * made a real outage read as the page's policy once the page's own request to another path of the
 * host (a Storage avatar under a path-limited `connect-src`), or the REST scheme while the socket's
 * was allowed, had been refused (QA58 F3). At most {@link MAX_KEPT}, the newest.
 */
const blocked = new Set<string>();
const MAX_KEPT = 200;
let watching = false;
/** Called on each refusal reported (it may come after the failure it explains: Firefox throws first). */
const heard = new Set<() => void>();

/** Starts listening for the page's policy reports (once per page; cheap, passive); `on` hears each refusal until the returned function is called. */
export function watchPolicy(on?: () => void): () => boolean {
  if (!watching && typeof document !== 'undefined') {
    watching = true;
    document.addEventListener('securitypolicyviolation', (e) => {
      // A report-only policy blocks nothing: a failure under it is the network's.
      if (e.disposition !== 'enforce' || !/^(connect-src|default-src)$/.test(e.effectiveDirective)) return;
      const refused = addressOf(e.blockedURI);
      if (refused) {
        blocked.delete(refused);
        blocked.add(refused);
        if (blocked.size > MAX_KEPT) blocked.delete(blocked.values().next().value!);
      }
      for (const f of [...heard]) f();
    });
  }
  if (on) heard.add(on);
  return () => heard.delete(on!);
}

function urlOf(url: string | undefined | null): URL | null {
  if (!url) return null;
  try {
    const u = new URL(url, typeof location === 'undefined' ? undefined : location.href);
    return u.host ? u : null;
  } catch {
    return null;
  }
}

/**
 * `scheme://host:port/path` of an address (no query: a socket's carries the key), `ws` read as
 * `http` and `wss` as `https`: one policy source covers both, and an engine may report a socket's
 * refusal under either.
 */
function addressOf(url: string | undefined | null): string | null {
  const u = urlOf(url);
  return u && `${u.protocol.replace(/^ws/, 'http')}//${u.host}${u.pathname.replace(/\/+$/, '')}`;
}

/** Whether the page's policy refused `base` (an {@link addressOf}) or an address below it; with `above`, or one above it. */
function refused(base: string, above = false): boolean {
  return [...blocked].some((a) => a === base || a.startsWith(`${base}/`) || (above && base.startsWith(`${a}/`)));
}

/** Whether the page's policy refused exactly the address of `url` (its query aside): it would refuse it again. */
export function policyRefused(url: string | undefined | null): boolean {
  const address = addressOf(url);
  return !!address && blocked.has(address);
}

/** Whether the page's policy refused `url` or an address above or below it (a request that failed like an unreachable server). */
export function policyBlocks(url: string | undefined | null): boolean {
  const base = addressOf(url);
  return !!base && refused(base, true);
}

/**
 * After a request to `url` failed like an unreachable server: why, when the page's policy refused
 * it (`connect-src`), else null. The page's report may come just after the failure (Firefox throws
 * first): it is waited for one task.
 */
export async function policyReason(url: string, what: string): Promise<string | null> {
  watchPolicy();
  await new Promise((resolve) => setTimeout(resolve, 0));
  if (!policyBlocks(url)) return null;
  const { origin } = new URL(url);
  return `the page's Content-Security-Policy (connect-src) blocks ${what} ${url}: allow its origin (${origin === globalThis.location?.origin ? "'self'" : origin})`;
}

/**
 * For a connection to `url` that failed like an unreachable server: the policy's refusal, when the
 * page reported one for that address, else null. Code `network` (the next attempt is the same
 * request), `detail` `csp-blocked` for the widgets' wording.
 */
export function policyRefusal(url: string | undefined | null): RtError | null {
  const base = addressOf(url);
  // The address itself, or one below it (REST: `…/rest/v1` and its tables; a policy that refuses
  // a whole origin reports the address that was asked for).
  if (!base || !refused(base)) return null;
  const { protocol, host, pathname } = urlOf(url)!;
  // The schemes of this project's address (a local one is http and ws; QA38).
  const secure = !/^(http|ws):/i.test(String(url).trim());
  // The address asked for, not its host: a path-limited policy may allow the rest of the host
  // (QA59 F5: "blocks 127.0.0.1:55461" beside a stream read from it).
  return rtError(
    'network',
    `The page's Content-Security-Policy blocks ${protocol}//${host}${pathname} (connect-src): add the Supabase URL (${secure ? 'https and wss' : 'http and ws'}) to connect-src.`,
    'csp-blocked',
  );
}
