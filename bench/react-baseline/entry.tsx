/**
 * The original design (docs: the shared reference original-design.md), rebuilt as a competent
 * React 19 + supabase-js 2 developer would write it, as the baseline of bench/render.ts:
 *
 * - `useStreamProgress(streamId)`: one supabase-js channel per hook call (`postgres_changes` on
 *   `streams` filtered `id=eq.<id>`), an initial select, `setState` per change, cleanup on unmount.
 * - `useAgentExecutions(streamId)`: the same for `agent_executions` (`stream_id=eq.<id>`),
 *   `runningAgents` derived.
 * - `<StreamCard>`: memoised, keyed; name, status badge, "Live" badge with a pulsing dot,
 *   percentage + counts, a progress bar whose width transitions, "Updated N s ago" refreshed by a
 *   per-card 1 s interval, running agents count.
 * - `<ConnectionStatus>`: the page's connection indicator (`useConnectionHeartbeat`).
 *
 * Configuration comes from `window.__BENCH_CFG` (written into the page by the driver's server).
 * The user signs in with supabase-js auth (email + password) before the cards mount, as an app would.
 *
 * Type-checked by bench/react-baseline/tsconfig.json (jsx: react-jsx, DOM).
 */
import { memo, useEffect, useMemo, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { createClient, type RealtimeChannel, type SupabaseClient } from '@supabase/supabase-js';
import { benchCfg, updatedAgo } from '../baseline-config.js';

declare global {
  interface Window {
    __benchReactReady?: boolean;
  }
}

type Status = 'connecting' | 'connected' | 'disconnected' | 'error';

interface StreamRow {
  id: string;
  org_id: string;
  name: string;
  goal_status: string;
  current_progress: { percentage?: number; completed?: number; total?: number } | null;
  updated_at: string;
}

interface AgentExecution {
  id: string;
  stream_id: string;
  agent_id: string;
  status: string;
  started_at: string | null;
}

const cfg = benchCfg();
const supabase: SupabaseClient = createClient(cfg.url, cfg.anonKey);

// ------------------------------------------------------------------ RealtimeService (original names)

function statusOf(s: string): Status {
  if (s === 'SUBSCRIBED') return 'connected';
  if (s === 'CHANNEL_ERROR') return 'error';
  if (s === 'TIMED_OUT') return 'error';
  if (s === 'CLOSED') return 'disconnected';
  return 'connecting';
}

function subscribeToStreamProgress(streamId: string, callback: (row: StreamRow) => void, onStatus?: (s: Status, e?: Error) => void) {
  const channel: RealtimeChannel = supabase
    .channel(`stream:${streamId}:progress`)
    .on('postgres_changes', { event: '*', schema: 'public', table: 'streams', filter: `id=eq.${streamId}` }, (payload) => {
      if (payload.eventType !== 'DELETE') callback(payload.new as StreamRow);
    })
    .subscribe((status, err) => onStatus?.(statusOf(status), err));
  return { unsubscribe: () => void supabase.removeChannel(channel) };
}

function subscribeToAgentExecutions(
  streamId: string,
  callback: (eventType: string, row: AgentExecution, old: Partial<AgentExecution>) => void,
  onStatus?: (s: Status, e?: Error) => void,
) {
  const channel = supabase
    .channel(`stream:${streamId}:agents`)
    .on('postgres_changes', { event: '*', schema: 'public', table: 'agent_executions', filter: `stream_id=eq.${streamId}` }, (payload) =>
      callback(payload.eventType, payload.new as AgentExecution, payload.old as Partial<AgentExecution>),
    )
    .subscribe((status, err) => onStatus?.(statusOf(status), err));
  return { unsubscribe: () => void supabase.removeChannel(channel) };
}

// ------------------------------------------------------------------ hooks (hooks/use-realtime.ts)

function useStreamProgress(streamId: string) {
  const [progress, setProgress] = useState<StreamRow | null>(null);
  const [status, setStatus] = useState<Status>('connecting');
  const [error, setError] = useState<Error | null>(null);

  useEffect(() => {
    let cancelled = false;
    supabase
      .from('streams')
      .select('*')
      .eq('id', streamId)
      .single()
      .then(({ data, error: e }) => {
        if (cancelled) return;
        if (e) setError(new Error(e.message));
        // A change may have arrived before the select answered: keep the newer row.
        else if (data) setProgress((prev) => (prev && prev.updated_at > (data as StreamRow).updated_at ? prev : (data as StreamRow)));
      });
    const subscription = subscribeToStreamProgress(
      streamId,
      (row) => setProgress(row),
      (s, e) => {
        setStatus(s);
        if (e) setError(e);
      },
    );
    return () => {
      cancelled = true;
      subscription.unsubscribe();
    };
  }, [streamId]);

  return { progress, status, error, isConnected: status === 'connected' };
}

function useAgentExecutions(streamId: string) {
  const [executions, setExecutions] = useState<AgentExecution[]>([]);
  const [status, setStatus] = useState<Status>('connecting');

  useEffect(() => {
    let cancelled = false;
    supabase
      .from('agent_executions')
      .select('*')
      .eq('stream_id', streamId)
      .order('created_at', { ascending: false })
      .limit(50)
      .then(({ data }) => {
        if (!cancelled && data) setExecutions(data as AgentExecution[]);
      });
    const subscription = subscribeToAgentExecutions(
      streamId,
      (eventType, row, old) =>
        setExecutions((prev) => {
          if (eventType === 'DELETE') return prev.filter((x) => x.id !== old.id);
          const i = prev.findIndex((x) => x.id === row.id);
          if (i < 0) return [row, ...prev];
          const next = prev.slice();
          next[i] = row;
          return next;
        }),
      (s) => setStatus(s),
    );
    return () => {
      cancelled = true;
      subscription.unsubscribe();
    };
  }, [streamId]);

  const runningAgents = useMemo(() => executions.filter((x) => x.status === 'running'), [executions]);
  return { executions, runningAgents, status, isConnected: status === 'connected' };
}

/** Connection health for the page indicator (original: useConnectionHeartbeat(interval)). */
function useConnectionHeartbeat(intervalMs = 5_000): Status {
  const read = (): Status => {
    const s = supabase.realtime.connectionState();
    return s === 'open' ? 'connected' : s === 'closed' && !supabase.getChannels().length ? 'disconnected' : 'connecting';
  };
  const [status, setStatus] = useState<Status>('connecting');
  useEffect(() => {
    const first = setTimeout(() => setStatus(read()), 1000);
    const id = setInterval(() => setStatus(read()), intervalMs);
    return () => {
      clearTimeout(first);
      clearInterval(id);
    };
  }, [intervalMs]);
  return status;
}

// ------------------------------------------------------------------ components

const STATUS_TEXT: Record<Status, string> = { connected: 'Connected', connecting: 'Connecting', disconnected: 'Disconnected', error: 'Error' };

function ConnectionStatus({ status, showText = true }: { status: Status; showText?: boolean }) {
  return (
    <span className="conn" role="status">
      <span className={status === 'connected' ? 'dot animate-pulse' : 'dot'} data-status={status} />
      {showText ? STATUS_TEXT[status] : null}
    </span>
  );
}

/** "Updated N s ago", refreshed by its own interval (one per card, as in the original). */
function UpdatedAgo({ at }: { at: string | undefined }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(id);
  }, []);
  return <span className="updated">{updatedAgo(at ? Date.parse(at) : null, now)}</span>;
}

