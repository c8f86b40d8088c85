/**
 * The bench page's script (served by Vite from bench/page.html, driven by bench/page.ts).
 *
 * It loads rt-monitor from the sources, counts every element render (a patched
 * `LitElement.prototype.update`: one call per render of any Lit element), tags each render with
 * the animation frame it ran in, and exposes `window.__bench` for the driver: mounting a provider
 * with one element / the dashboard / many cards / many ticking elements, arming a burst, reading
 * results. The page-wide probes (WebSocket frames, requestAnimationFrame, timers) are installed
 * before any module runs by the init script in bench/page.ts and read through `window.__rtProbe`.
 *
 * Type-checked by bench/tsconfig.json (DOM), not tsconfig.server.json (node only).
 */
import { LitElement } from 'lit';
import '../src/index.js';
import type { RtProvider } from '../src/elements/rt-provider/rt-provider.js';
import type { RtClientApi } from '../src/core/client-types.js';
import { tickSubscriberCount, tickerRunning } from '../src/internal/ticker.js';

/** What the init script installs (see PROBE in bench/page.ts). */
interface Probe {
  /** The current animation frame's id (rAF timestamp); `inFrame` while its callbacks and microtasks run. */
  frameTs: number;
  inFrame: boolean;
  frames: number;
  ws: { open: number; created: number; marker: string | null; matched: number; firstAt: number; lastAt: number; finalName: string | null; finalAt: number };
  timers: {
    intervals: Map<number, number>;
    timeouts: Map<number, number>;
    createdIntervals: number;
    createdTimeouts: number;
  };
  now(): number;
}

declare global {
  interface Window {
    __rtProbe: Probe;
    __bench: typeof bench;
    gc?: () => void;
  }
}

const probe = (): Probe => window.__rtProbe;
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// ------------------------------------------------------------------ render counting

interface RenderStats {
  recording: boolean;
  byTag: Record<string, number>;
  /** Renders that ran outside an animation frame (the hidden-tab timer fallback). */
  outsideFrame: number;
  /** Max renders of one element within one animation frame. */
  maxPerElementPerFrame: number;
  maxPerElementTag: string;
  /** Distinct frames in which at least one render ran. */
  framesWithRenders: number;
  /** Max renders (all elements) in one frame. */
  maxRendersInOneFrame: number;
}

const stats: RenderStats = {
  recording: false,
  byTag: {},
  outsideFrame: 0,
  maxPerElementPerFrame: 0,
  maxPerElementTag: '',
  framesWithRenders: 0,
  maxRendersInOneFrame: 0,
};
const perElement = new WeakMap<object, { frame: number; count: number }>();
let lastRenderFrame = -1;
let rendersThisFrame = 0;
let outsideSeq = 0;
/** Called on each render of `targetTag` once the final value was notified: end-to-end "shown" time. */
let onTargetRender: ((el: HTMLElement) => void) | null = null;
let targetTag = '';

const proto = LitElement.prototype as unknown as { update(changed: unknown): void };
const originalUpdate = proto.update;
proto.update = function (this: HTMLElement, changed: unknown) {
  if (stats.recording) {
    const p = probe();
    const tag = this.localName;
    stats.byTag[tag] = (stats.byTag[tag] ?? 0) + 1;
    // Renders outside a frame each count as their own "frame" (they are not coalesced by one).
    let frame = p.frameTs;
    if (!p.inFrame) {
      stats.outsideFrame++;
      frame = -1 - ++outsideSeq;
    }
    let s = perElement.get(this);
    if (!s || s.frame !== frame) perElement.set(this, (s = { frame, count: 0 }));
    s.count++;
    if (s.count > stats.maxPerElementPerFrame) {
      stats.maxPerElementPerFrame = s.count;
      stats.maxPerElementTag = tag;
    }
    if (frame !== lastRenderFrame) {
      lastRenderFrame = frame;
      rendersThisFrame = 0;
      stats.framesWithRenders++;
    }
    rendersThisFrame++;
    stats.maxRendersInOneFrame = Math.max(stats.maxRendersInOneFrame, rendersThisFrame);
  }
  originalUpdate.call(this, changed);
  if (onTargetRender && this.localName === targetTag) onTargetRender(this);
};

