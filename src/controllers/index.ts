export { ClientController, NOT_CONFIGURED, type RtHost } from './client-controller.js';
export { LiveQueryController } from './live-query-controller.js';
export {
  StreamProgressController,
  AllStreamsController,
  ScanProgressController,
  UserScansController,
  AgentExecutionsController,
  SignalAlertsController,
  NotificationsController,
  UserFeedController,
  type UserFeedOptions,
} from './feed-controllers.js';
export { ConnectionController, HeartbeatController } from './connection-controller.js';
