/**
 * The floor of bench/render.ts: the least work any page must do to show the same cards live.
 *
 * Not a design anyone would ship — a measuring stick. It answers "how much main-thread CPU does
 * the browser itself need to receive these changes and paint each one in its frame?", so the
 * React page's and rt-monitor's numbers can be read against what no implementation can go below:
 *
 * - the same supabase-js client, sign-in and socket as the React page; the same cards' markup and
 *   stylesheet (bench/react-baseline/styles.css), so the same text is laid out and painted;
 * - one channel per table for all cards (`id=in.(…)`, `stream_id=in.(…)`) and one initial select
 *   per table: the same messages reach the page (one per change), with the least dispatch;
 * - each change writes only the text nodes and the one style that changed, directly, in the
 *   message's own task (no framework, no virtual DOM, no scheduling: the browser paints them in
 *   the next frame);
 * - no animation at all (the bar moves by `transform`, not `width`, with no transition; the Live
 *   dot does not pulse); "Updated N s ago" is one 1 s interval for the whole page, writing only
 *   the texts that changed.
 *
 * Type-checked by bench/tsconfig.json.
 */
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { benchCfg, updatedAgo } from '../baseline-config.js';

interface StreamRow {
  id: string;
  name: string;
  goal_status: string;
  current_progress: { percentage?: number; completed?: number; total?: number } | null;
  updated_at: string;
}

interface AgentRow {
  id: string;
  stream_id: string;
  status: string;
}

const cfg = benchCfg();
const supabase: SupabaseClient = createClient(cfg.url, cfg.anonKey);

/** One card's nodes, and the values they show (written only when they change). */
interface Card {
  root: HTMLElement;
  title: Text;
  badge: HTMLElement;
  status: Text;
  value: Text;
  counts: Text;
  track: HTMLElement;
  bar: HTMLElement;
  agents: HTMLElement;
  agentsText: Text;
  updated: Text;
  shown: { name?: string; status?: string; pct?: number; counts?: string; done?: boolean; agents?: string; ago?: string };
  updatedAt: number | null;
  version: string;
  running: Set<string>;
}

function el(tag: string, className: string, ...children: Node[]): HTMLElement {
  const e = document.createElement(tag);
  e.className = className;
  e.append(...children);
  return e;
}

function createCard(id: string): Card {
  const title = new Text('Loading…');
  const status = new Text('');
  const value = new Text('');
  const counts = new Text('');
  const agentsText = new Text('');
  const updated = new Text('');
  const badge = el('span', 'badge', status);
  const live = el('span', 'badge outline', el('span', 'dot'), new Text('Live'));
  const bar = el('div', 'indicator');
  bar.style.cssText = 'width:100%;transform-origin:0 0;transform:scaleX(0);transition:none';
  const track = el('div', 'track', bar);
  track.setAttribute('role', 'progressbar');
  track.setAttribute('aria-valuemin', '0');
  track.setAttribute('aria-valuemax', '100');
  const agents = el('span', 'agents', agentsText);
  const root = el(
    'div',
    'card',
    el('div', 'card-header', el('div', 'card-title', title), el('div', 'badges', badge, live)),
    el('div', 'figures', el('span', 'value', value), el('span', 'muted', counts)),
    track,
    el('div', 'meta', agents, el('span', 'updated', updated)),
  );
  root.dataset.card = id;
  return { root, title, badge, status, value, counts, track, bar, agents, agentsText, updated, shown: {}, updatedAt: null, version: '', running: new Set() };
}

function set(node: Text, text: string): void {
  if (node.data !== text) node.data = text;
}

