/**
 * Every user-visible English string of the elements, in one place, and the translations.
 *
 * Bundled translations (de, fr, es, ja, ar) are JSON files in `src/locales/`, loaded only when an
 * element asks for that language (see `locale-loader.ts`); until they arrive, elements render
 * English and re-render on arrival. Override or add strings for any locale:
 *
 * ```ts
 * import { registerStrings } from 'rt-monitor';
 * registerStrings('de', { connected: 'Verbunden', markAllRead: 'Alle als gelesen markieren' });
 * ```
 *
 * Lookup tries the exact tag (`de-CH`), then the language (`de`), then English; registered strings
 * win over bundled ones. Locale values are read as everywhere in rt-monitor (src/internal/locale.ts):
 * `" de_CH "` is `de-CH`; a tag `Intl` rejects is English (said once on the console). Strings that
 * take values are functions; numbers and dates arrive already formatted for the locale (see
 * `format.ts`). Functions that take a count get the number as their last argument and pick the
 * plural form with `Intl.PluralRules`.
 */
import { loadLocale } from './locale-loader.js';
import { canonicalLocale, languageOf, localeTag } from './locale.js';

/** The CLDR plural category of `count` in `locale` (`one`, `few`, `other`, …). */
export function pluralOf(locale: string, count: number): string {
  // One PluralRules per locale: constructing one costs more than a whole card's render.
  let rules = pluralRules.get(locale);
  if (!rules) pluralRules.set(locale, (rules = new Intl.PluralRules(localeTag(locale))));
  return rules.select(count);
}
const pluralRules = new Map<string, Intl.PluralRules>();

