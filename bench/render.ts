/**
 * Render bench (issue 10, "One frame from socket to paint"): the original React design vs rt-monitor
 * on the same page, same backend, same Chromium, in one run.
 *
 *   npx tsx bench/render.ts [--n 20,60] [--updates 1000] [--rate 200] [--burst 300] [--reps 1]
 *                           [--idle-cards 100] [--idle-seconds 10] [--stress-cards 100]
 *                           [--stress-rate 10000] [--stress-seconds 10] [--quick]
 *
 * Pages (served by a small static server in this process):
 *  - react: bench/react-baseline/ (React 19 + supabase-js 2, production build made here with Vite),
 *    one supabase-js channel per hook call, as the original design did;
 *  - rt: the script-tag bundle dist/rt-monitor.js (`npm run build`), configured with data-* attributes
 *    and a signed-in user's token, N × `<rt-stream-card stream-id>` + `<rt-connection-status>`;
 *  - floor: bench/floor-baseline/ — no framework, supabase-js, the React page's card markup and
 *    stylesheet, direct text-node writes in each message's task, no animation: the least any page
 *    pays to show these changes (a measuring stick for the CPU and latency targets, not a design).
 *
 * For each N and motion setting (as shipped / prefers-reduced-motion: reduce), the two pages run
 * alternately (react, rt, react, rt…). See bench/README.md ("bench/render.ts") for what is measured
 * and how. Output: bench/results/render.json and a table on stdout.
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, normalize, extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { build } from 'vite';
import type { Browser, CDPSession, Page } from 'playwright-core';
import { startLocalBackend, type LocalBackend } from '../server/index.ts';
import { launchChromium } from '../test/e2e/support/demo-stack.ts';
import { signJwt } from '../server/jwt.ts';
import { DEMO_PASSWORD, DEMO_USERS } from '../server/seed.ts';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const verbose = !!process.env.RT_BENCH_VERBOSE;
const log = (line: string) => console.error(`[bench/render] ${line}`);

// ------------------------------------------------------------------ options

const argv = process.argv.slice(2);
const QUICK = argv.includes('--quick');
const opt = (name: string): string | undefined => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const num = (name: string, dflt: number, quick = dflt) => Number(opt(name) ?? (QUICK ? quick : dflt));
const NS = (opt('n') ?? (QUICK ? '20' : '20,60')).split(',').map(Number);
const UPDATES = num('updates', 1000, 300);
const RATE = num('rate', 200);
const BURST = num('burst', 300, 100);
const REPS = num('reps', 1);
const IDLE_CARDS = num('idle-cards', 100);
const IDLE_SECONDS = num('idle-seconds', 10, 5);
const STRESS_CARDS = num('stress-cards', 100);
const STRESS_RATE = num('stress-rate', 10_000);
const STRESS_SECONDS = num('stress-seconds', 10, 3);
const MOTIONS = (opt('motion') ?? (QUICK ? 'no-preference' : 'no-preference,reduce')).split(',') as Array<'no-preference' | 'reduce'>;
const MAX_CARDS = Math.max(...NS, IDLE_CARDS, STRESS_CARDS);
/** Which parts to run (`--only idle,stress`); all by default. */
const ONLY = new Set((opt('only') ?? 'load,idle,stress').split(','));
/** `--trace DIR`: a Chrome trace (CDP Tracing) of each measured window, and its summary on stderr. */
const TRACE_DIR = opt('trace');

type Kind = 'react' | 'rt' | 'floor';

// ------------------------------------------------------------------ the page probe (init script, both pages)

/**
 * Installed before any page script, identical on both pages:
 * - frames: a rAF loop (timestamps while recording → frames/s, frame times);
 * - long tasks: PerformanceObserver 'longtask' (buffered);
 * - WebSocket: realtime sockets created / open; outgoing phx_join topics (+ their table/filter);
 *   join replies ok / error; the last postgres_changes frame per topic (templates for the stress
 *   bench); the socket of each topic (to inject into);
 * - paint probe (`watch(run)`): MutationObservers on the cards' DOM (each rt-stream-card's shadow
 *   root; React's #root) note when a card's text first shows the marker `R<run>.<k>.<seq>`; a
 *   ResizeObserver on a 1-px fixed sentinel, whose width is toggled whenever new values appeared,
 *   gives the time of the next post-layout point of the rendering step that PAINTS them: the
 *   ResizeObserver callbacks run after style + layout, right before paint, in that frame.
 */
