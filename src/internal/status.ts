/**
 * Status vocabularies: which values are known, their tone (colour family) and
 * icon. Anything not listed renders as "unknown" with a neutral tone.
 */
import type { ConnectionStatus, RtError } from '../core/types.js';
import type { Tone } from '../styles/tokens.js';
import type { IconName } from './icons.js';
import { knownOr } from './format.js';
import type { RtStrings } from './strings.js';

import { CONNECTION_STATUSES, GOAL_STATUSES, RUN_STATUSES, isActiveStatus, isTerminalStatus } from '../core/vocabulary.js';

export { CONNECTION_STATUSES, PRIORITIES, NOTIFICATION_TYPES } from '../core/vocabulary.js';
export const WORK_STATUSES = [...new Set([...GOAL_STATUSES, ...RUN_STATUSES])] as const;

export type WorkStatus = (typeof WORK_STATUSES)[number] | 'unknown';

export interface StatusLook {
  tone: Tone;
  icon: IconName;
  /** Spinning icon (active work); stills under reduced motion. */
  spin?: boolean;
}

export const connectionLook: Record<ConnectionStatus | 'unknown', StatusLook> = {
  connected: { tone: 'success', icon: 'check-circle' },
  connecting: { tone: 'warning', icon: 'loader', spin: true },
  disconnected: { tone: 'neutral', icon: 'circle-slash' },
  error: { tone: 'danger', icon: 'alert-triangle' },
  unknown: { tone: 'neutral', icon: 'help-circle' },
};

export const workLook: Record<string, StatusLook> = {
  pending: { tone: 'neutral', icon: 'circle-dashed' },
  queued: { tone: 'neutral', icon: 'circle-dashed' },
  in_progress: { tone: 'info', icon: 'loader', spin: true },
  running: { tone: 'info', icon: 'loader', spin: true },
  paused: { tone: 'warning', icon: 'pause-circle' },
  completed: { tone: 'success', icon: 'check-circle' },
  failed: { tone: 'danger', icon: 'x-circle' },
  cancelled: { tone: 'neutral', icon: 'circle-slash' },
  unknown: { tone: 'neutral', icon: 'help-circle' },
};

export const priorityLook: Record<string, StatusLook> = {
  low: { tone: 'neutral', icon: 'info' },
  medium: { tone: 'info', icon: 'info' },
  high: { tone: 'warning', icon: 'alert-triangle' },
  critical: { tone: 'danger', icon: 'zap' },
  unknown: { tone: 'neutral', icon: 'help-circle' },
};

export const notificationLook: Record<string, StatusLook> = {
  info: { tone: 'info', icon: 'info' },
  success: { tone: 'success', icon: 'check-circle' },
  warning: { tone: 'warning', icon: 'alert-triangle' },
  error: { tone: 'danger', icon: 'x-circle' },
  unknown: { tone: 'neutral', icon: 'bell' },
};

/** A connection status as a page writes it (`status=" Connected "` too: attributes are typed by hand, QA38). */
export function connectionStatusOf(value: unknown): ConnectionStatus | 'unknown' {
  return knownOr(typeof value === 'string' ? value.trim().toLowerCase() : value, CONNECTION_STATUSES);
}

export function workStatusOf(value: unknown): WorkStatus {
  return knownOr(value, WORK_STATUSES);
}

export function connectionText(s: RtStrings, status: ConnectionStatus | 'unknown'): string {
  switch (status) {
    case 'connected':
      return s.connected;
    case 'connecting':
      return s.connecting;
    case 'disconnected':
      return s.disconnected;
    case 'error':
      return s.connectionError;
    default:
      return s.status.unknown;
  }
}

/** Terminal states stop tickers and are announced. */
export const isTerminal: (status: string) => boolean = isTerminalStatus;

export const isActive: (status: string) => boolean = isActiveStatus;

/**
 * A status in words, naming the cause of an `error` that is not the connection's own: an expired
 * session ("Session expired"), a refusal or a row the user cannot see ("No access"), and, for a
 * connected channel whose data is not live for another reason, "Not live"; a configuration that
cannot work (a rejected key, a wrong URL, none given), "Configuration error". Any other error:
 * "Connection error".
 */
export function statusWithCause(s: RtStrings, status: ConnectionStatus | 'unknown', error: RtError | null | undefined, joined = false): string {
  if (status === 'error' && error) {
    if (error.code === 'session-expired') return s.sessionExpired;
    if (error.code === 'forbidden' || error.code === 'not-found') return s.noAccess;
    // Not the network's: the tag's key or URL (QA88a F4: "Connection error" sent people to their firewall).
    if (error.code === 'bad-config' || error.code === 'not-configured') return s.configError;
    if (joined) return s.notLive;
  }
  return connectionText(s, status);
}
