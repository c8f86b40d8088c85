/**
 * Broadcast mode (`realtimeMode: 'broadcast'`, see ./broadcast-topics.ts): a subscription joins
 * the private topics that carry its table (`org:<id>`, `user:<id>`); one channel per topic, shared
 * by every subscription on it (./channel-registry.ts), changes routed by table and filter. A
 * subscription on several topics is ready when all of them are, and starts a new epoch (a resync)
 * each time it becomes so.
 */
import type { ChangeListener, ChannelSpec, ChannelState, RowChange } from './client-types.js';
import type { ConnectionStatus, RtError } from './types.js';
import { isRtError, messageOf, rtError } from './errors.js';
import { streamOf, topicsFor, type TopicContext } from './broadcast-topics.js';

/** How long (ms) a stream-following subscription holds a DELETE while it reads the stream's org again, at most. */
export const HOLD_MS = 3000;

/** When a subscription's topics cannot be named, they are named again after these delays (ms). */
export const TOPIC_RETRY_MS = [2000, 5000, 10_000, 30_000];

/**
 * Resolves the topics of `spec`, subscribes on each through `join` (the registry's shared channel
 * of that topic) and reports one combined state to `listener`: ready when every topic's channel
 * is; a new epoch each time it becomes ready again; the first error otherwise. Without a topic
 * context, or when the topics cannot be named, the state is an error (`bad-config` / `server`);
 * they are named again after {@link TOPIC_RETRY_MS}. `onRefusal(error)` hears when the subscription
 * holds no topic for that cause, and `onRefusal(null)` when it joins its topics (QA37 N5: the registry
 * lists it, and the connection names the cause).
 * `gone()` tells whether the registry was disposed meanwhile. Returns the release function, and
 * `recheck(fresh)`: whether its table still broadcasts, read again (`fresh`: now, else the read
 * shared within ORGS_FRESH_MS) when its changes went missing (live-query item 10) and at every
 * revalidation round; a trigger dropped or disabled since is refused as at the start (`bad-config`,
 * detail `broadcast-source`), not blamed on Realtime nor left "Live" (QA29 M2, QA30), and a refused
 * subscription whose table is listed (again) names its topics at once instead of at its next retry.
 *
 * A subscription that follows one stream ({@link streamOf}: the stream by `id`, its executions by
 * `stream_id`) is on the topic of the stream's org, and the stream can move to another org: the
 * trigger then sends the old topic a DELETE of the stream and of each execution (QA68 F1: taken
 * as such, the stream read "not found or no access" and its runs "none running", Live, while
 * every change went to the new topic). So a DELETE it hears is held, with what follows it, while
 * the stream's org is read again: the same org (or none the user can read), they are delivered;
 * another org, they are dropped and the subscription joins that org's topic (ready again: a new
 * epoch, whose read brings the rows as they are). `recheck` reads the org too (a move while the
 * socket was down, or its DELETE lost: the next round, or a rejoin for changes gone missing).
 */
