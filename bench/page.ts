/**
 * Page benchmarks: rt-monitor elements in Debian's Chromium against the local backend.
 *
 *   npx tsx bench/page.ts [--changes 2000] [--reps 3] [--cards 200] [--cycles 10] [--ticking 100]
 *
 * Starts the local backend (PGlite, port 0, dev controls), a Vite dev server for bench/page.html
 * (bench/page-entry.ts: rt-monitor from src/, Lit's production build) on a free port, and headless
 * Chromium through playwright-core. Four measures, each repeated `--reps` times (median reported):
 *
 *  1. throughput: the node process UPDATEs one stream N times as fast as it can (direct SQL through
 *     backend.db, one statement per change). First with no page subscribed (the raw write rate),
 *     then with a page holding `<rt-provider>` + `<rt-stream-progress>` ("single"), then with
 *     `<rt-monitoring-dashboard>` ("dashboard"). The page counts the realtime frames that carry
 *     the run's changes (a WebSocket wrapped by an init script) and notes when the final change
 *     arrived, was notified by the live query and was rendered → changes/s delivered, lag of the
 *     last change, ratio to the raw write rate.
 *  2. render coalescing (same bursts): every Lit render is counted (patched LitElement.prototype
 *     .update) and tagged with its animation frame → renders per change, renders per frame, and
 *     the max renders of one element in one frame (the contract: ≤ 1).
 *  3. memory / leaks: mount and unmount `--cards` `<rt-stream-card>`s for distinct streams,
 *     `--cycles` times, waiting out the store + channel lingers; GC (`--expose-gc`) and read
 *     `performance.memory.usedJSHeapSize` (precise), the client's active subscriptions and
 *     realtime-js's own channels after each cycle → heap growth ratio, channels left (must be 0).
 *  4. ticking timers: 1 vs `--ticking` elements showing relative times (`<rt-progress
 *     last-updated>`; and live `<rt-stream-progress>` on one stream) → active setInterval /
 *     setTimeout timers (patched by the init script): must not grow with elements.
 *
 * Timings are only compared as ratios within one run (the machine is shared and noisy); the load
 * average is recorded. Output: bench/results/page.json and a table on stdout.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { createServer, type ViteDevServer } from 'vite';
import type { Browser, Page } from 'playwright-core';
import { startLocalBackend, type LocalBackend } from '../server/index.ts';
import { launchChromium } from '../test/e2e/support/demo-stack.ts';
import { signJwt } from '../server/jwt.ts';
import { DEMO_ORGS, DEMO_STREAMS, DEMO_USERS } from '../server/seed.ts';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const N = arg('changes', 2000);
const REPS = arg('reps', 3);
const CARDS = arg('cards', 200);
const CYCLES = arg('cycles', 10);
const TICKING = arg('ticking', 100);
const verbose = !!process.env.RT_BENCH_VERBOSE;
const log = (line: string) => console.error(`[bench/page] ${line}`);

// ------------------------------------------------------------------ the page probes (init script)

/**
 * Installed before any page script: the frame the page is in (rAF timestamp, and whether its
 * callbacks / microtasks are running), a frame counter, WebSocket frames carrying the run's
 * changes, and every setInterval / setTimeout still pending. The probes use the unpatched timers.
 */
