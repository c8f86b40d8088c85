/**
 * The demo simulator: keeps the local backend's data moving like a real system.
 *
 * It runs inside the backend process and writes through the database connection as its owner
 * (the role the migrations ran as, which bypasses RLS like service_role), so the demo page never
 * holds a privileged key. Each tick (1 s by default) it:
 *   - advances in-progress streams (current_progress {percentage, completed, total}), finishes
 *     them (completed) or, rarely, fails them; starts pending streams; creates new streams;
 *   - steps acquisition scans through their phases: queued → running ("Discovering targets",
 *     "Analyzing websites", "Scoring fit", "Compiling report") → completed, sometimes failed;
 *   - starts, runs and completes (or fails) agent executions for running streams;
 *   - emits signal alerts and notifications for every org member, at a realistic pace.
 *
 * The simulator is stateless between ticks: everything it needs is read back from the rows, so
 * it resumes from any state (a persisted data dir, rows changed by tests or the control panel).
 * Tables stay small: the newest N rows per user / stream / org are kept and older finished ones
 * deleted. The seeded demo streams and scans are never deleted; when they finish they restart
 * after a pause, so the gallery's elements (which point at their fixed ids) keep moving.
 */
import type { Db, Queryable } from './db.ts';
import { DEMO_SCANS, DEMO_STREAMS } from './seed.ts';

export const SIGNAL_TYPES = ['funding_round', 'hiring_spike', 'leadership_change', 'tech_adoption', 'expansion'] as const;
export const PRIORITIES = ['low', 'medium', 'high', 'critical'] as const;
export const NOTIFICATION_TYPES = ['info', 'success', 'warning', 'error'] as const;
export const SCAN_STEPS = ['Discovering targets', 'Analyzing websites', 'Scoring fit', 'Compiling report'] as const;
export const AGENT_IDS = [
  'research-agent',
  'enrichment-agent',
  'scoring-agent',
  'outreach-agent',
  'qualification-agent',
  'summarizer-agent',
] as const;

export type Priority = (typeof PRIORITIES)[number];
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];
export type SignalType = (typeof SIGNAL_TYPES)[number];

const PROTECTED_STREAMS = new Set<string>(Object.values(DEMO_STREAMS));
const PROTECTED_SCANS = new Set<string>(Object.values(DEMO_SCANS));

const BUSINESS_NAMES = [
  'Northwind Traders', 'Contoso Ltd', 'Fabrikam', 'Tailspin Toys', 'Wide World Importers', 'Adventure Works',
  'Litware Inc.', 'Proseware', 'Alpine Ski House', 'Blue Yonder Airlines', 'Coho Winery', 'Fourth Coffee',
  'Humongous Insurance', 'Lamna Healthcare', "Margie's Travel", 'Relecloud', 'Trey Research', 'VanArsdel Ltd',
  'Woodgrove Bank', 'Wingtip Toys', 'Southridge Video', 'Lucerne Publishing', 'City Power & Light',
  'Consolidated Messenger', 'A. Datum Corporation', 'Graphic Design Institute', 'Bellows College',
  'Initech', 'Umbrella Logistics', 'Stark Analytics', 'Hooli Cloud', 'Pied Piper', 'Vandelay Industries',
  'Soylent Foods', 'Cyberdyne Robotics', 'Wayne Biotech', 'Oscorp Materials', 'Gringotts Payments',
  'Aperture Labs', 'Tyrell Systems', 'Massive Dynamic', 'Dunder Mifflin Paper',
];
const ROUNDS = ['Seed', 'Series A', 'Series B', 'Series C', 'Growth'];
const INVESTORS = ['Sequoia', 'Accel', 'Index Ventures', 'Balderton', 'Atomico', 'General Catalyst', 'Lightspeed'];
const EXEC_ROLES = ['CEO', 'CTO', 'CFO', 'VP Sales', 'Chief Revenue Officer', 'Head of Procurement'];
const PEOPLE = ['Dana Whitfield', 'Priya Raman', 'Jonas Berg', 'Maya Okafor', 'Luis Ortega', 'Hannah Kim', 'Tomasz Nowak'];
const TECHNOLOGIES = ['Snowflake', 'Salesforce', 'HubSpot', 'Databricks', 'Kubernetes', 'Stripe', 'Segment', 'dbt'];
const DEPARTMENTS = ['Engineering', 'Sales', 'Customer Success', 'Marketing', 'Data'];
const CITIES = ['Dublin', 'Austin', 'Berlin', 'Singapore', 'Toronto', 'Lisbon', 'São Paulo', 'Amsterdam', 'Denver', 'Sydney'];
const REGIONS = ['EMEA', 'APAC', 'North America', 'LATAM', 'DACH', 'Nordics'];

