/**
 * Named controllers, one per original hook:
 *
 * | original hook                      | controller                                            |
 * |------------------------------------|-------------------------------------------------------|
 * | useStreamProgress(streamId)        | new StreamProgressController(this, () => this.streamId) → .progress |
 * | useAllStreamsProgress(orgId)       | new AllStreamsController(this, () => this.orgId)       → .streams  |
 * | useScanProgress(scanId)            | new ScanProgressController(this, () => this.scanId)    → .progress |
 * | (user's scans)                     | new UserScansController(this, () => this.userId)       → .scans    |
 * | useAgentExecutions(streamId)       | new AgentExecutionsController(this, () => this.streamId) → .executions, .runningAgents |
 * | useSignalAlerts(userId)            | new SignalAlertsController(this, () => ({ userId, limit })) → .alerts, .unreadCount, markAsRead(id), markAllAsRead() |
 * | useRealtimeNotifications(userId)   | new NotificationsController(this, () => ({ userId, limit })) → .notifications, .unreadCount, … |
 *
 * Every one also has `.state`, `.phase`, `.status`, `.error`, `.isConnected`, `.client`.
 */
import type { AcquisitionScan, AgentExecution, Notification, RtError, SignalAlert, Stream } from '../core/types.js';
import { runningAgents } from '../core/feeds/agent-executions.js';
import { unreadCount } from '../core/feeds/signal-alerts.js';
import type { ParamsFor } from '../core/client-types.js';
import { LiveQueryController } from './live-query-controller.js';
import { NOT_CONFIGURED, type RtHost } from './client-controller.js';

type Maybe<T> = T | null | undefined;

export class StreamProgressController extends LiveQueryController<'stream'> {
  constructor(host: RtHost, streamId: () => Maybe<string>) {
    super(host, 'stream', () => ({ streamId: streamId() ?? '' }));
  }
  /** The stream row (progress in `current_progress`), or null while loading / not found. */
  get progress(): Stream | null {
    return this.data;
  }
}

export class AllStreamsController extends LiveQueryController<'org-streams'> {
  constructor(host: RtHost, orgId: () => Maybe<string> = () => null, limit: () => Maybe<number> = () => undefined) {
    super(host, 'org-streams', () => ({ orgId: orgId() ?? null, limit: limit() ?? undefined }));
  }
  get streams(): Stream[] {
    return this.data;
  }
}

export class ScanProgressController extends LiveQueryController<'scan'> {
  constructor(host: RtHost, scanId: () => Maybe<string>) {
    super(host, 'scan', () => ({ scanId: scanId() ?? '' }));
  }
  get progress(): AcquisitionScan | null {
    return this.data;
  }
}

export class UserScansController extends LiveQueryController<'user-scans'> {
  constructor(host: RtHost, userId: () => Maybe<string> = () => null, limit: () => Maybe<number> = () => undefined) {
    super(host, 'user-scans', () => ({ userId: userId() ?? null, limit: limit() ?? undefined }));
  }
  get scans(): AcquisitionScan[] {
    return this.data;
  }
}

export class AgentExecutionsController extends LiveQueryController<'agent-executions'> {
  /** @param limit the newest runs held (default 100, at most 1000); running ones are held beyond it */
  constructor(host: RtHost, streamId: () => Maybe<string>, limit: () => Maybe<number> = () => undefined) {
    super(host, 'agent-executions', () => ({ streamId: streamId() ?? '', limit: limit() ?? undefined }));
  }
  get executions(): AgentExecution[] {
    return this.data;
  }
  /** Executions with status 'running' (all of them unless `state.more` is `'pinned'`: then at least these). */
  get runningAgents(): AgentExecution[] {
    return runningAgents(this.data);
  }
}

export interface UserFeedOptions {
  userId?: string | null;
  limit?: number;
}

/**
 * A user's read/unread feed (signal alerts, notifications): the newest `limit` rows, the live unread
 * count and mark-as-read. `options()` is read on every update (`userId` defaults to the signed-in user).
 */
export class UserFeedController<F extends 'signal-alerts' | 'notifications'> extends LiveQueryController<F> {
  readonly #table: 'signal_alerts' | 'notifications';
  readonly #options: () => Maybe<UserFeedOptions>;
  /** New rows fire events (`rt-alert`, `rt-notification`): every one is kept for {@link takeInserted}. */
  protected override readonly collectsInserted = true;
  constructor(host: RtHost, feed: F, table: 'signal_alerts' | 'notifications', options: () => Maybe<UserFeedOptions>) {
    super(host, feed, () => {
      const o = options() ?? {};
      return { userId: o.userId ?? null, limit: o.limit } as ParamsFor<F>;
    });
    this.#table = table;
    this.#options = options;
  }
  /** The user's unread rows in the database (not only the `limit` held), kept live. */
  get unreadCount(): number {
    return this.state.unreadCount ?? unreadCount(this.data as Array<{ read: boolean }>);
  }
  /** Mark one row read (optimistic, rolled back on error). Resolves to null or the error. */
  markAsRead(id: string): Promise<RtError | null> {
    return this.client ? this.client.markAsRead(this.#table, id) : Promise.resolve(NOT_CONFIGURED);
  }
  /** Mark all of the user's rows read (optimistic, rolled back on error). Resolves to null or the error. */
  markAllAsRead(): Promise<RtError | null> {
    return this.client ? this.client.markAllAsRead(this.#table, this.#options()?.userId ?? null) : Promise.resolve(NOT_CONFIGURED);
  }
}

export class SignalAlertsController extends UserFeedController<'signal-alerts'> {
  constructor(host: RtHost, options: () => Maybe<UserFeedOptions> = () => ({})) {
    super(host, 'signal-alerts', 'signal_alerts', options);
  }
  /** The newest alerts, as the original `useSignalAlerts` hook's `alerts`. */
  get alerts(): SignalAlert[] {
    return this.data;
  }
}

export class NotificationsController extends UserFeedController<'notifications'> {
  constructor(host: RtHost, options: () => Maybe<UserFeedOptions> = () => ({})) {
    super(host, 'notifications', 'notifications', options);
  }
  /** The newest notifications, as the original `useRealtimeNotifications` hook's `notifications`. */
  get notifications(): Notification[] {
    return this.data;
  }
}
