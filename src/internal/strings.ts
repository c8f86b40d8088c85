/**
 * Every user-visible English string of the elements, in one place.
 *
 * Translate by registering a partial table for a locale:
 *
 * ```ts
 * import { registerStrings } from 'rt-monitor';
 * registerStrings('de', { connected: 'Verbunden', markAllRead: 'Alle als gelesen markieren' });
 * ```
 *
 * Lookup tries the exact tag (`de-CH`), then the language (`de`), then English.
 * Strings that take values are functions; numbers and dates arrive already
 * formatted for the locale (see `format.ts`).
 */

export const en = {
  // connection statuses
  connected: 'Connected',
  connecting: 'Connecting',
  disconnected: 'Disconnected',
  connectionError: 'Connection error',
  connectionLabel: 'Realtime connection',
  connectionAnnounce: (status: string) => `Realtime connection: ${status}`,
  latency: 'Latency',
  retryIn: (when: string) => `Retrying ${when}`,
  attempt: (n: string) => `Attempt ${n}`,
  lastError: 'Last error',
  lastHeartbeat: 'Last heartbeat',
  connectionDetails: 'Connection details',
  notAvailable: '—',

  // multi connection
  subscriptions: 'Subscriptions',
  subscriptionsSummary: (connected: string, total: string) => `${connected} of ${total} connected`,
  noSubscriptions: 'No active subscriptions',

  // data states
  live: 'Live',
  stale: 'Stale',
  staleHint: 'Showing last known data while reconnecting',
  connectingData: 'Connecting…',
  connectingHint: 'Showing saved data; live updates start once the connection is confirmed',
  sessionExpired: 'Session expired',
  noAccess: 'No access',
  notLive: 'Not live',
  markReadFailed: 'Could not mark as read. Try again.',
  loading: 'Loading…',
  notFound: 'Not found or no access',
  notFoundHint: 'It may have been deleted, or your account cannot see it.',
  noIdGiven: (what: string) => `No ${what} selected`,
  errorTitle: 'Could not load live data',
  retry: 'Retry',
  errorMessages: {
    'not-configured': 'Realtime is not configured: no Supabase client was provided.',
    'bad-config': 'The realtime configuration is invalid.',
    unauthorized: 'The server refused your session. Renewing it…',
    'session-expired': 'Your session has expired. Sign in again to resume live updates.',
    forbidden: 'You are not signed in, or your account has no access to this.',
    'not-found': 'Not found or no access.',
    network: 'The server cannot be reached. Retrying automatically.',
    server: 'The server reported an error.',
    // By RtError.detail: the Supabase client (or token) was set as an attribute, e.g. client="[object Object]".
    'property-as-attribute': 'The Supabase client reached this widget as text (an attribute), not as the object: set the client property. The browser console shows how.',
  } as Record<string, string>,

  // statuses (goal, scan, execution)
  status: {
    pending: 'Pending',
    in_progress: 'In progress',
    paused: 'Paused',
    completed: 'Completed',
    failed: 'Failed',
    queued: 'Queued',
    running: 'Running',
    cancelled: 'Cancelled',
    unknown: 'Unknown',
  } as Record<string, string>,
  priority: {
    low: 'Low',
    medium: 'Medium',
    high: 'High',
    critical: 'Critical',
    unknown: 'Unknown',
  } as Record<string, string>,
  priorityLabel: (p: string) => `${p} priority`,
  notificationType: {
    info: 'Info',
    success: 'Success',
    warning: 'Warning',
    error: 'Error',
    unknown: 'Notice',
  } as Record<string, string>,

  // progress
  progress: 'Progress',
  progressOf: (completed: string, total: string) => `${completed} of ${total}`,
  percentComplete: (pct: string) => `${pct} complete`,
  indeterminate: 'In progress, amount unknown',
  currentStep: 'Current step',
  updated: (when: string) => `Updated ${when}`,
  neverUpdated: 'Not updated yet',
  progressComplete: (label: string) => `${label} completed`,
  progressFailed: (label: string) => `${label} failed`,
  progressMilestone: (label: string, pct: string) => `${label}: ${pct}`,

  // streams
  stream: 'stream',
  streamFallback: 'Stream',
  runningAgents: (n: string) => `${n} running agents`,
  runningAgentsOne: '1 running agent',
  completedItems: 'Completed',

  // scans
  scan: 'scan',
  scanFallback: 'Acquisition scan',
  targets: (analyzed: string, identified: string) => `${analyzed} of ${identified} targets analysed`,
  duration: 'Duration',
  started: 'Started',
  notStarted: 'Not started',
  scans: 'Scans',
  noScans: 'No scans yet',

  // agents
  agents: 'Agent activity',
  runningNow: 'Running now',
  recent: 'Recent',
  noAgents: 'No agent activity yet',
  noRunningAgents: 'No agents running',
  elapsed: 'Elapsed',
  agentFallback: 'Agent',
  agentStarted: (agent: string) => `${agent} started`,
  agentFinished: (agent: string, outcome: string) => `${agent} ${outcome}`,

  // alerts
  signalAlerts: 'Signal alerts',
  newCount: (n: string) => `${n} new`,
  markAllRead: 'Mark all as read',
  markRead: 'Mark read',
  unread: 'Unread',
  noAlerts: 'No signal alerts',
  newAlert: (business: string, type: string, priority: string) => `New ${priority} signal: ${business}, ${type}`,
  businessFallback: 'Unnamed business',

  // notifications
  notifications: 'Notifications',
  noNotifications: 'You are all caught up',
  newNotification: (title: string) => `New notification: ${title}`,
  open: 'Open',
  untitled: 'Untitled',

  // dashboard
  dashboard: 'Live monitoring',
  streams: 'Streams',
  noStreams: 'No streams in this organisation',
  agentStream: 'Stream',

  // diagnostics
  diagnostics: 'Realtime diagnostics',
  heartbeatLatency: 'Heartbeat latency',
  reconnectAttempts: 'Reconnect attempts',
  nextRetry: 'Next retry',
  tokenExpiry: 'Token expires',
  tokenExpired: 'Expired',
  staleSince: 'Stale since',
  none: 'None',
  channel: 'Channel',
  table: 'Table',
  filter: 'Filter',
  consumers: 'Consumers',
  statusHeading: 'Status',
  activeSubscriptions: 'Active subscriptions',
};

export type RtStrings = typeof en;

const tables = new Map<string, Partial<RtStrings>>();
const resolved = new Map<string, RtStrings>();

/** Register (or extend) translations for a BCP 47 locale or language. */
export function registerStrings(locale: string, strings: Partial<RtStrings>): void {
  const key = locale.toLowerCase();
  tables.set(key, { ...(tables.get(key) ?? {}), ...strings });
  resolved.clear();
}

/** The string table for a locale, falling back per key to the language and then to English. */
export function stringsFor(locale: string | undefined): RtStrings {
  const key = (locale ?? 'en').toLowerCase();
  let table = resolved.get(key);
  if (!table) {
    const lang = key.split('-')[0];
    table = { ...en, ...(tables.get(lang) ?? {}), ...(tables.get(key) ?? {}) } as RtStrings;
    resolved.set(key, table);
  }
  return table;
}
