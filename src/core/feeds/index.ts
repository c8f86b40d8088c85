/** All feeds by name. */
import { orgStreamsFeed, streamFeed } from './streams.js';
import { scanFeed, userScansFeed } from './acquisition-scans.js';
import { agentExecutionsFeed } from './agent-executions.js';
import { signalAlertsFeed } from './signal-alerts.js';
import { notificationsFeed } from './notifications.js';

/** The built-in feeds by name; `FeedName`, `FeedParams` and `FeedData` are derived from it. */
export const FEEDS = {
  stream: streamFeed,
  'org-streams': orgStreamsFeed,
  scan: scanFeed,
  'user-scans': userScansFeed,
  'agent-executions': agentExecutionsFeed,
  'signal-alerts': signalAlertsFeed,
  notifications: notificationsFeed,
} as const;

export * from './feed.js';
export { streamFeed, orgStreamsFeed } from './streams.js';
export { scanFeed, userScansFeed } from './acquisition-scans.js';
export { agentExecutionsFeed, runningAgents } from './agent-executions.js';
export { signalAlertsFeed, unreadCount } from './signal-alerts.js';
export { notificationsFeed } from './notifications.js';

/** The realtime filter of a query: its first equality, `col=eq.value`. */
export function realtimeFilter(eq: ReadonlyArray<readonly [string, string]>): string | null {
  const first = eq[0];
  return first ? `${first[0]}=eq.${first[1]}` : null;
}
