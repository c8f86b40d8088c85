/** Feed over `signal_alerts`: a user's newest alerts (default 50); unread count derived. */
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
      },
    };
  },
};

/** Unread rows among those held (the list is bounded: at most `limit`). */
export function unreadCount(rows: readonly { read: boolean }[]): number {
  let n = 0;
  for (const r of rows) if (!r.read) n++;
  return n;
}
