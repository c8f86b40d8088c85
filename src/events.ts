/**
 * Typed events fired by rt-monitor elements. All bubble and are composed, so a
 * page can listen on `document` without any framework:
 *
 * ```js
 * document.addEventListener('rt-alert', (e) => console.log(e.detail.alert.business_name));
 * ```
 */
import type {
  AcquisitionScan,
  ConnectionDetail,
  ConnectionStatus,
  Notification,
  RtError,
  SignalAlert,
  Stream,
} from './core/types.js';
import type { RtClientApi } from './core/client-types.js';

export interface RtStatusChangeDetail {
  status: ConnectionStatus;
  /** The status shown before, or null on the first change observed. */
  previous: ConnectionStatus | null;
  detail: ConnectionDetail | null;
}

export interface RtAlertDetail {
  alert: SignalAlert;
  /** True for `priority: 'critical'` (announced assertively). */
  critical: boolean;
}

export interface RtNotificationDetail {
  notification: Notification;
}

export interface RtProgressCompleteDetail {
  /** Which element or record completed. */
  kind: 'progress' | 'stream' | 'scan';
  id: string | null;
  label: string;
  /** The row, for data-bound elements. */
  record?: Stream | AcquisitionScan;
}

export interface RtErrorDetail {
  error: RtError;
  /** What the element was loading, e.g. `streams`, `connection`. */
  source: string;
}

/**
 * `rt-session-expired`: the access token expired, or the server rejected it (a token of another
 * project), and the client cannot renew it by itself (a fixed token, or a callback that gave no
 * fresh one). Fired once per token on the `<rt-provider>` that owns the client, or on `window` for
 * the page default client (script tag / `RtMonitor.configure`). Answer with
 * `detail.setAccessToken(token)`: parked channels rejoin and widgets re-read, without a reload.
 */
export interface RtSessionExpiredDetail {
  /**
   * Why: `code: 'session-expired'` (expired), or `code: 'unauthorized'` with `detail:
   * 'token-rejected'` (rejected while its `exp` is ahead), with a message naming the cause.
   */
  error: RtError;
  /** The client whose session expired. */
  client: RtClientApi;
  /** Hand over a new access token (of the same or another user). */
  setAccessToken(token: string): void;
}

export interface RtEventDetailMap {
  'rt-session-expired': RtSessionExpiredDetail;
  'rt-status-change': RtStatusChangeDetail;
  'rt-alert': RtAlertDetail;
  'rt-notification': RtNotificationDetail;
  'rt-progress-complete': RtProgressCompleteDetail;
  'rt-error': RtErrorDetail;
}

export type RtEventName = keyof RtEventDetailMap;

/** Base of every rt-monitor event: bubbles, composed, cancelable only when asked. */
export class RtEvent<K extends RtEventName> extends CustomEvent<RtEventDetailMap[K]> {
  constructor(type: K, detail: RtEventDetailMap[K], init: Omit<CustomEventInit, 'detail'> = {}) {
    super(type, { bubbles: true, composed: true, cancelable: false, ...init, detail });
  }
}

export type RtStatusChangeEvent = RtEvent<'rt-status-change'>;
export type RtAlertEvent = RtEvent<'rt-alert'>;
export type RtNotificationEvent = RtEvent<'rt-notification'>;
export type RtProgressCompleteEvent = RtEvent<'rt-progress-complete'>;
export type RtErrorEvent = RtEvent<'rt-error'>;
export type RtSessionExpiredEvent = RtEvent<'rt-session-expired'>;

/** Event name → event, for every name of {@link RtEventDetailMap} (the one list of events). */
export type RtEventMap = { [K in RtEventName]: RtEvent<K> };

declare global {
  interface GlobalEventHandlersEventMap extends RtEventMap {}
  interface HTMLElementEventMap extends RtEventMap {}
}
