/**
 * rt-monitor for React: every element wrapped with `@lit/react`, with typed props and events.
 *
 * ```tsx
 * import { RtProvider, RtStreamProgress, RtSignalAlerts } from 'rt-monitor/react';
 *
 * <RtProvider client={supabase}>
 *   <RtStreamProgress streamId={id} onRtProgressComplete={(e) => toast(e.detail.label)} />
 *   <RtSignalAlerts userId={user.id} onRtAlert={(e) => console.log(e.detail.alert)} />
 * </RtProvider>
 * ```
 *
 * Properties are set as element properties (objects and functions too, e.g. `client`,
 * `accessToken`); `onRt…` props listen to the element's `rt-…` events. Importing this module
 * registers the elements.
 */
import * as React from 'react';
import { createComponent, type EventName } from '@lit/react';
import type { RtAlertEvent, RtErrorEvent, RtNotificationEvent, RtProgressCompleteEvent, RtStatusChangeEvent } from '../events.js';
import { RtProvider as RtProviderElement } from '../elements/rt-provider/rt-provider.js';
import { RtConnectionStatus as RtConnectionStatusElement } from '../elements/rt-connection-status/rt-connection-status.js';
import { RtMultiConnectionStatus as RtMultiConnectionStatusElement } from '../elements/rt-multi-connection-status/rt-multi-connection-status.js';
import { RtProgress as RtProgressElement } from '../elements/rt-progress/rt-progress.js';
import { RtStreamProgress as RtStreamProgressElement } from '../elements/rt-stream-progress/rt-stream-progress.js';
import { RtStreamCard as RtStreamCardElement } from '../elements/rt-stream-card/rt-stream-card.js';
import { RtScanProgress as RtScanProgressElement } from '../elements/rt-scan-progress/rt-scan-progress.js';
import { RtAgentExecutions as RtAgentExecutionsElement } from '../elements/rt-agent-executions/rt-agent-executions.js';
import { RtSignalAlerts as RtSignalAlertsElement } from '../elements/rt-signal-alerts/rt-signal-alerts.js';
import { RtNotifications as RtNotificationsElement } from '../elements/rt-notifications/rt-notifications.js';
import { RtMonitoringDashboard as RtMonitoringDashboardElement } from '../elements/rt-monitoring-dashboard/rt-monitoring-dashboard.js';
import { RtDiagnostics as RtDiagnosticsElement } from '../elements/rt-diagnostics/rt-diagnostics.js';

// React event prop → DOM event name, typed with the event's class.
const onRtStatusChange = 'rt-status-change' as EventName<RtStatusChangeEvent>;
const onRtAlert = 'rt-alert' as EventName<RtAlertEvent>;
const onRtNotification = 'rt-notification' as EventName<RtNotificationEvent>;
const onRtProgressComplete = 'rt-progress-complete' as EventName<RtProgressCompleteEvent>;
const onRtError = 'rt-error' as EventName<RtErrorEvent>;

/** Every rt-monitor event (containers hear their children's: the events bubble and are composed). */
const allEvents = { onRtStatusChange, onRtAlert, onRtNotification, onRtProgressComplete, onRtError };

/** `<rt-provider>`: one client, locale and theme for the elements inside. Hears every child event. */
export const RtProvider = createComponent({ react: React, tagName: 'rt-provider', elementClass: RtProviderElement, events: allEvents, displayName: 'RtProvider' });

export const RtConnectionStatus = createComponent({
  react: React, tagName: 'rt-connection-status', elementClass: RtConnectionStatusElement, events: { onRtStatusChange, onRtError }, displayName: 'RtConnectionStatus',
});

export const RtMultiConnectionStatus = createComponent({
  react: React, tagName: 'rt-multi-connection-status', elementClass: RtMultiConnectionStatusElement, events: { onRtStatusChange }, displayName: 'RtMultiConnectionStatus',
});

export const RtProgress = createComponent({
  react: React, tagName: 'rt-progress', elementClass: RtProgressElement, events: { onRtProgressComplete }, displayName: 'RtProgress',
});

export const RtStreamProgress = createComponent({
  react: React, tagName: 'rt-stream-progress', elementClass: RtStreamProgressElement, events: { onRtProgressComplete, onRtError }, displayName: 'RtStreamProgress',
});

export const RtStreamCard = createComponent({
  react: React, tagName: 'rt-stream-card', elementClass: RtStreamCardElement, events: { onRtProgressComplete, onRtError }, displayName: 'RtStreamCard',
});

export const RtScanProgress = createComponent({
  react: React, tagName: 'rt-scan-progress', elementClass: RtScanProgressElement, events: { onRtProgressComplete, onRtError }, displayName: 'RtScanProgress',
});

export const RtAgentExecutions = createComponent({
  react: React, tagName: 'rt-agent-executions', elementClass: RtAgentExecutionsElement, events: { onRtError }, displayName: 'RtAgentExecutions',
});

export const RtSignalAlerts = createComponent({
  react: React, tagName: 'rt-signal-alerts', elementClass: RtSignalAlertsElement, events: { onRtAlert, onRtError }, displayName: 'RtSignalAlerts',
});

export const RtNotifications = createComponent({
  react: React, tagName: 'rt-notifications', elementClass: RtNotificationsElement, events: { onRtNotification, onRtError }, displayName: 'RtNotifications',
});

/** The dashboard contains the other elements: it hears all their events. */
export const RtMonitoringDashboard = createComponent({
  react: React, tagName: 'rt-monitoring-dashboard', elementClass: RtMonitoringDashboardElement, events: allEvents, displayName: 'RtMonitoringDashboard',
});

export const RtDiagnostics = createComponent({
  react: React, tagName: 'rt-diagnostics', elementClass: RtDiagnosticsElement, events: { onRtError }, displayName: 'RtDiagnostics',
});

/** Which DOM events each wrapper exposes (as `onRt…` props); checked against custom-elements.json in the tests. */
export const wrapperEvents: Readonly<Record<string, readonly string[]>> = {
  'rt-provider': Object.values(allEvents),
  'rt-connection-status': [onRtStatusChange, onRtError],
  'rt-multi-connection-status': [onRtStatusChange],
  'rt-progress': [onRtProgressComplete],
  'rt-stream-progress': [onRtProgressComplete, onRtError],
  'rt-stream-card': [onRtProgressComplete, onRtError],
  'rt-scan-progress': [onRtProgressComplete, onRtError],
  'rt-agent-executions': [onRtError],
  'rt-signal-alerts': [onRtAlert, onRtError],
  'rt-notifications': [onRtNotification, onRtError],
  'rt-monitoring-dashboard': Object.values(allEvents),
  'rt-diagnostics': [onRtError],
};

export type { RtAlertEvent, RtErrorEvent, RtNotificationEvent, RtProgressCompleteEvent, RtStatusChangeEvent } from '../events.js';
export type {
  RtProviderElement, RtConnectionStatusElement, RtMultiConnectionStatusElement, RtProgressElement, RtStreamProgressElement, RtStreamCardElement,
  RtScanProgressElement, RtAgentExecutionsElement, RtSignalAlertsElement, RtNotificationsElement, RtMonitoringDashboardElement, RtDiagnosticsElement,
};
