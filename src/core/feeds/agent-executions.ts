/** Feed over `agent_executions`: all executions of a stream (running ones are derived). */
import { ACTIVE_STATUSES, TERMINAL_STATUSES } from '../vocabulary.js';
import type { AgentExecution } from '../types.js';
import { defineFeed } from './feed.js';

export const EXECUTIONS_TABLE = 'agent_executions' as const;
export type ExecutionRow = AgentExecution;

export const agentExecutionsFeed = defineFeed<AgentExecution, { streamId: string; limit?: number }>({
  name: 'agent-executions',
  table: EXECUTIONS_TABLE,
  kind: 'list',
  filters: [{ column: 'stream_id', param: 'streamId', what: 'stream id', parent: 'streams' }],
  limit: 100,
  terminal: { column: 'status', values: TERMINAL_STATUSES },
  pinned: { column: 'status', values: ACTIVE_STATUSES },
  label: (v) => `agents:${v.stream_id}`,
});

/** The executions currently running (the original hook's `runningAgents`). */
export function runningAgents(executions: readonly AgentExecution[]): AgentExecution[] {
  return executions.filter((e) => e.status === 'running');
}