function resetStats(): void {
  Object.assign(stats, { byTag: {}, outsideFrame: 0, maxPerElementPerFrame: 0, maxPerElementTag: '', framesWithRenders: 0, maxRendersInOneFrame: 0 });
  lastRenderFrame = -1;
  rendersThisFrame = 0;
}

// ------------------------------------------------------------------ the page under test

interface Config {
  url: string;
  anonKey: string;
  token: string;
}

const root = () => document.getElementById('root')!;
let provider: RtProvider | null = null;

function client(): RtClientApi & { realtime?: { getChannels?(): unknown[]; channels?: unknown[] } } {
  const c = provider?.rtClient;
  if (!c) throw new Error('no client');
  return c as never;
}

function mountProvider(cfg: Config): RtProvider {
  root().replaceChildren();
  const p = document.createElement('rt-provider');
  p.setAttribute('supabase-url', cfg.url);
  p.setAttribute('anon-key', cfg.anonKey);
  p.setAttribute('access-token', cfg.token);
  root().append(p);
  provider = p;
  return p;
}

async function until(fn: () => boolean, ms: number, what: string): Promise<void> {
  const t = Date.now();
  while (!fn()) {
    if (Date.now() - t > ms) throw new Error(`timed out after ${ms} ms: ${what}`);
    await sleep(20);
  }
}

function subscriptions() {
  const list = provider?.rtClient?.getActiveSubscriptions() ?? [];
  const byStatus: Record<string, number> = {};
  const errors: Record<string, number> = {};
  for (const s of list) {
    byStatus[s.status] = (byStatus[s.status] ?? 0) + 1;
    if (s.lastError) {
      const k = `${s.lastError.code}: ${s.lastError.message}`;
      errors[k] = (errors[k] ?? 0) + 1;
    }
  }
  return { count: list.length, byStatus, errors };
}

/** Channels realtime-js itself still holds (below rt-monitor's registry). */
function realtimeChannels(): number {
  const rt = (provider?.rtClient as { realtime?: { getChannels?(): unknown[]; channels?: unknown[] } } | undefined)?.realtime;
  return rt?.getChannels?.().length ?? rt?.channels?.length ?? -1;
}

function heap(): number {
  return (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? -1;
}

async function gcNow(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    window.gc?.();
    await sleep(50);
  }
  return heap();
}

// ------------------------------------------------------------------ the burst (throughput + coalescing)

interface Burst {
  mode: 'single' | 'dashboard';
  armedAt: number;
  framesAtArm: number;
  finalName: string;
  finalNotifiedAt: number;
  finalRenderedAt: number;
  framesAtFinal: number;
  notifications: number;
}
let burst: Burst | null = null;
let offWatch: (() => void) | null = null;

