/**
 * Connections the page's Content-Security-Policy refused. A request that `connect-src` (or
 * `default-src`) blocks fails exactly like an unreachable server ("Failed to fetch", a socket that
 * closes at once), so the cause is told from the page's own report: the `securitypolicyviolation`
 * event, which the browser fires on the document for each refused request. Browser only; without
 * a document nothing is ever reported blocked.
 */
import type { RtError } from './types.js';
import { rtError } from './errors.js';

/** `host` (name:port) of every address a policy refused on this page. */
const blocked = new Set<string>();
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
      const host = hostOf(e.blockedURI);
      if (host) blocked.add(host);
      for (const f of [...heard]) f();
    });
  }
  if (on) heard.add(on);
  return () => heard.delete(on!);
}

function hostOf(url: string | undefined | null): string | null {
  if (!url) return null;
  try {
    return new URL(url, typeof location === 'undefined' ? undefined : location.href).host || null;
  } catch {
    return null;
  }
}

/**
 * For a connection to `url` that failed like an unreachable server: the policy's refusal, when the
 * page reported one for that address, else null. Code `network` (the next attempt is the same
 * request), `detail` `csp-blocked` for the widgets' wording.
 */
export function policyRefusal(url: string | undefined | null): RtError | null {
  const host = hostOf(url);
  if (!host || !blocked.has(host)) return null;
  // The schemes of this project's address (a local one is http and ws; QA38).
  const secure = !/^(http|ws):/i.test(String(url).trim());
  return rtError(
    'network',
    `The page's Content-Security-Policy blocks ${host} (connect-src): add the Supabase URL (${secure ? 'https and wss' : 'http and ws'}) to connect-src.`,
    'csp-blocked',
  );
}
