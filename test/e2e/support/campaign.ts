/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The fault campaign (issue 15), shared by the CI test (test/e2e/campaign.test.ts) and the full
 * run (bench/campaign.ts): one seeded schedule interleaving service_role writes with faults
 * (backend restarts on persisted data, socket drops, realtime pauses longer than the heartbeat
 * window, token expiry with renewal) against two pages of different orgs, each showing the
 * dashboard and standalone widgets from the built script-tag bundle (dist/rt-monitor.js) with a
 * token URL handing out short-lived tokens.
 *
 * After every fault the writes stop and the run waits until both pages are connected and every
 * widget equals the database truth as that user may see it (computed here from the full tables
 * with the policies' rules, not from the backend's RLS). Throughout, every WebSocket frame, every
 * REST response and every DOM mutation (shadow roots included) is checked for rows of another
 * tenant (org markers, user markers and row ids).
 *
 *   const result = await runCampaign({ seed: 7, db: 'pglite', faults: {...}, writes: 200, ... });
 *   result.mismatches  // [] when every widget equals the truth at the end
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { createHash } from 'node:crypto';
import { closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { signJwt } from '../../../server/jwt.ts';
import { DEFAULT_JWT_SECRET, startLocalBackend } from '../../../server/index.ts';
import { en } from '../../../src/internal/strings.ts';
import { launchChromium } from './demo-stack.ts';
import { groupOf, kinds, loadHeap, totals } from './heap-snapshot.ts';

export const ROOT = resolve(import.meta.dirname, '../../..');

// ------------------------------------------------------------------ seeded randomness

/** mulberry32: a small seeded PRNG (uniform in [0, 1)). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ------------------------------------------------------------------ options and results

export type FaultKind = 'restart' | 'drop' | 'pause' | 'expiry';

export interface CampaignOptions {
  seed: number;
  db: 'pglite' | 'postgres';
  /** Required for `db: 'postgres'` (e.g. from test/support/pg-cluster.mjs). */
  databaseUrl?: string;
  faults: Record<FaultKind, number>;
  /** Length of each realtime pause (ms); longer than the heartbeat window (12.5 s + 4 s). */
  pauseMs: number;
  /** Total service_role writes (normal and during outages). */
  writes: number;
  /** Share of the writes issued during outages (0..1). */
  outageShare?: number;
  /** Lifetime of the tokens the token URL hands out (s); rt-monitor renews 30 s before expiry. */
  tokenTtlSeconds: number;
  /** Target wall time of the write schedule (ms); writes are paced to fill it. 0: as fast as they go. */
  durationMs?: number;
  /** Run the hostile-data phase. */
  hostile?: boolean;
  /**
   * Measure the pages' heap at the start and the end (heap snapshots: a few seconds per page).
   * Default true; the CI-sized run leaves it to test/e2e/long-session-heap.test.ts.
   */
  heap?: boolean;
  /** Longest wait for connected + every widget equal to the truth after a fault (ms). */
  settleMs: number;
  log?: (line: string) => void;
}

export interface FaultSample {
  kind: FaultKind;
  /** Writes issued while the fault was on. */
  outageWrites: number;
  /** From the end of the outage until both pages' clients are connected (ms). */
  toConnectedMs: number | null;
  /** From the end of the outage until every widget on both pages equals the truth (ms). */
  toTruthMs: number | null;
  /** Mismatches left when the settle timed out (empty when it converged). */
  mismatches: string[];
  /**
   * For a token expiry: whether every page's widgets read the session expired before the token
   * URL answered again (a token URL that fails while the last token is valid is no sign-out).
   */
  expiredShown?: boolean;
}

export interface PageReport {
  user: string;
  crossTenant: string[];
  scriptRuns: number;
  socketsMaxOpen: number;
  socketsOpenAtEnd: number;
  socketsOpened: number;
  /** V8 used heap after GC (`Runtime.getHeapUsage`), start and end: includes compiled code. */
  heapStart: number;
  heapEnd: number;
  /** Script objects in the V8 heap after GC, from a heap snapshot (see {@link HeapMeasure}), start and end. */
  scriptHeapStart: number;
  scriptHeapEnd: number;
  errors: string[];
  renewals: number;
}

export interface HostileReport {
  rows: number;
  shown: boolean;
  layoutHeld: boolean;
  layoutNotes: string[];
  keptWorking: boolean;
  scriptRuns: number;
}

export interface CampaignResult {
  seed: number;
  db: 'pglite' | 'postgres';
  durationMs: number;
  writes: number;
  outageWrites: number;
  faults: FaultSample[];
  /** Checkpoints between faults (writes delivered live, no resync): time to truth after the last write. */
  live: Array<{ toTruthMs: number | null; mismatches: string[] }>;
  pages: PageReport[];
  hostile: HostileReport | null;
  /** Mismatches at the final check (empty: every widget equals the truth). */
  mismatches: string[];
  /** Script objects end / start (the heap measure the campaign holds to ≤ 1.1; see {@link HeapMeasure}). */
  heapRatio: number;
  /** V8 used heap end / start, compiled code and type feedback included (reported, not held to 1.1). */
  usedHeapRatio: number;
}

// ------------------------------------------------------------------ the backend as a process

async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createNetServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => res(port));
    });
    s.on('error', rej);
  });
}

/** Backend processes still running: killed when this process exits, however it exits. */
const LIVE_CHILDREN = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of LIVE_CHILDREN) c.kill('SIGKILL');
});

/**
 * A PGlite data directory with the schema applied and nothing else (no rows), built once and
 * copied for every run. Creating a PGlite data directory runs initdb inside WASM, which is most of
 * a first backend start (≈ 11 s of ≈ 13 s on an idle 2-core machine; 45–70 s under load);
 * starting on an existing directory skips it (≈ 2 s). The template is keyed by everything that
 * goes into it (the PGlite version, server/sql/*.sql, supabase/migrations/*.sql), so a changed
 * schema builds a new one, and it lives in the temp directory, so a clean machine builds it once.
 * Every run still starts the backend on its own copy: `bootstrap.sql`, the migrations check and
 * the change-capture install run at every start exactly as before.
 */
export async function pgliteTemplate(): Promise<string> {
  const inputs = [join(ROOT, 'node_modules/@electric-sql/pglite/package.json'), ...['bootstrap.sql', 'capture.sql'].map((f) => join(ROOT, 'server/sql', f))];
  const migrations = join(ROOT, 'supabase/migrations');
  for (const f of readdirSync(migrations).filter((f) => f.endsWith('.sql')).sort()) inputs.push(join(migrations, f));
  const hash = createHash('sha256');
  for (const f of inputs) hash.update(f.slice(ROOT.length)).update(readFileSync(f));
  const dir = join(tmpdir(), `rt-monitor-pglite-template-${hash.digest('hex').slice(0, 16)}`);
  if (existsSync(join(dir, 'PG_VERSION'))) return dir;
  // Built in a directory of its own and renamed into place, so a concurrent run never sees half of one.
  const building = mkdtempSync(`${dir}.building-`);
  const b = await startLocalBackend({ port: 0, dataDir: building, seed: false, quiet: true });
  await b.stop();
  try {
    renameSync(building, dir);
  } catch {
    rmSync(building, { recursive: true, force: true }); // another run renamed its copy first
  }
  return dir;
}

/**
 * server/cli.ts and the server modules it imports, transpiled and bundled once per run with
 * esbuild (packages left external, `import.meta.url` pinned to server/index.ts so the SQL and
 * migrations are found where they are), so that every backend start runs plain JavaScript instead
 * of loading tsx's module hooks and transforming each file again: the same code tsx would run (tsx
 * transpiles with esbuild too), ~1.5–2 s less CPU per start. Removed when this process exits.
 */
let backendBundle: Promise<string> | null = null;
function backendEntry(): Promise<string> {
  backendBundle ??= (async () => {
    const { build } = await import('esbuild');
    const outfile = join(ROOT, 'node_modules/.cache/rt-monitor-campaign', `cli-${process.pid}.mjs`);
    await build({
      entryPoints: [join(ROOT, 'server/cli.ts')],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external', // resolved from node_modules/ above the bundle, as for server/cli.ts
      define: { 'import.meta.url': JSON.stringify(pathToFileURL(join(ROOT, 'server/index.ts')).href) },
      logLevel: 'warning',
    });
    process.once('exit', () => rmSync(outfile, { force: true }));
    return outfile;
  })();
  return backendBundle;
}

/**
 * The local backend as its own process (`server/cli.ts`), on a fixed port, on persisted data: a
 * PGlite data directory (a copy of {@link pgliteTemplate}) or PostgreSQL. `restart()` stops it (SIGTERM, or SIGKILL for PostgreSQL:
 * the database is another process and must survive a crash of the backend) and starts it again.
 */
export class BackendProcess {
  private child: ChildProcess | null = null;
  readonly url: string;
  readonly dataDir: string | null;
  restarts = 0;
  private output = '';

  constructor(
    readonly port: number,
    readonly db: 'pglite' | 'postgres',
    readonly databaseUrl?: string,
  ) {
    this.url = `http://127.0.0.1:${port}`;
    this.dataDir = db === 'pglite' ? mkdtempSync(join(tmpdir(), 'rt-campaign-')) : null;
  }