const PROBE = `(() => {
  const oSetTimeout = window.setTimeout, oClearTimeout = window.clearTimeout;
  const oSetInterval = window.setInterval, oClearInterval = window.clearInterval;
  const oRaf = window.requestAnimationFrame.bind(window);
  const P = {
    frameTs: 0, inFrame: false, frames: 0,
    ws: { open: 0, created: 0, marker: null, matched: 0, firstAt: 0, lastAt: 0, finalName: null, finalAt: 0 },
    timers: { intervals: new Map(), timeouts: new Map(), createdIntervals: 0, createdTimeouts: 0 },
    now: () => performance.timeOrigin + performance.now(),
  };
  Object.defineProperty(window, '__rtProbe', { value: P });

  // Frames: all rAF callbacks of one frame get the same timestamp; the frame's work ends with the
  // rendering step, before the next task (a MessageChannel message) runs.
  const mc = new MessageChannel();
  mc.port1.onmessage = () => { P.inFrame = false; };
  const enter = (ts) => {
    if (!P.inFrame || ts !== P.frameTs) { P.frameTs = ts; P.inFrame = true; mc.port2.postMessage(0); }
  };
  window.requestAnimationFrame = function (cb) { return oRaf((ts) => { enter(ts); cb(ts); }); };
  const loop = (ts) => { enter(ts); P.frames++; oRaf(loop); };
  oRaf(loop);

  // Timers still pending (intervals until cleared; timeouts until they fire or are cleared).
  const T = P.timers;
  const clear = (id) => { T.intervals.delete(id); T.timeouts.delete(id); };
  window.setInterval = function (fn, ms, ...rest) {
    const id = oSetInterval.call(window, fn, ms, ...rest);
    T.intervals.set(id, Number(ms) || 0); T.createdIntervals++;
    return id;
  };
  window.setTimeout = function (fn, ms, ...rest) {
    let id;
    const run = typeof fn === 'function' ? function (...a) { T.timeouts.delete(id); return fn.apply(this, a); } : fn;
    id = oSetTimeout.call(window, run, ms, ...rest);
    T.timeouts.set(id, Number(ms) || 0); T.createdTimeouts++;
    return id;
  };
  window.clearInterval = function (id) { clear(id); return oClearInterval.call(window, id); };
  window.clearTimeout = function (id) { clear(id); return oClearTimeout.call(window, id); };

  // WebSocket frames that carry the run's changes (the marker is in every changed row's name).
  const OWS = window.WebSocket;
  class BenchWebSocket extends OWS {
    constructor(url, protocols) {
      super(url, protocols);
      // Realtime sockets only (not Vite's client).
      if (String(url).indexOf('/realtime/') >= 0) {
        P.ws.created++; P.ws.open++;
        let closed = false;
        this.addEventListener('close', () => { if (!closed) { closed = true; P.ws.open--; } });
      }
      this.addEventListener('message', (ev) => {
        const w = P.ws;
        const d = ev.data;
        if (!w.marker || typeof d !== 'string' || d.indexOf(w.marker) < 0) return;
        const t = P.now();
        w.matched++;
        if (!w.firstAt) w.firstAt = t;
        w.lastAt = t;
        if (w.finalName && d.indexOf('"' + w.finalName + '"') >= 0) w.finalAt = t;
      });
    }
  }
  window.WebSocket = BenchWebSocket;
})()`;

// ------------------------------------------------------------------ the stack

/** Debian's Chromium with `gc()` exposed and unbucketed `performance.memory` (heap figures). */
const launch = (): Promise<Browser> => launchChromium(['--js-flags=--expose-gc', '--enable-precise-memory-info']);

async function startBenchVite(): Promise<{ server: ViteDevServer; url: string }> {
  // Lit's production build (its dev build adds checks and warnings): resolve the `production`
  // export condition instead of `development`.
  const server = await createServer({
    configFile: join(repoRoot, 'vite.config.ts'),
    root: here,
    cacheDir: join(repoRoot, 'node_modules', '.vite-bench-page'),
    clearScreen: false,
    logLevel: verbose ? 'info' : 'warn',
    resolve: { conditions: ['module', 'browser', 'production'] },
    server: { port: 0, strictPort: false, host: '127.0.0.1', hmr: false, watch: null },
  });
  await server.listen();
  const addr = server.httpServer?.address();
  const port = addr && typeof addr === 'object' ? addr.port : 0;
  return { server, url: `http://127.0.0.1:${port}/page.html` };
}

interface Stack {
  backend: LocalBackend;
  token: string;
  pageUrl: string;
  browser: Browser;
  cardStreamIds: string[];
}

const BENCH_ORG = '00000000-0000-4000-a000-0000000be7c0';
const TARGET_STREAM = DEMO_STREAMS.acmeOnboarding;
const ALICE = DEMO_USERS[0];

