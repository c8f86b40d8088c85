/** Feed over `signal_alerts`: a user's newest alerts (default 50); unread count over all rows (`countWhere`). */
import type { SignalAlert } from '../types.js';
import { isRtError } from '../errors.js';
import { clampLimit, DEFAULT_LIST_LIMIT, resolveUser, type FeedDef } from './feed.js';

export const ALERTS_TABLE = 'signal_alerts' as const;
export type AlertRow = SignalAlert;

export const signalAlertsFeed: FeedDef<'signal-alerts', SignalAlert> = {
  feed: 'signal-alerts',
  table: ALERTS_TABLE,
  kind: 'list',
  key: (p) => `signal-alerts|${p.userId ?? '@me'}|${clampLimit(p.limit, DEFAULT_LIST_LIMIT)}`,
  async resolve(p, ctx) {
    const user = await resolveUser(p.userId, ctx);
    if (isRtError(user)) return user;
    return {
      name: `signals:${user}`,
      query: {
        table: ALERTS_TABLE,
        eq: [['user_id', user]],
        order: { column: 'created_at', ascending: false },
        limit: clampLimit(p.limit, DEFAULT_LIST_LIMIT),
        // The unread count over all of the user's rows, not only the `limit` held.
        countWhere: [['read', 'false']],
      },
    };
  },
};

/**
 * Unread rows among `rows`. The stores keep the true count (`state.unreadCount`, over all of the
 * user's rows); this is the fallback for a transport without counts.
 */
export function unreadCount(rows: readonly { read: boolean }[]): number {
  let n = 0;
  for (const r of rows) if (!r.read) n++;
  return n;
}
