/**
 * One spoken announcement per event per page. A stream shown by three widgets
 * (rt-stream-progress, rt-stream-card, a dashboard card) sees each milestone three times, and an
 * alert shown by a page's `<rt-signal-alerts>` and a dashboard's arrives twice; the first widget
 * to say it claims it (src/internal/announcer.ts), the others stay quiet.
 *
 * Claims are keyed by the event (`stream\0id\050\0created_at`, `signal_alerts\0id\0created_at`,
 * `agent_executions\0id\0failed\0updated_at`: a row's time too, so that two projects on one page
 * whose rows share an integer id are not one event) and held for `ANNOUNCE_DEDUPE_MS`: every widget on the page
 * sees the same change within moments of the others, while a stream that runs again later (reset,
 * retried, failed again) is announced again. Shared by every copy of the bundle on the page
 * through a `Symbol.for` slot.
 */

/** How long a claimed announcement keeps other widgets quiet (ms). */
export const ANNOUNCE_DEDUPE_MS = 30_000;

interface AnnounceState {
  /** key → local time of the claim */
  claims: Map<string, number>;
  /** scope (a client) → the words last said about it, when, and by whom (see {@link claimWords}) */
  said?: WeakMap<object, [string, number, object]>;
}

const KEY = Symbol.for('rt-monitor.announcements');
const g = globalThis as unknown as Record<symbol, AnnounceState | undefined>;
const state: AnnounceState = (g[KEY] ??= { claims: new Map() });

/**
 * True when the caller should say the words about event `key`: nobody on the page said them in
 * the last `ANNOUNCE_DEDUPE_MS`. The claim is recorded.
 */
export function claimAnnouncement(key: string, now = Date.now()): boolean {
  for (const [k, at] of state.claims) if (now - at >= ANNOUNCE_DEDUPE_MS) state.claims.delete(k);
  if (state.claims.has(key)) return false;
  state.claims.set(key, now);
  return true;
}

/**
 * True when the caller should say `words` about `scope` (the client whose connection it reports):
 * unless another widget on the page said the same words about it last, within
 * `ANNOUNCE_DEDUPE_MS` — the same change seen by two widgets (a page's connection badge and a
 * dashboard's) is heard once, while a status that changes back (reconnecting, connected,
 * reconnecting) is heard each time. The caller's words are recorded, unless it cannot be heard
 * (`heard` false: hidden), so that a shown widget still says them. Words the `speaker` said last
 * itself are said again: it said something else since (moved out of its provider and back, QA83
 * F2: its region held "Connecting" beside a "Connected" badge).
 */
export function claimWords(scope: object, words: string, heard: boolean, speaker: object, now = Date.now()): boolean {
  const said = (state.said ??= new WeakMap());
  const last = said.get(scope);
  if (!heard) return true;
  said.set(scope, [words, now, speaker]);
  return !last || last[0] !== words || last[2] === speaker || now - last[1] >= ANNOUNCE_DEDUPE_MS;
}

/** Forget every claim (tests). */
export function resetAnnouncements(): void {
  state.claims.clear();
  state.said = new WeakMap();
}
