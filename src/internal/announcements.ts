/**
 * One spoken announcement per event per page. A stream shown by three widgets (rt-stream-progress,
 * rt-stream-card, a dashboard card) sees each milestone three times, and an alert shown by a page's
 * `<rt-signal-alerts>` and a dashboard's arrives twice; the first widget to say it claims it and
 * announces, the others stay quiet.
 *
 * Claims are keyed by the event (`stream:id:50`, `signal_alerts:id`, `agent_executions:id:failed`)
 * and held for `ANNOUNCE_DEDUPE_MS`: every widget on the page sees the same change within moments
 * of the others, while a stream that runs again later (reset, retried, failed again) is announced
 * again. Only a widget that can be heard claims: a hidden one (`hidden`, `display: none`, in a
 * closed `<details>`) still says it in its own regions, which nobody hears, and leaves the claim to
 * a widget that is shown. A widget that claimed words it has not said yet (held for its batch) and
 * then cannot say them (removed, hidden, its rows gone) hands them to another shown widget that
 * had them, so an announcement is never lost. Shared by every copy of the bundle on the page
 * through a `Symbol.for` slot.
 */

/** How long a claimed announcement keeps other widgets quiet (ms). */
export const ANNOUNCE_DEDUPE_MS = 30_000;

/** A widget that had the same words but stayed quiet: told to say them if the owner cannot. */
interface Understudy {
  heard(): boolean;
  say(): void;
}

interface Claim {
  /** local time of the first claim */
  at: number;
  /** the widget that says it (null: nobody heard yet) */
  owner: object | null;
  /** the owner said it: nothing more to hand over */
  spoken: boolean;
  understudies: Map<object, Understudy>;
}

interface AnnounceState {
  /** key → local time of a milestone's claim: what an older copy of the bundle on the page keeps */
  claims: Map<string, number>;
  /** scope (a client) → the words last said about it, and when (see {@link claimWords}) */
  said?: WeakMap<object, [string, number]>;
  /** key → who says it (see {@link claimMessage}) */
  messages?: Map<string, Claim>;
}

const KEY = Symbol.for('rt-monitor.announcements');
const g = globalThis as unknown as Record<symbol, AnnounceState | undefined>;
const state: AnnounceState = (g[KEY] ??= { claims: new Map() });

function messages(now: number): Map<string, Claim> {
  const all = (state.messages ??= new Map());
  for (const [k, c] of all) if (now - c.at >= ANNOUNCE_DEDUPE_MS) all.delete(k);
  return all;
}

/**
 * True when `voice` (a widget's announcer) should say the words about event `key`: nobody shown on
 * the page claimed it in the last `ANNOUNCE_DEDUPE_MS`, or `voice` did. A voice that is `heard`
 * takes the claim; one that is not is told to speak (nobody hears it) without taking it. A voice
 * told to stay quiet is remembered with `say`, called if the owner gives the words up
 * ({@link releaseMessage}).
 */
export function claimMessage(key: string, voice: object, heard: () => boolean, say: () => void, now = Date.now()): boolean {
  const all = messages(now);
  let c = all.get(key);
  if (!c) all.set(key, (c = { at: now, owner: null, spoken: false, understudies: new Map() }));
  if (c.owner === voice) return true;
  if (c.owner) {
    if (!c.spoken) c.understudies.set(voice, { heard, say });
    return false;
  }
  if (heard()) {
    c.owner = voice;
    c.understudies.delete(voice);
    return true;
  }
  c.understudies.set(voice, { heard, say });
  return true;
}

/** `voice` said the words about `key`: the claim stays (others quiet) with nothing to hand over. */
export function spokeMessage(key: string, voice: object): void {
  const c = state.messages?.get(key);
  if (c?.owner !== voice) return;
  c.spoken = true;
  c.understudies.clear();
}

/**
 * `voice` claimed `key` but will not say it now (removed from the page, hidden, its rows gone):
 * the first other widget that had the words and is shown says them instead. True when one took
 * them over (the caller drops them); false when none could (the caller keeps or drops them).
 */
export function releaseMessage(key: string, voice: object): boolean {
  const c = state.messages?.get(key);
  if (!c || c.owner !== voice || c.spoken) return false;
  for (const [other, u] of c.understudies) {
    if (other === voice || !u.heard()) continue;
    c.understudies.delete(other);
    c.owner = other;
    u.say();
    return true;
  }
  return false;
}

/**
 * True when the caller should announce milestone `milestone` of (`kind`, `id`): nobody on the
 * page announced it in the last `ANNOUNCE_DEDUPE_MS`. The claim is recorded. (The widgets pass
 * the same key to their announcer, {@link claimMessage}; this is the one-shot form.)
 */
export function claimAnnouncement(kind: string, id: string, milestone: string, now = Date.now()): boolean {
  return claimMessage(milestoneKey(kind, id, milestone), {}, () => true, () => {}, now);
}

/** The key of milestone `milestone` of (`kind`, `id`). */
export function milestoneKey(kind: string, id: string, milestone: string): string {
  return `${kind}\u0000${id}\u0000${milestone}`;
}

/**
 * True when the caller should say `words` about `scope` (the client whose connection it reports):
 * unless another widget on the page said the same words about it last, within
 * `ANNOUNCE_DEDUPE_MS` — the same change seen by two widgets (a page's connection badge and a
 * dashboard's) is heard once, while a status that changes back (reconnecting, connected,
 * reconnecting) is heard each time. The caller's words are recorded, unless it cannot be heard
 * (`heard` false: hidden), so that a shown widget still says them.
 */
export function claimWords(scope: object, words: string, now = Date.now(), heard = true): boolean {
  const said = (state.said ??= new WeakMap());
  const last = said.get(scope);
  if (!heard) return true;
  said.set(scope, [words, now]);
  return !last || last[0] !== words || now - last[1] >= ANNOUNCE_DEDUPE_MS;
}

/** Forget every claim (tests). */
export function resetAnnouncements(): void {
  state.claims.clear();
  state.said = new WeakMap();
  state.messages = new Map();
}
