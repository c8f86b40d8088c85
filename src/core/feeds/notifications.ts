/** Feed over `notifications`: a user's newest notifications (default 50); unread count over all rows (`countWhere`). */
import type { Notification } from '../types.js';
import { isRtError } from '../errors.js';
import { clampLimit, DEFAULT_LIST_LIMIT, resolveUser, type FeedDef } from './feed.js';

export const NOTIFICATIONS_TABLE = 'notifications' as const;
export type NotificationRow = Notification;

export const notificationsFeed: FeedDef<'notifications', Notification> = {
  feed: 'notifications',
  table: NOTIFICATIONS_TABLE,
  kind: 'list',
  key: (p) => `notifications|${p.userId ?? '@me'}|${clampLimit(p.limit, DEFAULT_LIST_LIMIT)}`,
  async resolve(p, ctx) {
    const user = await resolveUser(p.userId, ctx);
    if (isRtError(user)) return user;
    return {
      name: `notifications:${user}`,
      query: {
        table: NOTIFICATIONS_TABLE,
        eq: [['user_id', user]],
        order: { column: 'created_at', ascending: false },
        limit: clampLimit(p.limit, DEFAULT_LIST_LIMIT),
        // The unread count over all of the user's rows, not only the `limit` held.
        countWhere: [['read', 'false']],
      },
    };
  },
};