const STREAM_NAMES = [
  'Q3 outbound campaign', 'Partner enrichment', 'CRM data cleanup', 'Lead scoring refresh', 'Churn-risk review',
  'EMEA market entry', 'Webinar follow-up', 'Renewal pipeline', 'Competitor watch', 'Series B investor list',
  'Healthcare vertical research', 'Trade show leads', 'Account-based marketing', 'Upsell opportunities',
  'Dormant account revival', 'Procurement contacts',
];
const SCAN_SEGMENTS = [
  'SaaS companies', 'Fintech startups', 'Logistics firms', 'Healthcare clinics', 'E-commerce brands',
  'Cybersecurity vendors', 'Climate-tech startups', 'Manufacturers', 'Marketing agencies', 'Law firms',
];
const SCAN_ERRORS = [
  'Rate limited by the enrichment provider (HTTP 429) after 3 retries',
  'Crawler timed out resolving 12 target domains',
  'Scoring model unavailable (HTTP 503)',
  'Search quota exhausted for this billing period',
];
const AGENT_ERRORS = [
  'Upstream API returned 503 Service Unavailable',
  'Timed out after 120 s waiting for the CRM',
  'Context window exceeded while summarising 48 documents',
  'Invalid credentials for the outreach mailbox',
];
const RANDOM_NOTIFICATIONS: { type: NotificationType; title: string; body: string; link: string | null }[] = [
  { type: 'info', title: 'Weekly digest ready', body: 'Your pipeline summary for this week is ready to read.', link: '/reports/weekly' },
  { type: 'success', title: 'CRM sync finished', body: '214 contacts synced with Salesforce.', link: '/integrations/crm' },
  { type: 'warning', title: 'API usage at 80%', body: 'You have used 80% of this month’s enrichment credits.', link: '/billing' },
  { type: 'warning', title: 'Enrichment provider degraded', body: 'Lookups may be slower than usual.', link: null },
  { type: 'error', title: 'Export failed', body: 'The CSV export of “Q3 outbound” could not be written. Try again.', link: '/exports' },
  { type: 'info', title: 'New teammate joined', body: 'A new member joined your organisation.', link: '/settings/members' },
  { type: 'success', title: 'Sequence completed', body: 'The follow-up sequence reached all 38 contacts.', link: '/sequences' },
];

export interface SimulatorOptions {
  /** Milliseconds between ticks. Default 1000 (a realistic pace); tests use ~20. */
  tickMs?: number;
  /** PRNG seed. Default: from the clock. */
  seed?: number;
  /** Newest signal alerts / notifications / scans kept per user. Default 40 / 40 / 8. */
  maxAlertsPerUser?: number;
  maxNotificationsPerUser?: number;
  maxScansPerUser?: number;
  /** Finished streams kept per org, finished agent executions kept per stream. Default 6 / 12. */
  maxFinishedStreamsPerOrg?: number;
  maxFinishedAgentsPerStream?: number;
  /** One line per problem. */
  log?: (line: string) => void;
}

interface StreamRow {
  id: string;
  org_id: string;
  name: string;
  goal_status: string;
  current_progress: { percentage?: number; completed?: number; total?: number } | null;
  idle: number;
}
interface ScanRow {
  id: string;
  user_id: string;
  org_id: string | null;
  name: string;
  status: string;
  progress_percentage: number | string;
  current_step: string | null;
  targets_identified: number;
  targets_analyzed: number;
  idle: number;
}
interface AgentRow {
  id: string;
  stream_id: string;
  agent_id: string;
  status: string;
  age: number;
}
export interface Member {
  user_id: string;
  org_id: string;
}

/** Thrown by actions for a missing row (→ 404) or a row in the wrong state (→ 409). */
export class SimulatorError extends Error {
  constructor(
    readonly status: 404 | 409,
    message: string,
  ) {
    super(message);
  }
}

/** mulberry32: small, fast, seedable. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A stable number from a uuid, for per-row constants (a scan's target count). */
function hashId(id: string): number {
  let h = 2166136261;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619);
  return h >>> 0;
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const progressOf = (completed: number, total: number) => (total > 0 ? round1(Math.min(100, (completed / total) * 100)) : 0);