const PROBE = `(() => {
  const oRaf = window.requestAnimationFrame.bind(window);
  const now = () => performance.timeOrigin + performance.now();
  const P = {
    now,
    recording: false, frameTs: [],
    longTasks: [],
    ws: { created: 0, open: 0, sockets: [], joins: new Map(), replies: { ok: 0, error: 0 }, errorsByReason: {}, lastChange: new Map(), socketOfTopic: new Map(), received: 0, subscribedPg: 0 },
    run: null, latest: new Map(), dirty: new Set(), painted: [], superseded: 0, domSeen: 0,
  };
  Object.defineProperty(window, '__rb', { value: P });

  // The probe's own rAF loop makes the page produce a frame every vsync; the idle measure turns it
  // off (P.framesOff) so it measures the page, not the probe.
  const loop = (ts) => { if (P.recording) P.frameTs.push(performance.timeOrigin + ts); if (P.framesOff) P.loopStopped = true; else oRaf(loop); };
  P.framesOn = () => { P.framesOff = false; if (P.loopStopped) { P.loopStopped = false; oRaf(loop); } };
  oRaf(loop);

  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) P.longTasks.push({ at: performance.timeOrigin + e.startTime, ms: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch {}

  const parse = (d) => { try { const m = JSON.parse(d); return Array.isArray(m) ? { join_ref: m[0], ref: m[1], topic: m[2], event: m[3], payload: m[4] } : m; } catch { return null; } };
  const OWS = window.WebSocket;
  class BenchWebSocket extends OWS {
    constructor(url, protocols) {
      super(url, protocols);
      if (String(url).indexOf('/realtime/') < 0) return;
      const W = P.ws;
      W.created++; W.open++; W.sockets.push(this);
      let closed = false;
      this.addEventListener('close', () => { if (!closed) { closed = true; W.open--; } });
      this.addEventListener('message', (ev) => {
        if (typeof ev.data !== 'string' || ev.__rbInjected) return;
        W.received++;
        const m = parse(ev.data);
        if (!m) return;
        if (m.event === 'phx_reply' && W.joins.has(m.topic) && W.joins.get(m.topic).ref === m.ref) {
          const st = m.payload && m.payload.status;
          W.joins.get(m.topic).replied = true;
          if (st === 'ok') { W.replies.ok++; W.joins.get(m.topic).everOk = true; }
          else { W.replies.error++; const r = String((m.payload && m.payload.response && m.payload.response.reason) || st); W.errorsByReason[r] = (W.errorsByReason[r] || 0) + 1; }
          W.joins.get(m.topic).status = st;
        } else if (m.event === 'postgres_changes') {
          // Keyed by topic and row: a packed channel (id=in.(…)) carries many widgets' rows.
          const d = m.payload && m.payload.data;
          const rec = d && (d.record || d.old_record);
          W.lastChange.set(m.topic + '|' + (rec && rec.id), { topic: m.topic, raw: ev.data });
          if (P.recording && P.arrivals && rec && typeof rec.name === 'string') P.arrivals.push([now(), rec.name]);
        } else if (m.event === 'system' && m.payload && /Subscribed to PostgreSQL/.test(m.payload.message || '')) {
          W.subscribedPg++;
        }
      });
    }
    send(data) {
      if (typeof data === 'string' && data.indexOf('phx_join') >= 0) {
        const m = parse(data);
        if (m && m.event === 'phx_join') {
          const pc = (m.payload && m.payload.config && m.payload.config.postgres_changes) || [];
          const prev = P.ws.joins.get(m.topic);
          P.ws.joins.set(m.topic, { ref: m.ref, table: pc[0] && pc[0].table, filter: pc[0] && pc[0].filter, status: null, attempts: (prev ? prev.attempts : 0) + 1, replied: !!(prev && prev.replied), everOk: !!(prev && prev.everOk) });
          P.ws.socketOfTopic.set(m.topic, this);
        }
      }
      return super.send(data);
    }
  }
  window.WebSocket = BenchWebSocket;

  // ---- paint probe
  let sentinel = null, wide = false, bumped = false;
  // One width change per rendering step: toggling twice before the step would leave the size unchanged.
  const bump = () => {
    if (!sentinel || bumped) return;
    bumped = true;
    wide = !wide;
    sentinel.style.width = wide ? '2px' : '1px';
  };
  const ro = new ResizeObserver(() => {
    bumped = false;
    if (!P.dirty.size) return;
    const t = now();
    for (const k of P.dirty) { const v = P.latest.get(k); P.painted.push([k, v.seq, v.domAt, t]); v.paintedSeq = v.seq; }
    P.dirty.clear();
  });
  let re = null;
  const note = (text, t) => {
    if (!text || text.indexOf(P.run) < 0) return;
    re.lastIndex = 0;
    let m;
    while ((m = re.exec(text))) {
      const k = +m[1], seq = +m[2];
      const v = P.latest.get(k);
      if (v && seq <= v.seq) continue;
      if (v && P.dirty.has(k)) P.superseded++;
      P.latest.set(k, { seq, domAt: t, paintedSeq: v ? v.paintedSeq : -1 });
      P.dirty.add(k); P.domSeen++;
    }
  };
  const onMutations = (records) => {
    if (!P.run) return;
    const t = now();
    for (const r of records) {
      if (r.type === 'characterData') note(r.target.data, t);
      else for (const n of r.addedNodes) note(n.textContent, t);
    }
    if (P.dirty.size) bump();
  };
  P.cardRoots = () => {
    const rt = [...document.querySelectorAll('rt-stream-card')];
    if (rt.length) return rt.map((el) => el.shadowRoot || el);
    return [...document.querySelectorAll('[data-card]')];
  };
  P.cardCount = () => P.cardRoots().length;
  /** Marker indexes k of the cards inside the viewport (rt-monitor defers rendering the others); null for React. */
  P.inViewKs = (run) => {
    const cards = [...document.querySelectorAll('rt-stream-card')];
    if (!cards.length) return null;
    const rx = new RegExp(run.replace('.', '\\\\.') + '(\\\\d+)\\\\.');
    const out = [];
    for (const c of cards) {
      const r = c.getBoundingClientRect();
      if (r.bottom < 0 || r.top > window.innerHeight) continue;
      const m = rx.exec((c.shadowRoot && c.shadowRoot.textContent) || '');
      if (m) out.push(+m[1]);
    }
    return out;
  };
  /** Marker indexes k of the cards inside the viewport, on either page (for latency in view). */
  P.inViewAll = (run) => {
    const cards = [...document.querySelectorAll('rt-stream-card')];
    const list = cards.length ? cards : [...document.querySelectorAll('[data-card]')];
    const rx = new RegExp(run.replace('.', '\\\\.') + '(\\\\d+)\\\\.');
    const out = [];
    for (const c of list) {
      const r = c.getBoundingClientRect();
      if (r.bottom < 0 || r.top > window.innerHeight) continue;
      const m = rx.exec((c.shadowRoot && c.shadowRoot.textContent) || c.textContent || '');
      if (m) out.push(+m[1]);
    }
    return out;
  };
  /**
   * Scroll every card into view, a screen at a time (rt-monitor renders elements out of view only
   * when they are seen; their data is kept current meanwhile), then back to the top.
   */
  P.reveal = async () => {
    const frames = (n) => new Promise((r) => { const step = (k) => (k <= 0 ? r() : requestAnimationFrame(() => step(k - 1))); step(n); });
    // Until the bottom, its height read afresh at each step: the page grows as cards come into view
    // for the first time (content-visibility placeholders), so a height read once at the start left
    // the last row of the 100-widget stress page unseen (reported as widgets not on their last value;
    // they caught up within rt-monitor's 1 s off-screen interval).
    for (let y = 0; ; y += Math.max(200, window.innerHeight - 50)) {
      window.scrollTo(0, y);
      await frames(4);
      if (window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 1) break;
    }
    window.scrollTo(0, 0);
    await frames(4);
  };
  /** k → seq currently shown (the highest marker of run in each card's text). */
  P.displayed = (run) => {
    const out = {};
    const rx = new RegExp(run.replace('.', '\\\\.') + '(\\\\d+)\\\\.(\\\\d+)', 'g');
    for (const root of P.cardRoots()) {
      const text = root.textContent || '';
      let m; rx.lastIndex = 0;
      while ((m = rx.exec(text))) { const k = +m[1], s = +m[2]; if (!(k in out) || s > out[k]) out[k] = s; }
    }
    return out;
  };
  const observers = [];
  P.watch = (run) => {
    for (const o of observers) o.disconnect();
    observers.length = 0;
    P.run = run; P.latest = new Map(); P.dirty = new Set(); P.painted = []; P.superseded = 0; P.domSeen = 0;
    re = new RegExp(run.replace('.', '\\\\.') + '(\\\\d+)\\\\.(\\\\d+)', 'g');
    if (!sentinel) {
      sentinel = document.createElement('div');
      sentinel.setAttribute('aria-hidden', 'true');
      sentinel.style.cssText = 'position:fixed;left:0;top:0;width:1px;height:1px;contain:strict;pointer-events:none;opacity:0';
      document.documentElement.appendChild(sentinel);
      ro.observe(sentinel);
    }
    const rt = [...document.querySelectorAll('rt-stream-card')];
    const roots = rt.length ? rt.map((el) => el.shadowRoot || el) : [document.getElementById('root') || document.body];
    for (const root of roots) {
      const mo = new MutationObserver(onMutations);
      mo.observe(root, { subtree: true, childList: true, characterData: true });
      observers.push(mo);
    }
    return roots.length;
  };
  P.startRecording = () => { P.frameTs = []; P.arrivals = []; P.recording = true; P.recStart = now(); };
  P.stopRecording = () => { P.recording = false; P.recEnd = now(); };
  P.cardsLive = () => {
    const rt = [...document.querySelectorAll('rt-stream-card')];
    if (rt.length) return rt.filter((el) => { try { return el.matches(':state(live)'); } catch { return false; } }).length;
    return document.querySelectorAll('[data-card][data-live]').length;
  };
  P.channels = () => {
    const joins = [...P.ws.joins.values()];
    const byTable = {};
    for (const j of joins) byTable[j.table || '?'] = (byTable[j.table || '?'] || 0) + 1;
    return {
      socketsCreated: P.ws.created, socketsOpen: P.ws.open, topics: joins.length, joinsSent: joins.reduce((a, j) => a + j.attempts, 0),
      topicsJoinedOk: joins.filter((j) => j.status === 'ok').length, topicsReplied: joins.filter((j) => j.replied).length, topicsEverOk: joins.filter((j) => j.everOk).length,
      streamTopicsWithChange: (() => { const t = new Set([...P.ws.lastChange.values()].map((v) => v.topic)); return joins.filter((j) => j.table === 'streams' && t.has(j.topic)).length; })(),
      streamTopicsOk: [...P.ws.joins].filter(([, j]) => j.table === 'streams' && j.status === 'ok').length, joinReplies: { ...P.ws.replies }, errorsByReason: { ...P.ws.errorsByReason }, topicsByTable: byTable,
      subscribedToPostgres: P.ws.subscribedPg,
    };
  };

  // ---- stress: synthesised postgres_changes frames into the open socket (realtime-js reads them as if received)
  P.stress = (opts) => new Promise((resolve) => {
    const byCard = new Map();
    for (const { topic, raw } of P.ws.lastChange.values()) {
      const j = P.ws.joins.get(topic);
      if (!j || j.table !== 'streams') continue;
      const m = JSON.parse(raw);
      const arr = Array.isArray(m);
      const payload = arr ? m[4] : m.payload;
      const rec = payload.data.record;
      const mk = /R\\d+\\.(\\d+)\\./.exec(rec.name || '');
      if (!mk) continue;
      byCard.set(+mk[1], { topic, arr, m, payload, rec, k: +mk[1], ws: P.ws.socketOfTopic.get(topic) });
    }
    const templates = [...byCard.values()].sort((a, b) => a.k - b.k);
    const T = templates.length;
    const last = {};
    if (!T) { resolve({ templates: 0 }); return; }
    const total = Math.round(opts.rate * opts.seconds);
    // Commit times as a live server stamps them: now, strictly increasing per widget (rt-monitor
    // merges by updated_at). Not a base time plus one ms a round: 5 s into the run those read as
    // changes committed seconds before they arrived, and rt-monitor re-reads late changes over
    // REST, where these injected values do not exist (the database still holds the primer's):
    // that, not a skipped render, was the "widgets not on their last value" of earlier runs.
    const lastAt = {};
    let sent = 0, tasks = 0, maxPerTask = 0;
    const t0 = now();
    const mc = new MessageChannel();
    const step = () => {
      tasks++;
      const due = Math.min(total, Math.floor(((now() - t0) / 1000) * opts.rate) + 1);
      let n = 0;
      while (sent < due && n < opts.maxPerTask) {
        const i = sent++;
        const tp = templates[i % T];
        const seq = i + 1;
        const t = Math.max(Date.now(), (lastAt[tp.k] || 0) + 1);
        lastAt[tp.k] = t;
        const at = new Date(t).toISOString();
        const rec = { ...tp.rec, name: opts.run + tp.k + '.' + seq, updated_at: at, current_progress: { percentage: seq % 101, completed: seq % 101, total: 100 } };
        const data = { ...tp.payload.data, commit_timestamp: at, record: rec };
        const payload = { ...tp.payload, data };
        const frame = tp.arr ? JSON.stringify([tp.m[0], tp.m[1], tp.m[2], tp.m[3], payload]) : JSON.stringify({ ...tp.m, payload });
        const ev = new MessageEvent('message', { data: frame });
        ev.__rbInjected = true;
        tp.ws.dispatchEvent(ev);
        last[tp.k] = seq;
        n++;
      }
      if (n > maxPerTask) maxPerTask = n;
      // Bounded in time: a page that cannot absorb the rate stops after maxSeconds (the rate achieved is reported).
      if (sent < total && now() - t0 < opts.maxSeconds * 1000) mc.port2.postMessage(0);
      else resolve({ templates: T, sent, target: total, tasks, maxPerTask, ms: now() - t0, last });
    };
    mc.port1.onmessage = step;
    mc.port2.postMessage(0);
  });
})()`;

