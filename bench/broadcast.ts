/**
 * postgres_changes vs Broadcast from Database: the server's work per change as subscribers grow.
 *
 *   npx tsx bench/broadcast.ts [--changes 20] [--sockets 1,100,1000]
 *   DATABASE_URL=postgres://… npx tsx bench/broadcast.ts        (PostgreSQL instead of PGlite)
 *
 * The local backend runs in the main thread; N simulated sockets (raw Phoenix over `ws`, each a
 * DIFFERENT signed-in member of one org, as N people watching one dashboard) run in a worker
 * thread of the same process. Per scenario:
 * - postgres_changes: each socket joins one channel with `postgres_changes` on streams filtered
 *   by `org_id=eq.<org>` and waits for "Subscribed to PostgreSQL";
 * - broadcast: each socket joins the private channel `org:<org>` (policy checked at join).
 * Then (after 3 unmeasured warm-up changes) `--changes` single-row UPDATEs of one stream of the org are committed one after another;
 * each waits until every socket has the change. Per change we record:
 * - authorization work: RLS queries the server ran to decide who may see the change
 *   (postgres_changes: one per distinct user and batch; broadcast: none; its join checks, one
 *   per socket, are reported apart);
 * - the server's fanout time per change, median (postgres_changes: filters + RLS queries +
 *   framing + pushes; broadcast: routing + framing + pushes), wall clock;
 * - delivery: from the commit (the UPDATE returning) to the LAST socket receiving the frame
 *   (median and p95).
 * Result: a table on stdout and JSON in bench/results/broadcast-<engine>.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import os from 'node:os';

import { startLocalBackend } from '../server/index.ts';
import { signJwt } from '../server/jwt.ts';

type Mode = 'postgres_changes' | 'broadcast';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? String(process.argv[i + 1]) : dflt;
};
const CHANGES = Number(arg('changes', '20'));
const WARMUP = 3;
const SOCKETS = arg('sockets', '1,100,1000').split(',').map(Number);
const now = () => performance.timeOrigin + performance.now();

/** The simulated sockets (plain JS: workers do not get the tsx loader). */
const WORKER_JS = `
const { parentPort, workerData: job } = require('node:worker_threads');
const { createRequire } = require('node:module');
const WebSocket = createRequire(job.cwd + '/')('ws');
const now = () => performance.timeOrigin + performance.now();
const sockets = [];
const got = new Map(); // seq -> count
let ready = 0;
function onFrame(i, text) {
  const f = JSON.parse(text);
  const [, ref, topic, event, payload] = f;
  if (event === 'phx_reply' && ref === 'j') {
    if (payload.status !== 'ok') parentPort.postMessage({ type: 'error', message: JSON.stringify(payload) });
    else if (job.mode === 'broadcast' && ++ready === job.tokens.length) parentPort.postMessage({ type: 'ready' });
    return;
  }
  if (event === 'system' && payload.message === 'Subscribed to PostgreSQL') {
    if (++ready === job.tokens.length) parentPort.postMessage({ type: 'ready' });
    return;
  }
  let name = null;
  if (event === 'postgres_changes') name = payload.data && payload.data.record && payload.data.record.name;
  else if (event === 'broadcast') name = payload.payload && payload.payload.record && payload.payload.record.name;
  if (typeof name !== 'string' || !name.startsWith('bench-')) return;
  const seq = Number(name.slice(6));
  const n = (got.get(seq) || 0) + 1;
  got.set(seq, n);
  if (n === job.tokens.length) { got.delete(seq); parentPort.postMessage({ type: 'change', seq, at: now() }); }
}
job.tokens.forEach((token, i) => {
  const ws = new WebSocket(job.url.replace(/^http/, 'ws') + '/realtime/v1/websocket?apikey=' + job.anonKey + '&vsn=2.0.0');
  sockets.push(ws);
  ws.on('message', (d, bin) => { if (!bin) onFrame(i, d.toString()); });
  ws.on('error', (e) => parentPort.postMessage({ type: 'error', message: e.message }));
  ws.on('open', () => {
    const config = job.mode === 'broadcast'
      ? { broadcast: { ack: false, self: false }, presence: { enabled: false, key: '' }, private: true }
      : { broadcast: { ack: false, self: false }, presence: { enabled: false, key: '' }, private: false,
          postgres_changes: [{ event: '*', schema: 'public', table: 'streams', filter: 'org_id=eq.' + job.org }] };
    const topic = job.mode === 'broadcast' ? 'realtime:org:' + job.org : 'realtime:bench-' + i;
    ws.send(JSON.stringify(['j', 'j', topic, 'phx_join', { config, access_token: token }]));
  });
});
const hb = setInterval(() => { for (const ws of sockets) if (ws.readyState === 1) ws.send(JSON.stringify([null, 'h', 'phoenix', 'heartbeat', {}])); }, 20000);
parentPort.on('message', (m) => {
  if (m.type === 'stop') { clearInterval(hb); for (const ws of sockets) ws.terminate(); setTimeout(() => process.exit(0), 50); }
});
`;

interface Row {
  mode: Mode;
  sockets: number;
  joinMs: number;
  joinChecks: number;
  rlsQueriesPerChange: number;
  serverFanoutMsPerChange: number;
  deliveryMedianMs: number;
  deliveryP95Ms: number;
  pushesPerChange: number;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((s.length - 1) * p))] ?? NaN;
};

