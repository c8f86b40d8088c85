/**
 * Realtime throughput: changes per second delivered to one subscribed supabase-js client.
 *
 *   node --import tsx bench/realtime-throughput.ts [--changes 5000] [--channels 20]
 *   DATABASE_URL=postgres://… node --import tsx bench/realtime-throughput.ts   (PostgreSQL)
 *
 * The backend runs in the main thread, the client in a worker thread (its own event loop, as a
 * browser page would be). Scenario "one-channel": a signed-in user (RLS on `streams`, org
 * membership policy) subscribes to all INSERTs on streams; the writer inserts rows in
 * transactions of 250 as fast as it can. Scenario "page": the same client holds N channels
 * (a dashboard's widgets), each filtered on the org, so every change is checked for N
 * subscriptions sharing one role + claims and pushed N times.
 * Result: JSON in bench/results/realtime-throughput-<engine>.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import os from 'node:os';

const CHUNK = 250;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Job {
  url: string;
  anonKey: string;
  token: string;
  tag: string;
  channels: number;
  changes: number;
  org: string;
}

/** The client, in a worker thread (plain JS: workers do not get the tsx loader). */
const WORKER_JS = `
const { parentPort, workerData: job } = require('node:worker_threads');
const { createRequire } = require('node:module');
const req = createRequire(job.cwd + '/');
const WebSocket = req('ws');
const { createClient } = req('@supabase/supabase-js');
(async () => {
  const c = createClient(job.url, job.anonKey, { accessToken: async () => job.token, realtime: { transport: WebSocket } });
  await c.realtime.setAuth();
  let received = 0, pushes = 0, subscribed = 0;
  for (let i = 0; i < job.channels; i++) {
    const filter = job.channels > 1 ? { filter: 'org_id=eq.' + job.org } : {};
    c.channel(job.tag + '-' + i)
      .on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'streams', ...filter }, (p) => {
        if (!p.new.name.startsWith(job.tag)) return;
        pushes++;
        if (i === 0 && ++received === job.changes) parentPort.postMessage({ type: 'done', at: Date.now(), pushes });
      })
      .on('system', {}, (m) => {
        if (m.message === 'Subscribed to PostgreSQL' && ++subscribed === job.channels) parentPort.postMessage({ type: 'subscribed' });
      })
      .subscribe();
  }
  const progress = setInterval(() => parentPort.postMessage({ type: 'progress', received, pushes }), 1000);
  parentPort.on('message', async (m) => {
    if (m.type === 'stop') { clearInterval(progress); await c.removeAllChannels(); process.exit(0); }
  });
})();
`;

{
  // ---- the backend and the writer (main) ----
  const { startLocalBackend } = await import('../server/index.ts');
  const { signJwt } = await import('../server/jwt.ts');
  const { DEMO_ORGS, DEMO_USERS } = await import('../server/seed.ts');
  type Backend = Awaited<ReturnType<typeof startLocalBackend>>;

  const arg = (name: string, dflt: number) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? Number(process.argv[i + 1]) : dflt;
  };
  const CHANGES = arg('changes', 5000);
  const CHANNELS = arg('channels', 20);
  const verbose = !!process.env.RT_BENCH_VERBOSE;

  async function scenario(b: Backend, channels: number, label: string) {
    const token = await signJwt(b.jwtSecret, { sub: DEMO_USERS[0].id, role: 'authenticated', aud: 'authenticated' }, 3600);
    const tag = `bench-${label}-${Date.now()}`;
    const job: Job = { url: b.url, anonKey: b.anonKey, token, tag, channels, changes: CHANGES, org: DEMO_ORGS.acme };
    const worker = new Worker(WORKER_JS, { eval: true, workerData: { ...job, cwd: process.cwd() } });
    let done: { at: number; pushes: number } | null = null;
    let subscribed = false;
    let last = { received: 0, pushes: 0 };
    worker.on('message', (m: { type: string; at?: number; pushes?: number; received?: number }) => {
      if (m.type === 'subscribed') subscribed = true;
      if (m.type === 'done') done = { at: m.at!, pushes: m.pushes! };
      if (m.type === 'progress') {
        last = { received: m.received!, pushes: m.pushes! };
        if (verbose) console.error(`${label}: received ${m.received}`);
      }
    });
    worker.on('error', (e) => console.error(`worker: ${e.message}`));
    const until = async (fn: () => boolean, ms: number, what: string) => {
      const t = Date.now();
      while (!fn()) {
        if (Date.now() - t > ms) throw new Error(`timed out: ${what} (received ${last.received})`);
        await sleep(5);
      }
    };
    try {
      await until(() => subscribed, 30_000, 'subscribed');
      const t0 = Date.now();
      for (let n = 0; n < CHANGES; n += CHUNK) {
        await b.db.query(`insert into public.streams (org_id, name) select $1, $2 || g from generate_series(1, $3::int) g`, [
          DEMO_ORGS.acme,
          `${tag}-${n}-`,
          Math.min(CHUNK, CHANGES - n),
        ]);
      }
      const writeMs = Date.now() - t0;
      await until(() => done !== null, 120_000, `${CHANGES} changes`);
      const d = done as unknown as { at: number; pushes: number };
      const deliveredMs = Math.max(1, d.at - t0);
      return {
        scenario: label,
        channels,
        changes: CHANGES,
        writeMs,
        deliveredMs,
        changesPerSecond: Math.round((CHANGES / deliveredMs) * 1000),
        pushesPerSecond: Math.round(((CHANGES * channels) / deliveredMs) * 1000),
      };
    } finally {
      worker.postMessage({ type: 'stop' });
      await new Promise((r) => worker.once('exit', r));
      await b.db.query(`delete from public.streams where name like $1`, [`${tag}-%`]);
    }
  }

  const b = await startLocalBackend({ port: 0, quiet: !verbose });
  try {
    const engine = b.db.kind;
    const results = [await scenario(b, 1, 'one-channel'), await scenario(b, CHANNELS, 'page')];
    const out = {
      bench: 'realtime-throughput',
      engine,
      date: new Date().toISOString(),
      node: process.version,
      cpus: os.cpus().length,
      loadavg: os.loadavg().map((x) => Math.round(x * 100) / 100),
      note: 'changes/s delivered to one supabase-js client (signed-in user, RLS on streams, backend and writer in the same process); the machine is shared',
      results,
    };
    const dir = join(dirname(fileURLToPath(import.meta.url)), 'results');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `realtime-throughput-${engine}.json`);
    writeFileSync(file, JSON.stringify(out, null, 2) + '\n');
    console.log(JSON.stringify(out, null, 2));
    console.log(`wrote ${file}`);
  } finally {
    await b.stop();
  }
}