// ------------------------------------------------------------------ the stack

interface Stack {
  backend: LocalBackend;
  token: string;
  browser: Browser;
  origin: string;
  streamIds: string[];
}

const BENCH_ORG = '00000000-0000-4000-a000-0000000be7c1';
const ALICE = DEMO_USERS[0];
const BASELINE_OUT = { react: join(repoRoot, 'node_modules', '.bench-render', 'react'), floor: join(repoRoot, 'node_modules', '.bench-render', 'floor') };
const RT_BUNDLE = process.env.RT_BENCH_BUNDLE ?? join(repoRoot, 'dist', 'rt-monitor.js');

/** Production builds (Vite) of the two baseline pages: bench/react-baseline/ and bench/floor-baseline/. */
async function buildBaselines(): Promise<void> {
  for (const kind of ['react', 'floor'] as const) {
    await build({
      configFile: false,
      root: join(here, `${kind}-baseline`),
      base: `/${kind}/`,
      logLevel: verbose ? 'info' : 'warn',
      mode: 'production',
      build: {
        outDir: BASELINE_OUT[kind],
        emptyOutDir: true,
        target: 'es2022',
        rolldownOptions: { input: join(here, `${kind}-baseline`, 'page.html') },
      },
    });
  }
}

const MIME: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.html': 'text/html', '.map': 'application/json' };

function startStatic(cfg: () => { url: string; anonKey: string; token: string; streamIds: string[] }): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    const n = Math.max(1, Number(u.searchParams.get('n') ?? 20));
    const c = cfg();
    const ids = c.streamIds.slice(0, n);
    const send = (code: number, type: string, body: string | Buffer) => {
      res.writeHead(code, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    const baseline = /^\/(react|floor)\//.exec(u.pathname)?.[1] as 'react' | 'floor' | undefined;
    if (baseline) {
      const out = BASELINE_OUT[baseline];
      if (u.pathname === `/${baseline}/page.html`) {
        const html = readFileSync(join(out, 'page.html'), 'utf8');
        const inject = `<script>window.__BENCH_CFG=${JSON.stringify({ url: c.url, anonKey: c.anonKey, email: ALICE.email, password: DEMO_PASSWORD, streamIds: ids })}</script>`;
        return send(200, 'text/html', html.replace('<head>', `<head>${inject}`));
      }
      const file = normalize(join(out, u.pathname.slice(baseline.length + 2)));
      if (!file.startsWith(out) || !existsSync(file)) return send(404, 'text/plain', 'not found');
      return send(200, MIME[extname(file)] ?? 'application/octet-stream', readFileSync(file));
    }
    if (u.pathname === '/rt-monitor.js') return send(200, 'text/javascript', readFileSync(RT_BUNDLE));
    if (u.pathname === '/rt/page.html') {
      const cards = ids.map((id) => `      <rt-stream-card stream-id="${id}"></rt-stream-card>`).join('\n');
      const attr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
      return send(
        200,
        'text/html',
        `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>rt-monitor — render bench</title>
    <link rel="icon" href="data:," />
    <style>
      :root { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; color: #0f172a; background: #f8fafc; font-size: 14px; }
      body { margin: 0; }
      .page { padding: 16px; }
      .page-header { display: flex; align-items: center; justify-content: space-between; margin-bottom: 12px; }
      .page-header h1 { font-size: 18px; margin: 0; }
      .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); gap: 12px; }
      ${process.env.RT_BENCH_PAGE_CSS ?? ''}
    </style>
  </head>
  <body>
    <div class="page">
      <div class="page-header"><h1>Streams</h1><rt-connection-status></rt-connection-status></div>
      <div class="grid">
${cards}
      </div>
    </div>
    <script src="/rt-monitor.js" data-supabase-url="${attr(c.url)}" data-anon-key="${attr(c.anonKey)}" data-access-token="${attr(c.token)}"></script>
  </body>
</html>
`,
      );
    }
    send(404, 'text/plain', 'not found');
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })),
  );
}

/** Debian's Chromium with `gc()` exposed and unbucketed `performance.memory` (heap figures). */
const launch = (): Promise<Browser> => launchChromium(['--js-flags=--expose-gc', '--enable-precise-memory-info']);

interface Opened {
  page: Page;
  cdp: CDPSession;
  errors: string[];
  close(): Promise<void>;
}