const bench = {
  /** `<rt-provider>` + `<rt-stream-progress>` (single) or `<rt-monitoring-dashboard>`; resolves when live. */
  async setupBurst(cfg: Config & { mode: 'single' | 'dashboard'; streamId: string; orgId: string; userId: string }) {
    const p = mountProvider(cfg);
    if (cfg.mode === 'single') {
      const el = document.createElement('rt-stream-progress');
      el.setAttribute('stream-id', cfg.streamId);
      p.append(el);
      targetTag = 'rt-stream-progress';
    } else {
      const el = document.createElement('rt-monitoring-dashboard');
      el.setAttribute('org-id', cfg.orgId);
      el.setAttribute('user-id', cfg.userId);
      p.append(el);
      targetTag = 'rt-stream-card';
    }
    await until(() => !!p.rtClient, 10_000, 'client');
    // The same store the element uses (same feed + params ⇒ shared, no extra channel).
    const q =
      cfg.mode === 'single'
        ? client().liveQuery('stream', { streamId: cfg.streamId })
        : client().liveQuery('org-streams', { orgId: cfg.orgId, limit: undefined });
    offWatch?.();
    offWatch = q.subscribe((state) => {
      if (!burst) return;
      burst.notifications++;
      const data = state.data as { id: string; name: string } | Array<{ id: string; name: string }> | null;
      const row = Array.isArray(data) ? data.find((r) => r.id === cfg.streamId) : data;
      if (row && row.name === burst.finalName && !burst.finalNotifiedAt) burst.finalNotifiedAt = now();
    });
    await until(() => q.getState().phase === 'live', 20_000, `live query live (phase ${q.getState().phase})`);
    const subs = () => provider!.rtClient!.getActiveSubscriptions();
    await until(() => subs().length > 0 && subs().every((s) => s.status === 'connected'), 20_000, 'all channels connected');
    await sleep(300);
    return { subscriptions: subscriptions() };
  },

  /** Start recording for a burst whose last change sets `name` to `finalName`; `marker` is in every change of the run. */
  arm(marker: string, finalName: string, mode: 'single' | 'dashboard') {
    const p = probe();
    Object.assign(p.ws, { marker, matched: 0, firstAt: 0, lastAt: 0, finalName, finalAt: 0 });
    resetStats();
    burst = { mode, armedAt: now(), framesAtArm: p.frames, finalName, finalNotifiedAt: 0, finalRenderedAt: 0, framesAtFinal: 0, notifications: 0 };
    onTargetRender = () => {
      if (!burst || !burst.finalNotifiedAt || burst.finalRenderedAt) return;
      burst.finalRenderedAt = now();
      burst.framesAtFinal = probe().frames;
      onTargetRender = null;
      // The rest of this frame's renders still count; stop at the next task.
      const stop = new MessageChannel();
      stop.port1.onmessage = () => {
        stats.recording = false;
        stop.port1.close();
      };
      stop.port2.postMessage(0);
    };
    stats.recording = true;
  },

  /** Null until the final value has been rendered; then what the page saw. */
  burstResult() {
    if (!burst || !burst.finalRenderedAt) return null;
    const p = probe();
    return {
      framesReceived: p.ws.matched,
      firstFrameAt: p.ws.firstAt,
      lastFrameAt: p.ws.lastAt,
      finalFrameAt: p.ws.finalAt,
      finalNotifiedAt: burst.finalNotifiedAt,
      finalRenderedAt: burst.finalRenderedAt,
      notifications: burst.notifications,
      framesAtFinal: burst.framesAtFinal,
      animationFrames: burst.framesAtFinal - burst.framesAtArm,
      renders: { ...stats, byTag: { ...stats.byTag } },
    };
  },

  // ---------------------------------------------------------------- memory / leaks

  async setupProvider(cfg: Config) {
    const p = mountProvider(cfg);
    await until(() => !!p.rtClient, 10_000, 'client');
    // Let the socket open (connection watchers connect it).
    await sleep(500);
    return { heap: await gcNow(), subscriptions: subscriptions(), realtimeChannels: realtimeChannels() };
  },

  /** Mount one card per id, wait until each shows its stream (or `settleMs`), unmount, wait for the lingers, GC. */
  async cardCycle(ids: string[], settleMs: number, lingerMs: number) {
    const p = provider!;
    const cards = ids.map((id) => {
      const el = document.createElement('rt-stream-card');
      el.setAttribute('stream-id', id);
      return el;
    });
    const t0 = now();
    p.append(...cards);
    const shown = () => cards.filter((c) => !!c.shadowRoot?.querySelector('[part="value"]')).length;
    const allShown = await until(() => shown() === cards.length, settleMs, 'cards shown').then(
      () => true,
      () => false,
    );
    const mountMs = now() - t0;
    const peak = subscriptions();
    const peakRealtime = realtimeChannels();
    const cardsShown = shown();
    // How the cards present themselves (live badge / stale / connecting …): the custom state set.
    const staleCards = cards.filter((c) => {
      try {
        return (c as unknown as { internals?: ElementInternals }).internals?.states.has('stale') ?? false;
      } catch {
        return false;
      }
    }).length;
    for (const c of cards) c.remove();
    cards.length = 0;
    // The store linger (250 ms) and the channel linger (1 s) must elapse before channels go.
    const t1 = now();
    // Subscriptions go at once; their channels close after the registry's linger (1 s).
    await until(() => subscriptions().count === 0 && realtimeChannels() === 0, lingerMs, 'channels released').catch(() => {});
    const releaseMs = now() - t1;
    await sleep(300);
    return {
      allShown,
      cardsShown,
      staleCards,
      mountMs: Math.round(mountMs),
      releaseMs: Math.round(releaseMs),
      peak,
      peakRealtimeChannels: peakRealtime,
      after: { heap: await gcNow(), subscriptions: subscriptions(), realtimeChannels: realtimeChannels(), sockets: probe().ws.open },
    };
  },

  // ---------------------------------------------------------------- ticking timers

  timers() {
    const t = probe().timers;
    const intervalsByMs: Record<string, number> = {};
    for (const ms of t.intervals.values()) intervalsByMs[ms] = (intervalsByMs[ms] ?? 0) + 1;
    return {
      activeIntervals: t.intervals.size,
      intervalsByMs,
      activeTimeouts: t.timeouts.size,
      createdIntervals: t.createdIntervals,
      createdTimeouts: t.createdTimeouts,
      tickSubscribers: tickSubscriberCount(),
      tickerRunning: tickerRunning(),
    };
  },

  /**
   * Mount `n` ticking elements: `rt-progress` with `last-updated` (presentational, no client), or
   * `rt-stream-progress` on one stream under a provider (live, one shared channel).
   */
  async mountTicking(kind: 'progress' | 'stream-progress', n: number, streamId?: string) {
    const host = kind === 'progress' ? root() : provider!;
    if (kind === 'progress') root().replaceChildren();
    else for (const el of [...host.querySelectorAll('rt-stream-progress')]) el.remove();
    const stamp = new Date(Date.now() - 5000).toISOString();
    for (let i = 0; i < n; i++) {
      const el = document.createElement(kind === 'progress' ? 'rt-progress' : 'rt-stream-progress');
      if (kind === 'progress') {
        el.setAttribute('label', `Item ${i}`);
        el.setAttribute('percentage', String(i % 100));
        el.setAttribute('last-updated', stamp);
      } else {
        el.setAttribute('stream-id', streamId!);
      }
      host.append(el);
    }
    await sleep(100);
  },

  /** Timers created and renders during `ms` of steady ticking. */
  async observeTicking(ms: number) {
    const t = probe().timers;
    const before = { i: t.createdIntervals, t: t.createdTimeouts, frames: probe().frames };
    resetStats();
    stats.recording = true;
    await sleep(ms);
    stats.recording = false;
    return {
      ...bench.timers(),
      intervalsCreatedPerSecond: ((t.createdIntervals - before.i) * 1000) / ms,
      timeoutsCreatedPerSecond: ((t.createdTimeouts - before.t) * 1000) / ms,
      rendersPerSecond: (Object.values(stats.byTag).reduce((a, b) => a + b, 0) * 1000) / ms,
      framesWithRendersPerSecond: (stats.framesWithRenders * 1000) / ms,
      maxPerElementPerFrame: stats.maxPerElementPerFrame,
      subscriptions: subscriptions(),
    };
  },

  clear() {
    offWatch?.();
    offWatch = null;
    root().replaceChildren();
    provider = null;
  },

  mountProvider: (cfg: Config) => {
    mountProvider(cfg);
  },
  subscriptions,
  heap,
  gcNow,
};

window.__bench = bench;
document.documentElement.dataset.benchReady = 'true';
