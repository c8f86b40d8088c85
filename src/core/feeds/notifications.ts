/** Feed over `notifications`: a user's newest notifications (default 50); unread count over all rows. */
import type { Notification } from '../types.js';
import { defineFeed } from './feed.js';

export const NOTIFICATIONS_TABLE = 'notifications' as const;
export type NotificationRow = Notification;

export const notificationsFeed = defineFeed<Notification, { userId?: string | null; limit?: number }>({
  name: 'notifications',
  table: NOTIFICATIONS_TABLE,
  kind: 'list',
  filters: [{ column: 'user_id', param: 'userId', fallback: 'user' }],
  // The unread count over all of the user's rows, not only the `limit` held.
  counted: { column: 'read', value: 'false' },
  label: (v) => `notifications:${v.user_id}`,
});