async function openPage(stack: Stack, kind: Kind, n: number, motion: 'no-preference' | 'reduce'): Promise<Opened> {
  const context = await stack.browser.newContext({ viewport: { width: 1280, height: 900 }, reducedMotion: motion });
  await context.addInitScript(PROBE);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') errors.push(`console.${m.type()}: ${m.text()}`);
    if (verbose) log(`page console.${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  await page.goto(`${stack.origin}/${kind}/page.html?n=${n}`);
  await page.waitForFunction(`window.__rb.cardCount() === ${n}`, undefined, { timeout: 30_000, polling: 100 });
  return { page, cdp, errors, close: () => context.close() };
}

interface Channels {
  socketsCreated: number;
  socketsOpen: number;
  topics: number;
  joinsSent: number;
  topicsJoinedOk: number;
  topicsReplied: number;
  topicsEverOk: number;
  streamTopicsWithChange: number;
  streamTopicsOk: number;
  joinReplies: { ok: number; error: number };
  errorsByReason: Record<string, number>;
  topicsByTable: Record<string, number>;
  subscribedToPostgres: number;
}
const channelsOf = async (page: Page) => (await page.evaluate(`window.__rb.channels()`)) as Channels;

type Metrics = Record<string, number>;
async function metrics(cdp: CDPSession): Promise<Metrics> {
  const r = (await cdp.send('Performance.getMetrics')) as { metrics: Array<{ name: string; value: number }> };
  return Object.fromEntries(r.metrics.map((m) => [m.name, m.value]));
}
const CPU_KEYS = ['TaskDuration', 'ScriptDuration', 'RecalcStyleDuration', 'LayoutDuration'] as const;
function cpuDelta(a: Metrics, b: Metrics) {
  const out: Record<string, number> = {};
  for (const k of CPU_KEYS) out[k] = round1(((b[k] ?? 0) - (a[k] ?? 0)) * 1000);
  out.RecalcStyleCount = (b.RecalcStyleCount ?? 0) - (a.RecalcStyleCount ?? 0);
  out.LayoutCount = (b.LayoutCount ?? 0) - (a.LayoutCount ?? 0);
  return out;
}

// ------------------------------------------------------------------ traces (--trace DIR)

const TRACE_CATEGORIES = [
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'disabled-by-default-devtools.timeline.frame',
  'v8.execute',
  'disabled-by-default-v8.cpu_profiler',
  'blink.user_timing',
  'toplevel',
];

/** Starts a CDP trace of the page when `--trace` is given; the returned function stops it and writes `<name>.json`. */
async function startTrace(cdp: CDPSession, name: string): Promise<() => Promise<void>> {
  if (!TRACE_DIR) return async () => {};
  await cdp.send('Tracing.start', { transferMode: 'ReturnAsStream', traceConfig: { includedCategories: TRACE_CATEGORIES } } as never);
  return async () => {
    const done = new Promise<{ stream: string }>((resolve) => cdp.once('Tracing.tracingComplete', resolve as never));
    await cdp.send('Tracing.end');
    const { stream } = await done;
    let data = '';
    for (;;) {
      const r = (await cdp.send('IO.read', { handle: stream, size: 1 << 20 })) as { data: string; eof: boolean; base64Encoded?: boolean };
      data += r.base64Encoded ? Buffer.from(r.data, 'base64').toString('utf8') : r.data;
      if (r.eof) break;
    }
    await cdp.send('IO.close', { handle: stream });
    mkdirSync(TRACE_DIR, { recursive: true });
    const file = join(TRACE_DIR, `${name}.json`);
    writeFileSync(file, data);
    log(`trace ${file}\n${traceSummary(JSON.parse(data))}`);
  };
}

interface TraceEvent {
  name: string;
  cat: string;
  ph: string;
  ts: number;
  dur?: number;
  tdur?: number;
  pid: number;
  tid: number;
  args?: { name?: string; data?: Record<string, unknown> };
}

/**
 * Self time (wall, ms) by event name on the renderer's main thread, and by script URL for
 * FunctionCall / EvaluateScript / TimerFire / FireAnimationFrame / EventDispatch.
 */
export function traceSummary(json: { traceEvents?: TraceEvent[] } | TraceEvent[]): string {
  const events = Array.isArray(json) ? json : (json.traceEvents ?? []);
  const main = events.find((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  if (!main) return '(no CrRendererMain thread)';
  const xs = events
    .filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && typeof e.dur === 'number')
    .sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
  const self = new Map<string, number>();
  const stack: Array<{ e: TraceEvent; end: number; child: number }> = [];
  let top = 0;
  const pop = (until: number) => {
    while (stack.length && stack[stack.length - 1].end <= until) {
      const f = stack.pop()!;
      const key = f.e.name;
      self.set(key, (self.get(key) ?? 0) + (f.e.dur! - f.child));
      if (stack.length) stack[stack.length - 1].child += f.e.dur!;
    }
  };
  for (const e of xs) {
    pop(e.ts);
    if (!stack.length && e.name === 'RunTask') top += e.dur!;
    stack.push({ e, end: e.ts + e.dur!, child: 0 });
  }
  pop(Infinity);
  const rows = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25);
  return [`main-thread RunTask total ${(top / 1000).toFixed(1)} ms; self time by event:`, ...rows.map(([k, v]) => `  ${(v / 1000).toFixed(1).padStart(8)} ms  ${k}`)].join('\n');
}

// ------------------------------------------------------------------ writes

let runSeq = 0;
const nameOf = (run: string, k: number, seq: number) => `${run}${k}.${seq}`;

/** One UPDATE of stream k (autocommit); returns the row's updated_at (clock_timestamp() in the trigger) in ms. */
async function writeOne(b: LocalBackend, id: string, name: string, seq: number): Promise<number> {
  const r = await b.db.query<{ at: number }>(
    `update public.streams set name = $2, current_progress = $3::jsonb where id = $1 returning (extract(epoch from updated_at) * 1000)::float8 as at`,
    [id, name, JSON.stringify({ percentage: seq % 101, completed: seq % 101, total: 100 })],
  );
  return Number(r.rows[0]?.at ?? Date.now());
}

/** Seq 0 on every card's stream: the page is live when it shows it (cards that never do are not live). */
async function prime(stack: Stack, page: Page, run: string, n: number, needTemplates = false): Promise<{ live: number; ms: number }> {
  const t0 = Date.now();
  // Joined: every topic answered once and each joined channel said "Subscribed to PostgreSQL"
  // (refused channels keep rejoining: that is part of what is measured).
  for (let quiet = 0; Date.now() - t0 < 20_000; ) {
    const c = await channelsOf(page);
    quiet = c.topics > 0 && c.topicsReplied === c.topics && c.subscribedToPostgres >= c.topicsEverOk ? quiet + 1 : 0;
    if (quiet >= 3) break;
    await sleep(200);
  }
  await sleep(300);
  await page.evaluate(`window.__rb.watch(${JSON.stringify(run)})`);
  for (let k = 0; k < n; k++) await writeOne(stack.backend, stack.streamIds[k], nameOf(run, k, 0), 0);
  let shown = 0;
  let stableSince = Date.now();
  while (Date.now() - t0 < 20_000) {
    await sleep(200);
    const now = Object.keys((await page.evaluate(`window.__rb.displayed(${JSON.stringify(run)})`)) as object).length;
    if (now !== shown) {
      shown = now;
      stableSince = Date.now();
    }
    if (shown === n || Date.now() - stableSince > 4000) break;
  }
  if (needTemplates) {
    // The stress bench copies each widget's last real postgres_changes frame: every joined streams
    // channel must have received one (a card may have shown seq 0 from its initial select).
    for (let round = 1; round <= 3; round++) {
      const c = await channelsOf(page);
      if (c.streamTopicsWithChange >= c.streamTopicsOk) break;
      for (let k = 0; k < n; k++) await writeOne(stack.backend, stack.streamIds[k], nameOf(run, k, 0), 0);
      await sleep(1500);
    }
  }
  return { live: shown, ms: Date.now() - t0 };
}

interface Written {
  seq: number;
  k: number;
  commitAt: number;
  phase: 'steady' | 'burst';
}

/** When the server finished sending the last burst (see fanoutEnds). */
let burstSentAt = NaN;

async function writeLoad(stack: Stack, run: string, n: number): Promise<{ writes: Written[]; lastSeqOf: Record<number, number>; t0: number; steadyEnd: number; t1: number }> {
  const b = stack.backend;
  const writes: Written[] = [];
  const lastSeqOf: Record<number, number> = {};
  const t0 = Date.now();
  const interval = 1000 / RATE;
  for (let i = 1; i <= UPDATES; i++) {
    const due = t0 + (i - 1) * interval;
    const wait = due - Date.now();
    if (wait > 1) await sleep(wait);
    const k = i % n;
    const commitAt = await writeOne(b, stack.streamIds[k], nameOf(run, k, i), i);
    writes.push({ seq: i, k, commitAt, phase: 'steady' });
    lastSeqOf[k] = i;
  }
  const steadyEnd = Date.now();
  if (BURST > 0) {
    // One transaction of BURST single-row UPDATEs (a DO block): they commit together.
    const from = UPDATES + 1;
    const to = UPDATES + BURST;
    const ids = stack.streamIds.slice(0, n);
    const idsSql = `array[${ids.map((id) => `'${id}'::uuid`).join(',')}]`;
    if (!/^R\d+\.$/.test(run)) throw new Error(`bad run ${run}`);
    await b.db.exec(`do $bench$ declare ids uuid[] := ${idsSql}; k int; begin
      for i in ${from}..${to} loop
        k := i % ${n};
        update public.streams set name = '${run}' || k || '.' || i,
          current_progress = jsonb_build_object('percentage', i % 101, 'completed', i % 101, 'total', 100)
        where id = ids[k + 1];
      end loop;
    end $bench$`);
    const commitAt = Date.now();
    const sentBy = Date.now() + 5_000;
    // The burst's fanout: the first after the commit carrying more than one change.
    const burstFanout = () => fanoutEnds.find(([t, changes]) => t >= commitAt && changes > 1);
    while (!burstFanout() && Date.now() < sentBy) await sleep(1);
    burstSentAt = burstFanout()?.[0] ?? NaN;
    for (let i = from; i <= to; i++) {
      const k = i % n;
      writes.push({ seq: i, k, commitAt, phase: 'burst' });
      lastSeqOf[k] = i;
    }
  }
  return { writes, lastSeqOf, t0, steadyEnd, t1: Date.now() };
}

// ------------------------------------------------------------------ one page under load

interface ProbeOut {
  painted: Array<[number, number, number, number]>;
  superseded: number;
  domSeen: number;
  frameTs: number[];
  longTasks: Array<{ at: number; ms: number }>;
  recStart: number;
  recEnd: number;
}

async function loadRun(stack: Stack, kind: Kind, n: number, motion: 'no-preference' | 'reduce') {
  const run = `R${++runSeq}.`;
  const o = await openPage(stack, kind, n, motion);
  try {
    const primed = await prime(stack, o.page, run, n);
    await sleep(1000);
    // rt-monitor renders cards out of view only once they are seen (their data stays current):
    // show each once so every live card displays the primer, then measure from the top of the page.
    if (kind === 'rt') await o.page.evaluate(`window.__rb.reveal()`);
    await o.page.evaluate(`window.__rb.watch(${JSON.stringify(run)})`);
    const liveCards = (await o.page.evaluate(`window.__rb.displayed(${JSON.stringify(run)})`)) as Record<string, number>;
    const inView = (await o.page.evaluate(`window.__rb.inViewKs(${JSON.stringify(run)})`)) as number[] | null;
    const inViewAll = new Set((await o.page.evaluate(`window.__rb.inViewAll(${JSON.stringify(run)})`)) as number[]);
    await o.page.evaluate(`window.__rb.startRecording()`);
    const stopTrace = await startTrace(o.cdp, `load-n${n}-${motion}-${kind}`);
    const m0 = await metrics(o.cdp);
    const w = await writeLoad(stack, run, n);
    // Until every card that was live (and, for rt-monitor, is in view: the others render when
    // seen) shows its stream's last write (at most 15 s).
    const liveKs = Object.keys(liveCards).map(Number).filter((k) => !inView || inView.includes(k));
    const deadline = Date.now() + 15_000;
    let shown: Record<string, number> = {};
    while (Date.now() < deadline) {
      shown = (await o.page.evaluate(`window.__rb.displayed(${JSON.stringify(run)})`)) as Record<string, number>;
      if (liveKs.every((k) => shown[k] === w.lastSeqOf[k])) break;
      await sleep(50);
    }
    await sleep(100); // the last values' paint tick
    await o.page.evaluate(`window.__rb.stopRecording()`);
    const m1 = await metrics(o.cdp);
    await stopTrace();
    const p = (await o.page.evaluate(`(() => { const P = window.__rb; return { painted: P.painted, superseded: P.superseded, domSeen: P.domSeen, frameTs: P.frameTs, longTasks: P.longTasks, recStart: P.recStart, recEnd: P.recEnd }; })()`)) as ProbeOut;
    const channels = await channelsOf(o.page);
    const heap = (await o.page.evaluate(`(async () => { for (let i = 0; i < 3; i++) { window.gc(); await new Promise((r) => setTimeout(r, 50)); } return performance.memory.usedJSHeapSize; })()`)) as number;
    const cardsLiveBadge = (await o.page.evaluate(`window.__rb.cardsLive()`)) as number;
    if (kind === 'rt') {
      // Lost updates are judged on what each card shows once seen.
      await o.page.evaluate(`window.__rb.reveal()`);
      shown = (await o.page.evaluate(`window.__rb.displayed(${JSON.stringify(run)})`)) as Record<string, number>;
    }

    // commit → paint
    const commitOf = new Map(w.writes.map((x) => [x.seq, x]));
    const lat: Record<'steady' | 'burst' | 'all' | 'inView', number[]> = { steady: [], burst: [], all: [], inView: [] };
    const domLat: number[] = [];
    for (const [k, seq, domAt, paintAt] of p.painted) {
      const wr = commitOf.get(seq);
      if (!wr) continue;
      const ms = paintAt - wr.commitAt;
      lat[wr.phase].push(ms);
      lat.all.push(ms);
      if (inViewAll.has(k)) lat.inView.push(ms);
      domLat.push(domAt - wr.commitAt);
    }
    // The burst's path: when its messages reached the page (the server's share) and how long the
    // page took from the last one to painting the last value (the page's share).
    const arrivals = (await o.page.evaluate(`window.__rb.arrivals`)) as Array<[number, string]>;
    const burstCommit = w.writes.find((x) => x.phase === 'burst')?.commitAt ?? NaN;
    const burstArrivals = arrivals.map(([t, name]) => [t, Number(name.split('.').pop())] as const).filter(([, seq]) => seq > UPDATES).map(([t]) => t);
    // In-view cards only: an off-screen card catches up up to a second later (rt-monitor).
    const burstPaints = p.painted.filter(([k, seq]) => seq > UPDATES && inViewAll.has(k)).map(([, , , t]) => t);
    const burstPath = {
      serverSentMs: round1(burstSentAt - burstCommit),
      firstMessageMs: round1(Math.min(...burstArrivals) - burstCommit),
      lastMessageMs: round1(Math.max(...burstArrivals) - burstCommit),
      lastMessageToPaintMs: round1(Math.max(...burstPaints) - Math.max(...burstArrivals)),
    };
    const windowMs = p.recEnd - p.recStart;
    const frames = p.frameTs.length;
    const ft = diffs(p.frameTs);
    const longTasks = p.longTasks.filter((t) => t.at >= p.recStart && t.at <= p.recEnd);
    const cpu = cpuDelta(m0, m1);
    const writtenTo = Object.keys(w.lastSeqOf).map(Number);
    const lost = writtenTo.filter((k) => shown[k] !== w.lastSeqOf[k]);
    return {
      kind,
      n,
      motion,
      run,
      cardsShowingPrime: primed.live,
      cardsLiveBadge,
      primeMs: primed.ms,
      updates: w.writes.length,
      writeSeconds: round2((w.t1 - w.t0) / 1000),
      steadyRatePerSecond: Math.round((UPDATES / Math.max(1, w.steadyEnd - w.t0)) * 1000),
      windowMs: Math.round(windowMs),
      framesPerSecond: round1((frames / windowMs) * 1000),
      frameMs: { p50: round1(pct(ft, 50)), p95: round1(pct(ft, 95)), max: round1(Math.max(0, ...ft)) },
      cpuMs: cpu,
      cpuMsPerSecond: round1((cpu.TaskDuration / windowMs) * 1000),
      longTasks: { count: longTasks.length, maxMs: round1(Math.max(0, ...longTasks.map((t) => t.ms))), totalMs: round1(longTasks.reduce((a, t) => a + t.ms, 0)) },
      commitToPaintMs: {
        all: summary(lat.all),
        steady: summary(lat.steady),
        burst: summary(lat.burst),
        /** Only the cards inside the viewport (both pages): values a reader can see being painted. */
        inView: summary(lat.inView),
        cardsInView: inViewAll.size,
        burstPath,
        commitToDomP50: round1(pct(domLat, 50)),
      },
      valuesPainted: p.painted.length,
      ...(process.env.RT_BENCH_RAW ? { arrivals, raw: p.painted.map(([k, seq, domAt, paintAt]) => [k, seq, Math.round(commitOf.get(seq)?.commitAt ?? 0), Math.round(domAt), Math.round(paintAt)]) } : {}),
      valuesSupersededBeforePaint: p.superseded,
      lostUpdates: lost.length,
      lostCards: lost.slice(0, 10).map((k) => ({ k, shown: shown[k] ?? null, last: w.lastSeqOf[k] })),
      heapAfterGcMB: mb(heap),
      channels,
      pageErrors: [...new Set(o.errors)].slice(0, 5),
    };
  } finally {
    await o.close();
  }
}

// ------------------------------------------------------------------ idle ticking

async function idleRun(stack: Stack, kind: Kind, motion: 'no-preference' | 'reduce') {
  const run = `R${++runSeq}.`;
  const o = await openPage(stack, kind, IDLE_CARDS, motion);
  try {
    const primed = await prime(stack, o.page, run, IDLE_CARDS);
    await sleep(2000);
    // Frames/s over 2 s with the probe's rAF loop, then CPU over the window without it (the loop
    // alone forces a frame every vsync: that is the probe's cost, not the page's).
    await o.page.evaluate(`window.__rb.startRecording()`);
    await sleep(2000);
    await o.page.evaluate(`window.__rb.stopRecording(); window.__rb.framesOff = true`);
    await sleep(200);
    const stopTrace = await startTrace(o.cdp, `idle-${motion}-${kind}`);
    const m0 = await metrics(o.cdp);
    await sleep(IDLE_SECONDS * 1000);
    const m1 = await metrics(o.cdp);
    await stopTrace();
    await o.page.evaluate(`window.__rb.framesOn()`);
    const p = (await o.page.evaluate(`(() => { const P = window.__rb; return { frames: P.frameTs.length, ms: P.recEnd - P.recStart, longTasks: P.longTasks.filter((t) => t.at >= P.recStart).length }; })()`)) as {
      frames: number;
      ms: number;
      longTasks: number;
    };
    const cpu = cpuDelta(m0, m1);
    const seconds = (m1.Timestamp - m0.Timestamp) || IDLE_SECONDS;
    return {
      kind,
      motion,
      cards: IDLE_CARDS,
      cardsShowingPrime: primed.live,
      seconds: round2(seconds),
      cpuMs: cpu,
      cpuMsPerSecond: round2(cpu.TaskDuration / seconds),
      scriptMsPerSecond: round2(cpu.ScriptDuration / seconds),
      framesPerSecond: round1((p.frames / p.ms) * 1000),
      longTasks: p.longTasks,
      channels: await channelsOf(o.page),
      pageErrors: [...new Set(o.errors)].slice(0, 5),
    };
  } finally {
    await o.close();
  }
}

// ------------------------------------------------------------------ stress (client-side injection)

async function stressRun(stack: Stack, kind: Kind) {
  const run = `R${++runSeq}.`;
  const o = await openPage(stack, kind, STRESS_CARDS, 'no-preference');
  try {
    const primed = await prime(stack, o.page, run, STRESS_CARDS, true);
    await sleep(1500);
    await o.page.evaluate(`window.__rb.watch(${JSON.stringify(run)})`);
    await o.page.evaluate(`window.__rb.startRecording()`);
    const stopTrace = await startTrace(o.cdp, `stress-${kind}`);
    const m0 = await metrics(o.cdp);
    const s = (await o.page.evaluate(
      `window.__rb.stress(${JSON.stringify({ run, rate: STRESS_RATE, seconds: STRESS_SECONDS, maxPerTask: 10, maxSeconds: STRESS_SECONDS * 2 })})`,
    )) as { templates: number; sent: number; target: number; tasks: number; maxPerTask: number; ms: number; last: Record<string, number> };
    const deadline = Date.now() + 10_000;
    let shown: Record<string, number> = {};
    // Widgets out of view render once seen (rt-monitor): wait for those in view, check the rest after.
    const inView = (await o.page.evaluate(`window.__rb.inViewKs(${JSON.stringify(run)})`)) as number[] | null;
    while (Date.now() < deadline) {
      shown = (await o.page.evaluate(`window.__rb.displayed(${JSON.stringify(run)})`)) as Record<string, number>;
      if (Object.entries(s.last ?? {}).every(([k, v]) => (inView && !inView.includes(+k)) || shown[k] === v)) break;
      await sleep(50);
    }
    const settleMs = Date.now() - (deadline - 10_000);
    await sleep(100);
    await o.page.evaluate(`window.__rb.stopRecording()`);
    const m1 = await metrics(o.cdp);
    await stopTrace();
    const p = (await o.page.evaluate(`(() => { const P = window.__rb; return { frameTs: P.frameTs, longTasks: P.longTasks.filter((t) => t.at >= P.recStart && t.at <= P.recEnd), recStart: P.recStart, recEnd: P.recEnd, painted: P.painted.length }; })()`)) as {
      frameTs: number[];
      longTasks: Array<{ at: number; ms: number }>;
      recStart: number;
      recEnd: number;
      painted: number;
    };
    const ft = diffs(p.frameTs);
    const cpu = cpuDelta(m0, m1);
    if (kind === 'rt') {
      await o.page.evaluate(`window.__rb.reveal()`);
      shown = (await o.page.evaluate(`window.__rb.displayed(${JSON.stringify(run)})`)) as Record<string, number>;
    }
    const notLast = Object.entries(s.last ?? {}).filter(([k, v]) => shown[k] !== v);
    return {
      kind,
      cards: STRESS_CARDS,
      cardsShowingPrime: primed.live,
      widgetsInjected: s.templates,
      messages: s.sent ?? 0,
      messagesTarget: s.target ?? 0,
      stoppedEarly: (s.sent ?? 0) < (s.target ?? 0),
      injectSeconds: round2((s.ms ?? 0) / 1000),
      messagesPerSecond: Math.round(((s.sent ?? 0) / Math.max(1, s.ms ?? 1)) * 1000),
      injectTasks: s.tasks ?? 0,
      settleAfterInjectMs: settleMs,
      frames: p.frameTs.length,
      framesPerSecond: round1((p.frameTs.length / (p.recEnd - p.recStart)) * 1000),
      frameMs: { p50: round1(pct(ft, 50)), p95: round1(pct(ft, 95)), max: round1(Math.max(0, ...ft)) },
      longTasks: { count: p.longTasks.length, maxMs: round1(Math.max(0, ...p.longTasks.map((t) => t.ms))), totalMs: round1(p.longTasks.reduce((a, t) => a + t.ms, 0)) },
      cpuMs: cpu,
      valuesPainted: p.painted,
      widgetsNotOnLastValue: notLast.length,
      notOnLastValue: notLast.slice(0, 10).map(([k, v]) => ({ k: +k, shown: shown[k] ?? null, last: v })),
      everyWidgetOnLastValue: s.templates > 0 && notLast.length === 0,
      widgetsNotInjected: STRESS_CARDS - (s.templates ?? 0),
      channels: await channelsOf(o.page),
      pageErrors: [...new Set(o.errors)].slice(0, 5),
    };
  } finally {
    await o.close();
  }
}

// ------------------------------------------------------------------ helpers

function round1(x: number) {
  return Math.round(x * 10) / 10;
}
function round2(x: number) {
  return Math.round(x * 100) / 100;
}
function mb(bytes: number) {
  return Math.round((bytes / 1048576) * 100) / 100;
}
function diffs(ts: number[]): number[] {
  const out: number[] = [];
  for (let i = 1; i < ts.length; i++) out.push(ts[i] - ts[i - 1]);
  return out;
}
function pct(xs: number[], p: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}
function summary(xs: number[]) {
  return { n: xs.length, p50: round1(pct(xs, 50)), p95: round1(pct(xs, 95)), p99: round1(pct(xs, 99)), max: round1(xs.length ? Math.max(...xs) : NaN) };
}
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
/** The median of each numeric field across reps (non-numeric fields from the first). */
function medianOf<T>(runs: T[]): T {
  if (runs.length === 0) return undefined as T;
  const first = runs[0] as Record<string, unknown>;
  const out: Record<string, unknown> = { ...first };
  for (const [k, v] of Object.entries(first)) {
    if (typeof v === 'number') out[k] = median(runs.map((r) => (r as Record<string, number>)[k]));
    else if (v && typeof v === 'object' && !Array.isArray(v)) out[k] = medianOf(runs.map((r) => (r as Record<string, unknown>)[k]));
  }
  return out as T;
}

// ------------------------------------------------------------------ main

if (!existsSync(RT_BUNDLE)) {
  console.error(`bench/render: ${RT_BUNDLE} is missing: run \`npm run build\` first.`);
  process.exit(1);
}