const StreamCard = memo(function StreamCard({ streamId }: { streamId: string }) {
  const { progress, isConnected, error } = useStreamProgress(streamId);
  const { runningAgents } = useAgentExecutions(streamId);

  if (error) return <div className="card" data-card={streamId}>Error: {error.message}</div>;
  if (!progress) return <div className="card" data-card={streamId}>Loading…</div>;

  const p = progress.current_progress ?? {};
  const pct = Math.max(0, Math.min(100, Number(p.percentage ?? 0)));
  const done = progress.goal_status === 'completed';
  return (
    <div className="card" data-card={streamId} data-live={isConnected ? '' : undefined} data-tone={done ? 'success' : 'info'}>
      <div className="card-header">
        <div className="card-title" title={progress.name}>
          {progress.name}
        </div>
        <div className="badges">
          <span className={done ? 'badge completed' : 'badge'}>{progress.goal_status.replace('_', ' ')}</span>
          {isConnected && (
            <span className="badge outline">
              <span className="dot animate-pulse" />
              Live
            </span>
          )}
        </div>
      </div>
      <div className="figures">
        <span className="value">{Math.round(pct)}%</span>
        {p.total != null && (
          <span className="muted">
            {p.completed ?? 0} of {p.total}
          </span>
        )}
      </div>
      <div className="track" role="progressbar" aria-valuenow={pct} aria-valuemin={0} aria-valuemax={100}>
        <div className="indicator" style={{ width: `${pct}%` }} />
      </div>
      <div className="meta">
        <span className="agents" data-running={runningAgents.length > 0 ? '' : undefined}>
          {runningAgents.length === 1 ? '1 running agent' : `${runningAgents.length} running agents`}
        </span>
        <UpdatedAgo at={progress.updated_at} />
      </div>
    </div>
  );
});

function LiveMonitoringDashboard({ streamIds }: { streamIds: string[] }) {
  const status = useConnectionHeartbeat();
  return (
    <div className="page">
      <div className="page-header">
        <h1>Streams</h1>
        <ConnectionStatus status={status} />
      </div>
      <div className="grid">
        {streamIds.map((id) => (
          <StreamCard key={id} streamId={id} />
        ))}
      </div>
    </div>
  );
}

async function main() {
  const { error } = await supabase.auth.signInWithPassword({ email: cfg.email, password: cfg.password });
  if (error) throw new Error(`sign-in failed: ${error.message}`);
  createRoot(document.getElementById('root')!).render(<LiveMonitoringDashboard streamIds={cfg.streamIds} />);
  window.__benchReactReady = true;
}

void main();