async function openPage(stack: Stack): Promise<{ page: Page; errors: string[]; close(): Promise<void> }> {
  const context = await stack.browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addInitScript(PROBE);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || /dev mode/i.test(m.text())) errors.push(`console.${m.type()}: ${m.text()}`);
    if (verbose) log(`page console.${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  await page.goto(stack.pageUrl);
  await page.waitForSelector('html[data-bench-ready="true"]', { timeout: 60_000 });
  return { page, errors, close: () => context.close() };
}

const cfgOf = (stack: Stack) => ({ url: stack.backend.url, anonKey: stack.backend.anonKey, token: stack.token });

// ------------------------------------------------------------------ 1 + 2: bursts

let runSeq = 0;

type Writer = 'batched' | 'statement';
const BATCH = 100;

/**
 * UPDATEs the target stream N times, each UPDATE its own change, as fast as the db takes them:
 * `batched` runs them in transactions of 100 (a DO block looping over single-row UPDATEs: the
 * backend's capacity to deliver), `statement` one autocommit statement each (many small writers).
 */
async function writeBurst(b: LocalBackend, tag: string, writer: Writer): Promise<{ t0: number; t1: number }> {
  if (!/^[a-z0-9-]+$/.test(tag)) throw new Error(`bad tag ${tag}`);
  const t0 = Date.now();
  if (writer === 'batched') {
    for (let from = 1; from <= N; from += BATCH) {
      const to = Math.min(N, from + BATCH - 1);
      // Numbers and the tag are ours (checked above), not input: inlined into the DO block.
      await b.db.exec(`do $bench$ begin
        for i in ${from}..${to} loop
          update public.streams set name = '${tag}' || i,
            current_progress = jsonb_build_object('percentage', round(i * 100.0 / ${N}), 'completed', i, 'total', ${N})
          where id = '${TARGET_STREAM}';
        end loop;
      end $bench$`);
    }
  } else {
    for (let i = 1; i <= N; i++) {
      await b.db.query(`update public.streams set name = $2, current_progress = $3::jsonb where id = $1`, [
        TARGET_STREAM,
        `${tag}${i}`,
        JSON.stringify({ percentage: Math.round((i / N) * 100), completed: i, total: N }),
      ]);
    }
  }
  return { t0, t1: Date.now() };
}

async function rawBurst(stack: Stack, writer: Writer) {
  const tag = `bench-raw${++runSeq}-`;
  const { t0, t1 } = await writeBurst(stack.backend, tag, writer);
  const writeMs = Math.max(1, t1 - t0);
  return { writer, writeMs, writesPerSecond: Math.round((N / writeMs) * 1000) };
}

interface BurstPage {
  framesReceived: number;
  firstFrameAt: number;
  lastFrameAt: number;
  finalFrameAt: number;
  finalNotifiedAt: number;
  finalRenderedAt: number;
  framesAtFinal: number;
  notifications: number;
  animationFrames: number;
  renders: {
    byTag: Record<string, number>;
    outsideFrame: number;
    maxPerElementPerFrame: number;
    maxPerElementTag: string;
    framesWithRenders: number;
    maxRendersInOneFrame: number;
  };
}

async function pageBurst(stack: Stack, mode: 'single' | 'dashboard', writer: Writer, rawWritesPerSecond: number) {
  const { page, errors, close } = await openPage(stack);
  try {
    const setup = (await page.evaluate(
      `window.__bench.setupBurst(${JSON.stringify({ ...cfgOf(stack), mode, streamId: TARGET_STREAM, orgId: DEMO_ORGS.acme, userId: ALICE.id })})`,
    )) as { subscriptions: { count: number } };
    const tag = `bench-${mode}${++runSeq}-`;
    await page.evaluate(`window.__bench.arm(${JSON.stringify(tag)}, ${JSON.stringify(`${tag}${N}`)}, ${JSON.stringify(mode)})`);
    const { t0, t1 } = await writeBurst(stack.backend, tag, writer);
    const handle = await page.waitForFunction(`window.__bench.burstResult()`, undefined, { timeout: 120_000, polling: 50 });
    const r = (await handle.jsonValue()) as BurstPage;
    const writeMs = Math.max(1, t1 - t0);
    const deliveredMs = Math.max(1, r.finalFrameAt - t0);
    const target = mode === 'single' ? 'rt-stream-progress' : 'rt-stream-card';
    const targetRenders = r.renders.byTag[target] ?? 0;
    const totalRenders = Object.values(r.renders.byTag).reduce((a, n) => a + n, 0);
    const framesDuringBurst = Math.max(1, r.animationFrames);
    const changesPerSecond = Math.round((N / deliveredMs) * 1000);
    return {
      mode,
      writer,
      channels: setup.subscriptions.count,
      changes: N,
      framesReceived: r.framesReceived,
      writeMs,
      writesPerSecond: Math.round((N / writeMs) * 1000),
      deliveredMs: Math.round(deliveredMs),
      changesPerSecond,
      ratioToRawWrites: round2(changesPerSecond / rawWritesPerSecond),
      lastChangeLagMs: Math.round(r.finalFrameAt - t1),
      lastChangeNotifiedLagMs: Math.round(r.finalNotifiedAt - t1),
      lastChangeRenderedLagMs: Math.round(r.finalRenderedAt - t1),
      storeNotifications: r.notifications,
      animationFrames: r.animationFrames,
      targetElement: target,
      targetRenders,
      totalRenders,
      rendersByTag: r.renders.byTag,
      rendersPerChange: round4(targetRenders / N),
      targetRendersPerFrame: round2(targetRenders / framesDuringBurst),
      notificationsPerFrame: round2(r.notifications / framesDuringBurst),
      maxRendersOfOneElementInOneFrame: r.renders.maxPerElementPerFrame,
      maxRendersOfOneElementTag: r.renders.maxPerElementTag,
      rendersOutsideFrames: r.renders.outsideFrame,
      pageErrors: errors.slice(0, 5),
    };
  } finally {
    await close();
  }
}

// ------------------------------------------------------------------ 3: memory / leaks

interface Subs {
  count: number;
  byStatus: Record<string, number>;
  errors?: Record<string, number>;
}
interface Cycle {
  allShown: boolean;
  cardsShown: number;
  staleCards: number;
  mountMs: number;
  releaseMs: number;
  peak: Subs;
  peakRealtimeChannels: number;
  after: { heap: number; subscriptions: Subs; realtimeChannels: number; sockets: number };
}

async function memoryRun(stack: Stack) {
  const { page, errors, close } = await openPage(stack);
  try {
    const base = (await page.evaluate(`window.__bench.setupProvider(${JSON.stringify(cfgOf(stack))})`)) as {
      heap: number;
      subscriptions: Subs;
      realtimeChannels: number;
    };
    const cycles: Cycle[] = [];
    for (let c = 0; c < CYCLES; c++) {
      const cycle = (await page.evaluate(`window.__bench.cardCycle(${JSON.stringify(stack.cardStreamIds)}, 20000, 8000)`)) as Cycle;
      cycles.push(cycle);
      if (verbose) log(`memory cycle ${c + 1}: heap ${mb(cycle.after.heap)} MB, peak ${JSON.stringify(cycle.peak)}, left ${cycle.after.subscriptions.count}`);
    }
    const first = cycles[0];
    const last = cycles[cycles.length - 1];
    return {
      cards: CARDS,
      cycles: CYCLES,
      heapBeforeMB: mb(base.heap),
      heapAfterFirstCycleMB: mb(first.after.heap),
      heapAfterLastCycleMB: mb(last.after.heap),
      heapGrowthRatioFirstToLast: round3(last.after.heap / first.after.heap),
      heapGrowthRatioBeforeToLast: round3(last.after.heap / base.heap),
      subscriptionsBefore: base.subscriptions.count,
      peakSubscriptions: Math.max(...cycles.map((c) => c.peak.count)),
      peakByStatus: first.peak.byStatus,
      peakErrors: first.peak.errors,
      peakRealtimeJsChannels: Math.max(...cycles.map((c) => c.peakRealtimeChannels)),
      cardsShownPerCycle: Math.min(...cycles.map((c) => c.cardsShown)),
      cardsStaleAtPeak: Math.max(...cycles.map((c) => c.staleCards)),
      allCardsShownEveryCycle: cycles.every((c) => c.allShown),
      mountMsMedian: median(cycles.map((c) => c.mountMs)),
      releaseMsMedian: median(cycles.map((c) => c.releaseMs)),
      channelsLeft: last.after.subscriptions.count,
      realtimeJsChannelsLeft: last.after.realtimeChannels,
      maxChannelsLeftAnyCycle: Math.max(...cycles.map((c) => c.after.subscriptions.count)),
      socketsOpen: last.after.sockets,
      heapAfterEachCycleMB: cycles.map((c) => mb(c.after.heap)),
      pageErrors: dedupe(errors).slice(0, 5),
    };
  } finally {
    await close();
  }
}

// ------------------------------------------------------------------ 4: ticking timers

interface Timers {
  activeIntervals: number;
  intervalsByMs: Record<string, number>;
  activeTimeouts: number;
  tickSubscribers: number;
  tickerRunning: boolean;
  intervalsCreatedPerSecond?: number;
  timeoutsCreatedPerSecond?: number;
  rendersPerSecond?: number;
  framesWithRendersPerSecond?: number;
  maxPerElementPerFrame?: number;
  subscriptions?: Subs;
}

async function timersRun(stack: Stack) {
  const { page, errors, close } = await openPage(stack);
  const observe = async (kind: 'progress' | 'stream-progress', n: number) => {
    await page.evaluate(`window.__bench.mountTicking(${JSON.stringify(kind)}, ${n}, ${JSON.stringify(TARGET_STREAM)})`);
    await sleep(1500);
    return (await page.evaluate(`window.__bench.observeTicking(3000)`)) as Timers;
  };
  try {
    const empty = (await page.evaluate(`window.__bench.timers()`)) as Timers;
    const p1 = await observe('progress', 1);
    const pN = await observe('progress', TICKING);
    await page.evaluate(`window.__bench.clear()`);
    await sleep(300);
    await page.evaluate(`window.__bench.mountProvider(${JSON.stringify(cfgOf(stack))})`);
    const s1 = await observe('stream-progress', 1);
    await page.waitForFunction(`window.__bench.subscriptions().byStatus.connected === 1`, undefined, { timeout: 20_000 });
    const s1b = (await page.evaluate(`window.__bench.observeTicking(3000)`)) as Timers;
    const sN = await observe('stream-progress', TICKING);
    void s1;
    const pick = (t: Timers) => ({
      activeIntervals: t.activeIntervals,
      intervalsByMs: t.intervalsByMs,
      activeTimeouts: t.activeTimeouts,
      tickSubscribers: t.tickSubscribers,
      intervalsCreatedPerSecond: round2(t.intervalsCreatedPerSecond ?? 0),
      timeoutsCreatedPerSecond: round2(t.timeoutsCreatedPerSecond ?? 0),
      rendersPerSecond: round2(t.rendersPerSecond ?? 0),
      framesWithRendersPerSecond: round2(t.framesWithRendersPerSecond ?? 0),
      maxRendersOfOneElementInOneFrame: t.maxPerElementPerFrame ?? 0,
      channels: t.subscriptions?.count ?? 0,
    });
    return {
      elements: TICKING,
      emptyPage: { activeIntervals: empty.activeIntervals, activeTimeouts: empty.activeTimeouts },
      progress1: pick(p1),
      progressN: pick(pN),
      streamProgress1: pick(s1b),
      streamProgressN: pick(sN),
      intervalsAddedByNElements: pN.activeIntervals - p1.activeIntervals,
      intervalsAddedByNLiveElements: sN.activeIntervals - s1b.activeIntervals,
      timeoutsAddedByNLiveElements: sN.activeTimeouts - s1b.activeTimeouts,
      pageErrors: dedupe(errors).slice(0, 5),
    };
  } finally {
    await close();
  }
}

// ------------------------------------------------------------------ helpers

function round2(x: number) {
  return Math.round(x * 100) / 100;
}
function round3(x: number) {
  return Math.round(x * 1000) / 1000;
}
function round4(x: number) {
  return Math.round(x * 10000) / 10000;
}
function mb(bytes: number) {
  return Math.round((bytes / 1048576) * 100) / 100;
}
function dedupe(lines: string[]) {
  return [...new Set(lines)];
}
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The median run of each numeric field (non-numeric fields from the first run). */
function medianOf<T extends Record<string, unknown>>(runs: T[]): T {
  const out: Record<string, unknown> = { ...runs[0] };
  for (const [k, v] of Object.entries(runs[0])) {
    if (typeof v === 'number') out[k] = median(runs.map((r) => r[k] as number));
    else if (v && typeof v === 'object' && !Array.isArray(v)) out[k] = medianOf(runs.map((r) => r[k] as Record<string, unknown>));
  }
  return out as T;
}

// ------------------------------------------------------------------ main

const loadStart = os.loadavg();
const backend = await startLocalBackend({ port: 0, devControls: true, quiet: !verbose });
let vite: ViteDevServer | undefined;
let browser: Browser | undefined;
try {
  // The cards' streams: CARDS distinct streams in an org of their own that alice belongs to.
  await backend.db.query(`insert into public.orgs (id, name) values ($1, 'Bench') on conflict do nothing`, [BENCH_ORG]);
  await backend.db.query(`insert into public.org_members (org_id, user_id, role) values ($1, $2, 'member') on conflict do nothing`, [BENCH_ORG, ALICE.id]);
  const inserted = await backend.db.query<{ id: string }>(
    `insert into public.streams (org_id, name, goal_status, current_progress)
     select $1, 'Bench stream ' || g, 'in_progress', jsonb_build_object('percentage', g % 100, 'completed', g % 100, 'total', 100)
     from generate_series(1, $2::int) g returning id`,
    [BENCH_ORG, CARDS],
  );
  const token = await signJwt(backend.jwtSecret, { sub: ALICE.id, role: 'authenticated', aud: 'authenticated' }, 6 * 3600);
  const started = await startBenchVite();
  vite = started.server;
  browser = await launch();
  const stack: Stack = { backend, token, pageUrl: started.url, browser, cardStreamIds: inserted.rows.map((r) => r.id) };

  // Warm-up: Vite transforms and pre-bundles on the first load; the JIT warms up.
  log('warming up');
  await rawBurst(stack, 'batched');
  await pageBurst(stack, 'single', 'batched', 1);

  const WRITERS: Writer[] = ['batched', 'statement'];
  type BurstRun = Awaited<ReturnType<typeof pageBurst>>;
  const bursts: Record<Writer, { raw: Array<Awaited<ReturnType<typeof rawBurst>>>; single: BurstRun[]; dashboard: BurstRun[] }> = {
    batched: { raw: [], single: [], dashboard: [] },
    statement: { raw: [], single: [], dashboard: [] },
  };
  const memory = [];
  const timers = [];
  for (let rep = 1; rep <= REPS; rep++) {
    for (const writer of WRITERS) {
      log(`rep ${rep}/${REPS}: bursts (${writer})`);
      const r = await rawBurst(stack, writer);
      bursts[writer].raw.push(r);
      bursts[writer].single.push(await pageBurst(stack, 'single', writer, r.writesPerSecond));
      bursts[writer].dashboard.push(await pageBurst(stack, 'dashboard', writer, r.writesPerSecond));
    }
    log(`rep ${rep}/${REPS}: memory`);
    memory.push(await memoryRun(stack));
    log(`rep ${rep}/${REPS}: timers`);
    timers.push(await timersRun(stack));
  }
  const loadEnd = os.loadavg();

  const out = {
    bench: 'page',
    date: new Date().toISOString(),
    engine: backend.db.kind,
    node: process.version,
    chromium: browser.version(),
    cpus: os.cpus().length,
    loadavgAtStart: loadStart.map(round2),
    loadavgAtEnd: loadEnd.map(round2),
    reps: REPS,
    note:
      'Medians of the reps. One Chromium page against the local backend (PGlite) in this process, which also writes; ' +
      'the machine is shared: compare ratios within one run, not absolute numbers across runs.',
    throughput: {
      changes: N,
      batched: { raw: medianOf(bursts.batched.raw), single: medianOf(bursts.batched.single), dashboard: medianOf(bursts.batched.dashboard) },
      statement: { raw: medianOf(bursts.statement.raw), single: medianOf(bursts.statement.single), dashboard: medianOf(bursts.statement.dashboard) },
    },
    memory: medianOf(memory),
    timers: medianOf(timers),
    runs: { bursts, memory, timers },
  };
  const dir = join(here, 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'page.json');
  writeFileSync(file, JSON.stringify(out, null, 2) + '\n');

  const m = out.memory;
  const tm = out.timers;
  const rows: Array<[string, string | number, string]> = [];
  for (const writer of WRITERS) {
    const t = out.throughput[writer];
    const w = writer === 'batched' ? 'batched' : 'per-stmt';
    rows.push(
      [`${w}: raw write rate, no subscriber`, `${t.raw.writesPerSecond} /s`, `${N} single-row UPDATEs${writer === 'batched' ? `, ${BATCH} per transaction` : ', one per statement'}`],
      [`${w}: single — changes/s delivered`, t.single.changesPerSecond, `ratio to raw ${t.single.ratioToRawWrites}; frames ${t.single.framesReceived}/${N}`],
      [`${w}: single — lag of last change`, `${t.single.lastChangeLagMs} ms`, `notified ${t.single.lastChangeNotifiedLagMs} ms, rendered ${t.single.lastChangeRenderedLagMs} ms after the last commit`],
      [`${w}: single — renders / change`, t.single.rendersPerChange, `${t.single.targetRenders} renders in ${t.single.animationFrames} frames; max per element per frame ${t.single.maxRendersOfOneElementInOneFrame} (≤ 1)`],
      [`${w}: dashboard — changes/s delivered`, t.dashboard.changesPerSecond, `ratio to raw ${t.dashboard.ratioToRawWrites}; frames ${t.dashboard.framesReceived}/${N}`],
      [`${w}: dashboard — lag of last change`, `${t.dashboard.lastChangeLagMs} ms`, `rendered ${t.dashboard.lastChangeRenderedLagMs} ms after the last commit`],
      [`${w}: dashboard — renders / change (card)`, t.dashboard.rendersPerChange, `all elements ${t.dashboard.totalRenders} renders; max per element per frame ${t.dashboard.maxRendersOfOneElementInOneFrame} (≤ 1)`],
    );
  }
  rows.push(
    ['memory: heap growth, cycle 1 → last', m.heapGrowthRatioFirstToLast, `${m.heapAfterFirstCycleMB} → ${m.heapAfterLastCycleMB} MB (before any card: ${m.heapBeforeMB} MB), ${CARDS} cards × ${CYCLES}`],
    ['memory: channels left after unmount', m.channelsLeft, `realtime-js channels left ${m.realtimeJsChannelsLeft}; peak ${m.peakSubscriptions} ${JSON.stringify(m.peakByStatus)}`],
    ['timers: intervals, 1 vs N rt-progress', `${tm.progress1.activeIntervals} vs ${tm.progressN.activeIntervals}`, `N = ${TICKING}; tick subscribers ${tm.progress1.tickSubscribers} vs ${tm.progressN.tickSubscribers}`],
    ['timers: intervals, 1 vs N live elements', `${tm.streamProgress1.activeIntervals} vs ${tm.streamProgressN.activeIntervals}`, `pending timeouts ${tm.streamProgress1.activeTimeouts} vs ${tm.streamProgressN.activeTimeouts}; channels ${tm.streamProgressN.channels}`],
  );
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => String(r[1]).length));
  console.log(`\nbench/page — medians of ${REPS} runs, ${out.date}, load average ${out.loadavgAtStart.join(' ')} → ${out.loadavgAtEnd.join(' ')}\n`);
  for (const [a, b, c] of rows) console.log(`${a.padEnd(w0)}  ${String(b).padStart(w1)}  ${c}`);
  console.log(`\nwrote ${file}`);
} finally {
  await browser?.close().catch(() => {});
  await vite?.close().catch(() => {});
  await backend.stop();
}
