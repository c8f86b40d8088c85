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
  constructor(host: RtHost, streamId: () => Maybe<string>) {
    super(host, 'agent-executions', () => ({ streamId: streamId() ?? '' }));
  }
  get executions(): AgentExecution[] {
    return this.data;
  }
  /** Executions with status 'running'. */
  get runningAgents(): AgentExecution[] {
    return runningAgents(this.data);
  }
}

export interface UserFeedOptions {
  userId?: string | null;
  limit?: number;
}

export class SignalAlertsController extends LiveQueryController<'signal-alerts'> {
  constructor(host: RtHost, options: () => Maybe<UserFeedOptions> = () => ({})) {
    super(host, 'signal-alerts', () => {
      const o = options() ?? {};
      return { userId: o.userId ?? null, limit: o.limit };
    });
    this.#options = options;
  }
  readonly #options: () => Maybe<UserFeedOptions>;
  get alerts(): SignalAlert[] {
    return this.data;
  }
  /** The user's unread alerts in the database (not only the `limit` held), kept live. */
  get unreadCount(): number {
    return this.state.unreadCount ?? unreadCount(this.data);
  }
  /** Mark one alert read (optimistic, rolled back on error). Resolves to null or the error. */
  markAsRead(id: string): Promise<RtError | null> {
    return this.client ? this.client.markAsRead('signal_alerts', id) : Promise.resolve(NOT_CONFIGURED);
  }
  /** Mark all of the user's alerts read (optimistic). */
  markAllAsRead(): Promise<RtError | null> {
    return this.client ? this.client.markAllAsRead('signal_alerts', this.#options()?.userId ?? null) : Promise.resolve(NOT_CONFIGURED);
  }
}

export class NotificationsController extends LiveQueryController<'notifications'> {
  constructor(host: RtHost, options: () => Maybe<UserFeedOptions> = () => ({})) {
    super(host, 'notifications', () => {
      const o = options() ?? {};
      return { userId: o.userId ?? null, limit: o.limit };
    });
    this.#options = options;
  }
  readonly #options: () => Maybe<UserFeedOptions>;
  get notifications(): Notification[] {
    return this.data;
  }
  /** The user's unread notifications in the database (not only the `limit` held), kept live. */
  get unreadCount(): number {
    return this.state.unreadCount ?? unreadCount(this.data);
  }
  markAsRead(id: string): Promise<RtError | null> {
    return this.client ? this.client.markAsRead('notifications', id) : Promise.resolve(NOT_CONFIGURED);
  }
  markAllAsRead(): Promise<RtError | null> {
    return this.client ? this.client.markAllAsRead('notifications', this.#options()?.userId ?? null) : Promise.resolve(NOT_CONFIGURED);
  }
}
