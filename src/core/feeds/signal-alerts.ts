/** Feed over `signal_alerts`: a user's newest alerts (default 50); unread count over all rows (`countWhere`). */
import type { SignalAlert } from '../types.js';
import { defineFeed } from './feed.js';

export const ALERTS_TABLE = 'signal_alerts' as const;
export type AlertRow = SignalAlert;

export const signalAlertsFeed = defineFeed<SignalAlert, { userId?: string | null; limit?: number }>({
  name: 'signal-alerts',
  table: ALERTS_TABLE,
  kind: 'list',
  filters: [{ column: 'user_id', param: 'userId', fallback: 'user' }],
  // The unread count over all of the user's rows, not only the `limit` held.
  counted: { column: 'read', value: 'false' },
  label: (v) => `signals:${v.user_id}`,
});

/**
 * Unread rows among `rows`. The stores keep the true count (`state.unreadCount`, over all of the
 * user's rows); this is the fallback for a transport without counts.
 */
export function unreadCount(rows: readonly { read: boolean }[]): number {
  let n = 0;
  for (const r of rows) if (!r.read) n++;
  return n;
}