const started = Date.now();
const loadStart = os.loadavg();
log(`building the React baseline (production)`);
await buildBaselines();
const backend = await startLocalBackend({ port: 0, devControls: true, quiet: !verbose });
// When the server finished each postgres_changes fanout (its pushes are queued on the sockets then):
// the server's share of the burst's latency, apart from the page's.
const fanoutEnds: Array<[at: number, changes: number]> = [];
{
  const feed = backend.realtime.feed as unknown as { fanout: (changes: unknown[]) => Promise<void> };
  const fanout = feed.fanout.bind(feed);
  feed.fanout = async (changes) => {
    try {
      await fanout(changes);
    } finally {
      fanoutEnds.push([Date.now(), changes.length]);
      if (fanoutEnds.length > 10_000) fanoutEnds.splice(0, 5_000);
    }
  };
}
let browser: Browser | undefined;
let server: Server | undefined;
try {
  await backend.db.query(`insert into public.orgs (id, name) values ($1, 'Render bench') on conflict do nothing`, [BENCH_ORG]);
  await backend.db.query(`insert into public.org_members (org_id, user_id, role) values ($1, $2, 'member') on conflict do nothing`, [BENCH_ORG, ALICE.id]);
  const inserted = await backend.db.query<{ id: string }>(
    `insert into public.streams (org_id, name, goal_status, current_progress)
     select $1, 'Bench stream ' || g, 'in_progress', jsonb_build_object('percentage', 0, 'completed', 0, 'total', 100)
     from generate_series(1, $2::int) g order by g returning id`,
    [BENCH_ORG, MAX_CARDS],
  );
  const streamIds = inserted.rows.map((r) => r.id);
  // One running agent per stream (the card's running-agents count).
  await backend.db.query(
    `insert into public.agent_executions (stream_id, agent_id, status, started_at) select id, 'agent-bench', 'running', now() from unnest($1::uuid[]) id`,
    [streamIds],
  );
  const token = await signJwt(backend.jwtSecret, { sub: ALICE.id, role: 'authenticated', aud: 'authenticated', email: ALICE.email }, 6 * 3600);
  const st = await startStatic(() => ({ url: backend.url, anonKey: backend.anonKey, token, streamIds }));
  server = st.server;
  browser = await launch();
  const stack: Stack = { backend, token, browser, origin: st.origin, streamIds };

  log('warming up (one short page of each)');
  for (const kind of ['react', 'rt', 'floor'] as Kind[]) {
    const o = await openPage(stack, kind, 5, 'no-preference');
    await prime(stack, o.page, `R${++runSeq}.`, 5);
    await o.close();
  }

  const shotDir = opt('screenshots');
  if (shotDir) {
    // Look at both pages (e.g. `--screenshots /tmp/shots`): 20 cards each after the primer, then exit.
    mkdirSync(shotDir, { recursive: true });
    for (const kind of ['react', 'rt', 'floor'] as Kind[]) {
      const o = await openPage(stack, kind, 20, 'no-preference');
      await prime(stack, o.page, `R${++runSeq}.`, 20);
      await sleep(800);
      await o.page.screenshot({ path: join(shotDir, `render-${kind}.png`) });
      await o.close();
    }
    log(`screenshots in ${shotDir}`);
    process.exit(0);
  }

  const KINDS = (opt('kinds') ?? 'react,rt,floor').split(',') as Kind[];
  type LoadOut = Awaited<ReturnType<typeof loadRun>>;
  const loads: Record<string, Record<Kind, LoadOut[]>> = {};
  for (let rep = 1; rep <= (ONLY.has('load') ? REPS : 0); rep++) {
    for (const n of NS) {
      for (const motion of MOTIONS) {
        const key = `n${n}-${motion === 'reduce' ? 'reduced' : 'motion'}`;
        loads[key] ??= { react: [], rt: [], floor: [] };
        for (const kind of KINDS) {
          log(`rep ${rep}/${REPS}: load ${key} ${kind}`);
          loads[key][kind].push(await loadRun(stack, kind, n, motion));
        }
      }
    }
  }
  const idle: Record<string, Record<Kind, Awaited<ReturnType<typeof idleRun>>>> = {};
  for (const motion of ONLY.has('idle') ? MOTIONS : []) {
    const key = motion === 'reduce' ? 'reduced' : 'motion';
    idle[key] = {} as Record<Kind, Awaited<ReturnType<typeof idleRun>>>;
    for (const kind of KINDS) {
      log(`idle ${key} ${kind} (${IDLE_CARDS} cards, ${IDLE_SECONDS} s)`);
      idle[key][kind] = await idleRun(stack, kind, motion);
    }
  }
  if (ONLY.has("stress")) log(`stress rt (${STRESS_CARDS} widgets, ${STRESS_RATE}/s for ${STRESS_SECONDS} s, injected at the client)`);
  const stress = ONLY.has('stress') ? await stressRun(stack, 'rt') : null;
  // The same injection into the floor page: what the browser alone does at this rate (its 100 cards
  // all render; rt-monitor's out of view wait until seen).
  if (ONLY.has('stress') && KINDS.includes('floor')) log(`stress floor (the same injection)`);
  const stressFloor = ONLY.has('stress') && KINDS.includes('floor') ? await stressRun(stack, 'floor') : null;
  const loadEnd = os.loadavg();

  const load = Object.fromEntries(
    Object.entries(loads).map(([k, v]) => [k, Object.fromEntries(KINDS.map((kind) => [kind, medianOf(v[kind])])) as Record<Kind, LoadOut>]),
  );
  const out = {
    bench: 'render',
    date: new Date().toISOString(),
    engine: backend.db.kind,
    node: process.version,
    chromium: browser.version(),
    cpus: os.cpus().length,
    loadavgAtStart: loadStart.map(round2),
    loadavgAtEnd: loadEnd.map(round2),
    durationSeconds: Math.round((Date.now() - started) / 1000),
    options: { n: NS, updates: UPDATES, rate: RATE, burst: BURST, reps: REPS, motions: MOTIONS, idleCards: IDLE_CARDS, idleSeconds: IDLE_SECONDS, stressCards: STRESS_CARDS, stressRate: STRESS_RATE, stressSeconds: STRESS_SECONDS, quick: QUICK },
    rtBundle: { path: 'dist/rt-monitor.js', bytes: readFileSync(RT_BUNDLE).length },
    note:
      'One backend (PGlite, in this process, which also writes), one Chromium; pages alternate react, rt. ' +
      'The machine is shared: compare ratios within one run, not absolute numbers across runs.',
    load,
    idle,
    stress,
    stressFloor,
    runs: loads,
  };
  const dir = join(here, 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, QUICK || ONLY.size < 3 ? 'render-quick.json' : 'render.json');
  writeFileSync(file, JSON.stringify(out, null, 2) + '\n');
  console.log(table(out));
  console.log(`\nwrote ${file}`);
} finally {
  await browser?.close().catch(() => {});
  await new Promise((r) => (server ? server.close(r) : r(null)));
  await backend.stop();
}

