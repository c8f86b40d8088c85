/**
 * A client that can only say what is wrong: every live query is in the `error` phase with the
 * given error, and the connection status is `error`. Used where a page handed us its
 * configuration in a form we cannot use (e.g. `client="[object Object]"`), so widgets explain
 * that cause instead of "no client was provided".
 *
 * Framework-free: no Lit, no DOM.
 */
import { feedOf, type DataFor, type FeedRef, type ParamsFor, type LiveQuery, type RtClientApi } from './client-types.js';
import type { ConnectionDetail, LiveQueryState, RtError } from './types.js';

export function createFailedClient(error: RtError): RtClientApi {
  const detail: ConnectionDetail = {
    status: 'error', attempt: 0, nextRetryAt: null, latencyMs: null, lastHeartbeatAt: null,
    lastError: error, staleSince: null, tokenExpiresAt: null,
  };
  return {
    getConnection: () => detail,
    onConnection: () => () => {},
    getActiveSubscriptions: () => [],
    onSubscriptionsChange: () => () => {},
    getUserId: async () => null,
    getOrgId: async () => null,
    liveQuery<F extends FeedRef>(feed: F, _params: ParamsFor<F>): LiveQuery<DataFor<F>> {
      const kind = feedOf(feed)?.kind ?? 'list';
      const state = {
        phase: 'error', data: kind === 'list' ? [] : null, error, status: 'error', updatedAt: null,
      } as unknown as LiveQueryState<DataFor<F>>;
      return { key: `failed|${String(feed)}`, getState: () => state, subscribe: () => () => {}, refresh() {} };
    },
    markAsRead: async () => error,
    markAllAsRead: async () => error,
    reconnect() {},
    dispose() {},
  };
}
