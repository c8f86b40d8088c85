/**
 * Helpers for the tests of events (`rt-alert`, `rt-notification`) for rows written while the page
 * could not hear them, against the real local backend: a fresh user's list page, its events, an
 * outage's writes, and the page's REST requests answered by the test.
 */
import { fixture, html, waitUntil } from '@open-wc/testing';
import { backendInfo, insertRows, mintToken, newId } from '../helpers/backend.js';
import { text } from './helpers.js';
import type { RtClientApi } from '../../src/core/client-types.js';

export const TIMEOUT = 15_000;

export async function until(el: Element, needle: RegExp, what = String(needle), timeout = TIMEOUT) {
  await waitUntil(() => needle.test(text(el)), `never showed ${what}; showed: ${text(el).slice(0, 200)}`, { timeout, interval: 30 });
}

/** A page with one provider of user `me` (a fresh one: no rows yet; a token valid `seconds`) holding `inner`. */
export async function page(me: string, inner: ReturnType<typeof html>, seconds = 3600): Promise<HTMLElement> {
  const info = await backendInfo();
  return fixture<HTMLElement>(html`<rt-provider supabase-url=${info.url} anon-key=${info.anonKey} access-token=${await mintToken(me, seconds)}>${inner}</rt-provider>`);
}

/** Names of the alerts / notifications holding `tag` that fire under `wrapper` (only those `from` fires, when given). */
export function firedBy(wrapper: Element, kind: 'alerts' | 'notes', tag: string, from?: Element): string[] {
  const out: string[] = [];
  wrapper.addEventListener(kind === 'alerts' ? 'rt-alert' : 'rt-notification', (e) => {
    const d = (e as CustomEvent).detail;
    const name = (kind === 'alerts' ? d.alert.business_name : d.notification.title) as string;
    if ((!from || e.target === from) && name.includes(tag)) out.push(name);
  });
  return out;
}

/** Both kinds of events holding `tag` under `wrapper`. */
export function collect(wrapper: Element, tag: string) {
  return { alerts: firedBy(wrapper, 'alerts', tag), notes: firedBy(wrapper, 'notes', tag) };
}

/** Waits until `list` holds `n` entries; on timeout says what came. */
export async function atLeast(list: string[], n: number, what: string, timeout = 20_000) {
  await waitUntil(() => list.length >= n, what, { timeout, interval: 50 }).catch(() => {
    throw new Error(`${what}: ${list.length} of ${n} fired: ${JSON.stringify(list)}`);
  });
}

/** Off Live (the badge no longer says Live). */
export async function offLive(el: Element) {
  await waitUntil(() => !/\bLive\b/.test(text(el)), 'still Live while the sockets are refused', { timeout: TIMEOUT, interval: 20 });
}

/**
 * The page's own requests to the backend's REST whose decoded URL `when` picks are answered by
 * `answer` (`go`: the real request); the test's service-role calls pass. Returns the restore.
 */
export async function intercept(when: (url: string) => boolean, answer: (go: () => Promise<Response>, init?: RequestInit) => Promise<Response>) {
  const info = await backendInfo();
  const realFetch = window.fetch;
  window.fetch = ((input: RequestInfo | URL, init?: RequestInit) => {
    const url = decodeURIComponent(String(input instanceof Request ? input.url : input));
    const service = new Headers(input instanceof Request ? input.headers : init?.headers).get('apikey') === info.serviceRoleKey;
    const go = () => realFetch(input, init);
    return url.startsWith(info.url) && !service && when(url) ? answer(go, init) : go();
  }) as typeof fetch;
  return () => void (window.fetch = realFetch);
}

/** The catch-up read (the rows since the newest shown: `created_at=gte.`). */
export const isCatchUp = (url: string) => url.includes('created_at=gte.');

/** A request refused as when offline. */
export const refuse = async (): Promise<Response> => Promise.reject(new TypeError('Failed to fetch'));

export const alert = (me: string, business_name: string, extra: Record<string, unknown> = {}) => ({
  id: newId(), user_id: me, business_name, signal_type: 'hiring', priority: 'low' as const, ...extra,
});

/** A fresh user's `<rt-signal-alerts>` / `<rt-notifications>` page, Live, with the events that list fires for that user. */
export async function listPage(kind: 'alerts' | 'notes', maxItems: number, tokenSeconds = 3600) {
  const me = newId();
  const tag = me.slice(0, 8);
  const wrapper = await page(
    me,
    kind === 'alerts' ? html`<rt-signal-alerts max-items=${maxItems}></rt-signal-alerts>` : html`<rt-notifications max-items=${maxItems}></rt-notifications>`,
    tokenSeconds,
  );
  const el = wrapper.querySelector(kind === 'alerts' ? 'rt-signal-alerts' : 'rt-notifications')!;
  const fired = firedBy(wrapper, kind, tag, el);
  await until(el, /\bLive\b/);
  /** Writes one row for this user (an alert or a notification named `name`). */
  const write = (name: string, extra: Record<string, unknown> = {}) =>
    insertRows(kind === 'alerts' ? 'signal_alerts' : 'notifications', [
      kind === 'alerts' ? alert(me, name, extra) : { id: newId(), user_id: me, title: name, type: 'info', ...extra },
    ]);
  /**
   * Everything before is told: a last row written live fires after every event the earlier rows
   * could still cause (a positive signal instead of waiting for nothing to happen). Returns the
   * events before it in `list` (default: this list's).
   */
  const settled = async (list = fired) => {
    const end = `ZZ end ${tag}`;
    if (!fired.includes(end)) await write(end);
    await waitUntil(() => list.includes(end), `the last row never fired: ${JSON.stringify(list)}`, { timeout: 20_000, interval: 50 });
    return list.slice(0, list.indexOf(end));
  };
  const client = () => (wrapper as HTMLElement & { rtClient?: RtClientApi }).rtClient!;
  /** Every channel of the page's client joined. */
  const joined = () => client().getActiveSubscriptions().every((s) => s.status === 'connected');
  return { me, tag, wrapper, el, fired, write, settled, joined };
}

export type ListPage = Awaited<ReturnType<typeof listPage>>;

/** Writes `n` rows named `${prefix}NN tag` (NN: the count written so far), appending their names to `written`. */
export async function writeN(p: ListPage, written: string[], prefix: string, n: number) {
  for (let k = 0; k < n; k++) {
    const name = `${prefix}${String(written.length).padStart(2, '0')} ${p.tag}`;
    written.push(name);
    await p.write(name);
  }
}