export const en = {
  // connection statuses
  connected: 'Connected',
  connecting: 'Connecting',
  /** No client yet (none configured; widgets say "not configured" once `ClientController.noClientTimeoutMs` has passed). */
  awaitingClient: 'Waiting for configuration',
  disconnected: 'Disconnected',
  connectionError: 'Connection error',
  /** The connection's status when its cause is the configuration (a rejected key, a wrong URL, none given). */
  configError: 'Configuration error',
  connectionLabel: 'Realtime connection',
  connectionAnnounce: (status: string) => `Realtime connection: ${status}`,
  /** A label before its value ("Started: 5 min ago"): the colon as the language writes it (French: a no-break space before it). */
  labelled: (label: string) => `${label}: `,
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
  channels: 'Channels',
  channelsUsed: (used: string, limit: string) => `${used} of ${limit}`,
  carriedBy: 'on',
  noSubscriptions: 'No active subscriptions',

  // data states
  live: 'Live',
  stale: 'Stale',
  staleHint: 'Showing last known data until it is up to date again',
  connectingData: 'Connecting…',
  connectingHint: 'Showing saved data; live updates start once the connection is confirmed',
  sessionExpired: 'Session expired',
  noAccess: 'No access',
  notLive: 'Not live',
  markReadFailed: 'Could not mark as read. Try again.',
  /** Why an action (Mark read, Mark all as read) failed, by `RtError.code`; shown under `markReadFailed`. */
  actionCauses: {
    network: 'The server cannot be reached.',
    forbidden: 'Your account may not change it.',
    'not-found': 'It no longer exists, or you can no longer see it.',
    'session-expired': 'Your session has expired. Sign in again.',
    unauthorized: 'The server refused your session.',
    server: 'The server reported an error.',
  } as Record<string, string>,
  loading: 'Loading…',
  notFound: 'Not found or no access',
  // Access first: a row hidden by Row Level Security (most often: the account is not a member of the
  // organisation it belongs to, no org_members row) looks exactly like a missing one.
  notFoundHint: 'Your account cannot see it (for example, it is not a member of the organisation it belongs to), or it does not exist.',
  noIdGiven: (what: string) => `No ${what} selected`,
  errorTitle: 'Could not load live data',
  retry: 'Retry',
  errorMessages: {
    'not-configured': 'Realtime is not configured: no Supabase client was provided.',
    'bad-config': 'The configuration is invalid.',
    unauthorized: 'The server refused your session. Renewing it…',
    'session-expired': 'Your session has expired. Sign in again to resume live updates.',
    forbidden: 'Your account has no access to this (for example, it is not a member of the organisation it belongs to).',
    'not-found': 'Not found or no access.',
    network: 'The server cannot be reached. Retrying automatically.',
    server: 'The server reported an error.',
    // By RtError.detail: the Supabase client (or token) was set as an attribute, e.g. client="[object Object]".
    'property-as-attribute': 'The Supabase client reached this widget as text (an attribute), not as the object: set the client property. The browser console shows how.',
    // By RtError.detail: the access token (a function or object) was set as an attribute (QA38: blamed on the client).
    'token-as-attribute': 'The access token reached this widget as text (an attribute), not as the function or object: set the accessToken property. The browser console shows how.',
    // By RtError.detail: the page's Content-Security-Policy refused the connection (src/core/csp.ts).
    'csp-blocked': "This page's Content-Security-Policy blocks the connection to Supabase: add the Supabase URL to connect-src.",
    // By RtError.detail: a request without a user token was refused (src/core/errors.ts).
    'not-signed-in': 'You are not signed in: this needs a signed-in user with access.',
    // By RtError.detail: a user-owned list given another user's id (src/core/feeds/feed.ts; QA41 L6).
    'other-user': "This is another user's data: your account sees only its own.",
    // By RtError.detail: the server rejected a token that nothing renews, and not for its expiry (src/core/session.ts).
    'token-rejected': 'The server rejected your access token as invalid (for example, one from another project).',
    // By RtError.detail: the page's token callback threw or did not answer (src/core/tokens.ts).
    'token-failed': 'Your access token could not be obtained (the sign-in may have ended). Retrying automatically.',
    // By RtError.detail: the script-tag loader could not download its client part (src/cdn/client-part-failed.ts).
    'load-failed': 'Part of rt-monitor could not be downloaded. Reload the page.',
    // By RtError.detail: the WebSocket was closed with a code other than 1006 (src/core/link.ts).
    'socket-closed': 'The server, or a proxy or firewall on the way, closed the realtime connection. Retrying automatically.',
    // By RtError.detail: the WebSocket closed with 1006 (src/core/link.ts); REST may still work.
    'socket-dropped': 'The realtime connection could not be opened, or was dropped (no network, or a proxy or firewall that blocks WebSockets). Retrying automatically.',
    // By RtError.detail: the browser said it is offline, and the server has not answered since (src/core/link.ts).
    offline: 'This browser is offline. Live updates resume when it is back online.',
    // By RtError.detail: HTTP 429, 408 or 425 (src/core/errors.ts), or a read held until a Retry-After (src/core/snapshot-reader.ts).
    busy: 'The server is busy. Retrying shortly.',
    // By RtError.detail: a REST request the server did not answer in time (src/core/rest-source.ts).
    timeout: 'The server did not answer in time.',
    // By RtError.detail: changes arrive long after their commit (src/core/live-query.ts).
    'realtime-behind': 'Live updates are arriving late: the realtime server is behind the database. The data is read again meanwhile.',
    // By RtError.detail: changes and heartbeat answers alike are taken in late (src/core/realtime-lag.ts).
    'delivery-slow': 'Live updates are arriving late: the connection to the realtime server is slow (this page is busy, or the network or the server is slow). The data is read again meanwhile.',
    // By RtError.detail: a change arrived late, and whose delay it is (Realtime's or the connection's) is being checked (src/core/realtime-lag.ts).
    'arriving-late': 'Live updates are arriving late (checking whether the realtime server or the connection is slow). The data is read again meanwhile.',
    // By RtError.detail: a change the database has never arrived over Realtime (src/core/live-query.ts).
    'realtime-undelivered': 'Live updates are late or not arriving: the realtime server has not sent a change the database has. Reconnecting; the data is read again meanwhile.',
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
  amountUnknown: 'Amount unknown',
  currentStep: 'Current step',
  updated: (when: string) => `Updated ${when}`,
  /** A past time under 10 s old, in place of "N seconds ago" (see `formatAgo`). */
  justNow: 'just now',
  neverUpdated: 'Not updated yet',
  /** Badge: the row's progress figures are impossible (e.g. 150 %, more done than total); its title names them. */
  outOfRange: 'Out of range',
  progressComplete: (label: string) => `${label} completed`,
  progressFailed: (label: string) => `${label} failed`,
  progressMilestone: (label: string, pct: string) => `${label}: ${pct}`,

  // streams
  stream: 'stream',
  streamFallback: 'Stream',
  runningAgents: (n: string, count: number) => `${n} running agent${pluralOf('en', count) === 'one' ? '' : 's'}`,
  completedItems: 'Completed',

  // scans
  scan: 'scan',
  scanFallback: 'Acquisition scan',
  targets: (analyzed: string, identified: string, count: number) =>
    `${analyzed} of ${identified} target${pluralOf('en', count) === 'one' ? '' : 's'} analysed`,
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
  /** Spoken: starts and ends of runs in about a second, summed up (after the failed runs). */
  agentUpdates: (n: string, count: number) => `${n} agent update${pluralOf('en', count) === 'one' ? '' : 's'}`,
  /** Spoken: more failed runs in about a second than are named one by one. */
  agentsFailed: (n: string, count: number) => `${n} agent${pluralOf('en', count) === 'one' ? '' : 's'} failed`,

  // alerts
  signalAlerts: 'Signal alerts',
  newCount: (n: string, _count: number) => `${n} new`,
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
  /** A `warning` notification's announcement: the words say its type (QA63 F3). */
  newWarningNotification: (title: string) => `New warning notification: ${title}`,
  /** An `error` notification's announcement, said assertively: the words say it is an error (QA63 F3). */
  newErrorNotification: (title: string) => `New error notification: ${title}`,
  open: 'Open',
  untitled: 'Untitled',

  // live list (a feed of your own table)
  liveList: 'Live data',
  noRows: 'Nothing here yet',

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

/**
 * A translation file as loaded: strings, records of strings, and for function keys strings with
 * positional placeholders (`"Erneuter Versuch {0}"`) or plural forms (`{ "one": …, "other": … }`).
 * The files in src/locales/ use named placeholders; the build turns them positional
 * (scripts/locales.mjs, names from src/internal/string-placeholders.json).
 */
export type StringData = Record<string, string | Record<string, string>>;

/**
 * Turns translation data into a table of the same shape as `en`: strings for function keys become
 * functions; plural forms are picked by `Intl.PluralRules` applied to the last argument (the count).
 */
export function compileStrings(locale: string, data: StringData): Partial<RtStrings> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data))
    out[key] =
      typeof en[key as keyof RtStrings] == 'function'
        ? (...a: unknown[]) =>
            (typeof value == 'string' ? value : (value[pluralOf(locale, a[a.length - 1] as number)] ?? value.other)).replace(
              /\{(\d)\}/g,
              (_, i: number) => String(a[i]),
            )
        : value;
  return out as Partial<RtStrings>;
}