  static async create(db: 'pglite' | 'postgres', databaseUrl?: string): Promise<BackendProcess> {
    const b = new BackendProcess(await freePort(), db, databaseUrl);
    if (b.dataDir) cpSync(await pgliteTemplate(), b.dataDir, { recursive: true });
    await b.start();
    return b;
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(): Promise<void> {
    const args = [await backendEntry(), '--port', String(this.port), '--dev-controls', '--no-seed', '--quiet'];
    if (this.dataDir) args.push('--data-dir', this.dataDir);
    const env = { ...process.env };
    delete env.DATABASE_URL;
    if (this.db === 'postgres') env.DATABASE_URL = this.databaseUrl;
    const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    LIVE_CHILDREN.add(child);
    child.once('exit', () => LIVE_CHILDREN.delete(child));
    this.output = '';
    await new Promise<void>((res, rej) => {
      const onData = (d: Buffer) => {
        this.output += d.toString();
        if (/^ready$/m.test(this.output)) res();
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', (d: Buffer) => (this.output += d.toString()));
      child.once('exit', (code) => rej(new Error(`backend exited (${code}) before ready:\n${this.output}`)));
    });
  }

  async stop(signal: NodeJS.Signals = this.db === 'postgres' ? 'SIGKILL' : 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill(signal);
    await exited;
  }

  async restart(): Promise<void> {
    await this.stop();
    this.restarts++;
    await this.start();
  }

  async dispose(): Promise<void> {
    await this.stop('SIGTERM');
    if (this.dataDir) rmSync(this.dataDir, { recursive: true, force: true });
  }
}

// ------------------------------------------------------------------ service_role REST

const SERVICE_ISSUED_AT = 1_764_000_000; // server/index.ts: fixed, so keys are stable across restarts

export class Service {
  constructor(
    private readonly url: string,
    private readonly key: string,
  ) {}

  static async create(url: string): Promise<Service> {
    const key = await signJwt(DEFAULT_JWT_SECRET, { iss: 'supabase-demo', role: 'service_role' }, 20 * 365 * 24 * 3600, SERVICE_ISSUED_AT);
    return new Service(url, key);
  }

  /** One call; retried while the backend is down (connection refused) for up to `retryMs`. */
  async call<T = unknown>(method: string, path: string, body?: unknown, retryMs = 60_000): Promise<T> {
    const started = Date.now();
    for (;;) {
      let res: Response;
      try {
        res = await fetch(`${this.url}${path}`, {
          method,
          headers: { apikey: this.key, Authorization: `Bearer ${this.key}`, 'Content-Type': 'application/json', Prefer: 'return=representation' },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      } catch (err) {
        if (Date.now() - started > retryMs) throw err;
        await new Promise((r) => setTimeout(r, 100)); // the backend is restarting: try again
        continue;
      }
      const text = await res.text();
      if (res.status >= 500 && Date.now() - started < retryMs) {
        await new Promise((r) => setTimeout(r, 100));
        continue;
      }
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
      return (text ? JSON.parse(text) : null) as T;
    }
  }

  rows<T>(table: string, query = ''): Promise<T[]> {
    return this.call<T[]>('GET', `/rest/v1/${table}?select=*${query ? `&${query}` : ''}`);
  }
  insert<T>(table: string, rows: unknown[]): Promise<T[]> {
    return this.call<T[]>('POST', `/rest/v1/${table}?select=*`, rows);
  }
  update<T>(table: string, id: string, patch: unknown): Promise<T[]> {
    return this.call<T[]>('PATCH', `/rest/v1/${table}?id=eq.${id}&select=*`, patch);
  }
  remove(table: string, id: string): Promise<unknown> {
    return this.call('DELETE', `/rest/v1/${table}?id=eq.${id}`);
  }
  dev(path: string): Promise<unknown> {
    return this.call('POST', path);
  }
}

// ------------------------------------------------------------------ the tenants

export const ORGS = { acme: crypto.randomUUID(), globex: crypto.randomUUID() };
export interface CampaignUser {
  name: 'alice' | 'bob' | 'carol';
  id: string;
  org: 'acme' | 'globex';
}
export const CAMPAIGN_USERS: CampaignUser[] = [
  { name: 'alice', id: crypto.randomUUID(), org: 'acme' },
  { name: 'bob', id: crypto.randomUUID(), org: 'globex' },
  { name: 'carol', id: crypto.randomUUID(), org: 'acme' }, // same org as alice, different user: alice must not see carol's own rows
];

/** Markers every text field carries: `[acme]` / `[globex]` on org rows, `[alice]` … on user rows. */
const marker = (who: string) => `[${who}]`;
/** What a user must never see (the other org, other users). */
function forbiddenMarkers(u: CampaignUser): string[] {
  const otherOrg = u.org === 'acme' ? 'globex' : 'acme';
  return [marker(otherOrg), ...CAMPAIGN_USERS.filter((o) => o.name !== u.name).map((o) => marker(o.name))];
}

// ------------------------------------------------------------------ the database model

interface StreamRow { id: string; org_id: string; name: string; goal_status: string; current_progress: { percentage: number; completed: number; total: number }; created_at: string }
interface ScanRow { id: string; user_id: string; org_id: string; name: string; status: string; progress_percentage: number | string; current_step: string | null; created_at: string }
interface AgentRow { id: string; stream_id: string; agent_id: string; status: string; started_at: string | null; completed_at: string | null; updated_at: string; created_at: string }
interface AlertRow { id: string; user_id: string; org_id: string; business_name: string; signal_type: string; priority: string; details: unknown; read: boolean; created_at: string }
interface NoteRow { id: string; user_id: string; title: string; body: string | null; type: string; link: string | null; read: boolean; created_at: string }

export interface Snapshot {
  streams: StreamRow[];
  scans: ScanRow[];
  agents: AgentRow[];
  alerts: AlertRow[];
  notes: NoteRow[];
}

async function snapshot(svc: Service): Promise<Snapshot> {
  const [streams, scans, agents, alerts, notes] = await Promise.all([
    svc.rows<StreamRow>('streams'),
    svc.rows<ScanRow>('acquisition_scans'),
    svc.rows<AgentRow>('agent_executions'),
    svc.rows<AlertRow>('signal_alerts'),
    svc.rows<NoteRow>('notifications'),
  ]);
  return { streams, scans, agents, alerts, notes };
}

/** The key every campaign row's identifying text starts with (`K123`); read back from the DOM. */
const keyOf = (text: string | null | undefined): string | null => /K\d+/.exec(text ?? '')?.[0] ?? null;

// ------------------------------------------------------------------ what a widget shows (read in the page)

export interface ProgressView { key: string | null; pct: number | null; status: string | null; step?: string | null; running?: number | null }
export interface AgentsView { streamId: string | null; active: string[]; finished: string[] }
export interface FeedView { items: string[]; unreadItems: string[]; unread: number }
export interface PageView {
  status: string | null;
  lastError: string | null;
  dash: { streams: ProgressView[]; scans: ProgressView[]; agents: AgentsView; alerts: FeedView; notes: FeedView } | null;
  sp: ProgressView | null;
  scan: ProgressView | null;
  agents: AgentsView;
  alerts: FeedView;
  notes: FeedView;
}

/** Runs in the page: every widget's visible state, from its shadow DOM. */
function readPage(): PageView {
  const text = (el: Element | null | undefined) => (el?.textContent ?? '').replace(/\s+/g, ' ').trim();
  const key = (t: string) => /K\d+/.exec(t)?.[0] ?? null;
  const badgeText = (el: Element | null | undefined) => {
    if (!el) return null;
    const span = [...el.children].filter((c) => c.tagName === 'SPAN' && !c.classList.contains('sr-only') && !c.classList.contains('live-dot')).pop();
    return span ? text(span) : null;
  };
  const num = (t: string | null | undefined) => {
    const m = /\d+/.exec((t ?? '').replace(/[,\u00a0\u202f]/g, ''));
    return m ? Number(m[0]) : null;
  };
  const progress = (el: Element | null): ProgressView | null => {
    const root = el?.shadowRoot;
    if (!root) return null;
    const bar = root.querySelector('[role="progressbar"]');
    const now = bar?.getAttribute('aria-valuenow');
    const step = root.querySelector('[part~="step"]');
    const agents = root.querySelector('[part~="agents"]');
    return {
      key: key(text(root.querySelector('[part~="label"]'))),
      pct: now == null ? null : Number(now),
      status: badgeText(root.querySelector('[part~="status"]')),
      step: step ? key(text(step)) ?? text(step) : null,
      running: agents ? num(text(agents)) : null,
    };
  };
  const agents = (el: Element | null): AgentsView => {
    const root = el?.shadowRoot;
    const names = (part: string) => [...(root?.querySelectorAll(`[part~="${part}"] [part~="agent"]`) ?? [])].map((n) => `${key(text(n))}:${badgeText(n.parentElement?.querySelector('[part~="status"]')) ?? ''}`);
    return { streamId: el?.getAttribute('stream-id') ?? null, active: names('running'), finished: names('recent') };
  };
  const feed = (el: Element | null, itemPart: string): FeedView => {
    const root = el?.shadowRoot;
    const items = [...(root?.querySelectorAll('[part~="item"]') ?? [])];
    const label = (item: Element) => key(text(item.querySelector(`[part~="${itemPart}"]`))) ?? '?';
    return {
      items: items.map(label),
      unreadItems: items.filter((i) => i.hasAttribute('data-unread')).map(label),
      unread: num(badgeText(root?.querySelector('[part~="unread-badge"]'))) ?? 0,
    };
  };
  const dashEl = document.querySelector('#dash');
  const d = dashEl?.shadowRoot;
  const client = (window as unknown as { RtMonitor?: { getDefaultClient(): { getConnection(): { status: string; lastError: { code: string } | null } } | null } }).RtMonitor?.getDefaultClient?.();
  const conn = client?.getConnection();
  return {
    status: conn?.status ?? null,
    lastError: conn?.lastError?.code ?? null,
    dash: d
      ? {
          streams: [...d.querySelectorAll('rt-stream-card')].map((c) => progress(c)!).filter(Boolean),
          scans: [...d.querySelectorAll('rt-scan-progress')].map((c) => progress(c)!).filter(Boolean),
          agents: agents(d.querySelector('rt-agent-executions')),
          alerts: feed(d.querySelector('rt-signal-alerts'), 'business'),
          notes: feed(d.querySelector('rt-notifications'), 'title'),
        }
      : null,
    sp: progress(document.querySelector('#sp')),
    scan: progress(document.querySelector('#scan')),
    agents: agents(document.querySelector('#agents')),
    alerts: feed(document.querySelector('#alerts'), 'business'),
    notes: feed(document.querySelector('#notes'), 'title'),
  };
}

// ------------------------------------------------------------------ the truth (node, from the full tables)

const statusText = (s: string | null | undefined): string => (en.status as Record<string, string>)[s ?? ''] ?? en.status.unknown;
const time = (t: string | null | undefined) => (t ? Date.parse(t) : 0);
const TERMINAL = new Set(['completed', 'failed', 'cancelled']);

function streamView(s: StreamRow, db: Snapshot): ProgressView {
  return {
    key: keyOf(s.name),
    pct: Math.round(Math.min(100, Math.max(0, Number(s.current_progress?.percentage ?? 0)))),
    status: statusText(s.goal_status),
    step: null,
    running: db.agents.filter((a) => a.stream_id === s.id && a.status === 'running').length,
  };
}

function scanView(s: ScanRow): ProgressView {
  return {
    key: keyOf(s.name),
    pct: Math.round(Math.min(100, Math.max(0, Number(s.progress_percentage)))),
    status: statusText(s.status),
    step: s.current_step ? keyOf(s.current_step) ?? s.current_step : null,
    running: null,
  };
}

function agentsView(streamId: string | null, db: Snapshot, max: number): AgentsView {
  const rows = db.agents.filter((a) => a.stream_id === streamId);
  const byStart = (a: AgentRow, b: AgentRow) => time(b.started_at ?? b.created_at) - time(a.started_at ?? a.created_at);
  const label = (a: AgentRow) => `${keyOf(a.agent_id)}:${statusText(a.status)}`;
  const active = rows.filter((a) => !TERMINAL.has(a.status)).sort((a, b) => (a.status === 'running' ? 0 : 1) - (b.status === 'running' ? 0 : 1) || byStart(a, b));
  const finished = rows.filter((a) => TERMINAL.has(a.status)).sort((a, b) => time(b.completed_at ?? b.updated_at) - time(a.completed_at ?? a.updated_at)).slice(0, max);
  return { streamId, active: active.map(label), finished: finished.map(label) };
}

function feedView<T extends { created_at: string; read: boolean }>(rows: T[], max: number, label: (r: T) => string): FeedView {
  const shown = rows.slice().sort((a, b) => time(b.created_at) - time(a.created_at)).slice(0, max);
  return { items: shown.map(label), unreadItems: shown.filter((r) => !r.read).map(label), unread: rows.filter((r) => !r.read).length };
}

interface PageSpec {
  user: CampaignUser;
  /** The standalone widgets' rows. */
  streamId: string;
  scanId: string;
}

/** Differences between what a page shows and what its user may see (empty: equal). */
export function compare(spec: PageSpec, v: PageView, db: Snapshot): string[] {
  const u = spec.user;
  const out: string[] = [];
  const who = u.name;
  const eq = (what: string, got: unknown, want: unknown) => {
    if (JSON.stringify(got) !== JSON.stringify(want)) out.push(`${who} ${what}: shows ${JSON.stringify(got)}, truth ${JSON.stringify(want)}`);
  };
  const orgId = ORGS[u.org];
  const streams = db.streams.filter((s) => s.org_id === orgId);
  const visibleStreamIds = new Set(streams.map((s) => s.id));
  const scans = db.scans.filter((s) => s.user_id === u.id);
  const alerts = db.alerts.filter((a) => a.user_id === u.id);
  const notes = db.notes.filter((n) => n.user_id === u.id);
  const sortKeys = (xs: ProgressView[]) => xs.slice().sort((a, b) => String(a.key).localeCompare(String(b.key)));
  if (!v.dash) out.push(`${who} dashboard: not rendered`);
  else {
    eq('dashboard streams', sortKeys(v.dash.streams), sortKeys(streams.map((s) => streamView(s, db))));
    eq('dashboard scans', sortKeys(v.dash.scans), sortKeys(scans.map(scanView)));
    const shownAgents = v.dash.agents.streamId;
    if (shownAgents && !visibleStreamIds.has(shownAgents)) out.push(`${who} dashboard agents: stream ${shownAgents} is not one of the org's`);
    eq('dashboard agents', v.dash.agents, agentsView(shownAgents, db, 5));
    eq('dashboard alerts', v.dash.alerts, feedView(alerts, 10, (a) => keyOf(a.business_name) ?? '?'));
    eq('dashboard notifications', v.dash.notes, feedView(notes, 10, (n) => keyOf(n.title) ?? '?'));
  }
  const sp = streams.find((s) => s.id === spec.streamId);
  eq('rt-stream-progress', v.sp && { key: v.sp.key, pct: v.sp.pct, status: v.sp.status }, sp ? { key: keyOf(sp.name), pct: streamView(sp, db).pct, status: statusText(sp.goal_status) } : null);
  const sc = scans.find((s) => s.id === spec.scanId);
  eq('rt-scan-progress', v.scan && { ...v.scan, running: null }, sc ? scanView(sc) : null);
  eq('rt-agent-executions', v.agents, agentsView(spec.streamId, db, 10));
  eq('rt-signal-alerts', v.alerts, feedView(alerts, 10, (a) => keyOf(a.business_name) ?? '?'));
  eq('rt-notifications', v.notes, feedView(notes, 20, (n) => keyOf(n.title) ?? '?'));
  return out;
}

// ------------------------------------------------------------------ the site: pages, bundle, token URL

/** Lifetime of the one token handed out when an expiry fault starts (s). */
const SHORT_TOKEN_SECONDS = 4;

interface Site {
  url: string;
  /**
   * `expiring`: the next token each user gets lives only a few seconds and later requests fail
   * (503), so the session really runs out on the server; `normal`: tokens of the usual lifetime.
   */
  mode: 'normal' | 'expiring';
  shortServed: Set<string>;
  served: Record<string, number>;
  close(): Promise<void>;
}

async function startSite(backendUrl: string, anonKey: string, pages: PageSpec[], ttlSeconds: number): Promise<Site> {
  const bundle = readFileSync(join(ROOT, 'dist/rt-monitor.js'));
  const site: Site = { url: '', mode: 'normal', shortServed: new Set(), served: {}, close: async () => {} };
  const html = (p: PageSpec) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>campaign ${p.user.name}</title><link rel="icon" href="data:,">
<style>body{margin:8px;font-family:sans-serif} .standalone{display:grid;grid-template-columns:repeat(3,minmax(0,1fr));gap:8px;margin-top:8px}</style></head><body>
<script src="/rt-monitor.js" data-supabase-url="${backendUrl}" data-anon-key="${anonKey}" data-access-token-url="/token/${p.user.name}"></script>
<rt-monitoring-dashboard id="dash"></rt-monitoring-dashboard>
<div class="standalone">
<rt-stream-progress id="sp" stream-id="${p.streamId}"></rt-stream-progress>
<rt-scan-progress id="scan" scan-id="${p.scanId}"></rt-scan-progress>
<rt-agent-executions id="agents" stream-id="${p.streamId}"></rt-agent-executions>
<rt-signal-alerts id="alerts"></rt-signal-alerts>
<rt-notifications id="notes"></rt-notifications>
</div>
</body></html>`;
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const page = pages.find((p) => path === `/${p.user.name}.html`);
    const tokenFor = /^\/token\/(\w+)$/.exec(path)?.[1];
    if (page) res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }).end(html(page));
    else if (path === '/rt-monitor.js') res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8' }).end(bundle);
    else if (tokenFor) {
      const user = CAMPAIGN_USERS.find((u) => u.name === tokenFor);
      if (!user || (site.mode === 'expiring' && site.shortServed.has(user.name))) {
        res.writeHead(503, { 'Content-Type': 'application/json' }).end('{"error":"unavailable"}');
        return;
      }
      const short = site.mode === 'expiring';
      if (short) site.shortServed.add(user.name);
      site.served[user.name] = (site.served[user.name] ?? 0) + 1;
      void signJwt(DEFAULT_JWT_SECRET, { sub: user.id, role: 'authenticated', aud: 'authenticated' }, short ? SHORT_TOKEN_SECONDS : ttlSeconds).then((t) =>
        res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end(JSON.stringify({ access_token: t })),
      );
    } else res.writeHead(404).end('not found');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  site.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  site.close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return site;
}

// ------------------------------------------------------------------ a watched page

interface Watched {
  spec: PageSpec;
  page: Page;
  context: BrowserContext;
  cdp: CDPSession;
  crossTenant: string[];
  errors: string[];
  open: number;
  maxOpen: number;
  opened: number;
  closed: number;
  heapStart: number;
  scriptHeapStart: number;
}

/** Installed before any page script: script-execution traps and a DOM-mutation watch over every shadow root. */
function pageInit(forbidden: string[]): void {
  const w = window as unknown as { __scriptRuns: number; __domLeaks: string[]; __pwned?: number };
  w.__scriptRuns = 0;
  w.__domLeaks = [];
  window.alert = () => {
    w.__scriptRuns++;
  };
  const check = (t: string | null | undefined, where: string) => {
    if (!t) return;
    for (const f of forbidden) if (t.includes(f) && w.__domLeaks.length < 50) w.__domLeaks.push(`${where}: ${f} in ${t.slice(0, 120)}`);
  };
  const observer = new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === 'characterData') check(r.target.textContent, 'text');
      else if (r.type === 'attributes') check((r.target as Element).getAttribute(r.attributeName ?? ''), `@${r.attributeName}`);
      else for (const n of r.addedNodes) check(n.textContent, 'node');
    }
  });
  const watch = (root: Node) => observer.observe(root, { subtree: true, childList: true, characterData: true, attributes: true });
  const attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init: ShadowRootInit) {
    const root = attach.call(this, init);
    watch(root);
    return root;
  };
  document.addEventListener('DOMContentLoaded', () => watch(document.body));
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

async function openPage(browser: Browser, site: Site, spec: PageSpec, forbiddenIds: (u: CampaignUser) => Set<string>): Promise<Watched> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 3200 } });
  const page = await context.newPage();
  const forbidden = forbiddenMarkers(spec.user);
  const w: Watched = { spec, page, context, cdp: await context.newCDPSession(page), crossTenant: [], errors: [], open: 0, maxOpen: 0, opened: 0, closed: 0, heapStart: 0, scriptHeapStart: 0 };
  const scan = (payload: string, where: string) => {
    if (w.crossTenant.length >= 50) return;
    for (const f of forbidden) if (payload.includes(f)) w.crossTenant.push(`${where}: ${f} in ${payload.slice(0, 200)}`);
    const ids = forbiddenIds(spec.user);
    for (const id of payload.match(UUID) ?? []) if (ids.has(id)) w.crossTenant.push(`${where}: row ${id} of another tenant`);
  };
  page.on('pageerror', (e) => w.errors.push(`pageerror: ${e.message}`));
  page.on('websocket', (ws) => {
    w.opened++;
    w.open++;
    w.maxOpen = Math.max(w.maxOpen, w.open);
    ws.on('framereceived', (f) => scan(typeof f.payload === 'string' ? f.payload : f.payload.toString('utf8'), 'frame'));
    ws.on('close', () => {
      w.open--;
      w.closed++;
    });
  });
  page.on('response', (res) => {
    if (!res.url().includes('/rest/v1/')) return;
    res.text().then((t) => scan(t, 'rest'), () => {});
  });
  // tsx (esbuild keepNames) wraps named functions in __name(): give the page a no-op one.
  await page.addInitScript({ content: 'globalThis.__name = (f) => f;' });
  await page.addInitScript(pageInit, forbidden);
  await page.goto(`${site.url}/${spec.user.name}.html`);
  return w;
}

/** A V8 heap snapshot of the page (forced GC first, as DevTools does), written to `file`. */
export async function takeHeapSnapshot(w: { cdp: CDPSession }, file: string): Promise<void> {
  await w.cdp.send('HeapProfiler.enable');
  await w.cdp.send('HeapProfiler.collectGarbage');
  await w.cdp.send('HeapProfiler.collectGarbage');
  mkdirSync(dirname(file), { recursive: true });
  const fd = openSync(file, 'w');
  const onChunk = ({ chunk }: { chunk: string }) => writeSync(fd, chunk);
  w.cdp.on('HeapProfiler.addHeapSnapshotChunk', onChunk);
  try {
    await w.cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  } finally {
    w.cdp.off('HeapProfiler.addHeapSnapshotChunk', onChunk);
    closeSync(fd);
  }
}

/**
 * The heap of a page after GC, two ways:
 * - `used`: V8's used heap (`Runtime.getHeapUsage().usedSize`). It includes V8's own metadata:
 *   machine code of functions the JIT optimised, their relocation / deopt data, bytecode, type
 *   feedback, hidden classes and V8's number-string caches. On a page that reconnects, more
 *   functions get hot and are compiled over the first ~100 reconnects (heap snapshots of
 *   `npx tsx bench/campaign.ts --reconnects 100 --snapshots 0,40,100`, compared with
 *   bench/heap-diff.ts: bench/README.md), so `used` rises with no object of the page's retained.
 * - `script`: the script objects in the V8 heap (objects, arrays, closures, contexts, strings,
 *   numbers): a heap snapshot's V8 nodes minus that metadata (test/e2e/support/heap-snapshot.ts).
 *   A leak of rt-monitor's, Lit's or realtime-js's objects shows here; a JIT warming up does not.
 */
export interface HeapMeasure {
  used: number;
  script: number;
  /** Script objects per group (node type + constructor), for structure counts. */
  groups: Map<string, number>;
}

/** With `RT_HEAP_SNAPSHOT_DIR` set, the snapshots are kept there as `<label>.heapsnapshot` (compare them with bench/heap-diff.ts). */
export async function measureHeap(w: { cdp: CDPSession }, label = 'page'): Promise<HeapMeasure> {
  const keep = process.env.RT_HEAP_SNAPSHOT_DIR;
  const dir = keep ?? mkdtempSync(join(tmpdir(), 'rt-heap-'));
  try {
    const file = join(dir, `${label}.heapsnapshot`);
    await takeHeapSnapshot(w, file); // forces GC first
    const { usedSize } = (await w.cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
    const h = loadHeap(file);
    const kind = kinds(h);
    const groups = new Map<string, number>();
    for (let i = 0; i < h.n; i++) if (kind[i] === 0) groups.set(groupOf(h, i), (groups.get(groupOf(h, i)) ?? 0) + 1);
    return { used: usedSize, script: totals(h).jsBytes, groups };
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}

async function heapAfterGc(w: Watched): Promise<number> {
  await w.cdp.send('HeapProfiler.collectGarbage');
  await w.cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = (await w.cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
  return usedSize;
}

// ------------------------------------------------------------------ the writer

interface Model {
  seq: number;
  clock: number;
  streams: Map<string, StreamRow>;
  scans: Map<string, ScanRow>;
  agents: Map<string, AgentRow>;
  alerts: Map<string, AlertRow>;
  notes: Map<string, NoteRow>;
  /** Row ids each user must never receive. */
  forbidden: Map<string, Set<string>>;
  fixed: Set<string>;
}

function tick(m: Model): string {
  m.clock = Math.max(m.clock + 1, Date.now());
  return new Date(m.clock).toISOString();
}

function forbid(m: Model, id: string, visibleTo: (u: CampaignUser) => boolean): void {
  for (const u of CAMPAIGN_USERS) if (!visibleTo(u)) m.forbidden.get(u.name)!.add(id);
}

const orgOf = (orgId: string) => (orgId === ORGS.acme ? 'acme' : 'globex');
const STREAM_STATUSES = ['pending', 'in_progress', 'paused', 'completed', 'failed'];
const SCAN_STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled'];

class Writer {
  count = 0;
  constructor(
    private readonly svc: Service,
    private readonly m: Model,
    private readonly r: () => number,
  ) {}

  private pick<T>(xs: T[]): T | undefined {
    return xs.length ? xs[Math.floor(this.r() * xs.length)] : undefined;
  }
  private key(): string {
    return `K${++this.m.seq}`;
  }

  async newStream(org: 'acme' | 'globex', name?: string): Promise<StreamRow> {
    const id = crypto.randomUUID();
    forbid(this.m, id, (u) => u.org === org);
    const [row] = await this.svc.insert<StreamRow>('streams', [
      { id, org_id: ORGS[org], name: name ?? `${this.key()} stream ${marker(org)}`, goal_status: 'in_progress', current_progress: { percentage: Math.floor(this.r() * 50), completed: 0, total: 100 }, created_at: tick(this.m) },
    ]);
    this.m.streams.set(id, row);
    return row;
  }
  async newScan(user: CampaignUser, name?: string, step?: string): Promise<ScanRow> {
    const id = crypto.randomUUID();
    forbid(this.m, id, (u) => u.name === user.name);
    const [row] = await this.svc.insert<ScanRow>('acquisition_scans', [
      { id, user_id: user.id, org_id: ORGS[user.org], name: name ?? `${this.key()} scan ${marker(user.name)}`, status: 'running', progress_percentage: 5, current_step: step ?? `${this.key()} step`, created_at: tick(this.m) },
    ]);
    this.m.scans.set(id, row);
    return row;
  }
  async newAgent(stream: StreamRow, agentId?: string): Promise<AgentRow> {
    const id = crypto.randomUUID();
    const org = orgOf(stream.org_id);
    forbid(this.m, id, (u) => u.org === org);
    const at = tick(this.m);
    const [row] = await this.svc.insert<AgentRow>('agent_executions', [{ id, stream_id: stream.id, agent_id: agentId ?? `${this.key()}-agent-${marker(org)}`, status: 'running', started_at: at, created_at: at }]);
    this.m.agents.set(id, row);
    return row;
  }
  private alertRow(user: CampaignUser, fields: Partial<AlertRow> = {}) {
    const id = crypto.randomUUID();
    forbid(this.m, id, (u) => u.name === user.name);
    return { id, user_id: user.id, org_id: ORGS[user.org], business_name: `${this.key()} business ${marker(user.name)}`, signal_type: 'funding_round', priority: this.pick(['low', 'medium', 'high', 'critical']), details: { amount: `${Math.floor(this.r() * 90)}M` }, created_at: tick(this.m), ...fields };
  }
  private noteRow(user: CampaignUser, fields: Partial<NoteRow> = {}) {
    const id = crypto.randomUUID();
    forbid(this.m, id, (u) => u.name === user.name);
    return { id, user_id: user.id, title: `${this.key()} note ${marker(user.name)}`, body: `body ${marker(user.name)}`, type: this.pick(['info', 'success', 'warning', 'error']), created_at: tick(this.m), ...fields };
  }
  async newAlert(user: CampaignUser, fields: Partial<AlertRow> = {}): Promise<AlertRow> {
    return (await this.newAlerts(user, 1, fields))[0];
  }
  async newNote(user: CampaignUser, fields: Partial<NoteRow> = {}): Promise<NoteRow> {
    return (await this.newNotes(user, 1, fields))[0];
  }
  /** `n` alerts in one request (one transaction): setup and warm-up. */
  async newAlerts(user: CampaignUser, n: number, fields: Partial<AlertRow> = {}): Promise<AlertRow[]> {
    if (n <= 0) return [];
    const rows = await this.svc.insert<AlertRow>('signal_alerts', Array.from({ length: n }, () => this.alertRow(user, fields)));
    for (const row of rows) this.m.alerts.set(row.id, row);
    return rows;
  }
  /** `n` notifications in one request (one transaction): setup and warm-up. */
  async newNotes(user: CampaignUser, n: number, fields: Partial<NoteRow> = {}): Promise<NoteRow[]> {
    if (n <= 0) return [];
    const rows = await this.svc.insert<NoteRow>('notifications', Array.from({ length: n }, () => this.noteRow(user, fields)));
    for (const row of rows) this.m.notes.set(row.id, row);
    return rows;
  }

  /** One random write, as service_role. */
  async random(): Promise<string> {
    const m = this.m;
    const x = this.r();
    this.count++;
    const streams = [...m.streams.values()];
    const user = this.pick(CAMPAIGN_USERS)!;
    if (x < 0.26) {
      const s = this.pick(streams)!;
      const pct = Math.min(100, s.current_progress.percentage + 1 + Math.floor(this.r() * 15));
      const [row] = await this.svc.update<StreamRow>('streams', s.id, { current_progress: { percentage: pct, completed: pct, total: 100 }, goal_status: pct >= 100 ? 'completed' : 'in_progress' });
      m.streams.set(s.id, row);
      return 'stream progress';
    }
    if (x < 0.34) {
      const s = this.pick(streams)!;
      const status = this.pick(STREAM_STATUSES)!;
      const pct = status === 'completed' ? 100 : status === 'pending' ? 0 : s.current_progress.percentage;
      const [row] = await this.svc.update<StreamRow>('streams', s.id, { goal_status: status, current_progress: { percentage: pct, completed: pct, total: 100 } });
      m.streams.set(s.id, row);
      return 'stream status';
    }
    if (x < 0.37) {
      const org = this.pick(['acme', 'globex'] as const)!;
      const mine = streams.filter((s) => orgOf(s.org_id) === org);
      const removable = mine.filter((s) => !m.fixed.has(s.id));
      if (mine.length >= 7 && removable.length) {
        const s = this.pick(removable)!;
        await this.svc.remove('streams', s.id); // cascades to its agents
        m.streams.delete(s.id);
        for (const [id, a] of m.agents) if (a.stream_id === s.id) m.agents.delete(id);
        return 'stream delete';
      }
      await this.newStream(org);
      return 'stream insert';
    }
    if (x < 0.48) {
      const scans = [...m.scans.values()];
      const s = this.pick(scans)!;
      const status = this.r() < 0.85 ? 'running' : this.pick(SCAN_STATUSES)!;
      const pct = status === 'completed' ? 100 : Math.min(99, Math.floor(this.r() * 100));
      const [row] = await this.svc.update<ScanRow>('acquisition_scans', s.id, { status, progress_percentage: pct, current_step: `${this.key()} step` });
      m.scans.set(s.id, row);
      return 'scan step';
    }
    if (x < 0.56) {
      const running = [...m.agents.values()].filter((a) => a.status === 'running');
      if (running.length < 12 || this.r() < 0.3) {
        await this.newAgent(this.pick(streams)!);
        return 'agent start';
      }
    }
    if (x < 0.65) {
      const running = [...m.agents.values()].filter((a) => a.status === 'running');
      const a = this.pick(running);
      if (a) {
        const [row] = await this.svc.update<AgentRow>('agent_executions', a.id, { status: this.r() < 0.8 ? 'completed' : 'failed', completed_at: tick(m) });
        m.agents.set(a.id, row);
        return 'agent finish';
      }
      await this.newAgent(this.pick(streams)!);
      return 'agent start';
    }
    if (x < 0.66) {
      const a = this.pick([...m.agents.values()].filter((a) => TERMINAL.has(a.status)));
      if (a) {
        await this.svc.remove('agent_executions', a.id);
        m.agents.delete(a.id);
        return 'agent delete';
      }
    }
    if (x < 0.77) {
      await this.newAlert(user);
      return 'alert insert';
    }
    if (x < 0.81) {
      const a = this.pick([...m.alerts.values()].filter((a) => a.user_id === user.id && !a.read));
      if (a) {
        const [row] = await this.svc.update<AlertRow>('signal_alerts', a.id, { read: true });
        m.alerts.set(a.id, row);
        return 'alert read';
      }
    }
    if (x < 0.83) {
      const a = this.pick([...m.alerts.values()].filter((a) => a.user_id === user.id));
      if (a) {
        await this.svc.remove('signal_alerts', a.id);
        m.alerts.delete(a.id);
        return 'alert delete';
      }
    }
    if (x < 0.94) {
      await this.newNote(user);
      return 'notification insert';
    }
    if (x < 0.98) {
      const n = this.pick([...m.notes.values()].filter((n) => n.user_id === user.id && !n.read));
      if (n) {
        const [row] = await this.svc.update<NoteRow>('notifications', n.id, { read: true });
        m.notes.set(n.id, row);
        return 'notification read';
      }
    }
    const n = this.pick([...m.notes.values()].filter((n) => n.user_id === user.id));
    if (n) {
      await this.svc.remove('notifications', n.id);
      m.notes.delete(n.id);
      return 'notification delete';
    }
    await this.newNote(user);
    return 'notification insert';
  }
}

// ------------------------------------------------------------------ hostile data

const BIG = 100 * 1024;
function hostileTexts(tag: string): string[] {
  const pwn = `window.__pwned=(window.__pwned||0)+1`;
  return [
    `<img src=x onerror="${pwn}"> ${tag}`,
    `<script>${pwn}<\/script><b>bold</b> ${tag}`,
    `"><svg onload="${pwn}"></svg><iframe srcdoc="<script>parent.alert(1)<\/script>"></iframe> ${tag}`,
    `\u202Egnp.exe\u202C \u200B\u200C\u200D\u2060\uFEFF zero-width ${tag} مرحبا بالعالم עברית`,
    `emoji 👩‍👩‍👧‍👦🏳️‍🌈🇯🇵 ${'🔥'.repeat(50)} ${tag}`,
    `${'W'.repeat(BIG)} ${tag}`,
    `${'long-unbroken-'.repeat(400)} ${tag}`,
    `{{constructor.constructor('alert(1)')()}} \${alert(1)} ${tag}`,
  ];
}
const JUNK_DETAILS: unknown[] = [
  { html: '<img src=x onerror=alert(1)>' },
  ['not', 'an', 'object', 1, null],
  'a plain string',
  42,
  { nested: { deep: { deeper: { deepest: 'x'.repeat(20_000) } } } },
  { __proto__: { polluted: true }, constructor: { prototype: { polluted: true } } },
  null,
];

async function layoutOf(page: Page): Promise<{ overflow: boolean; widths: Record<string, number> }> {
  return page.evaluate(() => {
    const widths: Record<string, number> = {};
    for (const id of ['dash', 'sp', 'scan', 'agents', 'alerts', 'notes']) widths[id] = Math.round(document.getElementById(id)?.getBoundingClientRect().width ?? -1);
    return { overflow: document.documentElement.scrollWidth > window.innerWidth + 1, widths };
  });
}

// ------------------------------------------------------------------ the run

const percentile = (xs: number[], p: number) => {
  if (!xs.length) return null;
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
export { percentile };

async function until<T>(fn: () => Promise<T | null | undefined | false>, timeoutMs: number): Promise<T | null> {
  const started = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - started > timeoutMs) return null;
    await new Promise((r) => setTimeout(r, 150));
  }
}

export async function runCampaign(o: CampaignOptions): Promise<CampaignResult> {
  const log = o.log ?? (() => {});
  const r = rng(o.seed);
  const started = Date.now();
  const backend = await BackendProcess.create(o.db, o.databaseUrl);
  let browser: Browser | undefined;
  let site: Site | undefined;
  try {
    const svc = await Service.create(backend.url);
    const anonKey = await signJwt(DEFAULT_JWT_SECRET, { iss: 'supabase-demo', role: 'anon' }, 20 * 365 * 24 * 3600, SERVICE_ISSUED_AT);
    // Tenants: two orgs, alice and carol in Acme, bob in Globex (membership is what RLS reads).
    await svc.insert('orgs', [{ id: ORGS.acme, name: 'Acme [acme]' }, { id: ORGS.globex, name: 'Globex [globex]' }]);
    await svc.insert('org_members', CAMPAIGN_USERS.map((u) => ({ org_id: ORGS[u.org], user_id: u.id, role: 'member' })));
    const m: Model = { seq: 0, clock: 0, streams: new Map(), scans: new Map(), agents: new Map(), alerts: new Map(), notes: new Map(), forbidden: new Map(CAMPAIGN_USERS.map((u) => [u.name, new Set<string>()])), fixed: new Set() };
    const writer = new Writer(svc, m, r);
    const specs: PageSpec[] = [];
    for (const u of CAMPAIGN_USERS) {
      for (let i = 0; i < (u.name === 'carol' ? 0 : 3); i++) await writer.newStream(u.org);
      const scan = await writer.newScan(u);
      await writer.newScan(u);
      await writer.newAlerts(u, 3);
      await writer.newNotes(u, 3);
      if (u.name !== 'carol') {
        const stream = [...m.streams.values()].find((s) => orgOf(s.org_id) === u.org)!;
        m.fixed.add(stream.id);
        await writer.newAgent(stream);
        specs.push({ user: u, streamId: stream.id, scanId: scan.id });
      }
    }
    log(`backend up and data written in ${Date.now() - started} ms`);
    site = await startSite(backend.url, anonKey, specs, o.tokenTtlSeconds);
    browser = await launchChromium();
    const pages: Watched[] = [];
    for (const spec of specs) pages.push(await openPage(browser, site, spec, (u) => m.forbidden.get(u.name)!));

    const views = () => Promise.all(pages.map((p) => p.page.evaluate(readPage)));
    /** Waits until both pages are connected and equal the truth; times from `t0`. */
    async function settle(t0: number): Promise<{ toConnectedMs: number | null; toTruthMs: number | null; mismatches: string[] }> {
      const db = await snapshot(svc);
      let toConnectedMs: number | null = null;
      let last: string[] = [];
      const ok = await until(async () => {
        const vs = await views();
        if (toConnectedMs === null && vs.every((v) => v.status === 'connected')) toConnectedMs = Date.now() - t0;
        last = vs.flatMap((v, i) => compare(pages[i].spec, v, db));
        return last.length === 0 && toConnectedMs !== null;
      }, o.settleMs);
      return { toConnectedMs, toTruthMs: ok ? Date.now() - t0 : null, mismatches: ok ? [] : last };
    }

    const first = await settle(Date.now());
    if (first.toTruthMs === null) throw new Error(`the pages never showed the initial truth:\n${first.mismatches.join('\n')}`);
    // Warm-up before the heap baseline: the lists at their steady size (the widgets hold the newest
    // 10 / 20 alerts and notifications; 6 streams per org) and the reconnect path run once, so
    // end/start compares the same amount of data and code, and growth means a leak.
    for (const u of CAMPAIGN_USERS) {
      await writer.newAlerts(u, 12 - [...m.alerts.values()].filter((a) => a.user_id === u.id).length);
      await writer.newNotes(u, 22 - [...m.notes.values()].filter((n) => n.user_id === u.id).length);
      if (u.name !== 'carol') while ([...m.streams.values()].filter((st) => orgOf(st.org_id) === u.org).length < 6) await writer.newStream(u.org);
    }
    const closedAtWarmup = pages.reduce((n, p) => n + p.closed, 0);
    await svc.dev('/__dev/drop-connections');
    await until(async () => pages.reduce((n, p) => n + p.closed, 0) >= closedAtWarmup + pages.length, 20_000);
    const warm = await settle(Date.now());
    if (warm.toTruthMs === null) throw new Error(`the pages never showed the truth after the warm-up:\n${warm.mismatches.join('\n')}`);
    for (const p of o.heap === false ? [] : pages) {
      const h = await measureHeap(p, `${o.db}-${p.spec.user.name}-start`);
      p.heapStart = h.used;
      p.scriptHeapStart = h.script;
    }
    if (process.env.RT_CAMPAIGN_DUMP) log(JSON.stringify(await views(), null, 1));
    log(`seed ${o.seed}, ${o.db}: pages equal the truth after ${first.toTruthMs} ms, warm-up done at ${Date.now() - started} ms${o.heap === false ? '' : `; heap ${pages.map((p) => (p.heapStart / 1e6).toFixed(1)).join(' / ')} MB`}`);

    // The schedule: faults in a seeded order, writes spread before and during each.
    const kinds: FaultKind[] = [];
    for (const k of ['restart', 'drop', 'pause', 'expiry'] as FaultKind[]) for (let i = 0; i < o.faults[k]; i++) kinds.push(k);
    for (let i = kinds.length - 1; i > 0; i--) {
      const j = Math.floor(r() * (i + 1));
      [kinds[i], kinds[j]] = [kinds[j], kinds[i]];
    }
    const outageShare = o.outageShare ?? 0.3;
    const perOutage = Math.max(3, Math.floor((o.writes * outageShare) / Math.max(1, kinds.length)));
    const perNormal = Math.max(1, Math.floor((o.writes - perOutage * kinds.length) / (kinds.length + 1)));
    const paceMs = o.durationMs ? Math.max(0, o.durationMs / Math.max(1, o.writes) / 2) : 0;
    let outageWrites = 0;
    const samples: FaultSample[] = [];
    const liveChecks: Array<{ toTruthMs: number | null; mismatches: string[] }> = [];
    const writeMany = async (n: number) => {
      for (let i = 0; i < n; i++) {
        await writer.random();
        if (paceMs) await new Promise((res) => setTimeout(res, paceMs * 2 * r()));
      }
    };
    const closedCount = () => pages.reduce((n, p) => n + p.closed, 0);

    for (const [i, kind] of kinds.entries()) {
      await writeMany(perNormal);
      // Live checkpoint: no fault, so no resync masks a change delivered wrong.
      const live = await settle(Date.now());
      liveChecks.push(live);
      let expiredShown = false;
      if (live.toTruthMs === null) log(`live checkpoint before #${i + 1}: NOT REACHED\n  ${live.mismatches.slice(0, 8).join('\n  ')}`);
      const closedBefore = closedCount();
      let outageEnd: () => Promise<void>;
      if (kind === 'restart') {
        await backend.stop();
        // Both sockets see the server go away (a positive signal, not a timer).
        await until(async () => closedCount() >= closedBefore + pages.length, 20_000);
        outageEnd = async () => {
          await backend.start();
          backend.restarts++;
        };
      } else if (kind === 'drop') {
        await svc.dev('/__dev/drop-connections');
        await until(async () => closedCount() >= closedBefore + pages.length, 20_000);
        outageEnd = async () => {};
      } else if (kind === 'pause') {
        await svc.dev(`/__dev/pause-realtime?ms=${o.pauseMs}`);
        await until(async () => closedCount() >= closedBefore + pages.length, 20_000);
        outageEnd = async () => {
          // The pause is the fault's length: wait until the backend says it is over.
          await until(async () => !((await svc.call<{ realtimePausedUntil: string | null }>('GET', '/__demo/state')).realtimePausedUntil), o.pauseMs + 30_000);
        };
      } else {
        // Token expiry: at its next renewal each page gets a token of a few seconds and then the
        // token URL fails; the token runs out on the server ("Token has expired") and the session
        // reads expired. Then the URL answers again and the page renews on its own.
        site.shortServed.clear();
        site.mode = 'expiring';
        expiredShown = !!(await until(async () => (await views()).every((v) => v.lastError === 'session-expired'), o.tokenTtlSeconds * 1000 + 30_000));
        if (!expiredShown) log('expiry: a page never reported its session expired');
        const s = site;
        outageEnd = async () => {
          s.mode = 'normal';
        };
      }
      // Writes while the fault is on (for a restart: the backend is down, so they are issued on
      // its return, while the pages are still reconnecting with back-off).
      if (kind === 'restart') await outageEnd();
      const before = writer.count;
      await writeMany(perOutage);
      outageWrites += writer.count - before;
      if (kind !== 'restart') await outageEnd();
      const t0 = Date.now();
      const s = await settle(t0);
      samples.push({ kind, outageWrites: perOutage, ...s, ...(kind === 'expiry' ? { expiredShown } : {}) });
      log(`#${i + 1} ${kind}: connected ${s.toConnectedMs ?? '—'} ms, truth ${s.toTruthMs ?? 'NOT REACHED'} ms, writes ${writer.count}${s.mismatches.length ? `\n  ${s.mismatches.slice(0, 8).join('\n  ')}` : ''}`);
    }
    await writeMany(Math.max(0, o.writes - writer.count));

    // Hostile data: markup and script in text fields, 100 KB strings, RTL / zero-width, emoji, junk JSON.
    let hostile: HostileReport | null = null;
    if (o.hostile) {
      const layoutBefore = await Promise.all(pages.map((p) => layoutOf(p.page)));
      const ids: Array<[string, string]> = [];
      let n = 0;
      for (const spec of specs) {
        const u = spec.user;
        const texts = hostileTexts(marker(u.name));
        for (const t of texts) {
          const k = writer['key']();
          const a = await writer.newAlert(u, { business_name: `${k} ${t}`, details: JUNK_DETAILS[n % JUNK_DETAILS.length] });
          const note = await writer.newNote(u, { title: `${k} ${t}`, body: t, link: n % 2 ? 'javascript:alert(1)' : `/x?q=${encodeURIComponent(t.slice(0, 50))}` });
          ids.push(['signal_alerts', a.id], ['notifications', note.id]);
          n += 2;
        }
        const orgTexts = hostileTexts(marker(u.org));
        const st = await writer.newStream(u.org, `${writer['key']()} ${orgTexts[0]}`);
        const ag = await writer.newAgent(st, `${writer['key']()} ${orgTexts[5]}`);
        const sc = await writer.newScan(u, `${writer['key']()} ${texts[3]}`, `${writer['key']()} ${texts[1]}`);
        ids.push(['agent_executions', ag.id], ['streams', st.id], ['acquisition_scans', sc.id]);
        n += 3;
      }
      // Shown: every page equals the truth with the hostile rows in it.
      const shown = await settle(Date.now());
      const layoutAfter = await Promise.all(pages.map((p) => layoutOf(p.page)));
      const layoutNotes: string[] = [];
      layoutAfter.forEach((l, i) => {
        if (l.overflow) layoutNotes.push(`${specs[i].user.name}: horizontal overflow`);
        for (const [id, wd] of Object.entries(l.widths)) if (Math.abs(wd - layoutBefore[i].widths[id]) > 1) layoutNotes.push(`${specs[i].user.name} #${id}: width ${layoutBefore[i].widths[id]} → ${wd}`);
      });
      // Keeps working: a plain write after the hostile ones arrives, then the hostile rows go.
      await writeMany(5);
      const working = await settle(Date.now());
      for (const [table, id] of ids.reverse()) {
        await svc.remove(table, id);
        m.streams.delete(id);
        m.scans.delete(id);
        m.agents.delete(id);
        m.alerts.delete(id);
        m.notes.delete(id);
      }
      const scriptRuns = (await Promise.all(pages.map((p) => p.page.evaluate(() => ((window as unknown as { __scriptRuns: number; __pwned?: number }).__scriptRuns ?? 0) + ((window as unknown as { __pwned?: number }).__pwned ?? 0))))).reduce((a, b) => a + b, 0);
      hostile = { rows: n, shown: shown.toTruthMs !== null, layoutHeld: layoutNotes.length === 0, layoutNotes, keptWorking: working.toTruthMs !== null, scriptRuns };
      if (!hostile.shown) log(`hostile rows not shown as the truth:\n  ${shown.mismatches.slice(0, 8).join('\n  ')}`);
      log(`hostile: ${n} rows, shown ${hostile.shown}, layout held ${hostile.layoutHeld}${layoutNotes.length ? ` (${layoutNotes.join('; ')})` : ''}, kept working ${hostile.keptWorking}, script runs ${scriptRuns}`);
    }

    const end = await settle(Date.now());
    if (o.heap !== false) {
      // The heap is compared with the pages holding as many rows as at the baseline: the schedule
      // leaves more agent runs (the widgets hold up to 100 per stream) and sometimes a stream more
      // than the warm-up had. Those are deleted (a stream's agents with it) and missing ones
      // created until each org has 6 streams and one agent run on its page's stream, as at the
      // baseline (the alert and notification lists are full at both points); then the pages must
      // equal the truth again. So end / start compares the same amount of data, and the deleted
      // rows must have been let go.
      for (const spec of specs) {
        const org = spec.user.org;
        const ofOrg = () => [...m.streams.values()].filter((st) => orgOf(st.org_id) === org);
        const extra = ofOrg()
          .filter((st) => st.id !== spec.streamId)
          .sort((a, b) => time(b.created_at) - time(a.created_at))
          .slice(0, Math.max(0, ofOrg().length - 6));
        for (const st of extra) {
          await svc.remove('streams', st.id); // cascades to its agents
          m.streams.delete(st.id);
          for (const [id, a] of m.agents) if (a.stream_id === st.id) m.agents.delete(id);
        }
        while (ofOrg().length < 6) await writer.newStream(org);
        const ids = new Set(ofOrg().map((st) => st.id));
        const agents = [...m.agents.values()].filter((a) => ids.has(a.stream_id));
        const keep = agents.find((a) => a.stream_id === spec.streamId && a.status === 'running') ?? agents.find((a) => a.stream_id === spec.streamId);
        for (const a of agents) {
          if (a === keep) continue;
          await svc.remove('agent_executions', a.id);
          m.agents.delete(a.id);
        }
        if (!keep) await writer.newAgent(m.streams.get(spec.streamId)!);
      }
      const reset = await settle(Date.now());
      if (reset.toTruthMs === null) log(`heap: the pages never equalled the truth with the baseline's amount of data:\n  ${reset.mismatches.slice(0, 8).join('\n  ')}`);
    }
    const reports: PageReport[] = [];
    for (const p of pages) {
      const heap = o.heap === false ? { used: 0, script: 0 } : await measureHeap(p, `${o.db}-${p.spec.user.name}-end`);
      const leaks = await p.page.evaluate(() => (window as unknown as { __domLeaks: string[] }).__domLeaks);
      const scriptRuns = await p.page.evaluate(() => ((window as unknown as { __scriptRuns: number }).__scriptRuns ?? 0) + ((window as unknown as { __pwned?: number }).__pwned ?? 0));
      reports.push({
        user: p.spec.user.name,
        crossTenant: [...p.crossTenant, ...leaks.map((l) => `dom ${l}`)],
        scriptRuns,
        socketsMaxOpen: p.maxOpen,
        socketsOpenAtEnd: p.open,
        socketsOpened: p.opened,
        heapStart: p.heapStart,
        heapEnd: heap.used,
        scriptHeapStart: p.scriptHeapStart,
        scriptHeapEnd: heap.script,
        errors: p.errors,
        renewals: site.served[p.spec.user.name] ?? 0,
      });
    }
    const heapRatio = o.heap === false ? NaN : Math.max(...reports.map((p) => p.scriptHeapEnd / p.scriptHeapStart));
    const usedHeapRatio = o.heap === false ? NaN : Math.max(...reports.map((p) => p.heapEnd / p.heapStart));
    return {
      seed: o.seed,
      db: o.db,
      durationMs: Date.now() - started,
      writes: writer.count,
      outageWrites,
      faults: samples,
      live: liveChecks.map((l) => ({ toTruthMs: l.toTruthMs, mismatches: l.mismatches })),
      pages: reports,
      hostile,
      mismatches: end.mismatches,
      heapRatio,
      usedHeapRatio,
    };
  } finally {
    await browser?.close().catch(() => {});
    await site?.close().catch(() => {});
    await backend.dispose();
  }
}

export interface ReconnectsResult {
  reconnects: number;
  /** Reconnects before the start measurement (the path run, lists at their size). */
  warmup: number;
  /** V8 used heap after GC (compiled code included), start and end. */
  heapStart: number;
  heapEnd: number;
  /** V8 used heap growth per reconnect (bytes). */
  perReconnect: number;
  /** Script objects after GC ({@link HeapMeasure}), start and end. */
  scriptHeapStart: number;
  scriptHeapEnd: number;
  /** Script-object groups (node type + constructor) whose count changed, start → end. */
  groupChanges: Array<{ group: string; start: number; end: number }>;
  callbacksStart: Record<string, number>;
  callbacksEnd: Record<string, number>;
  socketsMaxOpen: number;
}

/**
 * Long-session hygiene: one page (Alice's dashboard and widgets), `n` reconnects through
 * rt-monitor's `reconnect()` (every tenth a server-side drop), each waited for (connected and every
 * widget equal to the truth again); heap after GC and realtime-js's socket callbacks before/after.
 */
export async function runReconnects(
  n: number,
  log: (line: string) => void = () => {},
  options: {
    /** Reconnects before the start measurement (default 1). */
    warmup?: number;
    /** Heap snapshot files at these reconnect counts (counted from the end of the warm-up). */
    snapshots?: { at: number[]; dir: string };
    /** Extra Chromium flags (e.g. `--js-flags=--jitless`, the control run without compiled code). */
    chromiumArgs?: string[];
  } = {},
): Promise<ReconnectsResult> {
  const { snapshots, chromiumArgs = [], warmup = 1 } = options;
  const backend = await BackendProcess.create('pglite');
  let browser: Browser | undefined;
  let site: Site | undefined;
  try {
    const svc = await Service.create(backend.url);
    const anonKey = await signJwt(DEFAULT_JWT_SECRET, { iss: 'supabase-demo', role: 'anon' }, 20 * 365 * 24 * 3600, SERVICE_ISSUED_AT);
    await svc.insert('orgs', [{ id: ORGS.acme, name: 'Acme [acme]' }, { id: ORGS.globex, name: 'Globex [globex]' }]);
    await svc.insert('org_members', CAMPAIGN_USERS.map((u) => ({ org_id: ORGS[u.org], user_id: u.id, role: 'member' })));
    const m: Model = { seq: 0, clock: 0, streams: new Map(), scans: new Map(), agents: new Map(), alerts: new Map(), notes: new Map(), forbidden: new Map(CAMPAIGN_USERS.map((u) => [u.name, new Set<string>()])), fixed: new Set() };
    const writer = new Writer(svc, m, rng(1));
    const alice = CAMPAIGN_USERS[0];
    for (let i = 0; i < 4; i++) await writer.newStream('acme');
    const scan = await writer.newScan(alice);
    await writer.newAlerts(alice, 12);
    await writer.newNotes(alice, 22);
    const stream = [...m.streams.values()][0];
    await writer.newAgent(stream);
    const spec: PageSpec = { user: alice, streamId: stream.id, scanId: scan.id };
    site = await startSite(backend.url, anonKey, [spec], 3600);
    browser = await launchChromium(chromiumArgs);
    const w = await openPage(browser, site, spec, (u) => m.forbidden.get(u.name)!);
    const db = await snapshot(svc);
    const equal = async () => {
      const v = await w.page.evaluate(readPage);
      return v.status === 'connected' && compare(spec, v, db).length === 0;
    };
    const callbacks = () =>
      w.page.evaluate(() => {
        const rt = (window as unknown as { RtMonitor: { getDefaultClient(): { realtime?: { stateChangeCallbacks?: Record<string, unknown[]> } } } }).RtMonitor.getDefaultClient().realtime;
        return Object.fromEntries(Object.entries(rt?.stateChangeCallbacks ?? {}).map(([k, v]) => [k, v.length]));
      });
    if (!(await until(equal, 60_000))) throw new Error('the page never showed the truth');
    // One reconnect first, so the baseline has run the reconnect path once.
    const reconnect = async (i: number) => {
      const opened = w.opened;
      if (i % 10 === 1) await svc.dev('/__dev/drop-connections');
      else await w.page.evaluate(() => (window as unknown as { RtMonitor: { getDefaultClient(): { reconnect(): void } } }).RtMonitor.getDefaultClient().reconnect());
      if (!(await until(async () => w.opened > opened && (await equal()), 60_000))) throw new Error(`reconnect ${i}: the page never showed the truth again`);
    };
    for (let i = 0; i < warmup; i++) await reconnect(i - warmup + 1);
    const start = await measureHeap(w, 'reconnects-start');
    const callbacksStart = await callbacks();
    const snap = async (i: number) => {
      if (!snapshots?.at.includes(i)) return;
      const file = join(snapshots.dir, `reconnect-${i}.heapsnapshot`);
      await takeHeapSnapshot(w, file);
      log(`heap snapshot after ${i} reconnects: ${file}`);
    };
    await snap(0);
    for (let i = 1; i <= n; i++) {
      await reconnect(i);
      await snap(i);
      if (i % 20 === 0) log(`${i} reconnects: heap ${((await heapAfterGc(w)) / 1e6).toFixed(3)} MB, socket callbacks ${JSON.stringify(await callbacks())}`);
    }
    // Work the last reconnect started (a count confirmation, a re-read, a rejoin) can still be in
    // flight on a busy machine, and its promises and closures count like a leak's. A leak stays
    // and in-flight work ends: a kind of structure that grew by n or more is measured again once
    // the page has been idle and shows the truth, up to 3 times.
    const grewByN = (e: { groups: Map<string, number> }) =>
      [...e.groups].some(([g, c]) => !/^(string|concatenated string|sliced string|number):/.test(g) && c - (start.groups.get(g) ?? 0) >= n);
    let end = await measureHeap(w, 'reconnects-end');
    for (let again = 0; again < 3 && grewByN(end); again++) {
      log(`structures grew by ${n} or more right after the last reconnect: measuring again once the page is idle`);
      await w.page.evaluate(() => new Promise((r) => requestIdleCallback(() => r(undefined), { timeout: 10_000 })));
      if (!(await until(equal, 60_000))) break;
      end = await measureHeap(w, 'reconnects-end');
    }
    const groupChanges = [...new Set([...start.groups.keys(), ...end.groups.keys()])]
      .map((group) => ({ group, start: start.groups.get(group) ?? 0, end: end.groups.get(group) ?? 0 }))
      .filter((g) => g.start !== g.end)
      .sort((a, b) => Math.abs(b.end - b.start) - Math.abs(a.end - a.start));
    return {
      reconnects: n,
      warmup,
      heapStart: start.used,
      heapEnd: end.used,
      perReconnect: (end.used - start.used) / n,
      scriptHeapStart: start.script,
      scriptHeapEnd: end.script,
      groupChanges,
      callbacksStart,
      callbacksEnd: await callbacks(),
      socketsMaxOpen: w.maxOpen,
    };
  } finally {
    await browser?.close().catch(() => {});
    await site?.close().catch(() => {});
    await backend.dispose();
  }
}

/** The results as the Markdown table bench/README.md carries. */
export function formatTable(results: CampaignResult[]): string {
  const lines: string[] = [];
  const ms = (v: number | null) => (v === null ? '—' : `${(v / 1000).toFixed(1)} s`);
  lines.push('| db | fault | n | to connected p50 / p95 / max | to truth p50 / p95 / max | not converged |');
  lines.push('|---|---|---|---|---|---|');
  for (const res of results) {
    for (const kind of ['restart', 'drop', 'pause', 'expiry'] as FaultKind[]) {
      const xs = res.faults.filter((f) => f.kind === kind);
      if (!xs.length) continue;
      const conn = xs.map((f) => f.toConnectedMs).filter((v): v is number => v !== null);
      const truth = xs.map((f) => f.toTruthMs).filter((v): v is number => v !== null);
      lines.push(
        `| ${res.db} | ${kind} | ${xs.length} | ${ms(percentile(conn, 50))} / ${ms(percentile(conn, 95))} / ${ms(conn.length ? Math.max(...conn) : null)} | ${ms(percentile(truth, 50))} / ${ms(percentile(truth, 95))} / ${ms(truth.length ? Math.max(...truth) : null)} | ${xs.length - truth.length} |`,
      );
    }
  }
  for (const res of results) {
    const truth = res.live.map((l) => l.toTruthMs).filter((v): v is number => v !== null);
    lines.push(`| ${res.db} | none (live checkpoint) | ${res.live.length} | — | ${ms(percentile(truth, 50))} / ${ms(percentile(truth, 95))} / ${ms(truth.length ? Math.max(...truth) : null)} | ${res.live.length - truth.length} |`);
  }
  lines.push('');
  lines.push('| db | seed | length | writes (in outages) | restarts / drops / pauses / expiries | renewals per page | final mismatches | cross-tenant rows | script runs | sockets per page (max open, at end) | heap end/start: script objects (V8 used heap, incl. compiled code) |');
  lines.push('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const res of results) {
    const count = (k: FaultKind) => res.faults.filter((f) => f.kind === k).length;
    lines.push(
      `| ${res.db} | ${res.seed} | ${(res.durationMs / 60000).toFixed(1)} min | ${res.writes} (${res.outageWrites}) | ${count('restart')} / ${count('drop')} / ${count('pause')} / ${count('expiry')} | ${res.pages.map((p) => p.renewals).join(', ')} | ${res.mismatches.length} | ${res.pages.reduce((n, p) => n + p.crossTenant.length, 0)} | ${res.pages.reduce((n, p) => n + p.scriptRuns, 0) + (res.hostile?.scriptRuns ?? 0)} | ${res.pages.map((p) => `${p.socketsMaxOpen}, ${p.socketsOpenAtEnd}`).join(' · ')} | ${res.heapRatio.toFixed(2)} (${res.usedHeapRatio.toFixed(2)}) |`,
    );
  }
  return lines.join('\n');
}