export class Simulator {
  /** While true, ticks do nothing (the control actions still work). */
  paused = false;
  readonly tickMs: number;
  private readonly rand: () => number;
  private readonly opts: Required<Omit<SimulatorOptions, 'seed' | 'log' | 'tickMs'>>;
  private readonly log: (line: string) => void;
  private timer: ReturnType<typeof setInterval> | null = null;
  private inFlight: Promise<void> | null = null;
  private ticks = 0;
  private members: Member[] = [];
  private membersAt = -Infinity;
  private closed = false;

  constructor(
    private readonly db: Db,
    options: SimulatorOptions = {},
  ) {
    this.tickMs = Math.max(5, options.tickMs ?? 1000);
    this.rand = prng(options.seed ?? Date.now());
    this.log = options.log ?? (() => {});
    this.opts = {
      maxAlertsPerUser: options.maxAlertsPerUser ?? 40,
      maxNotificationsPerUser: options.maxNotificationsPerUser ?? 40,
      maxScansPerUser: options.maxScansPerUser ?? 8,
      maxFinishedStreamsPerOrg: options.maxFinishedStreamsPerOrg ?? 6,
      maxFinishedAgentsPerStream: options.maxFinishedAgentsPerStream ?? 12,
    };
  }

  /** True once start() ran and until stop(). */
  get started(): boolean {
    return this.timer !== null;
  }

  /** Started and not paused: data is moving. */
  get running(): boolean {
    return this.started && !this.paused;
  }

  get tickCount(): number {
    return this.ticks;
  }

  start(): void {
    if (this.timer || this.closed) return;
    this.timer = setInterval(() => {
      if (this.paused || this.inFlight) return; // never overlap ticks: skip one when the db is slow
      this.inFlight = this.tick()
        .catch((err: unknown) => this.log(`simulator tick failed: ${(err as Error)?.message ?? String(err)}`))
        .finally(() => {
          this.inFlight = null;
        });
    }, this.tickMs);
    this.timer.unref?.();
  }

  /** Stops ticking and waits for the tick in flight, so the database can be closed after it. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.inFlight;
  }

  /** Stops for good (the backend is shutting down). */
  async close(): Promise<void> {
    this.closed = true;
    await this.stop();
  }