function showStream(card: Card, row: StreamRow): void {
  // A change may arrive before the initial select answers: keep the newer row.
  if (row.updated_at < card.version) return;
  card.version = row.updated_at;
  const p = row.current_progress ?? {};
  const pct = Math.max(0, Math.min(100, Number(p.percentage ?? 0)));
  const done = row.goal_status === 'completed';
  const s = card.shown;
  if (s.name !== row.name) set(card.title, (s.name = row.name));
  if (s.status !== row.goal_status) set(card.status, (s.status = row.goal_status).replace('_', ' '));
  if (s.done !== done) {
    s.done = done;
    card.root.dataset.tone = done ? 'success' : 'info';
    card.badge.className = done ? 'badge completed' : 'badge';
  }
  if (s.pct !== pct) {
    s.pct = pct;
    set(card.value, `${Math.round(pct)}%`);
    card.bar.style.transform = `scaleX(${pct / 100})`;
    card.track.setAttribute('aria-valuenow', String(pct));
  }
  const counts = p.total != null ? `${p.completed ?? 0} of ${p.total}` : '';
  if (s.counts !== counts) set(card.counts, (s.counts = counts));
  card.updatedAt = Date.parse(row.updated_at);
  showAgo(card, Date.now());
}

function showAgents(card: Card): void {
  const n = card.running.size;
  const text = n === 1 ? '1 running agent' : `${n} running agents`;
  if (card.shown.agents === text) return;
  card.shown.agents = text;
  set(card.agentsText, text);
  card.agents.toggleAttribute('data-running', n > 0);
}

function showAgo(card: Card, now: number): void {
  const text = updatedAgo(card.updatedAt, now);
  if (card.shown.ago !== text) set(card.updated, (card.shown.ago = text));
}

function onAgent(card: Card | undefined, row: AgentRow | null, oldId?: string): void {
  if (!card) return;
  if (row && row.status === 'running') card.running.add(row.id);
  else card.running.delete(row?.id ?? oldId ?? '');
  showAgents(card);
}

async function main(): Promise<void> {
  const { error } = await supabase.auth.signInWithPassword({ email: cfg.email, password: cfg.password });
  if (error) throw new Error(`sign-in failed: ${error.message}`);

  const cards = new Map(cfg.streamIds.map((id) => [id, createCard(id)]));
  const status = new Text('Connecting');
  const connDot = el('span', 'dot');
  connDot.dataset.status = 'connecting';
  const grid = el('div', 'grid', ...[...cards.values()].map((c) => c.root));
  document.getElementById('root')!.append(
    el('div', 'page', el('div', 'page-header', Object.assign(el('h1', '', new Text('Streams'))), el('span', 'conn', connDot, status)), grid),
  );
  const ids = cfg.streamIds.join(',');
  const setLive = (live: boolean) => {
    for (const c of cards.values()) c.root.toggleAttribute('data-live', live);
    connDot.dataset.status = live ? 'connected' : 'connecting';
    set(status, live ? 'Connected' : 'Connecting');
  };

  supabase
    .channel('floor:streams')
    .on('postgres_changes', { event: '*', schema: 'public', table: 'streams', filter: `id=in.(${ids})` }, (payload) => {
      if (payload.eventType === 'DELETE') return;
      const row = payload.new as StreamRow;
      const card = cards.get(row.id);
      if (card) showStream(card, row);
    })
    .subscribe((s) => setLive(s === 'SUBSCRIBED'));
  supabase
    .channel('floor:agents')
    .on('postgres_changes', { event: '*', schema: 'public', table: 'agent_executions', filter: `stream_id=in.(${ids})` }, (payload) => {
      if (payload.eventType === 'DELETE') {
        const old = payload.old as Partial<AgentRow>;
        for (const c of cards.values()) if (old.id && c.running.delete(old.id)) showAgents(c);
        return;
      }
      const row = payload.new as AgentRow;
      onAgent(cards.get(row.stream_id), row);
    })
    .subscribe();

  const [streams, agents] = await Promise.all([
    supabase.from('streams').select('*').in('id', cfg.streamIds),
    supabase.from('agent_executions').select('id,stream_id,status').in('stream_id', cfg.streamIds),
  ]);
  for (const row of (streams.data ?? []) as StreamRow[]) {
    const card = cards.get(row.id);
    if (card) showStream(card, row);
  }
  for (const row of (agents.data ?? []) as AgentRow[]) onAgent(cards.get(row.stream_id), row);
  for (const c of cards.values()) showAgents(c);

  setInterval(() => {
    const now = Date.now();
    for (const c of cards.values()) showAgo(c, now);
  }, 1000);
}

void main();
