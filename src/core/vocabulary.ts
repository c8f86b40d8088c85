/**
 * The status vocabularies, declared once. Types (src/core/types.ts), feeds (terminal rows are
 * never coalesced away) and elements (tone, icon, wording: src/internal/status.ts) derive from
 * these lists.
 */

/** The connection status of a client, a channel or a live query. */
export const CONNECTION_STATUSES = ['connected', 'connecting', 'disconnected', 'error'] as const;
/** `streams.goal_status`. */
export const GOAL_STATUSES = ['pending', 'in_progress', 'paused', 'completed', 'failed'] as const;
/** `acquisition_scans.status` and `agent_executions.status`. */
export const RUN_STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;
/** `signal_alerts.priority`. */
export const PRIORITIES = ['low', 'medium', 'high', 'critical'] as const;
/** `notifications.type`. */
export const NOTIFICATION_TYPES = ['info', 'success', 'warning', 'error'] as const;

/** Statuses after which a stream, scan or run changes no more (announced, never coalesced away). */
export const TERMINAL_STATUSES = ['completed', 'failed', 'cancelled'] as const;
/** Statuses of work under way. */
export const ACTIVE_STATUSES = ['in_progress', 'running'] as const;

export type ConnectionStatus = (typeof CONNECTION_STATUSES)[number];
export type GoalStatus = (typeof GOAL_STATUSES)[number];
export type RunStatus = (typeof RUN_STATUSES)[number];
export type Priority = (typeof PRIORITIES)[number];
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];
export type TerminalStatus = (typeof TERMINAL_STATUSES)[number];

const terminal: ReadonlySet<string> = new Set(TERMINAL_STATUSES);
const active: ReadonlySet<string> = new Set(ACTIVE_STATUSES);

/** Whether a goal / run status is terminal (completed, failed, cancelled). */
export function isTerminalStatus(status: unknown): status is TerminalStatus {
  return typeof status === 'string' && terminal.has(status);
}

/** Whether a goal / run status is work under way (in_progress, running). */
export function isActiveStatus(status: unknown): boolean {
  return typeof status === 'string' && active.has(status);
}