async function scenario(mode: Mode, n: number): Promise<Row> {
  const b = await startLocalBackend({ port: 0, quiet: true });
  try {
    const org = crypto.randomUUID();
    const stream = crypto.randomUUID();
    await b.db.query(`insert into public.orgs (id, name) values ($1, 'bench org')`, [org]);
    const users = Array.from({ length: n }, () => crypto.randomUUID());
    await b.db.query(
      `insert into public.org_members (org_id, user_id) select $1, u::uuid from jsonb_array_elements_text($2::jsonb) u`,
      [org, JSON.stringify(users)],
    );
    await b.db.query(`insert into public.streams (id, org_id, name) values ($1, $2, 'bench-start')`, [stream, org]);
    const tokens = await Promise.all(users.map((sub) => signJwt(b.jwtSecret, { sub, role: 'authenticated', aud: 'authenticated' }, 3600)));

    const server = b.realtime;
    const worker = new Worker(WORKER_JS, { eval: true, workerData: { url: b.url, anonKey: b.anonKey, tokens, org, mode, cwd: process.cwd() } });
    const waiters = new Map<number, (at: number) => void>();
    let readyResolve!: () => void;
    let failed: ((e: Error) => void) | null = null;
    const ready = new Promise<void>((resolve, reject) => {
      readyResolve = resolve;
      failed = reject;
    });
    worker.on('message', (m: { type: string; seq?: number; at?: number; message?: string }) => {
      if (m.type === 'ready') readyResolve();
      else if (m.type === 'change') waiters.get(m.seq!)?.(m.at!);
      else if (m.type === 'error') failed?.(new Error(m.message));
    });
    const joinStart = now();
    const checksBefore = server.broadcastStats.authorizationChecks;
    await ready;
    const joinMs = now() - joinStart;
    const joinChecks = server.broadcastStats.authorizationChecks - checksBefore;

    const feed = server.feed;
    const fanoutNow = () => (mode === 'broadcast' ? server.broadcastStats.deliverMs : feed.fanoutMs);
    const change = async (seq: number) => {
      const arrived = new Promise<number>((resolve) => waiters.set(seq, resolve));
      await b.db.query(`update public.streams set name = $2 where id = $1`, [stream, `bench-${seq}`]);
      const committed = now();
      const at = await arrived;
      waiters.delete(seq);
      return at - committed;
    };
    // Warm-up (caches, JIT), not measured.
    for (let seq = 1; seq <= WARMUP; seq++) await change(seq);
    const q0 = feed.rlsQueries, p0 = feed.pushes + server.broadcastStats.pushes;
    const delivery: number[] = [];
    const fanout: number[] = [];
    for (let seq = WARMUP + 1; seq <= WARMUP + CHANGES; seq++) {
      const f0 = fanoutNow();
      delivery.push(await change(seq));
      fanout.push(fanoutNow() - f0);
    }
    worker.postMessage({ type: 'stop' });
    await new Promise((r) => worker.once('exit', r));
    const rlsQueries = feed.rlsQueries - q0;
    const pushes = feed.pushes + server.broadcastStats.pushes - p0;
    return {
      mode,
      sockets: n,
      joinMs: Math.round(joinMs),
      joinChecks,
      rlsQueriesPerChange: rlsQueries / CHANGES,
      serverFanoutMsPerChange: pct(fanout, 0.5),
      deliveryMedianMs: pct(delivery, 0.5),
      deliveryP95Ms: pct(delivery, 0.95),
      pushesPerChange: pushes / CHANGES,
    };
  } finally {
    await b.stop();
  }
}

const engine = process.env.DATABASE_URL ? 'postgres' : 'pglite';
const rows: Row[] = [];
const loadBefore = os.loadavg()[0]!;
for (const n of SOCKETS) {
  for (const mode of ['postgres_changes', 'broadcast'] as Mode[]) {
    process.stderr.write(`[bench] ${mode}, ${n} sockets …\n`);
    rows.push(await scenario(mode, n));
  }
}

const f1 = (x: number) => (Number.isFinite(x) ? (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2)) : '–');
const lines = [
  `Engine: ${engine}; ${CHANGES} single-row UPDATEs per scenario; every socket a different member of one org; ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), Node ${process.version}; load average ${loadBefore.toFixed(2)} before, ${os.loadavg()[0]!.toFixed(2)} after.`,
  '',
  '| mode | sockets | RLS queries / change | server fanout ms / change (median) | commit → last socket, median ms | p95 ms | frames / change | join: policy checks, ms until all joined |',
  '|---|---:|---:|---:|---:|---:|---:|---|',
  ...rows.map(
    (r) =>
      `| ${r.mode} | ${r.sockets} | ${f1(r.rlsQueriesPerChange)} | ${f1(r.serverFanoutMsPerChange)} | ${f1(r.deliveryMedianMs)} | ${f1(r.deliveryP95Ms)} | ${f1(r.pushesPerChange)} | ${r.joinChecks}, ${r.joinMs} |`,
  ),
];
console.log(lines.join('\n'));
const here = dirname(fileURLToPath(import.meta.url));
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(join(here, 'results', `broadcast-${engine}.json`), JSON.stringify({ engine, changes: CHANGES, at: new Date().toISOString(), loadavg: [loadBefore, os.loadavg()[0]], rows }, null, 2));
process.exit(0);