  // ---------------------------------------------------------------- randomness helpers
  private chance(p: number): boolean {
    return this.rand() < p;
  }
  private int(min: number, max: number): number {
    return min + Math.floor(this.rand() * (max - min + 1));
  }
  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.rand() * items.length)] as T;
  }
  private weighted<T extends string>(weights: Record<T, number>): T {
    const entries = Object.entries(weights) as [T, number][];
    let r = this.rand() * entries.reduce((s, [, w]) => s + w, 0);
    for (const [k, w] of entries) {
      r -= w;
      if (r < 0) return k;
    }
    return entries[entries.length - 1]![0];
  }

  /** Org members (who gets alerts, notifications and scans), re-read every 30 ticks. */
  async loadMembers(q: Queryable = this.db, force = false): Promise<Member[]> {
    if (force || this.ticks - this.membersAt >= 30) {
      const r = await q.query<Member>(`select user_id::text as user_id, org_id::text as org_id from public.org_members order by org_id, user_id`);
      this.members = r.rows;
      this.membersAt = this.ticks;
    }
    return this.members;
  }

  // ---------------------------------------------------------------- one tick
  /** One step of the simulation, in one transaction. Exposed for tests. */
  async tick(): Promise<void> {
    this.ticks++;
    await this.db.transaction(async (tx) => {
      const members = await this.loadMembers(tx);
      await this.tickStreams(tx);
      await this.tickAgents(tx);
      await this.tickScans(tx, members);
      for (const m of members) {
        if (this.chance(0.07)) await this.insertAlert(tx, m.user_id, m.org_id, this.randomPriority());
        if (this.chance(0.025)) {
          const n = this.pick(RANDOM_NOTIFICATIONS);
          await this.insertNotification(tx, m.user_id, n.type, n.title, n.body, n.link);
        }
      }
      if (this.ticks % 10 === 0) await this.trim(tx);
    });
  }

  private randomPriority(): Priority {
    return this.weighted<Priority>({ low: 40, medium: 35, high: 18, critical: 7 });
  }

  private async tickStreams(tx: Queryable): Promise<void> {
    const { rows } = await tx.query<StreamRow>(
      `select id::text as id, org_id::text as org_id, name, goal_status, current_progress,
              extract(epoch from (now() - updated_at))::float8 as idle
         from public.streams order by created_at`,
    );
    const activeByOrg = new Map<string, number>();
    for (const s of rows) {
      const p = s.current_progress ?? {};
      const total = Math.max(0, Number(p.total) || 0);
      const completed = Math.max(0, Number(p.completed) || 0);
      if (s.goal_status === 'in_progress') {
        activeByOrg.set(s.org_id, (activeByOrg.get(s.org_id) ?? 0) + 1);
        if (this.chance(0.002)) {
          await this.setStreamStatus(tx, s.id, 'failed');
          await this.notifyOrg(tx, s.org_id, 'error', 'Stream failed', `“${s.name}” stopped at ${completed} of ${total}.`, `/streams/${s.id}`);
          continue;
        }
        if (!this.chance(0.6)) continue;
        const step = this.int(1, Math.max(1, Math.ceil(total / 40)));
        await this.writeProgress(tx, s, Math.min(total, completed + step), total);
      } else if (s.goal_status === 'pending') {
        activeByOrg.set(s.org_id, (activeByOrg.get(s.org_id) ?? 0) + 1);
        if (this.chance(0.08)) await this.setStreamStatus(tx, s.id, 'in_progress');
      } else if ((s.goal_status === 'completed' || s.goal_status === 'failed') && PROTECTED_STREAMS.has(s.id) && s.idle > 20) {
        // A seeded stream starts its next run, so the gallery keeps moving.
        const nextTotal = this.int(20, 150);
        await tx.query(
          `update public.streams set goal_status = 'in_progress', current_progress = $2::jsonb where id = $1`,
          [s.id, JSON.stringify({ percentage: 0, completed: 0, total: nextTotal })],
        );
      }
    }
    const orgs = await tx.query<{ id: string }>(`select id::text as id from public.orgs order by created_at, id`);
    for (const o of orgs.rows) {
      if ((activeByOrg.get(o.id) ?? 0) < 3 && this.chance(0.05)) await this.insertStream(tx, o.id, this.pick(STREAM_NAMES), this.chance(0.5) ? 'pending' : 'in_progress');
    }
  }

  private async writeProgress(tx: Queryable, s: { id: string; org_id: string; name: string }, completed: number, total: number): Promise<void> {
    const done = total > 0 && completed >= total;
    await tx.query(
      `update public.streams set current_progress = $2::jsonb, goal_status = $3 where id = $1`,
      [s.id, JSON.stringify({ percentage: progressOf(completed, total), completed, total }), done ? 'completed' : 'in_progress'],
    );
    if (done) {
      await this.finishAgentsOf(tx, s.id, 'completed');
      await this.notifyOrg(tx, s.org_id, 'success', 'Stream completed', `“${s.name}” finished all ${total} items.`, `/streams/${s.id}`);
    }
  }

  private async setStreamStatus(tx: Queryable, id: string, status: 'in_progress' | 'failed' | 'completed'): Promise<void> {
    await tx.query(`update public.streams set goal_status = $2 where id = $1`, [id, status]);
    if (status === 'failed') await this.finishAgentsOf(tx, id, 'cancelled');
  }

  /**
   * The stream's agents still at work end with it: `completed` for the running ones when it
   * completes; an agent still queued never started, so it is `cancelled` either way (QA62 F4: a
   * "Completed" agent that read "Not started").
   */
  private async finishAgentsOf(tx: Queryable, streamId: string, status: 'completed' | 'cancelled'): Promise<void> {
    await tx.query(
      `with ended as (
         select id, case when $2 = 'completed' and status = 'running' then 'completed' else 'cancelled' end as status
           from public.agent_executions where stream_id = $1 and status in ('queued', 'running'))
       update public.agent_executions a
          set status = e.status, completed_at = now(),
              error = case when e.status = 'cancelled' then 'Stream stopped' else a.error end,
              output = case when e.status = 'completed' then coalesce(a.output, '{"records": 0}'::jsonb) else a.output end
         from ended e where a.id = e.id`,
      [streamId, status],
    );
  }

  private async insertStream(tx: Queryable, orgId: string, name: string, status: 'pending' | 'in_progress'): Promise<string> {
    const total = this.int(20, 150);
    const r = await tx.query<{ id: string }>(
      `insert into public.streams (org_id, name, goal_status, current_progress) values ($1, $2, $3, $4::jsonb) returning id::text as id`,
      [orgId, name, status, JSON.stringify({ percentage: 0, completed: 0, total })],
    );
    return r.rows[0]!.id;
  }

  private async tickAgents(tx: Queryable): Promise<void> {
    const { rows } = await tx.query<AgentRow & { stream_status: string }>(
      `select a.id::text as id, a.stream_id::text as stream_id, a.agent_id, a.status, s.goal_status as stream_status,
              extract(epoch from (now() - coalesce(a.started_at, a.created_at)))::float8 as age
         from public.agent_executions a join public.streams s on s.id = a.stream_id
        where a.status in ('queued', 'running')`,
    );
    const activeByStream = new Map<string, number>();
    for (const a of rows) {
      activeByStream.set(a.stream_id, (activeByStream.get(a.stream_id) ?? 0) + 1);
      if (a.status === 'queued') {
        if (this.chance(0.5)) await tx.query(`update public.agent_executions set status = 'running', started_at = now() where id = $1`, [a.id]);
      } else if (this.chance(0.008)) {
        await tx.query(
          `update public.agent_executions set status = 'failed', completed_at = now(), error = $2 where id = $1`,
          [a.id, this.pick(AGENT_ERRORS)],
        );
      } else if (this.chance(a.age > 60 ? 0.3 : 0.07)) {
        const output = { records: this.int(3, 240), tokens: this.int(800, 48_000), summary: `${a.agent_id.replace(/-agent$/, '')} pass finished` };
        await tx.query(
          `update public.agent_executions set status = 'completed', completed_at = now(), output = $2::jsonb where id = $1`,
          [a.id, JSON.stringify(output)],
        );
      }
    }
    const running = await tx.query<{ id: string }>(`select id::text as id from public.streams where goal_status = 'in_progress'`);
    for (const s of running.rows) {
      if ((activeByStream.get(s.id) ?? 0) < 2 && this.chance(0.12)) {
        await tx.query(`insert into public.agent_executions (stream_id, agent_id, status) values ($1, $2, 'queued')`, [s.id, this.pick(AGENT_IDS)]);
      }
    }
  }

  private async tickScans(tx: Queryable, members: Member[]): Promise<void> {
    const { rows } = await tx.query<ScanRow>(
      `select id::text as id, user_id::text as user_id, org_id::text as org_id, name, status, progress_percentage,
              current_step, targets_identified, targets_analyzed,
              extract(epoch from (now() - updated_at))::float8 as idle
         from public.acquisition_scans order by created_at`,
    );
    const activeByUser = new Map<string, number>();
    for (const s of rows) {
      if (s.status === 'queued' || s.status === 'running') activeByUser.set(s.user_id, (activeByUser.get(s.user_id) ?? 0) + 1);
      await this.stepScan(tx, s);
    }
    for (const m of members) {
      if ((activeByUser.get(m.user_id) ?? 0) === 0 && this.chance(0.04)) await this.insertScan(tx, m.user_id, m.org_id);
    }
  }

  private async stepScan(tx: Queryable, s: ScanRow): Promise<void> {
    if (s.status === 'queued') {
      if (this.chance(0.3)) {
        await tx.query(
          `update public.acquisition_scans set status = 'running', started_at = now(), current_step = $2, progress_percentage = 2 where id = $1`,
          [s.id, SCAN_STEPS[0]],
        );
      }
      return;
    }
    if (s.status !== 'running') {
      if (PROTECTED_SCANS.has(s.id) && s.idle > 30) {
        await tx.query(
          `update public.acquisition_scans set status = 'queued', progress_percentage = 0, current_step = null,
                  targets_identified = 0, targets_analyzed = 0, started_at = null, completed_at = null, error = null
            where id = $1`,
          [s.id],
        );
      }
      return;
    }
    if (this.chance(0.0025)) {
      const error = this.pick(SCAN_ERRORS);
      await tx.query(`update public.acquisition_scans set status = 'failed', completed_at = now(), error = $2 where id = $1`, [s.id, error]);
      await this.insertNotification(tx, s.user_id, 'error', 'Scan failed', `“${s.name}”: ${error}.`, `/scans/${s.id}`);
      return;
    }
    const goal = 30 + (hashId(s.id) % 90);
    let identified = s.targets_identified;
    let analyzed = s.targets_analyzed;
    let progress = Number(s.progress_percentage) || 0;
    let step: string = SCAN_STEPS.includes(s.current_step as never) ? (s.current_step as string) : SCAN_STEPS[0];
    switch (step) {
      case 'Discovering targets':
        identified = Math.min(Math.max(goal, identified), identified + this.int(2, 8));
        progress = 2 + 23 * Math.min(1, identified / goal);
        if (identified >= goal) step = 'Analyzing websites';
        break;
      case 'Analyzing websites':
        if (!this.chance(0.8)) return;
        analyzed = Math.min(identified, analyzed + this.int(1, 4));
        progress = 25 + 55 * (identified > 0 ? analyzed / identified : 1);
        if (analyzed >= identified) step = 'Scoring fit';
        break;
      case 'Scoring fit':
        progress = Math.min(90, Math.max(progress, 80) + this.int(2, 5));
        if (progress >= 90) step = 'Compiling report';
        break;
      default: // Compiling report
        progress = Math.min(100, Math.max(progress, 90) + this.int(2, 4));
    }
    if (progress >= 100) {
      await tx.query(
        `update public.acquisition_scans set status = 'completed', progress_percentage = 100, current_step = 'Report ready',
                targets_identified = $2, targets_analyzed = $3, completed_at = now() where id = $1`,
        [s.id, identified, analyzed],
      );
      const qualified = Math.max(1, Math.round(analyzed * (0.2 + this.rand() * 0.4)));
      await this.insertNotification(tx, s.user_id, 'success', 'Scan completed', `“${s.name}” found ${qualified} qualified targets of ${analyzed} analysed.`, `/scans/${s.id}`);
      return;
    }
    await tx.query(
      `update public.acquisition_scans set progress_percentage = $2, current_step = $3, targets_identified = $4, targets_analyzed = $5 where id = $1`,
      [s.id, round1(progress), step, identified, analyzed],
    );
  }

  private async insertScan(tx: Queryable, userId: string, orgId: string | null, name?: string): Promise<string> {
    const r = await tx.query<{ id: string }>(
      `insert into public.acquisition_scans (user_id, org_id, name, status) values ($1, $2, $3, 'queued') returning id::text as id`,
      [userId, orgId, name ?? `${this.pick(SCAN_SEGMENTS)} in ${this.pick(CITIES)}`],
    );
    return r.rows[0]!.id;
  }

  private alertDetails(type: SignalType): Record<string, unknown> {
    switch (type) {
      case 'funding_round':
        return { amount: `$${this.int(2, 90)}M`, round: this.pick(ROUNDS), lead_investor: this.pick(INVESTORS) };
      case 'hiring_spike':
        return { open_roles: this.int(8, 60), department: this.pick(DEPARTMENTS), change_30d: `+${this.int(20, 180)}%` };
      case 'leadership_change':
        return { role: this.pick(EXEC_ROLES), name: this.pick(PEOPLE) };
      case 'tech_adoption':
        return { technology: this.pick(TECHNOLOGIES), source: 'job postings' };
      default:
        return { region: this.pick(REGIONS), city: this.pick(CITIES), new_office: true };
    }
  }

  private async insertAlert(tx: Queryable, userId: string, orgId: string | null, priority: Priority, businessName?: string, signalType?: SignalType): Promise<Record<string, unknown>> {
    const type = signalType ?? this.pick(SIGNAL_TYPES);
    const r = await tx.query(
      `insert into public.signal_alerts (user_id, org_id, business_name, signal_type, priority, details)
       values ($1, $2, $3, $4, $5, $6::jsonb) returning *`,
      [userId, orgId, businessName ?? this.pick(BUSINESS_NAMES), type, priority, JSON.stringify(this.alertDetails(type))],
    );
    return r.rows[0]!;
  }

  private async insertNotification(tx: Queryable, userId: string, type: NotificationType, title: string, body: string | null, link: string | null): Promise<Record<string, unknown>> {
    const r = await tx.query(
      `insert into public.notifications (user_id, title, body, type, link) values ($1, $2, $3, $4, $5) returning *`,
      [userId, title, body, type, link],
    );
    return r.rows[0]!;
  }

  private async notifyOrg(tx: Queryable, orgId: string, type: NotificationType, title: string, body: string, link: string): Promise<void> {
    await tx.query(
      `insert into public.notifications (user_id, title, body, type, link)
       select user_id, $2, $3, $4, $5 from public.org_members where org_id = $1`,
      [orgId, title, body, type, link],
    );
  }

  /** Keeps the tables small: the newest rows per owner stay, older (finished) ones go. */
  async trim(q: Queryable = this.db): Promise<void> {
    await q.query(
      `delete from public.signal_alerts where id in (
         select id from (select id, row_number() over (partition by user_id order by created_at desc, id) as rn
                           from public.signal_alerts) t where rn > $1)`,
      [this.opts.maxAlertsPerUser],
    );
    await q.query(
      `delete from public.notifications where id in (
         select id from (select id, row_number() over (partition by user_id order by created_at desc, id) as rn
                           from public.notifications) t where rn > $1)`,
      [this.opts.maxNotificationsPerUser],
    );
    await q.query(
      `delete from public.acquisition_scans where id in (
         select id from (select id, row_number() over (partition by user_id order by created_at desc, id) as rn
                           from public.acquisition_scans
                          where status in ('completed', 'failed', 'cancelled') and not (id = any($2::uuid[]))) t
          where rn > $1)`,
      [this.opts.maxScansPerUser, [...PROTECTED_SCANS]],
    );
    await q.query(
      `delete from public.agent_executions where id in (
         select id from (select id, row_number() over (partition by stream_id order by created_at desc, id) as rn
                           from public.agent_executions where status in ('completed', 'failed', 'cancelled')) t
          where rn > $1)`,
      [this.opts.maxFinishedAgentsPerStream],
    );
    await q.query(
      `delete from public.streams where id in (
         select id from (select id, row_number() over (partition by org_id order by updated_at desc, id) as rn
                           from public.streams
                          where goal_status in ('completed', 'failed') and not (id = any($2::uuid[]))) t
          where rn > $1)`,
      [this.opts.maxFinishedStreamsPerOrg, [...PROTECTED_STREAMS]],
    );
  }

  // ---------------------------------------------------------------- actions (the control panel)

  private async memberOrg(q: Queryable, userId: string): Promise<string> {
    const r = await q.query<{ org_id: string }>(
      `select org_id::text as org_id from public.org_members where user_id = $1 order by created_at, org_id limit 1`,
      [userId],
    );
    if (!r.rows[0]) throw new SimulatorError(404, `no org member with user id ${userId}`);
    return r.rows[0].org_id;
  }

  private async streamById(q: Queryable, id: string): Promise<StreamRow> {
    const r = await q.query<StreamRow>(
      `select id::text as id, org_id::text as org_id, name, goal_status, current_progress, 0::float8 as idle from public.streams where id = $1`,
      [id],
    );
    if (!r.rows[0]) throw new SimulatorError(404, `no stream with id ${id}`);
    return r.rows[0];
  }

  /** The stream an action without streamId acts on: the most recently updated active one (in orgId if given). */
  private async pickActiveStream(q: Queryable, orgId?: string): Promise<StreamRow> {
    const r = await q.query<StreamRow>(
      `select id::text as id, org_id::text as org_id, name, goal_status, current_progress, 0::float8 as idle
         from public.streams
        where goal_status in ('in_progress', 'pending') and ($1::uuid is null or org_id = $1::uuid)
        order by (goal_status = 'in_progress') desc, updated_at desc limit 1`,
      [orgId ?? null],
    );
    if (!r.rows[0]) throw new SimulatorError(404, orgId ? `no active stream in org ${orgId}` : 'no active stream');
    return r.rows[0];
  }

  private async streamRow(q: Queryable, id: string): Promise<Record<string, unknown>> {
    return (await q.query(`select * from public.streams where id = $1`, [id])).rows[0]!;
  }

  /** Starts a new in-progress stream in an org (default: the first org). */
  async startStream(opts: { orgId?: string; name?: string } = {}): Promise<Record<string, unknown>> {
    return this.db.transaction(async (tx) => {
      let orgId = opts.orgId;
      if (orgId) {
        const r = await tx.query(`select 1 from public.orgs where id = $1`, [orgId]);
        if (!r.rows[0]) throw new SimulatorError(404, `no org with id ${orgId}`);
      } else {
        const r = await tx.query<{ id: string }>(`select id::text as id from public.orgs order by created_at, name, id limit 1`);
        if (!r.rows[0]) throw new SimulatorError(404, 'no orgs exist');
        orgId = r.rows[0].id;
      }
      const id = await this.insertStream(tx, orgId, opts.name ?? this.pick(STREAM_NAMES), 'in_progress');
      await tx.query(`insert into public.agent_executions (stream_id, agent_id, status, started_at) values ($1, 'research-agent', 'running', now())`, [id]);
      return this.streamRow(tx, id);
    });
  }

  /** Moves a stream 10% of its total forward (completing it at 100%). */
  async advanceStream(opts: { streamId?: string; orgId?: string } = {}): Promise<Record<string, unknown>> {
    return this.db.transaction(async (tx) => {
      const s = opts.streamId ? await this.streamById(tx, opts.streamId) : await this.pickActiveStream(tx, opts.orgId);
      if (s.goal_status === 'completed' || s.goal_status === 'failed') throw new SimulatorError(409, `stream ${s.id} is already ${s.goal_status}`);
      const p = s.current_progress ?? {};
      const total = Math.max(1, Number(p.total) || 0);
      const completed = Math.max(0, Number(p.completed) || 0);
      await this.writeProgress(tx, s, Math.min(total, completed + Math.max(1, Math.round(total / 10))), total);
      return this.streamRow(tx, s.id);
    });
  }

  /** Fails a stream (its active agents are cancelled). */
  async failStream(opts: { streamId?: string; orgId?: string } = {}): Promise<Record<string, unknown>> {
    return this.db.transaction(async (tx) => {
      const s = opts.streamId ? await this.streamById(tx, opts.streamId) : await this.pickActiveStream(tx, opts.orgId);
      if (s.goal_status === 'completed' || s.goal_status === 'failed') throw new SimulatorError(409, `stream ${s.id} is already ${s.goal_status}`);
      await this.setStreamStatus(tx, s.id, 'failed');
      return this.streamRow(tx, s.id);
    });
  }

  /** Queues a new scan for a user; the simulator then steps it through its phases. */
  async startScan(opts: { userId: string; name?: string }): Promise<Record<string, unknown>> {
    return this.db.transaction(async (tx) => {
      const orgId = await this.memberOrg(tx, opts.userId);
      const id = await this.insertScan(tx, opts.userId, orgId, opts.name);
      return (await tx.query(`select * from public.acquisition_scans where id = $1`, [id])).rows[0]!;
    });
  }

  /** Launches a running agent on an active stream. */
  async launchAgent(opts: { streamId: string; agentId?: string }): Promise<Record<string, unknown>> {
    return this.db.transaction(async (tx) => {
      const s = await this.streamById(tx, opts.streamId);
      if (s.goal_status === 'completed' || s.goal_status === 'failed') throw new SimulatorError(409, `stream ${s.id} is ${s.goal_status}: start or pick an active stream`);
      const r = await tx.query(
        `insert into public.agent_executions (stream_id, agent_id, status, started_at) values ($1, $2, 'running', now()) returning *`,
        [s.id, opts.agentId ?? this.pick(AGENT_IDS)],
      );
      return r.rows[0]!;
    });
  }

  async emitAlert(opts: { userId: string; priority?: Priority; businessName?: string; signalType?: SignalType }): Promise<Record<string, unknown>> {
    return this.db.transaction(async (tx) => {
      const orgId = await this.memberOrg(tx, opts.userId);
      return this.insertAlert(tx, opts.userId, orgId, opts.priority ?? this.randomPriority(), opts.businessName, opts.signalType);
    });
  }

  async sendNotification(opts: { userId: string; type: NotificationType; title?: string; body?: string; link?: string }): Promise<Record<string, unknown>> {
    return this.db.transaction(async (tx) => {
      await this.memberOrg(tx, opts.userId);
      const sample = RANDOM_NOTIFICATIONS.find((n) => n.type === opts.type) ?? RANDOM_NOTIFICATIONS[0]!;
      const title = opts.title ?? sample.title;
      const body = opts.body ?? (opts.title ? null : sample.body);
      return this.insertNotification(tx, opts.userId, opts.type, title, body, opts.link ?? (opts.title ? null : sample.link));
    });
  }

  /**
   * `count` separate UPDATEs (each its own commit, as independent writers would make them) of one
   * stream's progress, as fast as the database allows; the last one leaves it at 100%, completed.
   */
  async burst(opts: { streamId?: string; count: number }): Promise<{ streamId: string; count: number; ms: number; perSecond: number; final: Record<string, unknown> }> {
    let streamId = opts.streamId;
    if (streamId) await this.streamById(this.db, streamId);
    else {
      const r = await this.db.query<{ id: string }>(
        `select id::text as id from public.streams order by (id = $1) desc, (goal_status = 'in_progress') desc, updated_at desc limit 1`,
        [DEMO_STREAMS.acmeOnboarding],
      );
      if (!r.rows[0]) throw new SimulatorError(404, 'no stream to update');
      streamId = r.rows[0].id;
    }
    const count = opts.count;
    const started = performance.now();
    for (let i = 1; i <= count; i++) {
      await this.db.query(`update public.streams set current_progress = $2::jsonb, goal_status = $3 where id = $1`, [
        streamId,
        JSON.stringify({ percentage: progressOf(i, count), completed: i, total: count }),
        i === count ? 'completed' : 'in_progress',
      ]);
    }
    const ms = Math.round(performance.now() - started);
    const final = await this.streamRow(this.db, streamId);
    return { streamId, count, ms, perSecond: Math.round((count / Math.max(1, ms)) * 1000), final };
  }
}