// ------------------------------------------------------------------ table

function table(out: {
  date: string;
  loadavgAtStart: number[];
  loadavgAtEnd: number[];
  load: Record<string, Partial<Record<Kind, Awaited<ReturnType<typeof loadRun>>>>>;
  idle: Record<string, Partial<Record<Kind, Awaited<ReturnType<typeof idleRun>>>>>;
  stress: Awaited<ReturnType<typeof stressRun>> | null;
  stressFloor: Awaited<ReturnType<typeof stressRun>> | null;
}): string {
  const lines: string[] = [];
  const ratio = (a: number, b: number) => (a > 0 && Number.isFinite(b) ? (b / a).toFixed(2) : '–');
  lines.push(`\nbench/render — ${out.date}, load average ${out.loadavgAtStart.join(' ')} → ${out.loadavgAtEnd.join(' ')}`);
  for (const [key, { react: r, rt, floor: f }] of Object.entries(out.load)) {
    if (!r || !rt) {
      // One page only (`--kinds rt`): its own numbers, no ratios.
      const x = (r ?? rt ?? f)!;
      lines.push(`\n${key} ${x.kind}: frames/s ${x.framesPerSecond}, CPU ${JSON.stringify(x.cpuMs)}, long tasks ${x.longTasks.count}, commit→paint ${JSON.stringify(x.commitToPaintMs.all)}, burst p50 ${x.commitToPaintMs.burst.p50}, lost ${x.lostUpdates}`);
      continue;
    }
    lines.push(`\n${key}  (${r.updates} updates: ${UPDATES} at ${RATE}/s + ${BURST} burst; ratio = rt-monitor / React${f ? '; floor: no framework, direct DOM writes, no animation' : ''})\n`);
    lines.push(f ? '| metric | React | rt-monitor | ratio | floor | floor / React | target |' : '| metric | React | rt-monitor | ratio | target |');
    lines.push(f ? '| --- | ---: | ---: | ---: | ---: | ---: | --- |' : '| --- | ---: | ---: | ---: | --- |');
    const cell = (a: number | string, b: number | string) => (typeof a === 'number' && typeof b === 'number' ? ratio(a, b) : '–');
    type Run = Awaited<ReturnType<typeof loadRun>>;
    /** One metric, read from each page's run by `of`. */
    const row = (name: string, of: (x: Run) => number | string, target: string) => {
      const [a, b] = [of(r), of(rt)];
      const floor = f ? ` ${of(f)} | ${cell(a, of(f))} |` : '';
      lines.push(`| ${name} | ${a} | ${b} | ${cell(a, b)} |${floor} ${target} |`);
    };
    row('frames/s during load', (x) => x.framesPerSecond, '≥ React and ≥ 55');
    row('main-thread CPU (TaskDuration) ms', (x) => x.cpuMs.TaskDuration, '≤ 0.5× React');
    row('  script ms', (x) => x.cpuMs.ScriptDuration, '');
    row('  style recalculation ms', (x) => x.cpuMs.RecalcStyleDuration, '≤ React');
    row('  layout ms', (x) => x.cpuMs.LayoutDuration, '');
    row('long tasks > 50 ms', (x) => x.longTasks.count, '0');
    row('commit→paint p50 ms', (x) => x.commitToPaintMs.all.p50, '≤ React');
    row('commit→paint p95 ms', (x) => x.commitToPaintMs.all.p95, '≤ React');
    row('commit→paint p99 ms', (x) => x.commitToPaintMs.all.p99, '');
    row(`  cards in view (${r.commitToPaintMs.cardsInView} / ${rt.commitToPaintMs.cardsInView}): p50 ms`, (x) => x.commitToPaintMs.inView.p50, '');
    row('  cards in view: p95 ms', (x) => x.commitToPaintMs.inView.p95, '');
    row('  steady p50 ms', (x) => x.commitToPaintMs.steady.p50, '');
    row('  burst p50 ms', (x) => x.commitToPaintMs.burst.p50, '');
    const path = (x: Run) => `${x.commitToPaintMs.burstPath.serverSentMs} / ${x.commitToPaintMs.burstPath.firstMessageMs} / ${x.commitToPaintMs.burstPath.lastMessageMs}`;
    row('  burst: commit → server sent / page read first / last message ms', path, '');
    row('  burst: last message → last value painted (in view) ms', (x) => x.commitToPaintMs.burstPath.lastMessageToPaintMs, '');
    row('values painted', (x) => x.valuesPainted, '');
    row('lost updates (cards not on last value)', (x) => x.lostUpdates, '0');
    row('cards live (showed the primer)', (x) => x.cardsShowingPrime, `${r.n}`);
    row('heap after GC MB', (x) => x.heapAfterGcMB, '');
    row('channels (topics joined ok / topics)', (x) => x.channels.topicsJoinedOk, '');
    row('  topics', (x) => x.channels.topics, '');
    row('sockets', (x) => x.channels.socketsCreated, '1');
  }
  for (const [key, i] of Object.entries(out.idle)) {
    if (!i.react || !i.rt) {
      const x = (i.react ?? i.rt ?? i.floor)!;
      lines.push(`\nidle ${key} ${x.kind}: CPU ${x.cpuMsPerSecond} ms/s, script ${x.scriptMsPerSecond} ms/s`);
      continue;
    }
    lines.push(`\nidle ticking, ${key} (${i.react.cards} cards, no updates, ${i.react.seconds} s)\n`);
    lines.push(i.floor ? '| metric | React | rt-monitor | ratio | floor | target |' : '| metric | React | rt-monitor | ratio | target |');
    lines.push(i.floor ? '| --- | ---: | ---: | ---: | ---: | --- |' : '| --- | ---: | ---: | ---: | --- |');
    const [ir, irt, ifl] = [i.react, i.rt, i.floor];
    const idleRow = (name: string, of: (x: Awaited<ReturnType<typeof idleRun>>) => number, ratios: boolean, target: string) =>
      lines.push(`| ${name} | ${of(ir)} | ${of(irt)} | ${ratios ? ratio(of(ir), of(irt)) : ''} |${ifl ? ` ${of(ifl)} |` : ''} ${target} |`);
    idleRow('CPU ms per second', (x) => x.cpuMsPerSecond, true, 'rt ≤ 2');
    idleRow('  script ms per second', (x) => x.scriptMsPerSecond, true, '');
    idleRow('frames/s', (x) => x.framesPerSecond, false, '');
    idleRow('cards live', (x) => x.cardsShowingPrime, false, '');
  }
  const s = out.stress;
  if (!s) return lines.join('\n');
  const f = out.stressFloor;
  lines.push(`\nstress: ${s.messages} of ${s.messagesTarget} messages in ${s.injectSeconds} s (${s.messagesPerSecond}/s) injected at the client into ${s.widgetsInjected} of ${s.cards} rt-monitor widgets${f ? `; floor: ${f.messages} in ${f.injectSeconds} s (${f.messagesPerSecond}/s) into ${f.widgetsInjected} cards` : ''}\n`);
  lines.push(f ? '| metric | rt-monitor | floor | target |' : '| metric | rt-monitor | target |');
  lines.push(f ? '| --- | ---: | ---: | --- |' : '| --- | ---: | --- |');
  const srow = (name: string, of: (x: NonNullable<typeof s>) => string | number, target: string) => lines.push(`| ${name} | ${of(s)} |${f ? ` ${of(f)} |` : ''} ${target} |`);
  srow('messages absorbed per second', (x) => x.messagesPerSecond, `${STRESS_RATE}`);
  srow('long tasks > 50 ms', (x) => `${x.longTasks.count} (max ${x.longTasks.maxMs} ms)`, '0');
  srow('frame time p50 / p95 / max ms', (x) => `${x.frameMs.p50} / ${x.frameMs.p95} / ${x.frameMs.max}`, 'p95 ≤ 16.7');
  srow('frames/s', (x) => x.framesPerSecond, '');
  srow('main-thread CPU ms (script)', (x) => `${x.cpuMs.TaskDuration} (${x.cpuMs.ScriptDuration})`, '');
  srow('widgets not on the last value', (x) => `${x.widgetsNotOnLastValue} (not injectable: ${x.widgetsNotInjected})`, '0');
  return lines.join('\n');
}