/** Languages with a translation file in `src/locales/` (en-GB and other English tags use `en`). */
export const bundledLanguages = ['de', 'fr', 'es', 'ja', 'ar'];

const tables = new Map<string, Partial<RtStrings>>();
/** Bundled translations by language: the promise while loading, then the table. */
const bundled = new Map<string, Partial<RtStrings> | Promise<void>>();
const resolved = new Map<string, RtStrings>();

/** Register (or extend) translations for a BCP 47 locale or language. They win over bundled ones. */
export function registerStrings(locale: string, strings: Partial<RtStrings>): void {
  const key = (canonicalLocale(locale) || String(locale).trim()).toLowerCase();
  tables.set(key, merge(tables.get(key) ?? {}, strings));
  resolved.clear();
  labels.clear();
}

/**
 * The locale the widgets' words are in for a requested `locale`: its canonical tag (see
 * src/internal/locale.ts: `" de_DE "` → `de-DE`; a tag `Intl` rejects → `en`, said once) when
 * rt-monitor has strings for its language (English, a bundled translation, or one registered with
 * {@link registerStrings}), else `en`. Numbers, dates and relative times are formatted in this locale
 * too, so a sentence is never half English, half another language ("Updated לפני 10 שניות").
 */
export function labelLocale(locale: string): string {
  let label = labels.get(locale);
  if (label === undefined) {
    const tag = localeTag(locale);
    const key = tag.toLowerCase();
    const lang = key.split('-')[0];
    // A bundled language counts once its file has arrived: before, or when it could not be fetched,
    // the words are English, and so are the numbers and times (QA53 F2: "2.100 of 5.000", "Updated
    // letztes Jahr" under English words when locales/de.json was not served).
    const table = bundled.get(lang);
    label = lang === 'en' || tables.has(key) || tables.has(lang) || (table && !(table instanceof Promise) && !unavailable.has(lang)) ? tag : 'en';
    labels.set(locale, label);
  }
  return label;
}
/** labelLocale's answers (read on every render); cleared when strings are registered or a file arrives. */
const labels = new Map<string, string>();
/** Bundled languages whose file could not be fetched (English words, numbers and times). */
const unavailable = new Set<string>();

