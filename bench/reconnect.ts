/**
 * Reconnect timings of rt-monitor's own client (src/core), as percentiles over repeated runs.
 * The browser tests assert the ORDER and COUNT of these events (no wall-clock windows); how long
 * they take is measured here.
 *
 *   node --import tsx bench/reconnect.ts [--reps 15]
 *
 * The local backend (PGlite, dev controls) and one RtClient run in this Node process; the client
 * uses `ws` as its WebSocket (wrapped, so the bench can swallow heartbeat replies). One live query
 * (a stream) is held throughout. Per rep:
 *
 *  - drop:  the server closes every socket (`/__dev/drop-connections`) → the client is
 *           `connected` again, and the query `live` again (socket retry after 1 s + rejoin + re-read);
 *  - dead:  heartbeat replies stop reaching the client (socket open, link silent; heartbeat every
 *           1 s) → the dead socket is closed → `connected` and `live` again on a new socket;
 *  - change after reconnect: an UPDATE written once `live` again → the query shows it.
 *
 * Result: JSON in bench/results/reconnect.json and a table on stdout.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { WebSocket as NodeWebSocket } from 'ws';
import { startLocalBackend } from '../server/index.ts';
import { signJwt } from '../server/jwt.ts';
import { DEMO_ORGS, DEMO_USERS } from '../server/seed.ts';

const here = dirname(fileURLToPath(import.meta.url));
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const REPS = arg('reps', 15);
const HEARTBEAT_MS = 1000;

/** `ws` with a switch that swallows heartbeat replies (the dead-link fault). */
let silent = false;
const sockets: InstrumentedSocket[] = [];
class InstrumentedSocket extends NodeWebSocket {
  constructor(url: string | URL, protocols?: string | string[]) {
    super(url, protocols);
    sockets.push(this);
    // realtime-js assigns `onmessage`: wrap whatever it assigns.
    const own = Object.getOwnPropertyDescriptor(NodeWebSocket.prototype, 'onmessage')!;
    Object.defineProperty(this, 'onmessage', {
      configurable: true,
      get: () => own.get!.call(this),
      set: (fn: ((ev: { data: unknown }) => void) | null) =>
        own.set!.call(
          this,
          fn
            ? (ev: { data: unknown }) => {
                const data = String(ev.data);
                if (silent && data.includes('"phoenix"') && data.includes('phx_reply')) return;
                fn(ev);
              }
            : null,
        ),
    });
  }
}
(globalThis as { WebSocket?: unknown }).WebSocket = InstrumentedSocket;

// Imported after the global WebSocket is in place (untyped here: src/ is checked with the DOM
// types by tsconfig.json; this file by tsconfig.server.json).
interface BenchClient {
  getConnection(): { status: string };
  liveQuery(feed: 'stream', params: { streamId: string }): {
    getState(): { phase: string; data: unknown };
    subscribe(fn: (s: { phase: string; data: unknown }) => void): () => void;
  };
  dispose(): void;
}
const clientModule = '../src/core/client.ts';
const { createRtClient } = (await import(clientModule)) as {
  createRtClient(options: { url: string; anonKey: string; accessToken: () => Promise<string>; heartbeatIntervalMs: number }): BenchClient;
};

async function waitFor(fn: () => unknown, timeoutMs: number, label: string): Promise<void> {
  const started = performance.now();
  while (!fn()) {
    if (performance.now() - started > timeoutMs) throw new Error(`timed out waiting for ${label}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function percentiles(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
  return { n: s.length, p50: at(50), p90: at(90), p99: at(99), max: s[s.length - 1], min: s[0] };
}

const loadStart = os.loadavg();
const backend = await startLocalBackend({ port: 0, devControls: true, quiet: true });
const alice = DEMO_USERS[0];
const token = await signJwt(backend.jwtSecret, { sub: alice.id, role: 'authenticated', aud: 'authenticated' }, 6 * 3600);
const dev = (path: string) =>
  fetch(`${backend.url}${path}`, { method: 'POST', headers: { apikey: backend.serviceRoleKey, Authorization: `Bearer ${backend.serviceRoleKey}` } });

const samples: Record<string, number[]> = { dropToConnected: [], dropToLive: [], deadDetected: [], deadToConnected: [], deadToLive: [], changeAfterReconnect: [] };
const client = createRtClient({ url: backend.url, anonKey: backend.anonKey, accessToken: async () => token, heartbeatIntervalMs: HEARTBEAT_MS });
try {
  const { rows } = await backend.db.query<{ id: string }>(
    `insert into public.streams (org_id, name) values ($1, 'reconnect bench') returning id`,
    [DEMO_ORGS.acme],
  );
  const streamId = rows[0]!.id;
  const query = client.liveQuery('stream', { streamId });
  let state = query.getState();
  const off = query.subscribe((s) => (state = s));
  const connected = () => client.getConnection().status === 'connected';
  const live = () => state.phase === 'live';
  await waitFor(() => connected() && live(), 15_000, 'first live');

  let n = 0;
  const changeShown = async () => {
    const name = `reconnect bench ${++n}`;
    const t0 = performance.now();
    await backend.db.query(`update public.streams set name = $2 where id = $1`, [streamId, name]);
    await waitFor(() => (state.data as { name?: string } | null)?.name === name, 15_000, 'change shown');
    samples.changeAfterReconnect.push(performance.now() - t0);
  };

  for (let rep = 0; rep < REPS; rep++) {
    // drop
    let t0 = performance.now();
    await dev('/__dev/drop-connections');
    await waitFor(() => !connected(), 5000, 'drop noticed');
    await waitFor(connected, 30_000, 'connected after drop');
    samples.dropToConnected.push(performance.now() - t0);
    await waitFor(live, 30_000, 'live after drop');
    samples.dropToLive.push(performance.now() - t0);
    await changeShown();

    // dead link
    const first = sockets.find((s) => s.readyState === NodeWebSocket.OPEN)!;
    silent = true;
    t0 = performance.now();
    await waitFor(() => first.readyState >= NodeWebSocket.CLOSING, 30_000, 'dead socket closed');
    samples.deadDetected.push(performance.now() - t0);
    silent = false;
    await waitFor(() => connected() && sockets.some((s) => s !== first && s.readyState === NodeWebSocket.OPEN), 30_000, 'connected after dead link');
    samples.deadToConnected.push(performance.now() - t0);
    await waitFor(live, 30_000, 'live after dead link');
    samples.deadToLive.push(performance.now() - t0);
    await changeShown();
    process.stderr.write(`rep ${rep + 1}/${REPS}\r`);
  }
  off();
} finally {
  client.dispose();
  await backend.stop();
}

const result = {
  date: new Date().toISOString(),
  reps: REPS,
  heartbeatIntervalMs: HEARTBEAT_MS,
  node: process.version,
  cpus: os.cpus().length,
  loadavg: { start: loadStart, end: os.loadavg() },
  ms: Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, percentiles(v)])),
  samples,
};
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(join(here, 'results', 'reconnect.json'), JSON.stringify(result, null, 2) + '\n');
const round = (x: number) => Math.round(x);
console.log(`\nreconnect (${REPS} reps, heartbeat ${HEARTBEAT_MS} ms, load ${loadStart.map((x) => x.toFixed(2)).join(' ')})`);
console.log('| measure | n | p50 ms | p90 ms | p99 ms | max ms |');
console.log('|---|---|---|---|---|---|');
for (const [k, p] of Object.entries(result.ms)) console.log(`| ${k} | ${p.n} | ${round(p.p50)} | ${round(p.p90)} | ${round(p.p99)} | ${round(p.max)} |`);
process.exit(0);
