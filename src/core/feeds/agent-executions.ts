/** Feed over `agent_executions`: all executions of a stream (running ones are derived). */
import { isTerminalStatus } from '../vocabulary.js';
import type { AgentExecution } from '../types.js';
import { isRtError } from '../errors.js';
import { clampLimit, requireId, type FeedDef } from './feed.js';

export const EXECUTIONS_TABLE = 'agent_executions' as const;
export type ExecutionRow = AgentExecution;

export const agentExecutionsFeed: FeedDef<'agent-executions', AgentExecution> = {
  feed: 'agent-executions',
  table: EXECUTIONS_TABLE,
  kind: 'list',
  key: (p) => `agent-executions|${p.streamId}|${clampLimit(p.limit, 100)}`,
  async resolve(p) {
    const id = requireId(p.streamId, 'stream id');
    if (isRtError(id)) return id;
    return {
      name: `agents:${id}`,
      query: {
        table: EXECUTIONS_TABLE,
        eq: [['stream_id', id]],
        order: { column: 'created_at', ascending: false },
        limit: clampLimit(p.limit, 100),
      },
    };
  },
  isTerminal: (row) => isTerminalStatus(row.status),
};

/** The executions currently running (the original hook's `runningAgents`). */
export function runningAgents(executions: readonly AgentExecution[]): AgentExecution[] {
  return executions.filter((e) => e.status === 'running');
}