export function subscribeOnTopics<R>(
  spec: ChannelSpec,
  listener: ChangeListener<R>,
  ctx: TopicContext | undefined,
  join: (topic: string, listener: ChangeListener<R>) => () => void,
  gone: () => boolean,
  onRefusal: (error: RtError | null) => void = () => {},
): { release: () => void; recheck: (fresh: boolean) => void } {
  let released = false;
  let epoch = 0;
  let wasReady = false;
  const parts = new Map<string, { state: ChannelState; release: () => void }>();
  const combine = (): ChannelState => {
    const states = [...parts.values()].map((p) => p.state);
    const ready = states.every((st) => st.ready);
    if (ready && !wasReady) epoch++;
    wasReady = ready;
    const error = states.find((st) => st.error)?.error ?? null;
    // Not ready: the worst status of its topics (a topic that is connected does not make it so).
    const worst: ConnectionStatus[] = ['error', 'disconnected', 'connecting'];
    const status: ConnectionStatus = ready ? 'connected' : (worst.find((r) => states.some((st) => st.status === r)) ?? 'connecting');
    return { status, ready, epoch, error };
  };
  listener.onState({ status: 'connecting', ready: false, epoch, error: null });
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** Refused, and waiting to name its topics again ({@link TOPIC_RETRY_MS}). */
  let refused = false;
  const name = () => (ctx ? topicsFor(spec, ctx).catch((err) => rtError('server', `Could not name the realtime topics: ${messageOf(err)}`)) : rtError('bad-config', 'Broadcast mode needs a topic context.'));
  const leave = () => {
    for (const p of parts.values()) p.release();
    parts.clear();
  };
  /** Changes heard while the stream's org is read again (a DELETE first), in order; null when not holding. */
  let held: RowChange<R>[] | null = null;
  /** Bumped whenever the topics are named: an org read or a naming begun before is out of date. */
  let named = 0;
  /** An org read under way. */
  let following = false;
  /** The stream whose org names the topics (its table broadcast on `org:` topics, not by the filter's column), or null. */
  const followed = () => {
    const source = ctx?.sources ? ctx.knownSources?.()?.get(spec.table) : undefined;
    return ctx?.streamOrg && (source || !ctx.sources) ? streamOf(spec, source) : null;
  };
  /** Leaves the topics and names them again (`topics`: as now known), not ready meanwhile. */
  const rename = (topics?: string[]) => {
    wasReady = false;
    leave();
    listener.onState({ status: 'connecting', ready: false, epoch, error: null });
    void resolve(0, topics);
  };
  /**
   * Reads the org of `stream` again (`fresh`: now): `moved` when it is another org of the user's
   * (the subscription follows it there), or the read failed and `unsure` (its topics are named
   * again); `late` when the topics changed meanwhile; else `kept` (the same org, or none the user
   * can read: deleted, or out of their view).
   */
  const follow = async (stream: string, fresh: boolean, unsure: boolean): Promise<'moved' | 'kept' | 'late'> => {
    const at = named;
    following = true;
    const org = await ctx!.streamOrg!(stream, fresh).finally(() => (following = false));
    if (released || gone() || at !== named) return 'late';
    const topic = typeof org === 'string' ? `org:${org}` : null;
    if (!parts.size || org === null || parts.has(topic!) || (!topic && !unsure)) return 'kept';
    rename(topic ? [topic] : undefined);
    return 'moved';
  };
  const hear = (change: RowChange<R>) => {
    if (held) return void held.push(change);
    const stream = change.type === 'DELETE' && followed();
    if (!stream) return listener.onChange(change);
    const mine = (held = [change]);
    // Held at most HOLD_MS (a slow REST must not freeze a list under "Live"): then dropped, and a
    // new epoch (its org read once more, not ready meanwhile) reads the rows as they are.
    const cap = setTimeout(() => {
      if (held !== mine) return;
      held = null;
      wasReady = false;
      report();
    }, HOLD_MS);
    void follow(stream, true, true)
      .catch(() => 'kept' as const)
      .then((how) => {
        clearTimeout(cap);
        if (held !== mine) return;
        held = null;
        // Moved, or renamed meanwhile: the new epoch's read covers what was held.
        if (how === 'kept' && !released) for (const c of mine) listener.onChange(c);
      });
  };
  const resolve = async (attempt: number, topics?: string[] | RtError): Promise<void> => {
    refused = false;
    verifying = false;
    clearTimeout(timer);
    const at = ++named;
    topics ??= await name();
    if (released || gone() || at !== named) return;
    if (!Array.isArray(topics)) {
      leave();
      wasReady = false;
      onRefusal(topics);
      listener.onState({ status: 'error', ready: false, epoch, error: topics });
      // Named again later, slower and slower: the database may be put right (a trigger added, the
      // migration applied) or the network come back, and the widget must follow without a reload.
      refused = !!ctx;
      if (ctx) timer = setTimeout(() => void resolve(attempt + 1), TOPIC_RETRY_MS[Math.min(attempt, TOPIC_RETRY_MS.length - 1)]);
      return;
    }
    onRefusal(null);
    leave();
    for (const topic of topics) {
      const part = { state: { status: 'connecting', ready: false, epoch: 0, error: null } as ChannelState, release: () => {} };
      parts.set(topic, part);
      part.release = join(topic, {
        problem: () => listener.problem?.() ?? null,
        onChange: (change) => hear(change as RowChange<R>),
        onState: (state) => {
          part.state = state;
          report();
        },
      });
    }
    // No topic at all (a user in no org): nothing can arrive, and RLS would show nothing either.
    report();
  };
  /** The stream's org read again since the topics last became ready (a stream-following subscription's check). */
  let verifying = false;
  /**
   * Tells the combined state. A stream-following subscription that becomes ready again (joined the
   * topic it followed the stream to, or its socket back) first reads the stream's org once more, not
   * ready meanwhile: a move after the read it followed, or while the socket was down, sent its
   * DELETE where it was not listening (QA69 F1, F2: Live on the old org's topic until a round).
   */
  const report = () => {
    if (released) return;
    const before = epoch;
    const state = combine();
    const stream = state.ready && epoch !== before && epoch > 1 && !verifying ? followed() : null;
    if (stream) {
      verifying = true;
      void follow(stream, true, false).then((how) => {
        if (how === 'late') return;
        verifying = false;
        if (how === 'kept') report();
      });
    }
    listener.onState(verifying ? { ...state, status: 'connecting', ready: false } : state);
  };
  void resolve(0);
  return {
    release: () => {
      if (released) return;
      released = true;
      clearTimeout(timer);
      leave();
    },
    recheck: async (fresh) => {
      // Refused on this page (a topic wider than the table's read policy): its topics are left now.
      const wide = ctx?.refusal?.(spec.table);
      if (wide) return void (parts.size && resolve(0, wide));
      if ((!parts.size && !refused) || !ctx?.sources) return;
      const sources = await ctx.sources(fresh).catch(() => null);
      // A failed read says nothing of the channels.
      if (!sources || isRtError(sources) || released) return;
      // Refused, and its table broadcasts (again): named now, not at the next retry (up to 30 s).
      if (refused) return void (sources.has(spec.table) && resolve(0));
      // Joined, and its table no longer broadcasts: the refusal, named from that read.
      if (parts.size && !sources.has(spec.table)) void resolve(0, await name());
      // Its stream moved to another org unheard (QA68 F1).
      else if (!held && !following && followed()) void follow(followed()!, fresh, false);
    },
  };
}
