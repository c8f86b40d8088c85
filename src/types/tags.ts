/**
 * Type-level description of every rt-monitor tag: the element class and the events it fires
 * (containers also hear their children's events, which bubble and are composed). Used by the
 * JSX and Vue declarations in this folder.
 */
import type { LitElement } from 'lit';
import type { RtAlertEvent, RtErrorEvent, RtNotificationEvent, RtProgressCompleteEvent, RtStatusChangeEvent } from '../events.js';
import type { RtElement } from '../internal/rt-element.js';
import type { RtProvider } from '../elements/rt-provider/rt-provider.js';
import type { RtConnectionStatus } from '../elements/rt-connection-status/rt-connection-status.js';
import type { RtMultiConnectionStatus } from '../elements/rt-multi-connection-status/rt-multi-connection-status.js';
import type { RtProgress } from '../elements/rt-progress/rt-progress.js';
import type { RtStreamProgress } from '../elements/rt-stream-progress/rt-stream-progress.js';
import type { RtStreamCard } from '../elements/rt-stream-card/rt-stream-card.js';
import type { RtScanProgress } from '../elements/rt-scan-progress/rt-scan-progress.js';
import type { RtAgentExecutions } from '../elements/rt-agent-executions/rt-agent-executions.js';
import type { RtSignalAlerts } from '../elements/rt-signal-alerts/rt-signal-alerts.js';
import type { RtNotifications } from '../elements/rt-notifications/rt-notifications.js';
import type { RtMonitoringDashboard } from '../elements/rt-monitoring-dashboard/rt-monitoring-dashboard.js';
import type { RtDiagnostics } from '../elements/rt-diagnostics/rt-diagnostics.js';

interface AllEvents {
  'rt-status-change': RtStatusChangeEvent;
  'rt-alert': RtAlertEvent;
  'rt-notification': RtNotificationEvent;
  'rt-progress-complete': RtProgressCompleteEvent;
  'rt-error': RtErrorEvent;
}

/** Tag → [element class, events it fires]. */
export interface RtTags {
  'rt-provider': [RtProvider, AllEvents];
  'rt-connection-status': [RtConnectionStatus, Pick<AllEvents, 'rt-status-change' | 'rt-error'>];
  'rt-multi-connection-status': [RtMultiConnectionStatus, Pick<AllEvents, 'rt-status-change'>];
  'rt-progress': [RtProgress, Pick<AllEvents, 'rt-progress-complete'>];
  'rt-stream-progress': [RtStreamProgress, Pick<AllEvents, 'rt-progress-complete' | 'rt-error'>];
  'rt-stream-card': [RtStreamCard, Pick<AllEvents, 'rt-progress-complete' | 'rt-error'>];
  'rt-scan-progress': [RtScanProgress, Pick<AllEvents, 'rt-progress-complete' | 'rt-error'>];
  'rt-agent-executions': [RtAgentExecutions, Pick<AllEvents, 'rt-error'>];
  'rt-signal-alerts': [RtSignalAlerts, Pick<AllEvents, 'rt-alert' | 'rt-error'>];
  'rt-notifications': [RtNotifications, Pick<AllEvents, 'rt-notification' | 'rt-error'>];
  'rt-monitoring-dashboard': [RtMonitoringDashboard, AllEvents];
  'rt-diagnostics': [RtDiagnostics, Pick<AllEvents, 'rt-error'>];
}

export type RtTagName = keyof RtTags;

/** The settable data properties of an element: its own fields (no methods, no Lit internals) plus locale/theme. */
export type RtElementProps<E> = {
  [K in keyof E as K extends keyof LitElement ? never : E[K] extends (...args: never[]) => unknown ? never : K]?: E[K];
} & (E extends RtElement ? { locale?: string; theme?: RtElement['theme'] } : unknown);

type Camel<S extends string> = S extends `${infer A}-${infer B}` ? `${Capitalize<A>}${Camel<B>}` : Capitalize<S>;

/** `{ 'rt-alert': RtAlertEvent }` → `{ onRtAlert?: (e: RtAlertEvent) => void }` (Vue's and the React wrappers' spelling). */
export type RtEventProps<Ev> = { [K in keyof Ev & string as `on${Camel<K>}`]?: (event: Ev[K]) => void };

/** Any kebab-case attribute, e.g. `stream-id="…"`, `max-items="5"`. */
export type RtAttributes = { [attribute: `${string}-${string}`]: string | number | boolean | null | undefined };