/** Later tables win; records (`status`, `priority`, …) merge key by key. A pending load counts as empty. */
function merge<T extends object>(...parts: object[]): T {
  const out: Record<string, unknown> = {};
  for (const part of parts)
    for (const [k, v] of Object.entries(part)) {
      const prev = out[k];
      out[k] = v && prev && typeof v == 'object' && typeof prev == 'object' ? { ...prev, ...v } : v;
    }
  return out as T;
}

/**
 * While the bundled translation of `locale`'s language is loading, the promise of its arrival
 * (the load starts on the first call); `undefined` when loaded, failed or not bundled.
 */
export function pendingStrings(locale: string | undefined): Promise<void> | undefined {
  const lang = languageOf(localeTag(locale));
  let b = bundled.get(lang);
  if (!b && bundledLanguages.includes(lang))
    bundled.set(
      lang,
      (b = loadLocale(lang)
        .then((data) => {
          // An error body served as JSON (a gateway's `{"message":"Not Found"}`) is no translation.
          if (typeof (data as Partial<StringData> | null)?.live != 'string') throw new Error(`the file for ${lang} is not an rt-monitor translation`);
          return compileStrings(lang, data as StringData);
        })
        .catch((err: unknown) => {
          console.warn(`rt-monitor: no ${lang} translation (${err}); showing English`);
          unavailable.add(lang);
          return {}; // stay English, do not retry on every render
        })
        .then((table) => {
          bundled.set(lang, table);
          resolved.clear();
          labels.clear();
        })),
    );
  return b instanceof Promise ? b : undefined;
}

/** Loads the bundled translation for `locale` ahead of rendering (resolves at once when there is none). */
export function loadStrings(locale: string): Promise<void> {
  return Promise.resolve(pendingStrings(locale));
}

const FSI = '\u2068';
const PDI = '\u2069';
const ISOLATED = Symbol();

/**
 * The string table for a locale: per key the exact tag, then the language (registered, then bundled),
 * then English. A bundled language not loaded yet gives English and starts the load ({@link loadStrings}).
 *
 * With `isolate` (right-to-left pages), every value inserted into a sentence is wrapped in FSI…PDI
 * (Unicode bidi isolates): a Latin stream name or a number keeps its own direction.
 */
export function stringsFor(locale: string | undefined, isolate = false): RtStrings {
  const key = localeTag(locale).toLowerCase();
  let table = resolved.get(key + isolate);
  if (!table) {
    const lang = key.split('-')[0];
    pendingStrings(lang);
    const t = merge<Record<string | symbol, unknown>>(en, bundled.get(lang) ?? {}, tables.get(lang) ?? {}, tables.get(key) ?? {});
    if ((t[ISOLATED] = isolate))
      for (const [k, v] of Object.entries(t))
        if (typeof v == 'function') t[k] = (...a: unknown[]) => v(...a.map((x) => (typeof x == 'string' ? FSI + x + PDI : x)));
    resolved.set(key + isolate, (table = t as unknown as RtStrings));
  }
  return table;
}

/** `value` wrapped in FSI…PDI when `s` isolates (right-to-left), for attributes and ARIA text. */
export function bidi(s: RtStrings, value: string): string {
  return (s as unknown as Record<symbol, boolean>)[ISOLATED] ? FSI + value + PDI : value;
}
